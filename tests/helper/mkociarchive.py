#!/usr/bin/env python3
"""mkociarchive.py ROOTFS NAME OUT.tar: a one-layer OCI image archive of
ROOTFS, tagged NAME, for `ctr image import` (no registry is needed)."""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import time

rootfs, name, out = sys.argv[1:4]

layer_tar = io.BytesIO()
with tarfile.open(fileobj=layer_tar, mode="w") as t:
    for entry in sorted(os.listdir(rootfs)):
        t.add(os.path.join(rootfs, entry), arcname=entry)
diff_id = hashlib.sha256(layer_tar.getvalue()).hexdigest()
layer = gzip.compress(layer_tar.getvalue(), mtime=0)


def blob(data):
    return hashlib.sha256(data).hexdigest(), data


layer_digest, _ = blob(layer)
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Cmd": ["sh"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
}).encode()
config_digest, _ = blob(config)
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
               "digest": "sha256:" + config_digest, "size": len(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": "sha256:" + layer_digest, "size": len(layer)}],
}).encode()
manifest_digest, _ = blob(manifest)
index = json.dumps({
    "schemaVersion": 2,
    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "digest": "sha256:" + manifest_digest, "size": len(manifest),
                   "annotations": {"io.containerd.image.name": name,
                                   "org.opencontainers.image.ref.name": name.split(":")[-1]}}],
}).encode()

with tarfile.open(out, "w") as t:
    def add(path, data):
        info = tarfile.TarInfo(path)
        info.size = len(data)
        info.mtime = int(time.time())
        t.addfile(info, io.BytesIO(data))
    add("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
    add("index.json", index)
    for digest, data in ((layer_digest, layer), (config_digest, config), (manifest_digest, manifest)):
        add("blobs/sha256/" + digest, data)
