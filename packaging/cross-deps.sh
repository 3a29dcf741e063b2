#!/bin/sh
# cross-deps.sh ARCH - make sure this Debian machine can cross-build the static
# linux/ARCH binary (make static ARCH=...): Debian's cross compiler
# gcc-TRIPLET with its libc (libc6-dev-ARCH-cross, whose libc.a the static
# link takes) and libfyaml for ARCH from Debian multiarch (libfyaml-dev:ARCH:
# libfyaml.a and its .pc under /usr/lib/TRIPLET; it installs beside the
# machine's own libfyaml-dev). As root: adds the dpkg architecture and installs
# what is missing with apt-get. Otherwise: names the commands and fails.
set -eu
ARCH=${1:?usage: cross-deps.sh amd64|arm64}
case $ARCH in
amd64) TRIPLET=x86_64-linux-gnu GCC=gcc-x86-64-linux-gnu ;;
arm64) TRIPLET=aarch64-linux-gnu GCC=gcc-aarch64-linux-gnu ;;
*) echo "cross-deps: no cross build for ARCH=$ARCH (amd64 or arm64)" >&2; exit 2 ;;
esac
PKGS="$GCC libc6-dev-$ARCH-cross libfyaml-dev:$ARCH"

have() {
	command -v "$TRIPLET-gcc" >/dev/null 2>&1 &&
		[ -f "/usr/$TRIPLET/lib/libc.a" ] &&
		[ -f "/usr/lib/$TRIPLET/libfyaml.a" ] && [ -f "/usr/lib/$TRIPLET/pkgconfig/libfyaml.pc" ]
}

install_them() {
	if ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
		echo "cross-deps: dpkg --add-architecture $ARCH (libfyaml-dev:$ARCH comes from Debian multiarch)"
		dpkg --add-architecture "$ARCH"
	fi
	echo "cross-deps: installing $PKGS"
	{ apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PKGS; } >/dev/null
}

have && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	install_them || { echo "cross-deps: apt-get install $PKGS failed" >&2; exit 1; }
	have && exit 0
	echo "cross-deps: $PKGS installed, but $TRIPLET-gcc or /usr/lib/$TRIPLET/libfyaml.a is still missing" >&2
	exit 1
fi
echo "cross-deps: make static ARCH=$ARCH needs $PKGS; install them with:" >&2
echo "  sudo dpkg --add-architecture $ARCH && sudo apt-get update && sudo apt-get install $PKGS" >&2
exit 1
