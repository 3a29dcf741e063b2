#!/bin/sh
# test_readme_install.sh BIN - the README's signed install and upgrade of the
# Helm 4 plugin archive, run as written (README "Install", the blocks after
# "tested as written") with this machine's GnuPG (2.2 on Debian 12) and the
# real Helm 4.1.4, by a user whose ~/.gnupg is new (pubring.kbx only):
# a throwaway key signs a plugin archive the way `make dist SIGN_KEY=...
# KEYRING=...` does (helm plugin package --sign with a legacy secring), the
# user imports its armored public key and runs the recipe with KEY set to its
# fingerprint. Also checks what the README says around it: the old recipe
# (--keyring ~/.gnupg/pubring.gpg) and pubring.kbx fail, `helm plugin update`
# says "Cannot detect VCS". Negative controls: the recipe with another
# fingerprint, and a tampered archive, install nothing.
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
H4=$ROOT/.tools/bin/helm4
pass=0; fail=0
check() { if [ "$1" = 0 ]; then pass=$((pass+1)); echo "ok   $2"; else fail=$((fail+1)); echo "FAIL $2"; [ -z "${3:-}" ] || printf '%s\n' "$3" | tail -12 | sed 's/^/     /'; fi; }
if ! command -v gpg >/dev/null 2>&1; then echo "SKIP README signed install: gpg is not installed (Debian gnupg)"; exit 0; fi
if [ ! -x "$H4" ]; then echo "SKIP README signed install: .tools/bin/helm4 missing (tests/install-tools.sh)"; exit 0; fi
T=$(mktemp -d)
SIGNER=$T/signer
mkdir -m 700 "$SIGNER"
cleanup() {
	GNUPGHOME=$SIGNER gpgconf --kill gpg-agent 2>/dev/null
	GNUPGHOME=$T/home/.gnupg gpgconf --kill gpg-agent 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
W=$T/work
mkdir -p "$W" "$T/home" "$T/bin"
VERSION=$(sed -n 's/^version:[[:space:]]*//p' "$ROOT/plugin.yaml")

# --- the release side: a throwaway key signs the plugin archive ---
gpg_s() { GNUPGHOME=$SIGNER gpg --batch --quiet "$@"; }
gpg_s --passphrase '' --quick-gen-key "deploy2sts release test <release@example.invalid>" ed25519 sign never 2>/dev/null
gpg_s --passphrase '' --quick-gen-key "someone else <other@example.invalid>" ed25519 sign never 2>/dev/null
fpr() { gpg_s --with-colons --fingerprint "$1" | awk -F: '$1 == "fpr" { print $10; exit }'; }
FPR=$(fpr release@example.invalid)
OTHER=$(fpr other@example.invalid)
gpg_s --export-secret-keys release@example.invalid > "$T/secring.gpg"   # Helm signs from the legacy secring
gpg_s --armor --export release@example.invalid > "$W/deploy2sts-release-key.asc"
P=$T/plugin/deploy2sts
# the release archive's layout: one prebuilt binary per platform (packaging/dist.sh);
# the binary under test is this machine's
case "$(uname -m)" in aarch64 | arm64) PLAT=linux-arm64 ;; *) PLAT=linux-amd64 ;; esac
mkdir -p "$P/bin/$PLAT" "$P/packaging"
cp "$ROOT/plugin.yaml" "$P/"
cp "$ROOT/packaging/helm-plugin-hook.sh" "$P/packaging/"
cp "$BIN" "$P/bin/$PLAT/deploy2sts"
out=$("$H4" plugin package "$P" --sign --key "deploy2sts release test" --keyring "$T/secring.gpg" -d "$W" 2>&1)
[ -s "$W/deploy2sts-$VERSION.tgz" ] && [ -s "$W/deploy2sts-$VERSION.tgz.prov" ] && [ ${#FPR} = 40 ] && [ ${#OTHER} = 40 ]
check $? "a throwaway key signs deploy2sts-$VERSION.tgz (helm plugin package --sign)" "$out"

# --- the README's blocks, as written ---
# block N: the fenced block after the Nth "tested as written" marker, list indentation removed
block() {
	awk -v n="$1" '/<!-- tested as written.*test_readme_install\.sh/ { m++; next }
		m == n && /^ *```sh$/ { on = 1; next }
		on && /^ *```$/ { exit }
		on { sub(/^  /, ""); print }' "${README:-$ROOT/README.md}"
}
block 1 > "$T/install.sh"
block 2 > "$T/upgrade.sh"
grep -q '^KEY=' "$T/install.sh" && grep -q 'helm plugin install' "$T/install.sh"
check $? "README: the signed-install block sets KEY and runs helm plugin install" "$(cat "$T/install.sh")"
grep -q 'helm plugin uninstall deploy2sts' "$T/upgrade.sh" && grep -q 'helm plugin install' "$T/upgrade.sh"
check $? "README: the upgrade block is uninstall + install" "$(cat "$T/upgrade.sh")"
grep -q "deploy2sts-$VERSION.tgz" "$T/install.sh"
check $? "README: the recipe names this version's archive (deploy2sts-$VERSION.tgz)" "$(cat "$T/install.sh")"

# a user: new HOME (so ~/.gnupg is GnuPG 2.2's pubring.kbx), helm = Helm 4
ln -s "$H4" "$T/bin/helm"
as_user() { # SCRIPT_OR_-c...: run in $W as the user, sh -e; output in $out, status returned
	out=$(cd "$W" && env -i HOME="$T/home" PATH="$T/bin:/usr/bin:/bin" HELM_DATA_HOME="$T/hd" \
		HELM_CONFIG_HOME="$T/hc" HELM_CACHE_HOME="$T/hk" sh -e "$@" 2>&1)
}
sed "s/^KEY=.*/KEY=$FPR/" "$T/install.sh" > "$T/install-key.sh"
as_user "$T/install-key.sh"; r=$?
case "$out" in *"Using Key With Fingerprint: $FPR"*"Plugin Hash Verified"*"Installed plugin: deploy2sts"*) ;; *) r=1;; esac
check $r "README signed install, as written: verified with key $FPR and installed" "$out"
as_user -c 'helm plugin list'
echo "$out" | grep -E "^deploy2sts[[:space:]]+$VERSION[[:space:]]+postrenderer/v1[[:space:]]+v1[[:space:]]+signed" >/dev/null
check $? "helm plugin list shows it signed" "$out"
[ -f "$T/home/.gnupg/pubring.kbx" ] && [ ! -e "$T/home/.gnupg/pubring.gpg" ]
check $? "GnuPG $(gpg --version | sed -n '1s/.* //p') keeps ~/.gnupg/pubring.kbx and no pubring.gpg"

as_user -c 'helm plugin update deploy2sts'; r=$?
[ $r != 0 ] && echo "$out" | grep -q "Cannot detect VCS"
check $? "helm plugin update of an archive install says \"Cannot detect VCS\" (as the README says)" "$out"
out=$(env -i HOME="$T/home" PATH=/usr/bin:/bin HELM_DATA_HOME="$T/hd-dir" HELM_CONFIG_HOME="$T/hc" \
	HELM_CACHE_HOME="$T/hk" sh -c "'$H4' plugin install '$P' && '$H4' plugin update deploy2sts" 2>&1); r=$?
[ $r != 0 ] && echo "$out" | grep -q "Installed plugin: deploy2sts" && echo "$out" | grep -q "Cannot detect VCS"
check $? "helm plugin update of a directory install says \"Cannot detect VCS\" too" "$out"
as_user "$T/upgrade.sh"; r=$?
case "$out" in *"Uninstalled plugin: deploy2sts"*"Plugin Hash Verified"*"Installed plugin: deploy2sts"*) ;; *) r=1;; esac
check $r "README upgrade, as written: uninstall + install of the signed archive" "$out"

# what the README says fails
as_user -c 'helm plugin uninstall deploy2sts'
as_user -c "helm plugin install ./deploy2sts-$VERSION.tgz --keyring ~/.gnupg/pubring.gpg"; r=$?
[ $r != 0 ] && echo "$out" | grep -q "pubring.gpg: no such file or directory"
check $? "the old recipe (--keyring ~/.gnupg/pubring.gpg) fails with GnuPG >= 2.1" "$out"
as_user -c "helm plugin install ./deploy2sts-$VERSION.tgz --keyring ~/.gnupg/pubring.kbx"; r=$?
[ $r != 0 ] && echo "$out" | grep -q "openpgp: invalid data"
check $? "Helm refuses pubring.kbx as a keyring" "$out"

# negative controls: another fingerprint; a tampered archive
rm -f "$W/deploy2sts-release.gpg"
sed "s/^KEY=.*/KEY=$OTHER/" "$T/install.sh" > "$T/install-other.sh"
as_user "$T/install-other.sh"; r=$?
[ $r != 0 ] && [ ! -e "$T/hd/plugins/deploy2sts" ]
check $? "negative control: the recipe with a fingerprint the key file does not have installs nothing" "$out"
mkdir -p "$T/tamper/deploy2sts"
tar -xzf "$W/deploy2sts-$VERSION.tgz" -C "$T/tamper" && echo "# changed" >> "$T/tamper/deploy2sts/plugin.yaml" &&
	tar -czf "$W/deploy2sts-$VERSION.tgz" -C "$T/tamper" deploy2sts
as_user "$T/install-key.sh"; r=$?
[ $r != 0 ] && [ ! -e "$T/hd/plugins/deploy2sts" ]
check $? "negative control: a tampered archive is refused by the same recipe" "$out"

echo "readme-install: $pass passed, $fail failed"
[ $fail = 0 ]
