#!/bin/sh
# ensure-deps.sh PKG... - make sure Debian packages are installed.
# As root: installs the missing ones with apt-get. Otherwise: names them and fails.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing:$missing"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; } >/dev/null || {
		echo "deploy2sts: apt-get install$missing failed" >&2; exit 1; }
	exit 0
fi
echo "deploy2sts: missing packages:$missing" >&2
echo "install them with: sudo apt-get install$missing" >&2
exit 1
