#!/bin/sh
# image.sh VERSION STATIC_BINARY - the container image (make image), built
# without a container daemon by umoci. The same recipe as ../Dockerfile's final
# stage: scratch + the static binary at /usr/local/bin/deploy2sts, entrypoint
# deploy2sts, an unprivileged user, no shell. Writes
#   dist/deploy2sts-VERSION-oci/      OCI image layout, tag VERSION
#   dist/deploy2sts-VERSION-oci.tar   the same layout as one file
# Push or load it with e.g. `skopeo copy oci:dist/deploy2sts-VERSION-oci:VERSION
# docker://REGISTRY/deploy2sts:VERSION` or `podman load -i ...-oci.tar`.
set -eu
VERSION=$1
BIN=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
SOURCE_URL=$(sed -n 's/^sourceURL:[[:space:]]*//p' plugin.yaml)
L=dist/deploy2sts-$VERSION-oci
IMG=$L:$VERSION
BUNDLE=dist/image-bundle
rm -rf "$L" "$L.tar" "$BUNDLE"
mkdir -p dist
umoci init --layout "$L"
umoci new --image "$IMG"
umoci unpack --rootless --image "$IMG" "$BUNDLE"
install -d -m 755 "$BUNDLE/rootfs/usr/local/bin"
strip -o "$BUNDLE/rootfs/usr/local/bin/deploy2sts" "$BIN"
chmod 755 "$BUNDLE/rootfs/usr/local/bin/deploy2sts"
umoci repack --image "$IMG" --history.created_by "COPY deploy2sts /usr/local/bin/deploy2sts" "$BUNDLE"
rm -rf "$BUNDLE"
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
umoci config --image "$IMG" --os linux --architecture amd64 --created "$created" \
	--config.entrypoint /usr/local/bin/deploy2sts \
	--config.env PATH=/usr/local/bin --config.user 65532:65532 --config.workingdir / \
	--config.label org.opencontainers.image.title=deploy2sts \
	--config.label org.opencontainers.image.version="$VERSION" \
	--config.label org.opencontainers.image.licenses=Apache-2.0 \
	--config.label org.opencontainers.image.source="$SOURCE_URL" \
	--history.created_by 'ENTRYPOINT ["/usr/local/bin/deploy2sts"] USER 65532:65532'
umoci gc --layout "$L"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$L" -cf "$L.tar" .
echo "image: $L (tag $VERSION) and $L.tar"
sh packaging/sha256sums.sh dist
