#!/bin/sh
# test_docs.sh BIN - the long flags of `BIN --help` are exactly those in the
# README flag table, the man page's OPTIONS and the generated bash and zsh
# completion: every flag documented everywhere, no documented flag that
# does not exist.
BIN=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
check() { if [ "$1" = 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $2"; fi; }
hidden="completion"   # hidden from --help on purpose; documented in README and man

"$BIN" --help | grep -o -- '^ *\(-[a-z], \)\{0,1\}--[a-z][a-z-]*' | sed 's/.*--//' | sort -u > "$T/help"
# README: the first column of the "### Flags" table
sed -n '/^### Flags/,/^### /p' "$ROOT/README.md" | grep '^| `' | cut -d'|' -f2 |
	grep -o -- '--[a-z][a-z-]*' | sed 's/--//' | sort -u > "$T/readme"
# man page: the .B/.BR/.BI lines of OPTIONS
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$ROOT/man/deploy2sts.1" | grep '^\.B' |
	sed 's/\\-/-/g' | grep -o -- '--[a-z][a-z-]*' | sed 's/--//' | sort -u > "$T/man"
"$BIN" --completion bash > "$T/bash"; check $? "--completion bash"
"$BIN" --completion zsh > "$T/zsh"; check $? "--completion zsh"
sed -n 's/.*compgen -W "\(-[^"]*\)" -- "$cur"))$/\1/p' "$T/bash" | tr ' ' '\n' | grep '^--' |
	sed 's/--//' | sort -u > "$T/bashflags"
grep -o -- "--[a-z][a-z-]*[=[}]" "$T/zsh" | sed 's/--//;s/[=[}]$//' | sort -u > "$T/zshflags"
[ "$(wc -l < "$T/help")" -gt 20 ]; check $? "--help lists the flags ($(wc -l < "$T/help"))"
for where in readme man bashflags zshflags; do
	grep -v -x -e "$hidden" "$T/$where" > "$T/$where.shown"
	for o in $(comm -23 "$T/help" "$T/$where.shown"); do check 1 "--$o (in --help) missing from $where"; done
	for o in $(comm -13 "$T/help" "$T/$where.shown"); do check 1 "--$o in $where is not a flag of --help"; done
	cmp -s "$T/help" "$T/$where.shown"; check $? "$where lists the same flags as --help"
done
for where in readme man; do
	grep -q -x -e "$hidden" "$T/$where"; check $? "--$hidden documented in $where"
done
echo "docs: $pass passed, $fail failed"
[ $fail = 0 ]
