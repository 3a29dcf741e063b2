#!/bin/sh
# dist.sh VERSION ARCH=STATIC_BINARY... - the release archives (make dist), in
# dist/, for every platform linux/ARCH given (make dist: amd64 and arm64):
#   deploy2sts-VERSION-linux-ARCH.tar.gz   that static binary, man page, shell
#       completions (from the binary's --completion, when it has it), LICENSE,
#       README.md, CHANGELOG.md
#   deploy2sts-VERSION.tgz (+ .prov)       the Helm 4 plugin: plugin.yaml, every
#       static binary as bin/linux-ARCH/deploy2sts (its install hook takes the
#       one for `uname -m`: no compiler needed) and the sources (the hook builds
#       them on other platforms)
#   SHA256SUMS                             of every archive in dist/
# Each binary must be static, for its ARCH, and say VERSION and linux/ARCH in
# --version; binaries of another platform run under qemu-user-static for that.
# Signing: SIGN_KEY (a GnuPG key name) and KEYRING (the legacy secret keyring
# holding it, `gpg --export-secret-keys > secring.gpg`) sign the plugin archive
# with `helm plugin package --sign`; PASSPHRASE_FILE when the key has one.
# Without them the archive is unsigned and this says so. HELM is Helm 4
# (default: .tools/bin/helm4, else helm on PATH).
set -eu
VERSION=$1
shift
[ $# -gt 0 ] || { echo "usage: dist.sh VERSION ARCH=STATIC_BINARY..." >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. packaging/arch.sh
DIST=${DIST:-dist}
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
export SOURCE_DATE_EPOCH
HELM=${HELM:-}
[ -n "$HELM" ] || { [ -x .tools/bin/helm4 ] && HELM=.tools/bin/helm4; } || HELM=helm

# check_bin ARCH BINARY: static, for ARCH, and it says VERSION and linux/ARCH
check_bin() {
	arch_is_static "$1" "$2" || {
		echo "dist: $2 is not a static $(arch_file "$1") binary (make static ARCH=$1): $(file -b "$2")" >&2; exit 1; }
	got=$(arch_run "$1" "$2" --version) || { echo "dist: $2 --version failed" >&2; exit 1; }
	case "$got" in "deploy2sts $VERSION (linux/$1, "*) ;; *)
		echo "dist: $2 says \"$got\", not version $VERSION for linux/$1" >&2; exit 1;; esac
}

# completions ARCH BINARY DIR: DIR/completion/ from the binary (older ones have none)
completions() {
	for sh in bash zsh; do
		case $sh in bash) f=deploy2sts.bash;; zsh) f=_deploy2sts;; esac
		if arch_run "$1" "$2" --completion $sh > "$DIST/stage/completion.$sh" 2>/dev/null &&
			[ -s "$DIST/stage/completion.$sh" ]; then
			mkdir -p "$3/completion"
			mv "$DIST/stage/completion.$sh" "$3/completion/$f"
		else
			echo "dist: note: the linux/$1 binary has no --completion $sh; its archive carries no $sh completion"
		fi
	done
}

# tarball ARCH BINARY: dist/deploy2sts-VERSION-linux-ARCH.tar.gz, reproducible
# (fixed order, owner and mtime; gzip without a name or time)
tarball() {
	name=deploy2sts-$VERSION-linux-$1
	mkdir -p "$DIST/stage/$name"
	arch_strip "$1" "$2" "$DIST/stage/$name/deploy2sts"
	cp man/deploy2sts.1 LICENSE README.md CHANGELOG.md "$DIST/stage/$name/"
	completions "$1" "$2" "$DIST/stage/$name"
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
		-C "$DIST/stage" -cf - "$name" | gzip -9n > "$DIST/$name.tar.gz"
	echo "dist: $DIST/$name.tar.gz ($(wc -c < "$DIST/stage/$name/deploy2sts") bytes stripped)"
}

# plugin_dir: the Helm 4 plugin's directory, with the stripped binaries of the tarballs
plugin_dir() {
	P=$DIST/stage/plugin/deploy2sts
	mkdir -p "$P/packaging"
	cp plugin.yaml Makefile LICENSE README.md CHANGELOG.md "$P/"
	cp -r src man "$P/"
	cp packaging/helm-plugin-hook.sh "$P/packaging/"
	for ab in "$@"; do
		mkdir -p "$P/bin/linux-${ab%%=*}"
		cp "$DIST/stage/deploy2sts-$VERSION-linux-${ab%%=*}/deploy2sts" "$P/bin/linux-${ab%%=*}/deploy2sts"
	done
}

# plugin_package: DIST/deploy2sts-VERSION.tgz, signed when SIGN_KEY and KEYRING are given
plugin_package() {
	"$HELM" version 2>/dev/null | grep -q 'Version:"v4' ||
		{ echo "dist: $HELM is not Helm 4 (set HELM=, or run tests/install-tools.sh)" >&2; exit 1; }
	if [ -n "${SIGN_KEY:-}" ] && [ -n "${KEYRING:-}" ]; then
		set -- --sign --key "$SIGN_KEY" --keyring "$KEYRING"
		[ -z "${PASSPHRASE_FILE:-}" ] || set -- "$@" --passphrase-file "$PASSPHRASE_FILE"
		"$HELM" plugin package "$P" -d "$DIST" "$@"
		echo "dist: $DIST/deploy2sts-$VERSION.tgz signed by \"$SIGN_KEY\" ($DIST/deploy2sts-$VERSION.tgz.prov)"
	else
		"$HELM" plugin package "$P" -d "$DIST" --sign=false
		echo "dist: $DIST/deploy2sts-$VERSION.tgz is NOT signed (give SIGN_KEY= and KEYRING=):" \
			"users must install it with --verify=false"
	fi
}

pv=$(sed -n 's/^version:[[:space:]]*//p' plugin.yaml)
if [ "$pv" != "$VERSION" ]; then
	echo "dist: plugin.yaml has version $pv, the Makefile $VERSION: make them equal" >&2
	exit 1
fi
for ab in "$@"; do
	case $ab in *=?*) check_bin "${ab%%=*}" "${ab#*=}" ;; *)
		echo "dist: \"$ab\" is not ARCH=STATIC_BINARY" >&2; exit 2 ;; esac
done
rm -rf "$DIST/stage" "$DIST/deploy2sts-$VERSION.tgz" "$DIST/deploy2sts-$VERSION.tgz.prov"
rm -f "$DIST/deploy2sts-$VERSION-linux-"*.tar.gz
mkdir -p "$DIST/stage"
for ab in "$@"; do tarball "${ab%%=*}" "${ab#*=}"; done
plugin_dir "$@"
plugin_package
rm -rf "$DIST/stage"
sh packaging/sha256sums.sh "$DIST"
