#!/bin/sh
# test_dist.sh VERSION ARCH=STATIC_BINARY... - the release artifacts (make
# test-dist, after make dist and make image) for every platform linux/ARCH
# given: this machine's static binary in an empty environment, each release
# tarball and SHA256SUMS, the Helm 4 plugin archive (every platform's binary)
# signed with a throwaway GnuPG key and installed with verification on and no
# compiler on PATH, the hook's fall back to a source build, and the OCI image
# index: each platform's image, resolved from the index by skopeo, its
# entrypoint run in a chroot of its unpacked rootfs (another platform's under
# qemu-user-static) as a KRM function and as a filter. tests/test_dist_cross.sh runs
# the other platforms' binaries through the release checks.
set -u
VERSION=$1
shift
. "$(dirname "$0")/check-lib.sh"
ARCHS=""; BIN=""
for ab in "$@"; do
	a=${ab%%=*}
	arch_cpu "$a" >/dev/null || exit 2
	ARCHS="$ARCHS $a"
	[ "$a" != "$HOST" ] || BIN=$(cd "$(dirname "${ab#*=}")" && pwd)/$(basename "${ab#*=}")
done
[ -n "$BIN" ] || { echo "test_dist: no binary for this machine (linux/$HOST) given" >&2; exit 2; }
DIST=$ROOT/dist
TOOLS=$ROOT/.tools/bin
SHARED=$ROOT/../shared
kinds() { grep -E '^kind: ' | sed 's/^kind: //' | tr '\n' ' '; }

# --- the static binary ----------------------------------------------------
arch_is_static "$HOST" "$BIN"
ok $? "static: file says $(arch_file "$HOST") statically linked" "$(file -b "$BIN")"
l=$(ldd "$BIN" 2>&1); case "$l" in *"not a dynamic executable"*) r=0;; *) r=1;; esac
ok $r "static: ldd says not a dynamic executable" "$l"
if [ -x "$TOOLS/helm3" ] && [ -d "$SHARED/charts/podinfo" ]; then
	HELM_DATA_HOME=$T/h3 HELM_CONFIG_HOME=$T/h3c HELM_CACHE_HOME=$T/h3k \
		"$TOOLS/helm3" template web "$SHARED/charts/podinfo" --set hpa.enabled=true > "$T/podinfo.yaml"
	env -i "$BIN" --pod-management-policy=Parallel < "$T/podinfo.yaml" > "$T/static.out" 2> "$T/static.err"
	r=$?
	"$ROOT/deploy2sts" --pod-management-policy=Parallel < "$T/podinfo.yaml" > "$T/dyn.out" 2> "$T/dyn.err"
	k=$(kinds < "$T/static.out")
	case "$k" in *StatefulSet*) ;; *) r=1;; esac
	case "$k" in *Deployment*) r=1;; esac
	ok $r "static: env -i on helm3 template of podinfo converts (kinds: $k)" "$(cat "$T/static.err")"
	cmp -s "$T/static.out" "$T/dyn.out" && cmp -s "$T/static.err" "$T/dyn.err"
	ok $? "static: output and messages identical to the dynamic build's"
else
	echo "SKIP static on a real chart: needs .tools/bin/helm3 (tests/install-tools.sh) and ../shared/charts/podinfo"
fi

# --- the release tarballs and SHA256SUMS ------------------------------------
# tarball_checks ARCH: deploy2sts-VERSION-linux-ARCH.tar.gz
tarball_checks() {
	NAME=deploy2sts-$VERSION-linux-$1
	mkdir -p "$T/tar"
	tar -xzf "$DIST/$NAME.tar.gz" -C "$T/tar"
	ok $? "dist: $NAME.tar.gz unpacks"
	r=0; for x in deploy2sts deploy2sts.1 LICENSE README.md CHANGELOG.md; do [ -f "$T/tar/$NAME/$x" ] || { r=1; echo "missing $x"; }; done
	ok $r "dist: the tarball has the binary, man page, LICENSE, README.md, CHANGELOG.md"
	arch_is_static "$1" "$T/tar/$NAME/deploy2sts"
	ok $? "dist: its binary is a static $(arch_file "$1") one" "$(file -b "$T/tar/$NAME/deploy2sts")"
	v=$(env -i sh -c '. packaging/arch.sh && arch_run "$@"' sh "$1" "$T/tar/$NAME/deploy2sts" --version)
	case "$v" in "deploy2sts $VERSION (linux/$1, "*) r=0;; *) r=1;; esac
	ok $r "dist: the tarball's binary runs with no environment and says $VERSION for linux/$1" "$v"
	if "$BIN" --completion bash >/dev/null 2>&1; then
		[ -s "$T/tar/$NAME/completion/deploy2sts.bash" ] && [ -s "$T/tar/$NAME/completion/_deploy2sts" ]
		ok $? "dist: bash and zsh completions from the binary are in the tarball"
	else
		[ ! -d "$T/tar/$NAME/completion" ]
		ok $? "dist: no --completion in this binary, so no completion/ in the tarball"
	fi
	grep -q "Apache License" "$T/tar/$NAME/LICENSE" && grep -q "Version 2.0, January 2004" "$T/tar/$NAME/LICENSE"
	ok $? "dist: LICENSE is the Apache License 2.0"
	grep -q " $NAME.tar.gz\$" "$DIST/SHA256SUMS"
	ok $? "dist: SHA256SUMS lists $NAME.tar.gz"
}
for a in $ARCHS; do tarball_checks "$a"; done
(cd "$DIST" && sha256sum --quiet -c SHA256SUMS) && grep -q " deploy2sts-$VERSION.tgz\$" "$DIST/SHA256SUMS"
ok $? "dist: sha256sum -c SHA256SUMS passes and lists the plugin archive"

# --- the Helm 4 plugin archive: signed, verified, no compiler ---------------
H4=$TOOLS/helm4
if [ ! -x "$H4" ]; then
	echo "SKIP Helm 4 plugin archive: .tools/bin/helm4 missing (tests/install-tools.sh could not reach the npm registry)"
else
	export GNUPGHOME="$T/gnupg"
	mkdir -m 700 "$GNUPGHOME"
	gpg --batch --quiet --passphrase '' --quick-gen-key "deploy2sts release test <release@example.invalid>" \
		rsa2048 sign never 2>/dev/null
	# Helm reads the legacy keyring formats: secring.gpg to sign, pubring.gpg to verify
	gpg --batch --export-secret-keys > "$T/secring.gpg"
	gpg --batch --export > "$T/pubring.gpg"
	out=$(DIST="$T/signed" SIGN_KEY="deploy2sts release test" KEYRING="$T/secring.gpg" \
		sh packaging/dist.sh "$VERSION" "$@" 2>&1)
	[ -s "$T/signed/deploy2sts-$VERSION.tgz.prov" ] && grep -q "BEGIN PGP SIGNATURE" "$T/signed/deploy2sts-$VERSION.tgz.prov"
	ok $? "plugin: dist.sh with SIGN_KEY/KEYRING writes a signed .prov" "$out"
	grep -q " deploy2sts-$VERSION.tgz.prov\$" "$T/signed/SHA256SUMS"
	ok $? "plugin: SHA256SUMS lists the .prov"
	mkdir -p "$T/plugin" && tar -xzf "$T/signed/deploy2sts-$VERSION.tgz" -C "$T/plugin"
	for a in $ARCHS; do
		arch_is_static "$a" "$T/plugin/deploy2sts/bin/linux-$a/deploy2sts"
		ok $? "plugin: the archive carries bin/linux-$a/deploy2sts, a static $(arch_file "$a") binary"
	done
	[ ! -e "$T/plugin/deploy2sts/bin/deploy2sts" ]
	ok $? "plugin: and no bin/deploy2sts (the install hook puts the one for uname -m there)"

	# a PATH with what the hook and Helm need, and no cc, make or pkg-config
	mkdir "$T/nocc"
	for c in sh sed cp mv mkdir uname cat; do ln -s "$(command -v $c)" "$T/nocc/$c"; done
	r=0; for c in cc gcc make pkg-config; do PATH=$T/nocc command -v $c >/dev/null 2>&1 && r=1; done
	ok $r "plugin: the test PATH has no cc, gcc, make or pkg-config"
	# hk HOME_TAG ARGS...: helm4 in its own homes, with that PATH and nothing else
	hk() { tag=$1; shift; env -i PATH="$T/nocc" HOME="$T" HELM_DATA_HOME="$T/h4/$tag" HELM_CONFIG_HOME="$T/h4c/$tag" \
		HELM_CACHE_HOME="$T/h4k/$tag" GNUPGHOME="$GNUPGHOME" "$H4" "$@"; }

	out=$(hk signed plugin install "$T/signed/deploy2sts-$VERSION.tgz" --keyring "$T/pubring.gpg" 2>&1)
	r=$?
	case "$out" in *"Plugin Hash Verified"*"using the prebuilt linux-$HOST binary"*"Installed plugin: deploy2sts"*) ;; *) r=1;; esac
	cmp -s "$T/h4/signed/plugins/deploy2sts/bin/deploy2sts" "$T/plugin/deploy2sts/bin/linux-$HOST/deploy2sts" || r=1
	ok $r "plugin: helm4 plugin install <signed archive> verifies it (--keyring) and takes the prebuilt linux-$HOST binary" "$out"
	out=$(hk signed plugin list 2>&1)
	echo "$out" | grep -E "^deploy2sts[[:space:]]+$VERSION[[:space:]]+postrenderer/v1[[:space:]]+v1[[:space:]]+signed" >/dev/null
	ok $? "plugin: helm4 plugin list says signed" "$out"
	printf 'apiVersion: v2\nname: web\nversion: 0.1.0\n' > "$T/Chart.yaml"
	mkdir -p "$T/chart/templates" && mv "$T/Chart.yaml" "$T/chart/"
	cp testdata/demo/visits.yaml "$T/chart/templates/"
	out=$(hk signed template rel "$T/chart" --post-renderer deploy2sts --post-renderer-args=--pod-management-policy=Parallel 2>&1)
	r=$?; k=$(echo "$out" | kinds)
	case "$k" in *Deployment*) r=1;; *StatefulSet*) ;; *) r=1;; esac
	ok $r "plugin: the installed archive post-renders (helm4 template --post-renderer deploy2sts)" "$out"

	out=$(hk wrongkey plugin install "$T/signed/deploy2sts-$VERSION.tgz" --keyring "$T/secring-none.gpg" 2>&1)
	[ $? != 0 ] && [ ! -e "$T/h4/wrongkey/plugins/deploy2sts" ]
	ok $? "plugin: without the signer's public key the install is refused" "$out"
	mkdir -p "$T/tamper" && cp "$T/signed/deploy2sts-$VERSION.tgz.prov" "$T/tamper/" &&
		cp "$DIST/deploy2sts-$VERSION.tgz" "$T/tamper/"   # same name, other bytes (unsigned build)
	out=$(hk tamper plugin install "$T/tamper/deploy2sts-$VERSION.tgz" --keyring "$T/pubring.gpg" 2>&1)
	[ $? != 0 ]
	ok $? "plugin: an archive that does not match its .prov is refused" "$out"
	out=$(hk unsigned plugin install "$DIST/deploy2sts-$VERSION.tgz" 2>&1)
	[ $? != 0 ]
	ok $? "plugin: the unsigned archive (make dist without SIGN_KEY) is refused by default" "$out"
	out=$(hk unsigned plugin install "$DIST/deploy2sts-$VERSION.tgz" --verify=false 2>&1)
	r=$?; case "$out" in *"using the prebuilt"*) ;; *) r=1;; esac
	ok $r "plugin: ... and installs with --verify=false, no compiler" "$out"

	# a bin/deploy2sts that does not fit (another version, as on another platform): built from source
	mkdir -p "$T/other" && tar -xzf "$DIST/deploy2sts-$VERSION.tgz" -C "$T/other"
	printf '#!/bin/sh\necho "deploy2sts 0.0.0-other"\n' > "$T/other/deploy2sts/bin/linux-$HOST/deploy2sts"
	"$H4" plugin package "$T/other/deploy2sts" -d "$T/other" --sign=false >/dev/null 2>&1
	out=$(hk nofit plugin install "$T/other/deploy2sts-$VERSION.tgz" --verify=false 2>&1)
	[ $? != 0 ] && echo "$out" | grep -q "cannot build"
	ok $? "plugin: binary does not fit and no make: the install fails and says why" "$out"
	out=$(env -i PATH="/usr/bin:/bin" HOME="$T" HELM_DATA_HOME="$T/h4/build" HELM_CONFIG_HOME="$T/h4c/build" \
		HELM_CACHE_HOME="$T/h4k/build" "$H4" plugin install "$T/other/deploy2sts-$VERSION.tgz" --verify=false 2>&1)
	r=$?
	got=$("$T/h4/build/plugins/deploy2sts/bin/deploy2sts" --version 2>&1)
	case "$out" in *"building from source"*) ;; *) r=1;; esac
	[ "${got%% (*}" = "deploy2sts $VERSION" ] || r=1
	ok $r "plugin: binary does not fit, compiler present: the hook builds it from the archive's sources ($got)" "$out"
fi

# --- the OCI image index -------------------------------------------------------
L=$DIST/deploy2sts-$VERSION-oci
# entry ARCH ARGS...: the unpacked linux/ARCH image's entrypoint, in a chroot of
# its rootfs (no shell, no libc there) as its user; another platform's under
# qemu-CPU-static, copied into a scratch copy of that rootfs
entry() {
	ea=$1; shift
	R=$T/bundle-$ea/rootfs
	set -- /usr/local/bin/deploy2sts "$@"
	if [ "$ea" != "$HOST" ]; then
		R=$T/run-$ea; [ -d "$R" ] || { cp -a "$T/bundle-$ea/rootfs" "$R" && cp "$(command -v "qemu-$(arch_cpu "$ea")-static")" "$R/qemu"; }
		set -- /qemu "$@"
	fi
	env -i PATH=/usr/local/bin "$CHROOT" --userspec=65532:65532 "$R" "$@"
}

# image_checks ARCH DIGEST: the index's linux/ARCH image (manifest DIGEST)
image_checks() {
	a=$1
	skopeo --override-os linux --override-arch "$a" copy --quiet --preserve-digests \
		"oci:$L:$VERSION" "oci:$T/img-$a:x" > "$T/skopeo-$a.err" 2>&1 &&
		grep -q "\"digest\":\"$2\"" "$T/img-$a/index.json"
	ok $? "image: skopeo resolves the index to its linux/$a manifest ($2)" "$(cat "$T/skopeo-$a.err")"
	umoci unpack --image "$T/img-$a:x" "$T/bundle-$a" >/dev/null 2>&1
	ok $? "image ($a): umoci unpack"
	files=$(cd "$T/bundle-$a/rootfs" && find . -type f | sort | tr '\n' ' ')
	[ "$files" = "./usr/local/bin/deploy2sts " ] && arch_is_static "$a" "$T/bundle-$a/rootfs/usr/local/bin/deploy2sts"
	ok $? "image ($a): the rootfs holds the static $(arch_file "$a") binary and nothing else ($files)"
	ep=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["process"]; print(" ".join(p["args"]), p["user"]["uid"], p["user"]["gid"], *[e for e in p["env"] if e.startswith("PATH=")])' "$T/bundle-$a/config.json")
	[ "$ep" = "/usr/local/bin/deploy2sts 65532 65532 PATH=/usr/local/bin" ]
	ok $? "image ($a): entrypoint /usr/local/bin/deploy2sts as 65532:65532, PATH=/usr/local/bin" "$ep"
	for rl in testdata/krm/*.yaml; do
		out=$(entry "$a" < "$rl" 2>"$T/err"); r=$?
		case "$out" in "apiVersion: config.kubernetes.io/v1"*"kind: ResourceList"*"kind: StatefulSet"*"results:"*) ;; *) r=1;; esac
		printf '%s\n' "$out" > "$T/img-$a-$(basename "$rl")"
		ok $r "image ($a): the entrypoint as a KRM function on $(basename "$rl")" "$out"
	done
	out=$(entry "$a" --pod-management-policy Parallel --volume-claim-template name=data,mountPath=/data,size=1Gi \
		< testdata/demo/visits.yaml 2>"$T/err"); r=$?
	# stderr: the run's summary line only (no warning for this chart)
	[ "$(grep -vc '^deploy2sts: converted 1 Deployment (visits) into a StatefulSet' "$T/err")" = 0 ] || r=1
	[ -s "$T/err" ] || r=1
	printf '%s\n' "$out" > "$T/img-$a-demo"
	k=$(echo "$out" | kinds)
	case "$k" in *Deployment*) r=1;; *"StatefulSet Service "*) ;; *) r=1;; esac
	ok $r "image ($a): the entrypoint as a filter on testdata/demo/visits.yaml" "$out"
	out=$(entry "$a" --pod-management-policy Sideways < testdata/demo/visits.yaml 2>&1)
	[ $? = 2 ] && echo "$out" | grep -q Sideways
	ok $? "image ($a): a bad flag exits 2 with our message" "$out"
}

if ! command -v umoci >/dev/null 2>&1 || ! command -v skopeo >/dev/null 2>&1; then
	echo "SKIP image: umoci or skopeo not installed"
elif [ "$(id -u)" != 0 ] || ! CHROOT=$(command -v chroot); then
	echo "SKIP image: running the entrypoints needs root and chroot"
else
	grep -qx 'ENTRYPOINT \["/usr/local/bin/deploy2sts"\]' Dockerfile && grep -qx 'USER 65532:65532' Dockerfile &&
		grep -qx 'ENV PATH=/usr/local/bin' Dockerfile
	ok $? "image: the Dockerfile's final stage says the same as the image config"
	plats=$(python3 tests/oci_platforms.py "$L" "$VERSION" 2>&1)
	ok $? "image: tag $VERSION is an OCI image index, every entry an image with its platform" "$plats"
	[ "$(echo "$plats" | cut -d' ' -f1 | sort | tr '\n' ' ')" = "$(printf '%s\n' $ARCHS | sort | tr '\n' ' ')" ]
	ok $? "image: the index has one linux image for each of$ARCHS" "$plats"
	for a in $(echo "$plats" | cut -d' ' -f1); do
		image_checks "$a" "$(echo "$plats" | sed -n "s/^$a //p")"
	done
	r=0; for a in $ARCHS; do for x in demo $(cd testdata/krm && ls); do
		cmp -s "$T/img-$HOST-$x" "$T/img-$a-$x" || { r=1; echo "$a: $x differs"; }; done; done
	ok $r "image: every platform's entrypoint gives the same bytes as linux/$HOST's"
	(cd "$T" && mkdir oci && tar -xf "$L.tar" -C oci && cmp -s oci/index.json "$L/index.json")
	ok $? "image: $(basename "$L").tar holds the same OCI layout"
fi

echo "dist: $pass passed, $fail failed"
[ $fail = 0 ]
