#!/bin/sh
# dist.sh VERSION STATIC_BINARY - the release archives (make dist), in dist/:
#   deploy2sts-VERSION-linux-amd64.tar.gz  static binary, man page, shell
#       completions (from the binary's --completion, when it has it), LICENSE,
#       README.md, CHANGELOG.md
#   deploy2sts-VERSION.tgz (+ .prov)       the Helm 4 plugin: plugin.yaml, the
#       static binary in bin/ (its install hook keeps it: no compiler needed)
#       and the sources (the hook builds them where the binary does not run)
#   SHA256SUMS                             of every archive in dist/
# Signing: SIGN_KEY (a GnuPG key name) and KEYRING (the legacy secret keyring
# holding it, `gpg --export-secret-keys > secring.gpg`) sign the plugin archive
# with `helm plugin package --sign`; PASSPHRASE_FILE when the key has one.
# Without them the archive is unsigned and this says so. HELM is Helm 4
# (default: .tools/bin/helm4, else helm on PATH).
set -eu
VERSION=$1
BIN=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DIST=${DIST:-dist}
NAME=deploy2sts-$VERSION-linux-amd64
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
export SOURCE_DATE_EPOCH
HELM=${HELM:-}
[ -n "$HELM" ] || { [ -x .tools/bin/helm4 ] && HELM=.tools/bin/helm4; } || HELM=helm

pv=$(sed -n 's/^version:[[:space:]]*//p' plugin.yaml)
if [ "$pv" != "$VERSION" ]; then
	echo "dist: plugin.yaml has version $pv, the Makefile $VERSION: make them equal" >&2
	exit 1
fi
case $(file -b "$BIN") in *x86-64*statically\ linked* | *x86-64*static-pie\ linked*) ;; *)
	echo "dist: $BIN is not a static x86-64 binary (make static)" >&2; exit 1;; esac
got=$("$BIN" --version)
case "$got" in "deploy2sts $VERSION" | "deploy2sts $VERSION "*) ;; *)
	echo "dist: $BIN says \"$got\", not version $VERSION" >&2; exit 1;; esac

rm -rf "$DIST/stage" "$DIST/$NAME.tar.gz" "$DIST/deploy2sts-$VERSION.tgz" "$DIST/deploy2sts-$VERSION.tgz.prov"
mkdir -p "$DIST/stage/$NAME"
S=$DIST/stage/$NAME
strip -o "$S/deploy2sts" "$BIN"
cp man/deploy2sts.1 LICENSE README.md CHANGELOG.md "$S/"
# completions: the binary writes them (--completion SHELL); older binaries have none
for sh in bash zsh; do
	if "$BIN" --completion $sh > "$DIST/stage/completion.$sh" 2>/dev/null && [ -s "$DIST/stage/completion.$sh" ]; then
		mkdir -p "$S/completion"
		case $sh in bash) f=deploy2sts.bash;; zsh) f=_deploy2sts;; esac
		mv "$DIST/stage/completion.$sh" "$S/completion/$f"
	else
		echo "dist: note: the binary has no --completion $sh; the archive carries no $sh completion"
	fi
done
# reproducible: fixed order, owner and mtime; gzip without a name or time
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
	-C "$DIST/stage" -cf - "$NAME" | gzip -9n > "$DIST/$NAME.tar.gz"
echo "dist: $DIST/$NAME.tar.gz"

# the Helm 4 plugin archive
P=$DIST/stage/plugin/deploy2sts
mkdir -p "$P/bin" "$P/packaging"
cp plugin.yaml Makefile LICENSE README.md CHANGELOG.md "$P/"
cp -r src man "$P/"
cp packaging/helm-plugin-hook.sh "$P/packaging/"
cp "$S/deploy2sts" "$P/bin/deploy2sts"
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
rm -rf "$DIST/stage"
sh packaging/sha256sums.sh "$DIST"
