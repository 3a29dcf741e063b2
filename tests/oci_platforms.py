#!/usr/bin/env python3
"""oci_platforms.py LAYOUT TAG - read the OCI image layout LAYOUT as a client
would (OCI image spec v1.1.0: image-layout.md, image-index.md, manifest.md,
config.md) and print one line "ARCH MANIFEST_DIGEST" per platform of the
image index tagged TAG (make test-dist). Fails, saying why, unless TAG names
an image index whose every entry is an image manifest with a platform, every
blob on the way matches its digest and size, and each image's config names
the same os and architecture as its index entry."""
import hashlib
import json
import os
import sys

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
REF = "org.opencontainers.image.ref.name"


def fail(msg):
    sys.exit("oci_platforms: " + msg)


def blob(layout, desc):
    alg, _, hexpart = desc["digest"].partition(":")
    with open(os.path.join(layout, "blobs", alg, hexpart), "rb") as f:
        data = f.read()
    if alg != "sha256" or hashlib.sha256(data).hexdigest() != hexpart or len(data) != desc["size"]:
        fail("blob %s does not match its descriptor's digest and size" % desc["digest"])
    return json.loads(data)


def platforms(layout, tag):
    with open(os.path.join(layout, "index.json")) as f:
        top = json.load(f)
    tagged = [d for d in top["manifests"] if d.get("annotations", {}).get(REF) == tag]
    if len(tagged) != 1 or tagged[0]["mediaType"] != INDEX:
        fail("tag %s is not one image index in %s/index.json" % (tag, layout))
    index = blob(layout, tagged[0])
    if index.get("schemaVersion") != 2 or index.get("mediaType") != INDEX:
        fail("the index blob has schemaVersion %r, mediaType %r" % (index.get("schemaVersion"), index.get("mediaType")))
    for d in index["manifests"]:
        p = d.get("platform") or fail("entry %s has no platform" % d["digest"])
        if d["mediaType"] != MANIFEST:
            fail("entry %s is a %s, not an image manifest" % (d["digest"], d["mediaType"]))
        config = blob(layout, blob(layout, d)["config"])
        if (config["os"], config["architecture"]) != (p["os"], p["architecture"]):
            fail("entry %s says %s/%s, its config %s/%s" % (d["digest"], p["os"], p["architecture"],
                                                           config["os"], config["architecture"]))
        if p["os"] != "linux":
            fail("entry %s is for %s, not linux" % (d["digest"], p["os"]))
        yield p["architecture"], d["digest"]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        fail("usage: oci_platforms.py LAYOUT TAG")
    for arch, digest in platforms(sys.argv[1], sys.argv[2]):
        print(arch, digest)
