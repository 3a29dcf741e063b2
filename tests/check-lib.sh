# tests/check-lib.sh - sourced by the release checks (tests/test_dist.sh,
# tests/test_dist_cross.sh): the project root as the working directory, the
# platform helpers of packaging/arch.sh, HOST (this machine's linux/ARCH
# architecture), a scratch directory T removed on exit, and ok STATUS NAME
# [OUTPUT], which counts a check in pass or fail and shows the tail of OUTPUT
# when it fails.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. packaging/arch.sh
HOST=$(arch_host)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { if [ "$1" = 0 ]; then pass=$((pass+1)); echo "ok   $2"; else fail=$((fail+1)); echo "FAIL $2"; [ -z "${3:-}" ] || printf '%s\n' "$3" | tail -8; fi; }
