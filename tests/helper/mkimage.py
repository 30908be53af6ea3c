#!/usr/bin/env python3
"""mkimage.py: image archives for brig load, made here from a root
filesystem and from crafted (hostile) layers.

  mkimage.py layer ROOTFS OUT.tar          a layer of a directory
  mkimage.py evil KIND OUT.tar             a hostile layer (KINDS below)
  mkimage.py layer2 OUT.tar                a second layer: a file, a whiteout
                                           of /home, /var made opaque
  mkimage.py docker OUT.tar LAYER... [opts]   a `docker save` archive
  mkimage.py oci OUT(.tar|DIR) LAYER... [opts] an OCI layout (a tar or a dir)

Options: --tag NAME, --user U, --entrypoint JSON, --cmd JSON, --env K=V,
--workdir D, --expose P, --volume PATH, --healthcheck JSON, --label K=V, --compress none|gzip|zstd,
--multi (an index with linux/arm64 first and this machine's image),
--arch A (docker: the config's architecture),
--corrupt-layer, --wrong-digest, --missing-layer, --truncate N,
--gzip-archive."""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

KINDS = ["dotdot", "absolute", "symlink-escape", "symlink-parent", "hardlink-escape",
         "hardlink-absolute", "device", "setuid", "bomb", "whiteout-dotdot", "xattr"]


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def tar_bytes(add):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        add(t)
    return buf.getvalue()


def file_info(name, data=b"", mode=0o644, **kw):
    i = tarfile.TarInfo(name)
    i.size = len(data)
    i.mode = mode
    for k, v in kw.items():
        setattr(i, k, v)
    return i, io.BytesIO(data)


def special(name, type, linkname="", dev=(0, 0)):
    """A link, device or other entry without data."""
    i = tarfile.TarInfo(name)
    i.type = type
    i.linkname = linkname
    i.devmajor, i.devminor = dev
    return i


def layer(rootfs):
    def add(t):
        for entry in sorted(os.listdir(rootfs)):
            t.add(os.path.join(rootfs, entry), arcname=entry,
                  filter=lambda i: (setattr(i, "uid", 0), setattr(i, "gid", 0), i)[2])
    return tar_bytes(add)


def layer2():
    def add(t):
        t.addfile(*file_info("hello.txt", b"from the second layer\n"))
        t.addfile(*file_info(".wh.home"))
        t.addfile(*file_info("var/.wh..wh..opq"))
        t.addfile(*file_info("var/new", b"new\n"))
        t.addfile(*file_info("owned", b"by 1000\n", uid=1000, gid=1001))
    return tar_bytes(add)


def evil(kind):
    def add(t):
        if kind == "dotdot":
            t.addfile(*file_info("ok.txt", b"ok"))
            t.addfile(*file_info("../../../../tmp/brig-evil-dotdot", b"escaped"))
        elif kind == "absolute":
            t.addfile(*file_info("/brig-evil-absolute", b"inside"))
        elif kind == "symlink-escape":
            # a link to the host's /tmp, then a file written through it
            t.addfile(special("esc", tarfile.SYMTYPE, "/tmp"))
            t.addfile(*file_info("esc/brig-evil-symlink", b"escaped"))
        elif kind == "symlink-parent":
            t.addfile(special("up", tarfile.SYMTYPE, "../../../../../../"))
            t.addfile(*file_info("up/brig-evil-parent", b"where am I"))
        elif kind == "hardlink-escape":
            t.addfile(special("hl", tarfile.LNKTYPE, "../../../../etc/passwd"))
        elif kind == "hardlink-absolute":
            t.addfile(special("hl", tarfile.LNKTYPE, "/etc/hostname-of-host-not-in-layer"))
        elif kind == "device":
            t.addfile(special("dev/evil-mem", tarfile.CHRTYPE, dev=(1, 1)))
            t.addfile(special("dev/evil-disk", tarfile.BLKTYPE, dev=(8, 0)))
            t.addfile(*file_info("after-devices", b"ok"))
        elif kind == "setuid":
            t.addfile(*file_info("suid-file", b"#!/bin/sh\n", mode=0o6755))
        elif kind == "bomb":
            t.addfile(*file_info("zeros", b"\0" * (8 << 20)))
        elif kind == "whiteout-dotdot":
            t.addfile(*file_info("etc/.wh.."))
        elif kind == "xattr":
            i, f = file_info("x", b"x")
            i.pax_headers = {"SCHILY.xattr.trusted.overlay.redirect": "/etc",
                             "SCHILY.xattr.user.ok": "kept"}
            t.addfile(i, f)
        else:
            sys.exit("evil: unknown kind %s: expected one of %s" % (kind, ", ".join(KINDS)))
    return tar_bytes(add)


def compress(data, how):
    if how == "gzip":
        return gzip.compress(data, mtime=0)
    if how == "zstd":
        return subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE,
                              check=True).stdout
    return data


def parse_opts(args):
    o = {"layers": [], "tag": None, "env": [], "expose": [], "compress": "none"}
    it = iter(args)
    for a in it:
        if a in ("--tag", "--user", "--workdir", "--compress", "--truncate", "--arch"):
            o[a[2:]] = next(it)
        elif a in ("--entrypoint", "--cmd", "--healthcheck"):
            o[a[2:]] = json.loads(next(it))
        elif a == "--env":
            o["env"].append(next(it))
        elif a == "--expose":
            o["expose"].append(next(it))
        elif a == "--volume":
            o.setdefault("volumes", []).append(next(it))
        elif a == "--label":
            o.setdefault("labels", []).append(next(it))
        elif a.startswith("--"):
            o[a[2:].replace("-", "_")] = True
        else:
            o["layers"].append(open(a, "rb").read())
    return o


def host_arch():
    m = os.uname().machine
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(m, m)


def config_of(o, diff_ids, arch):
    c = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] + o["env"]}
    for k, key in (("user", "User"), ("entrypoint", "Entrypoint"), ("cmd", "Cmd"),
                   ("workdir", "WorkingDir")):
        if k in o:
            c[key] = o[k]
    if o["expose"]:
        c["ExposedPorts"] = {p: {} for p in o["expose"]}
    if o.get("volumes"):
        c["Volumes"] = {p: {} for p in o["volumes"]}
    if "healthcheck" in o:
        c["Healthcheck"] = {"Test": o["healthcheck"], "Interval": 30000000000}
    if o.get("labels"):
        c["Labels"] = dict(x.split("=", 1) for x in o["labels"])
    return json.dumps({"architecture": arch, "os": "linux", "created": "2024-01-01T00:00:00Z",
                       "config": c, "rootfs": {"type": "layers", "diff_ids": diff_ids}},
                      sort_keys=True).encode()


def write_members(out, members, as_dir, truncate=None, gz=False):
    if as_dir:
        for name, data in members:
            p = os.path.join(out, name)
            os.makedirs(os.path.dirname(p) or ".", exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
        return
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        seen = set()
        for name, data in members:
            if name in seen:
                continue
            seen.add(name)
            i = tarfile.TarInfo(name)
            i.size = len(data)
            t.addfile(i, io.BytesIO(data))
    data = buf.getvalue()
    if truncate:
        data = data[:int(truncate)]
    if gz:
        data = gzip.compress(data, mtime=0)
    with open(out, "wb") as f:
        f.write(data)


def image_blobs(o, arch):
    """(config bytes, [(layer bytes, diff_id)])"""
    layers = []
    for raw in o["layers"]:
        diff_id = sha(raw)
        blob = compress(raw, o["compress"])
        layers.append((blob, diff_id))
    cfg = config_of(o, [d for _, d in layers], arch)
    return cfg, layers


def docker(out, o):
    cfg, layers = image_blobs(o, o.get("arch") or host_arch())
    cfg_name = sha(cfg)[7:] + ".json"
    members = [(cfg_name, cfg)]
    names = []
    for blob, _ in layers:
        h = sha(blob)[7:]
        name = h + "/layer.tar"
        names.append(name)
        if o.get("corrupt_layer"):
            blob = blob[:-600] + bytes([blob[-600] ^ 0xff]) + blob[-599:]
        if not o.get("missing_layer"):
            members.append((name, blob))
    manifest = [{"Config": cfg_name, "RepoTags": [o["tag"]] if o["tag"] else None,
                 "Layers": names}]
    members.insert(0, ("manifest.json", json.dumps(manifest).encode()))
    write_members(out, members, False, o.get("truncate"), o.get("gzip_archive"))


def oci_manifest(o, arch, members):
    cfg, layers = image_blobs(o, arch)
    members.append(("blobs/sha256/" + sha(cfg)[7:], cfg))
    mt = {"none": "application/vnd.oci.image.layer.v1.tar",
          "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
          "zstd": "application/vnd.oci.image.layer.v1.tar+zstd"}[o["compress"]]
    descs = []
    for blob, _ in layers:
        d = sha(blob)
        if o.get("wrong_digest"):
            d = sha(blob + b"x")
        descs.append({"mediaType": mt, "digest": d, "size": len(blob)})
        stored = blob
        if o.get("corrupt_layer"):
            stored = blob[:-600] + bytes([blob[-600] ^ 0xff]) + blob[-599:]
        if not o.get("missing_layer"):
            members.append(("blobs/sha256/" + d[7:], stored))
    m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                               "digest": sha(cfg), "size": len(cfg)},
                    "layers": descs}).encode()
    members.append(("blobs/sha256/" + sha(m)[7:], m))
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(m),
            "size": len(m), "platform": {"os": "linux", "architecture": arch}}


def oci(out, o):
    members = [("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')]
    descs = []
    if o.get("multi"):
        other = dict(o, cmd=["echo", "the arm64 image"])
        descs.append(oci_manifest(other, "arm64" if host_arch() != "arm64" else "s390x", members))
    descs.append(oci_manifest(o, host_arch(), members))
    if o.get("multi"):
        idx = json.dumps({"schemaVersion": 2,
                          "mediaType": "application/vnd.oci.image.index.v1+json",
                          "manifests": descs}).encode()
        members.append(("blobs/sha256/" + sha(idx)[7:], idx))
        top = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": sha(idx),
               "size": len(idx)}
    else:
        top = dict(descs[0])
        del top["platform"]
    if o["tag"]:
        top["annotations"] = {"org.opencontainers.image.ref.name": o["tag"]}
    members.append(("index.json", json.dumps({"schemaVersion": 2, "manifests": [top]}).encode()))
    as_dir = not out.endswith(".tar")
    if as_dir:
        os.makedirs(out, exist_ok=True)
    write_members(out, members, as_dir, o.get("truncate"), o.get("gzip_archive"))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, out = sys.argv[1], sys.argv[2]
    if cmd == "layer":
        data = layer(sys.argv[2])
        out = sys.argv[3]
    elif cmd == "layer2":
        data = layer2()
    elif cmd == "evil":
        data = evil(sys.argv[2])
        out = sys.argv[3]
    elif cmd == "docker":
        return docker(out, parse_opts(sys.argv[3:]))
    elif cmd == "oci":
        return oci(out, parse_opts(sys.argv[3:]))
    else:
        sys.exit(__doc__)
    with open(out, "wb") as f:
        f.write(data)


main()
