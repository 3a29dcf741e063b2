#!/usr/bin/python3
"""YAML Test Suite conformance (../shared/yaml-test-suite, 402 cases).

Every valid case (no `error` file) must exit 0 with output byte-identical to
in.yaml; every error case must exit 1 naming FILE:LINE:COL; nothing may
crash or hang (5 s per case).
Usage: test_yaml_suite.py path/to/deploy2sts
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join(os.path.dirname(ROOT), "shared", "yaml-test-suite")
POS = re.compile(r"deploy2sts: error: [^:\n]+:\d+:\d+: ")


def main():
    binary = os.path.abspath(sys.argv[1])
    if not os.path.isdir(SUITE):
        print("SKIP yaml-test-suite: %s not found" % SUITE)
        return 0
    cases = sorted(os.path.join(d, "in.yaml") for d, _, files in os.walk(SUITE) if "in.yaml" in files)
    valid_ok = valid_n = err_ok = err_n = 0
    for case in cases:
        d = os.path.dirname(case)
        name = os.path.relpath(d, SUITE)
        is_error = os.path.exists(os.path.join(d, "error"))
        data = open(case, "rb").read()
        try:
            p = subprocess.run([binary, "-f", case], capture_output=True, timeout=5)
        except subprocess.TimeoutExpired:
            print("FAIL %s: hang (> 5 s)" % name)
            err_n += is_error
            valid_n += not is_error
            continue
        if p.returncode < 0 or p.returncode > 2:
            print("FAIL %s: crashed (%d)" % (name, p.returncode))
        if is_error:
            err_n += 1
            if p.returncode == 1 and POS.search(p.stderr.decode(errors="replace")):
                err_ok += 1
            else:
                print("FAIL %s: error case gave exit %d: %s" % (name, p.returncode, p.stderr[:200]))
        else:
            valid_n += 1
            if p.returncode == 0 and p.stdout == data:
                valid_ok += 1
            else:
                print("FAIL %s: valid case gave exit %d, output %s" % (
                    name, p.returncode, "identical" if p.stdout == data else "different"))
    print("yaml-test-suite: valid %d/%d byte-identical, errors %d/%d with position" %
          (valid_ok, valid_n, err_ok, err_n))
    fails = (valid_n - valid_ok) + (err_n - err_ok)
    print("yaml-test-suite: %d passed, %d failed" % (valid_ok + err_ok, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
