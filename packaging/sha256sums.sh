#!/bin/sh
# sha256sums.sh DIR - write DIR/SHA256SUMS over every release file in DIR
# (`sha256sum -c SHA256SUMS` checks them). make dist and make image call it.
set -eu
cd "$1"
ls -- *.tar.gz *.tgz *.tgz.prov *-oci.tar 2>/dev/null | LC_ALL=C sort | xargs -r sha256sum > SHA256SUMS.tmp
mv SHA256SUMS.tmp SHA256SUMS
echo "dist: $1/SHA256SUMS ($(wc -l < SHA256SUMS) files)"
