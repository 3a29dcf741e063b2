#!/bin/sh
# helm-plugin-hook.sh - the Helm 4 plugin's install and update hook (plugin.yaml
# runtimeConfig.platformHooks). Keeps bin/deploy2sts when it is a prebuilt
# binary of this plugin's version that runs on this machine (the release
# plugin archive carries the static linux-amd64 one: no compiler needed);
# otherwise builds it from the plugin's sources with `make` (needs cc, make,
# pkg-config and libfyaml-dev; no -Werror).
set -eu
cd "${HELM_PLUGIN_DIR:?Helm sets HELM_PLUGIN_DIR for plugin hooks}"
want=$(sed -n 's/^version:[[:space:]]*"\{0,1\}\([^"[:space:]]*\).*/\1/p' plugin.yaml)
if [ -x bin/deploy2sts ] && got=$(bin/deploy2sts --version 2>/dev/null); then
	case "$got" in
	"deploy2sts $want" | "deploy2sts $want "*)
		echo "deploy2sts: using the prebuilt bin/deploy2sts ($got)"
		exit 0 ;;
	esac
	echo "deploy2sts: bin/deploy2sts is \"$got\", not version $want: building from source" >&2
else
	echo "deploy2sts: no prebuilt binary runs on $(uname -s)/$(uname -m): building from source (cc, make, pkg-config, libfyaml-dev)" >&2
fi
if [ ! -f Makefile ] || ! command -v make >/dev/null 2>&1; then
	echo "deploy2sts: cannot build: this plugin directory has no Makefile or there is no make; install a release archive for your platform" >&2
	exit 1
fi
make deploy2sts
mkdir -p bin
cp deploy2sts bin/deploy2sts.tmp
mv bin/deploy2sts.tmp bin/deploy2sts
