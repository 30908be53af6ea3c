#!/usr/bin/env python3
"""regfront.py: a registry front for tests/integration/pull.sh, speaking
the distribution API the way some registries do where docker-registry
with local storage does not.

  regfront.py MODE REGISTRY FRONT_PORT BLOB_PORT

REGISTRY is HOST:PORT of a docker-registry (plain HTTP, no auth).  The
front (127.0.0.1:FRONT_PORT) asks for Basic alice:pw on /v2/ and the
manifests, which it copies from REGISTRY.  Blobs:
  redirect   307 to 127.0.0.1:BLOB_PORT (another port: another origin),
             which serves them from REGISTRY and logs on stderr
             `blob-auth: <Authorization header or ->`
  loop       307 back to the front itself, forever
  blob401    307 to BLOB_PORT as redirect, which answers 401 with a Bearer
             challenge whose realm is its own /token; a request there is
             logged on stderr as `token-auth: <Authorization header or ->`
  big        manifests are answered with 5 MiB of JSON
  busy       the first request of each manifest and blob is answered 503
             with Retry-After: 1 (logged on stderr as `busy: PATH`), then
             as redirect
  down       manifests are always answered 503 (Retry-After: 0) with the
             distribution spec's error body
"""
import base64
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    mode, registry, fport, bport = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    want = "Basic " + base64.b64encode(b"alice:pw").decode()
    seen = set()
    down = b'{"errors": [{"code": "UNAVAILABLE", "message": "down for maintenance"}]}'

    def fetch(path):
        req = urllib.request.Request("http://%s%s" % (registry, path))
        req.add_header("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
                       "application/vnd.oci.image.manifest.v1+json")
        with urllib.request.urlopen(req) as r:
            return r.read(), r.headers.get("Content-Type", "application/json")

    class Front(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, status, body=b"", ctype="application/json", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.headers.get("Authorization", "") != want:
                self.reply(401, b"{}", headers=[("WWW-Authenticate", 'Basic realm="front"')])
                return
            if self.path == "/v2/":
                self.reply(200, b"{}")
            elif mode == "busy" and self.path not in seen:
                seen.add(self.path)
                sys.stderr.write("busy: %s\n" % self.path)
                sys.stderr.flush()
                self.reply(503, b"{}", headers=[("Retry-After", "1")])
            elif mode == "down" and "/manifests/" in self.path:
                self.reply(503, down, headers=[("Retry-After", "0")])
            elif "/manifests/" in self.path:
                if mode == "big":
                    self.reply(200, b'{"schemaVersion":2,"pad":"' + b"x" * (5 << 20) + b'"}',
                               "application/vnd.oci.image.manifest.v1+json")
                    return
                body, ctype = fetch(self.path)
                self.reply(200, body, ctype)
            elif "/blobs/" in self.path:
                port = fport if mode == "loop" else bport
                self.reply(307, headers=[("Location", "http://127.0.0.1:%d%s" % (port, self.path))])
            else:
                self.reply(404, b"{}")

        def log_message(self, *a):
            pass

    class Blobs(Front):
        def do_GET(self):
            if mode == "blob401":
                if self.path.startswith("/token"):
                    sys.stderr.write("token-auth: %s\n" % self.headers.get("Authorization", "-"))
                    sys.stderr.flush()
                    self.reply(200, b'{"token": "t"}')
                else:
                    realm = "http://127.0.0.1:%d/token" % bport
                    self.reply(401, b"{}", headers=[("WWW-Authenticate",
                                                     'Bearer realm="%s",service="x"' % realm)])
                return
            sys.stderr.write("blob-auth: %s\n" % self.headers.get("Authorization", "-"))
            sys.stderr.flush()
            body, _ = fetch(self.path)
            self.reply(200, body, "application/octet-stream")

    b = ThreadingHTTPServer(("127.0.0.1", bport), Blobs)
    threading.Thread(target=b.serve_forever, daemon=True).start()
    ThreadingHTTPServer(("127.0.0.1", fport), Front).serve_forever()


main()
