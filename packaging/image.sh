#!/bin/sh
# image.sh VERSION ARCH=STATIC_BINARY... - the multi-platform container image
# (make image), built without a container daemon by umoci: one image per
# platform linux/ARCH given, each the same recipe as ../Dockerfile's final
# stage (scratch + the static binary at /usr/local/bin/deploy2sts, entrypoint
# deploy2sts, an unprivileged user, no shell), and an OCI image index over them
# (packaging/oci-index.py). Writes
#   dist/deploy2sts-VERSION-oci/      OCI image layout: tag VERSION is the index,
#                                     tag VERSION-ARCH each platform's image
#   dist/deploy2sts-VERSION-oci.tar   the same layout as one file
# Push it with e.g. `skopeo copy --all oci:dist/deploy2sts-VERSION-oci:VERSION
# docker://REGISTRY/deploy2sts:VERSION` (--all: the index and every image).
set -eu
VERSION=$1
shift
[ $# -gt 0 ] || { echo "usage: image.sh VERSION ARCH=STATIC_BINARY..." >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. packaging/arch.sh
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
SOURCE_URL=$(sed -n 's/^sourceURL:[[:space:]]*//p' plugin.yaml)
L=dist/deploy2sts-$VERSION-oci
BUNDLE=dist/image-bundle

# image ARCH BINARY: the image for linux/ARCH in the layout, tag VERSION-ARCH
image() {
	img=$L:$VERSION-$1
	arch_is_static "$1" "$2" || {
		echo "image: $2 is not a static $(arch_file "$1") binary (make static ARCH=$1)" >&2; exit 1; }
	rm -rf "$BUNDLE"
	umoci new --image "$img"
	umoci unpack --rootless --image "$img" "$BUNDLE"
	install -d -m 755 "$BUNDLE/rootfs/usr/local/bin"
	arch_strip "$1" "$2" "$BUNDLE/rootfs/usr/local/bin/deploy2sts"
	chmod 755 "$BUNDLE/rootfs/usr/local/bin/deploy2sts"
	umoci repack --image "$img" --history.created_by "COPY deploy2sts /usr/local/bin/deploy2sts" "$BUNDLE"
	rm -rf "$BUNDLE"
	umoci config --image "$img" --os linux --architecture "$1" --created "$created" \
		--config.entrypoint /usr/local/bin/deploy2sts \
		--config.env PATH=/usr/local/bin --config.user 65532:65532 --config.workingdir / \
		--config.label org.opencontainers.image.title=deploy2sts \
		--config.label org.opencontainers.image.version="$VERSION" \
		--config.label org.opencontainers.image.licenses=Apache-2.0 \
		--config.label org.opencontainers.image.source="$SOURCE_URL" \
		--history.created_by 'ENTRYPOINT ["/usr/local/bin/deploy2sts"] USER 65532:65532'
	echo "image: linux/$1 image, tag $VERSION-$1"
}

created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
rm -rf "$L" "$L.tar" "$BUNDLE"
mkdir -p dist
umoci init --layout "$L"
tags=""
for ab in "$@"; do
	case $ab in *=?*) ;; *) echo "image: \"$ab\" is not ARCH=STATIC_BINARY" >&2; exit 2 ;; esac
	image "${ab%%=*}" "${ab#*=}"
	tags="$tags $VERSION-${ab%%=*}"
done
umoci gc --layout "$L"
python3 packaging/oci-index.py "$L" "$VERSION" $tags
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$L" -cf "$L.tar" .
echo "image: $L (tag $VERSION: index of$tags) and $L.tar"
sh packaging/sha256sums.sh dist
