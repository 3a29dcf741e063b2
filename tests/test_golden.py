#!/usr/bin/python3
"""Golden cases: testdata/golden/<case>/ holds in.yaml, args (one argument per
line), out.yaml (expected stdout, byte for byte), and optionally rc (expected
exit status, default 0) and stderr (lines that must appear in stderr).
UPDATE=1 rewrites out.yaml from the current output (review the diff!).
Usage: test_golden.py path/to/deploy2sts
"""
import os
import subprocess
import sys

import k8s_rules
from report import Report

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "testdata", "golden")


def read(path, default=None):
    return open(path, "rb").read() if os.path.exists(path) else default


def main():
    binary = os.path.abspath(sys.argv[1])
    report = Report("golden")
    for c in sorted(os.listdir(GOLDEN)):
        d = os.path.join(GOLDEN, c)
        args = [a for a in read(os.path.join(d, "args"), b"").decode().split("\n") if a]
        p = subprocess.run([binary] + args, input=read(os.path.join(d, "in.yaml")),
                           capture_output=True, timeout=30)
        want_rc = int(read(os.path.join(d, "rc"), b"0"))
        errs = []
        if os.environ.get("UPDATE") == "1" and p.returncode == want_rc:
            open(os.path.join(d, "out.yaml"), "wb").write(p.stdout)
        if p.returncode != want_rc:
            errs.append("exit %d, want %d: %s" % (p.returncode, want_rc, p.stderr.decode()[:400]))
        want_out = read(os.path.join(d, "out.yaml"))
        if want_out is not None and p.stdout != want_out:
            errs.append("output differs from out.yaml")
        for line in read(os.path.join(d, "stderr"), b"").decode().splitlines():
            if line and line not in p.stderr.decode():
                errs.append("stderr lacks %r (got %r)" % (line, p.stderr.decode()[:400]))
        if want_rc == 0:  # Kubernetes API rules on the output (tests/k8s_rules.py)
            errs += ["api: " + e for e in k8s_rules.check_stream(p.stdout)]
        if want_rc == 0 and not errs:
            p2 = subprocess.run([binary] + args, input=p.stdout, capture_output=True, timeout=30)
            if p2.stdout != p.stdout:
                errs.append("not idempotent: a second run changes the output")
        report.case(c, errs)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
