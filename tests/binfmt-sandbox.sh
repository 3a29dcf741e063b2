#!/bin/sh
# binfmt-sandbox.sh CMD... - run CMD where aarch64 binaries run as on an arm64
# machine: in a user and mount namespace of its own whose binfmt_misc hands
# aarch64 ELF executables to qemu-aarch64-static, registered with the line
# Debian's qemu-user-static ships for systemd-binfmt. Linux >= 6.7 gives each
# user namespace its own binfmt_misc, so the machine's is never touched (no
# global registration, nothing to undo). Exits 77 when this machine cannot
# (no qemu-user-static, no unshare, or an older kernel): probe with
# `sh tests/binfmt-sandbox.sh true`.
set -eu
CONF=/usr/lib/binfmt.d/qemu-aarch64.conf
if [ ! -r "$CONF" ]; then
	echo "binfmt-sandbox: $CONF missing (apt-get install qemu-user-static)" >&2
	exit 77
fi
command -v unshare >/dev/null 2>&1 || { echo "binfmt-sandbox: no unshare (util-linux)" >&2; exit 77; }
# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
exec unshare --user --map-root-user --mount sh -c '
	if ! mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
		! cat "$0" > /proc/sys/fs/binfmt_misc/register 2>/dev/null; then
		echo "binfmt-sandbox: no binfmt_misc of its own in a user namespace here (needs Linux >= 6.7)" >&2
		exit 77
	fi
	exec "$@"' "$CONF" "$@"
