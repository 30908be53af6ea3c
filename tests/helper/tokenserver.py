#!/usr/bin/env python3
"""tokenserver.py: the token server of a docker-registry configured with
`auth: token:` (distribution's token authentication), for tests/integration/pull.sh.

  tokenserver.py KEY.pem CERT.pem PORT USER:PASS ISSUER SERVICE [TLSCERT TLSKEY]

GET /token?service=S&scope=repository:NAME:pull,push with Basic USER:PASS
answers {"token": JWT}: RS256, signed with KEY, its certificate in the
header's x5c (the registry's rootcertbundle holds CERT), granting the
actions asked for.  Wrong or no credentials: 401.  Every request is
logged on stderr as `token: <user or -> <scope>` so a test can see who
asked for what.  With TLSCERT and TLSKEY it speaks HTTPS."""
import base64
import json
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def main():
    key_pem, cert_pem, port, creds, issuer, service = sys.argv[1:7]
    key = serialization.load_pem_private_key(open(key_pem, "rb").read(), None)
    cert = x509.load_pem_x509_certificate(open(cert_pem, "rb").read())
    x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()

    def token(scope):
        access = []
        if scope:
            kind, name, actions = scope.split(":", 2)
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        head = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
        claims = {"iss": issuer, "sub": creds.split(":")[0], "aud": service, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": str(now), "access": access}
        signing = b64url(json.dumps(head).encode()) + "." + b64url(json.dumps(claims).encode())
        sig = key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing + "." + b64url(sig)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            q = parse_qs(urlparse(self.path).query)
            scope = q.get("scope", [""])[0]
            got = self.headers.get("Authorization", "")
            user = "-"
            if got.startswith("Basic "):
                user = base64.b64decode(got[6:]).decode(errors="replace")
            sys.stderr.write("token: %s %s\n" % (user.split(":")[0], scope))
            sys.stderr.flush()
            if user != creds or q.get("service", [""])[0] != service:
                self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = json.dumps({"token": token(scope)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = HTTPServer(("127.0.0.1", int(port)), Handler)
    if len(sys.argv) > 8:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[7], sys.argv[8])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


main()
