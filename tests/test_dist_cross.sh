#!/bin/sh
# test_dist_cross.sh VERSION ARCH=STATIC_BINARY... - the release binaries of the
# platforms other than this machine's (make test-dist: linux/arm64 on amd64)
# through the release checks, run under qemu-user-static, each result (stdout,
# stderr, exit status) byte-identical to this machine's static binary's: real
# charts rendered by Helm 3 and post-rendered (Helm-style stdin), the KRM
# ResourceLists of testdata/krm, the README's demo, --version. Then the Helm 4
# plugin archive's install hook on an emulated aarch64 machine (a fake uname
# first on PATH; aarch64 binaries run by tests/binfmt-sandbox.sh): it must take
# bin/linux-arm64, which then post-renders like the amd64 one; where that
# binary cannot run, or on an unknown CPU, it must say what a build needs.
set -u
VERSION=$1
shift
. "$(dirname "$0")/check-lib.sh"
DIST=$ROOT/dist
TOOLS=$ROOT/.tools/bin
SHARED=$ROOT/../shared
kinds() { grep -E '^kind: ' | sed 's/^kind: //' | sort -u | tr '\n' ' '; }

HOST_BIN=""; CROSS=""
for ab in "$@"; do
	a=${ab%%=*}; b=$(cd "$(dirname "${ab#*=}")" && pwd)/$(basename "${ab#*=}")
	arch_cpu "$a" >/dev/null || exit 2
	if [ "$a" = "$HOST" ]; then HOST_BIN=$b; else CROSS="$CROSS $a=$b"; fi
done
[ -n "$HOST_BIN" ] || { echo "test_cross: no binary for this machine (linux/$HOST) given" >&2; exit 2; }

# same ARCH BIN NAME ARGS... < INPUT: BIN (under qemu) and the host binary give
# the same stdout, stderr and exit status; leaves them in $T/NAME.{host,cross}.*
same() {
	sa=$1; sb=$2; n=$3; shift 3
	cat > "$T/$n.in"
	env -i "$HOST_BIN" "$@" < "$T/$n.in" > "$T/$n.host.out" 2> "$T/$n.host.err"; echo $? > "$T/$n.host.rc"
	env -i PATH=/usr/bin:/bin sh -c '. packaging/arch.sh && arch_run "$@"' sh "$sa" "$sb" "$@" \
		< "$T/$n.in" > "$T/$n.cross.out" 2> "$T/$n.cross.err"; echo $? > "$T/$n.cross.rc"
	for x in out err rc; do cmp -s "$T/$n.host.$x" "$T/$n.cross.$x" || return 1; done
}

# recorder ARCH BIN NAME: a post-renderer path for Helm that runs BIN (under
# qemu) and keeps what Helm sent and what BIN answered in $T/NAME.{in,out,err,rc}
recorder() {
	w=$T/post-$3
	q=$([ "$1" = "$HOST" ] || echo "qemu-$(arch_cpu "$1")-static")
	cat > "$w" <<-EOS
	#!/bin/sh
	cat > "$T/$3.in"
	$q "$2" "\$@" < "$T/$3.in" > "$T/$3.out" 2> "$T/$3.err"
	echo \$? > "$T/$3.rc"
	cat "$T/$3.out"; cat "$T/$3.err" >&2
	exit \$(cat "$T/$3.rc")
	EOS
	chmod +x "$w"
	echo "$w"
}

# cross_checks ARCH BIN: the release checks of one other platform's binary
cross_checks() {
	a=$1; b=$2
	arch_is_static "$a" "$b"
	ok $? "linux/$a: file says $(arch_file "$a") statically linked" "$(file -b "$b")"
	hv=$("$HOST_BIN" --version); cv=$(arch_run "$a" "$b" --version)
	[ "$cv" = "$(echo "$hv" | sed "s|(linux/$HOST, |(linux/$a, |")" ] && case "$cv" in "deploy2sts $VERSION (linux/$a, "*) true;; *) false;; esac
	ok $? "linux/$a: --version under qemu says $VERSION and linux/$a, the rest as linux/$HOST's ($cv)"
	same "$a" "$b" demo --pod-management-policy Parallel --volume-claim-template name=data,mountPath=/data,size=1Gi \
		< testdata/demo/visits.yaml && [ "$(cat "$T/demo.host.rc")" = 0 ] && grep -q '^kind: StatefulSet' "$T/demo.cross.out"
	ok $? "linux/$a: the demo (testdata/demo/visits.yaml, README flags) byte-identical to linux/$HOST's" "$(cat "$T/demo.cross.err")"
	for rl in testdata/krm/*.yaml; do
		n=krm-$(basename "$rl" .yaml)
		same "$a" "$b" "$n" < "$rl" && grep -q '^kind: ResourceList' "$T/$n.cross.out"
		ok $? "linux/$a: KRM function on $(basename "$rl") byte-identical to linux/$HOST's" "$(cat "$T/$n.cross.err")"
	done
	same "$a" "$b" badflag --pod-management-policy Sideways < testdata/demo/visits.yaml && [ "$(cat "$T/badflag.cross.rc")" = 2 ]
	ok $? "linux/$a: a bad flag exits 2 with the same message as linux/$HOST's" "$(cat "$T/badflag.cross.err")"
	if [ ! -x "$TOOLS/helm3" ] || [ ! -d "$SHARED/charts/podinfo" ]; then
		echo "SKIP linux/$a on real charts: needs .tools/bin/helm3 (tests/install-tools.sh) and ../shared/charts"
		return
	fi
	chart_check "$a" "$b" podinfo --set hpa.enabled=true,redis.enabled=true,podDisruptionBudget.maxUnavailable=1
	chart_check "$a" "$b" wordpress --set memcached.enabled=true,wordpressPassword=x,mariadb.auth.password=x,mariadb.auth.rootPassword=x
	chart_check "$a" "$b" tomcat
}

# chart_check ARCH BIN CHART ARGS...: helm3 template CHART --post-renderer BIN
# (under qemu); the host binary on the stdin Helm gave it answers the same
chart_check() {
	a=$1; b=$2; c=$3; shift 3
	HELM_DATA_HOME=$T/h3 HELM_CONFIG_HOME=$T/h3c HELM_CACHE_HOME=$T/h3k "$TOOLS/helm3" template web "$SHARED/charts/$c" \
		--post-renderer "$(recorder "$a" "$b" "$c")" --post-renderer-args=--pod-management-policy=Parallel \
		--post-renderer-args=--migrate-data=clone "$@" > "$T/$c.helm" 2> "$T/$c.helm.err"
	r=$?
	env -i "$HOST_BIN" --pod-management-policy=Parallel --migrate-data=clone < "$T/$c.in" \
		> "$T/$c.host.out" 2> "$T/$c.host.err"
	echo $? > "$T/$c.host.rc"
	for x in out err rc; do cmp -s "$T/$c.$x" "$T/$c.host.$x" || r=1; done
	k=$(kinds < "$T/$c.helm")
	case "$k" in *StatefulSet*) ;; *) r=1;; esac
	ok $r "linux/$a: helm3 template $c --post-renderer (under qemu) answers as linux/$HOST's on the same stdin (kinds: $k)" \
		"$(cat "$T/$c.helm.err"; diff "$T/$c.host.out" "$T/$c.out" | head -6)"
}

for ab in $CROSS; do cross_checks "${ab%%=*}" "${ab#*=}"; done

# --- the Helm 4 plugin's install hook on an emulated aarch64 machine ---------
H4=$TOOLS/helm4
ARCHIVE=$DIST/deploy2sts-$VERSION.tgz
# fakepath DIR CPU: DIR with what the hook and Helm need (no cc, make, pkg-config)
# and a uname that says CPU for -m
fakepath() {
	mkdir -p "$1"
	for c in sh sed cp mv mkdir cat; do ln -sf "$(command -v $c)" "$1/$c"; done
	printf '#!/bin/sh\n# uname of a %s machine\nfor a in "$@"; do case $a in -m|--machine) echo %s; exit 0;; esac; done\nexec %s "$@"\n' \
		"$2" "$2" "$(command -v uname)" > "$1/uname"
	chmod +x "$1/uname"
}
# h4 PATHDIR TAG ARGS...: helm4 with only PATHDIR on PATH, in homes of its own
h4() {
	p=$1; tag=$2; shift 2
	env -i PATH="$p" HOME="$T" HELM_DATA_HOME="$T/h4/$tag" HELM_CONFIG_HOME="$T/h4c/$tag" \
		HELM_CACHE_HOME="$T/h4k/$tag" "$H4" "$@"
}
# elf_machine FILE: e_machine of an ELF file (62 x86-64, 183 aarch64)
elf_machine() { od -An -tu2 -j18 -N2 "$1" | tr -d ' '; }

hook_checks() {
	fakepath "$T/aarch64" aarch64
	fakepath "$T/riscv64" riscv64
	fakepath "$T/x86_64" x86_64
	printf 'apiVersion: v2\nname: web\nversion: 0.1.0\n' > "$T/Chart.yaml"
	mkdir -p "$T/chart/templates" && mv "$T/Chart.yaml" "$T/chart/" && cp testdata/demo/visits.yaml "$T/chart/templates/"

	out=$(sh tests/binfmt-sandbox.sh env -i PATH="$T/aarch64" HOME="$T" HELM_DATA_HOME="$T/h4/arm" \
		HELM_CONFIG_HOME="$T/h4c/arm" HELM_CACHE_HOME="$T/h4k/arm" "$H4" plugin install "$ARCHIVE" --verify=false 2>&1)
	r=$?
	case "$out" in *"using the prebuilt linux-arm64 binary bin/linux-arm64/deploy2sts for Linux/aarch64 (deploy2sts $VERSION (linux/arm64, "*"Installed plugin: deploy2sts"*) ;; *) r=1;; esac
	ok $r "hook (uname -m aarch64, emulated): takes the prebuilt linux-arm64 binary and says so" "$out"
	P=$T/h4/arm/plugins/deploy2sts
	[ "$(elf_machine "$P/bin/deploy2sts")" = 183 ] && arch_is_static arm64 "$P/bin/deploy2sts" &&
		cmp -s "$P/bin/deploy2sts" "$P/bin/linux-arm64/deploy2sts"
	ok $? "hook (aarch64): bin/deploy2sts is the static aarch64 ELF (e_machine 183), not the x86-64 one" \
		"$(file -b "$P/bin/deploy2sts" 2>&1)"
	v=$(qemu-aarch64-static "$P/bin/deploy2sts" --version 2>&1)
	case "$v" in "deploy2sts $VERSION (linux/arm64, "*) r=0;; *) r=1;; esac
	ok $r "hook (aarch64): the chosen binary runs under qemu-aarch64-static ($v)"

	sh tests/binfmt-sandbox.sh env -i PATH="$T/aarch64" HOME="$T" HELM_DATA_HOME="$T/h4/arm" HELM_CONFIG_HOME="$T/h4c/arm" \
		HELM_CACHE_HOME="$T/h4k/arm" "$H4" template rel "$T/chart" --post-renderer deploy2sts \
		--post-renderer-args=--pod-management-policy=Parallel > "$T/arm.out" 2>&1
	r=$?
	h4 "$T/x86_64" amd plugin install "$ARCHIVE" --verify=false > "$T/amd.install" 2>&1 || r=1
	grep -q "using the prebuilt linux-amd64 binary" "$T/amd.install" || r=1
	h4 "$T/x86_64" amd template rel "$T/chart" --post-renderer deploy2sts \
		--post-renderer-args=--pod-management-policy=Parallel > "$T/amd.out" 2>&1 || r=1
	cmp -s "$T/arm.out" "$T/amd.out" && grep -q '^kind: StatefulSet' "$T/arm.out" || r=1
	ok $r "hook (aarch64): helm4 template --post-renderer deploy2sts (arm64 under qemu) byte-identical to the amd64 plugin's" \
		"$(diff "$T/amd.out" "$T/arm.out" | head -8)"

	out=$(h4 "$T/aarch64" noemu plugin install "$ARCHIVE" --verify=false 2>&1)
	[ $? != 0 ] && echo "$out" | grep -q "prebuilt bin/linux-arm64/deploy2sts does not run on this Linux/aarch64: building from source (needs cc, make, pkg-config and libfyaml-dev)" &&
		echo "$out" | grep -q "cannot build"
	ok $? "hook (uname aarch64, binary cannot run, no make): says it does not run and what building needs, then fails" "$out"
	out=$(h4 "$T/riscv64" riscv plugin install "$ARCHIVE" --verify=false 2>&1)
	[ $? != 0 ] && echo "$out" | grep -q "no prebuilt binary for Linux/riscv64 .*building from source (needs cc, make, pkg-config and libfyaml-dev)" &&
		echo "$out" | grep -q "cannot build"
	ok $? "hook (uname riscv64, no make): no prebuilt binary, names what building needs, fails" "$out"
}

if [ ! -x "$H4" ] || [ ! -f "$ARCHIVE" ]; then
	echo "SKIP plugin hook on aarch64: needs .tools/bin/helm4 (tests/install-tools.sh) and $ARCHIVE (make dist)"
elif ! tar -tzf "$ARCHIVE" | grep -qx deploy2sts/bin/linux-arm64/deploy2sts; then
	ok 1 "plugin archive carries bin/linux-arm64/deploy2sts"
elif ! sh tests/binfmt-sandbox.sh true; then
	echo "SKIP plugin hook on emulated aarch64: tests/binfmt-sandbox.sh cannot run aarch64 binaries here"
else
	hook_checks
fi

echo "cross: $pass passed, $fail failed"
[ $fail = 0 ]
