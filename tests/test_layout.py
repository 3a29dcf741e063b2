#!/usr/bin/python3
"""test_layout.py - the house rules of src/ that keep it easy to change
(docs/architecture.md): no file over 600 lines, no function over 80 lines,
every long flag name written once in src/ as a key (in the option table,
optable.c; messages may name flags in prose),
includes that run one way (no include cycle), no "DESIGN §" citation of a
document outside the repository. Usage: test_layout.py [BIN] (BIN unused)."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
MAX_FILE, MAX_FUNC = 600, 80
passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what + (": " + detail if detail else ""))


def sources():
    return sorted(f for f in os.listdir(SRC) if f.endswith((".c", ".h")))


def functions(text):
    """(name, first line, length) of each function definition: a line at
    column 0 ending in ')' or ',' ... followed by '{' alone at column 0, up to
    the '}' alone at column 0."""
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        if lines[i] == "{":
            j = i - 1
            while j > 0 and lines[j] and lines[j][0] in " \t":
                j -= 1
            m = re.search(r"([A-Za-z_]\w*)\s*\(", lines[j])
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            if m:
                out.append((m.group(1), j + 1, k - j + 1))
            i = k
        i += 1
    return out


def main():
    files = sources()
    texts = {f: open(os.path.join(SRC, f), encoding="utf-8").read() for f in files}
    big = ["%s (%d lines)" % (f, t.count("\n")) for f, t in texts.items() if t.count("\n") > MAX_FILE]
    check(not big, "no file in src/ over %d lines" % MAX_FILE, ", ".join(big))
    long_fns = ["%s:%d %s (%d lines)" % (f, l, n, c) for f, t in texts.items() if f.endswith(".c")
                for n, l, c in functions(t) if c > MAX_FUNC]
    n_fns = sum(len(functions(t)) for f, t in texts.items() if f.endswith(".c"))
    check(n_fns > 200 and not long_fns, "no function over %d lines (%d functions)" % (MAX_FUNC, n_fns),
          ", ".join(long_fns))
    # every long flag of --help is written once in src/, in the option table
    binary = os.path.join(ROOT, "deploy2sts")
    if len(sys.argv) > 1:
        binary = sys.argv[1]
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    flags = sorted(set(re.findall(r"^\s+(?:-\w, )?--([a-z][a-z-]*)", help_text, re.M)))
    twice = []
    for flag in flags:
        # the flag's name as a key ("pod-management-policy"): getopt's table,
        # --help, the config and ConfigMap readers, the environment and the
        # completion all take it from optable.c. (Messages may name a flag
        # in prose, "--flag"; a one-word flag that is also a Kubernetes field
        # name, such as namespace or selector, cannot be told apart.)
        if "-" not in flag:
            continue
        where = [f for f, t in texts.items() for _ in re.finditer(r'"%s"' % re.escape(flag), t)]
        if where != ["optable.c"]:
            twice.append("%s: %s" % (flag, where))
    table = texts["optable.c"]
    missing = [f for f in flags if '"%s"' % f not in table]
    check(not missing, "every long flag is in the option table", ", ".join(missing))
    check(len(flags) > 20 and not twice, "each of %d long flags is written once in src/, in optable.c"
          % len(flags), "; ".join(twice))
    # includes run one way: no cycle among src/ headers and their .c files
    deps = {}
    for f, t in texts.items():
        unit = re.sub(r"_int$", "", f[:-2])  # a private header is part of its unit
        deps.setdefault(unit, set()).update(re.sub(r"_int$", "", i[:-2])
                                            for i in re.findall(r'#include "([\w]+\.h)"', t))
        deps[unit].discard(unit)
    cycles = []

    def visit(u, stack, seen):
        for v in deps.get(u, ()):
            if v in stack:
                cycles.append(" -> ".join(stack[stack.index(v):] + [v]))
            elif v not in seen:
                seen.add(v)
                visit(v, stack + [v], seen)
    for u in deps:
        visit(u, [u], {u})
    check(not cycles, "no include cycle in src/", "; ".join(sorted(set(cycles))[:5]))
    cited = [f for f, t in texts.items() if "DESIGN §" in t or "DESIGN.md" in t]
    check(not cited, "no file cites a design document outside the repository", ", ".join(cited))
    print("layout: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
