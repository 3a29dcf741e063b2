#!/bin/sh
# helm-plugin-hook.sh - the Helm 4 plugin's install and update hook (plugin.yaml
# runtimeConfig.platformHooks): puts bin/deploy2sts in place and says which it
# used. The release plugin archive carries static binaries as
# bin/linux-amd64/deploy2sts and bin/linux-arm64/deploy2sts; the hook copies
# the one for `uname -s`/`uname -m` (Linux x86_64/amd64, aarch64/arm64) when it
# runs here and says this plugin's version and platform. Elsewhere (macOS,
# another CPU, a checkout without bin/) it builds from the plugin's sources
# with `make` (needs cc, make, pkg-config and libfyaml-dev; no -Werror).
set -eu
cd "${HELM_PLUGIN_DIR:?Helm sets HELM_PLUGIN_DIR for plugin hooks}"
want=$(sed -n 's/^version:[[:space:]]*"\{0,1\}\([^"[:space:]]*\).*/\1/p' plugin.yaml)
NEEDS="cc, make, pkg-config and libfyaml-dev"

# platform: the release platform of this machine (linux-amd64, linux-arm64) or nothing
platform() {
	case "$(uname -s)/$(uname -m)" in
	Linux/x86_64 | Linux/amd64) echo linux-amd64 ;;
	Linux/aarch64 | Linux/arm64) echo linux-arm64 ;;
	esac
}

# use_prebuilt PLATFORM: bin/deploy2sts becomes bin/PLATFORM/deploy2sts if that
# runs here and says this plugin's version and platform
use_prebuilt() {
	b=bin/$1/deploy2sts
	if [ ! -f "$b" ]; then
		echo "deploy2sts: this plugin has no prebuilt $b: building from source (needs $NEEDS)" >&2
		return 1
	fi
	if ! got=$("$b" --version 2>/dev/null); then
		echo "deploy2sts: the prebuilt $b does not run on this $(uname -s)/$(uname -m): building from source (needs $NEEDS)" >&2
		return 1
	fi
	case "$got" in "deploy2sts $want (${1%%-*}/${1#*-}, "*) ;; *)
		echo "deploy2sts: $b is \"$got\", not version $want for ${1%%-*}/${1#*-}: building from source (needs $NEEDS)" >&2
		return 1 ;;
	esac
	cp "$b" bin/deploy2sts.tmp
	mv bin/deploy2sts.tmp bin/deploy2sts
	echo "deploy2sts: using the prebuilt $1 binary $b for $(uname -s)/$(uname -m) ($got)"
}

# build: bin/deploy2sts from the plugin's sources
build() {
	if [ ! -f Makefile ] || ! command -v make >/dev/null 2>&1; then
		echo "deploy2sts: cannot build: this plugin directory has no Makefile or there is no make;" \
			"building needs $NEEDS, or install a release archive for your platform" >&2
		exit 1
	fi
	make deploy2sts
	mkdir -p bin
	cp deploy2sts bin/deploy2sts.tmp
	mv bin/deploy2sts.tmp bin/deploy2sts
	echo "deploy2sts: using bin/deploy2sts built from source ($(bin/deploy2sts --version))"
}

p=$(platform)
if [ -n "$p" ]; then
	use_prebuilt "$p" && exit 0
else
	echo "deploy2sts: no prebuilt binary for $(uname -s)/$(uname -m) (this plugin's are for Linux x86_64 and aarch64):" \
		"building from source (needs $NEEDS)" >&2
fi
build
