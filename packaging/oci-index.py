#!/usr/bin/env python3
"""oci-index.py LAYOUT TAG SRC_TAG... - tag TAG in the OCI image layout LAYOUT
as a multi-platform image index over the images tagged SRC_TAG... (make image:
0.1.0 over 0.1.0-amd64 and 0.1.0-arm64; umoci builds those images but writes
no index).

Written to the OCI image spec v1.1.0
(github.com/opencontainers/image-spec/blob/v1.1.0/):
- image-index.md: the index is a blob of media type
  application/vnd.oci.image.index.v1+json with schemaVersion 2 and a
  "manifests" list of descriptors (descriptor.md: mediaType, digest, size),
  each image manifest's descriptor with a "platform" {architecture, os,
  variant when set} taken from the image's config (config.md).
- image-layout.md: blobs live in blobs/<alg>/<hex>; index.json (itself an
  image index) names them, and the annotation org.opencontainers.image.ref.name
  (annotations.md) is the tag. The new index blob gets tag TAG there; the
  per-platform images keep their own tags.

The blob's bytes are fixed by its input (key order, no whitespace), so the
same images give the same digest. Standard library only.
"""
import hashlib
import json
import os
import sys

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
REF = "org.opencontainers.image.ref.name"


def blob_path(layout, digest):
    alg, _, hexpart = digest.partition(":")
    return os.path.join(layout, "blobs", alg, hexpart)


def read_blob(layout, digest):
    with open(blob_path(layout, digest), "rb") as f:
        data = f.read()
    if "sha256:" + hashlib.sha256(data).hexdigest() != digest:
        sys.exit("oci-index: blob %s does not match its digest" % digest)
    return json.loads(data)


def write_blob(layout, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    with open(blob_path(layout, digest), "wb") as f:
        f.write(data)
    return digest


def platform_descriptor(layout, desc):
    """The image manifest's descriptor with the platform its config names."""
    if desc.get("mediaType") != MANIFEST:
        sys.exit("oci-index: tag %s is a %s, not an image manifest" % (desc["annotations"][REF], desc.get("mediaType")))
    config = read_blob(layout, read_blob(layout, desc["digest"])["config"]["digest"])
    platform = {"architecture": config["architecture"], "os": config["os"]}
    if config.get("variant"):
        platform["variant"] = config["variant"]
    return {"mediaType": MANIFEST, "digest": desc["digest"], "size": desc["size"], "platform": platform}


def main(layout, tag, sources):
    with open(os.path.join(layout, "index.json")) as f:
        top = json.load(f)
    by_tag = {d.get("annotations", {}).get(REF): d for d in top["manifests"]}
    missing = [s for s in sources if s not in by_tag]
    if missing:
        sys.exit("oci-index: %s has no tag %s" % (layout, ", ".join(missing)))
    entries = [platform_descriptor(layout, by_tag[s]) for s in sources]
    blob = json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": entries},
                      separators=(",", ":")).encode()
    digest = write_blob(layout, blob)
    top["manifests"] = [d for d in top["manifests"] if d.get("annotations", {}).get(REF) != tag]
    top["manifests"].append({"mediaType": INDEX, "digest": digest, "size": len(blob), "annotations": {REF: tag}})
    with open(os.path.join(layout, "index.json.tmp"), "w") as f:
        json.dump(top, f, separators=(",", ":"))
    os.replace(os.path.join(layout, "index.json.tmp"), os.path.join(layout, "index.json"))
    plats = ", ".join("%s/%s" % (e["platform"]["os"], e["platform"]["architecture"]) for e in entries)
    print("oci-index: %s:%s is the index %s of %s" % (layout, tag, digest, plats))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: oci-index.py LAYOUT TAG SRC_TAG...")
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
