# arch.sh - sourced (`. packaging/arch.sh`) by the release scripts and their
# tests: what each released platform linux/ARCH (amd64, arm64) is called by
# the tools, and how to run or strip a binary built for it on this machine
# (another platform's static binary runs under Debian's qemu-user-static).

# arch_host: this machine's ARCH (amd64, arm64, or uname -m as it is)
arch_host() {
	case $(uname -m) in x86_64) echo amd64 ;; aarch64) echo arm64 ;; *) uname -m ;; esac
}

# arch_cpu ARCH: the name uname -m, qemu and GNU triplets give it
arch_cpu() {
	case $1 in
	amd64) echo x86_64 ;;
	arm64) echo aarch64 ;;
	*) echo "arch: unknown ARCH \"$1\" (amd64 or arm64)" >&2; return 2 ;;
	esac
}

# arch_file ARCH: what `file` says of an ELF binary for ARCH
arch_file() {
	case $1 in amd64) echo "x86-64" ;; arm64) echo "ARM aarch64" ;; *) arch_cpu "$1" ;; esac
}

# arch_is_static ARCH BINARY: an ELF executable for ARCH, statically linked
arch_is_static() {
	case $(file -b "$2") in
	*"$(arch_file "$1")"*"statically linked"* | *"$(arch_file "$1")"*"static-pie linked"*) return 0 ;;
	esac
	return 1
}

# arch_run ARCH BINARY ARGS...: run BINARY, under qemu-CPU-static when ARCH is
# not this machine's
arch_run() {
	_a=$1; shift
	if [ "$_a" = "$(arch_host)" ]; then "$@"; return; fi
	_q=qemu-$(arch_cpu "$_a")-static || return
	command -v "$_q" >/dev/null 2>&1 || {
		echo "arch: running a linux/$_a binary here needs $_q (apt-get install qemu-user-static)" >&2; return 126; }
	"$_q" "$@"
}

# arch_strip ARCH IN OUT: IN without symbols, by the binutils for ARCH
arch_strip() {
	_s=$(arch_cpu "$1")-linux-gnu-strip || return
	command -v "$_s" >/dev/null 2>&1 || _s=strip
	"$_s" -o "$3" "$2"
}
