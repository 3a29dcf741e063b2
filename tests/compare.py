#!/usr/bin/python3
"""make compare BASELINE=PATH: the same inputs through two deploy2sts binaries,
for a change that must not change behaviour (a refactor).

Inputs: every file of ../shared/corpus, the golden inputs (testdata/golden),
the KRM inputs (testdata/krm), the model's kept regression inputs, and Helm 3
renders of the ten charts of ../shared/charts (defaults and the values of
tests/test_charts.py WORTH), each under several flag sets (FLAGSETS). For
every run stdout and the exit status must be byte-identical; stderr is
compared as a sorted set of lines (a refactor may reorder diagnostics) and
differences are listed, not failed, unless STRICT_STDERR=1.

Usage: compare.py NEW_BINARY BASELINE_BINARY
"""
import glob
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
HELM3 = os.path.join(ROOT, ".tools", "bin", "helm3")
RENDERS = os.path.join(ROOT, "build", "compare", "renders")

FLAGSETS = [
    [],
    ["--pod-management-policy", "Parallel", "--volume-claim-template",
     "name=data,mountPath=/data,size=1Gi"],
    ["--drop-absorbed-pvcs", "--update-strategy", "OnDelete", "--no-headless-service",
     "--service-name", "{name}-hs"],
    ["--migrate-data", "clone", "--ordinals-start", "1", "-n", "apps"],
    ["--migrate-data", "none", "--strict"],
    ["--skip-unsupported", "--report", "-"],
    ["--split-volume", "data", "--partition", "1", "--exclude", "*db*"],
]


def chart_renders():
    """Helm 3 renders of the charts (cached in build/compare/renders)."""
    if not os.path.exists(HELM3) or not os.path.isdir(os.path.join(SHARED, "charts")):
        print("SKIP: chart renders (no .tools/bin/helm3 or ../shared/charts)")
        return []
    sys.path.insert(0, HERE)
    from test_charts import CHARTS, WORTH, NO_DEFAULTS, KUBE
    os.makedirs(RENDERS, exist_ok=True)
    out = []
    for chart in sorted(os.listdir(CHARTS)):
        if not os.path.isfile(os.path.join(CHARTS, chart, "Chart.yaml")):
            continue
        cases = ([] if chart in NO_DEFAULTS else [("defaults", [])]) + WORTH.get(chart, [])
        for vid, args in cases:
            path = os.path.join(RENDERS, "%s-%s.yaml" % (chart, vid))
            if not os.path.exists(path):
                p = subprocess.run([HELM3, "template", "rel", os.path.join(CHARTS, chart)] + KUBE + args,
                                   capture_output=True)
                if p.returncode:
                    print("SKIP render %s %s: %s" % (chart, vid, p.stderr.decode()[:200]))
                    continue
                open(path, "wb").write(p.stdout)
            out.append(path)
    return out


def inputs():
    files = sorted(glob.glob(os.path.join(SHARED, "corpus", "*.yaml")))
    files += sorted(glob.glob(os.path.join(ROOT, "testdata", "golden", "*", "in.yaml")))
    files += sorted(glob.glob(os.path.join(ROOT, "testdata", "krm", "*.yaml")))
    files += sorted(glob.glob(os.path.join(ROOT, "tests", "model", "regressions", "*.yaml")))
    files += sorted(glob.glob(os.path.join(ROOT, "testdata", "*.yaml")))
    return files + chart_renders()


def run(binary, path, flags):
    with open(path, "rb") as f:
        p = subprocess.run([binary] + flags, stdin=f, capture_output=True, timeout=120,
                           env=dict(os.environ, DEPLOY2STS_LOG="/dev/null"))
    return p.returncode, p.stdout, p.stderr


def compare(new, old, path, flags):
    a, b = run(new, path, flags), run(old, path, flags)
    label = "%s %s" % (os.path.relpath(path, os.path.dirname(ROOT)), " ".join(flags))
    problems = []
    if a[0] != b[0]:
        problems.append("exit %d, baseline %d" % (a[0], b[0]))
    if a[1] != b[1]:
        problems.append("stdout differs")
    la, lb = sorted(a[2].decode(errors="replace").splitlines()), sorted(b[2].decode(errors="replace").splitlines())
    notes = []
    if la != lb:
        only_new = [x for x in la if x not in lb]
        only_old = [x for x in lb if x not in la]
        notes = ["+ " + x for x in only_new[:4]] + ["- " + x for x in only_old[:4]]
        if os.environ.get("STRICT_STDERR") == "1":
            problems.append("stderr differs")
    return label, problems, notes


def main():
    new, old = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    jobs = [(p, f) for p in inputs() for f in FLAGSETS]
    same = differ = stderr_only = 0
    with ThreadPoolExecutor(2) as ex:
        for label, problems, notes in ex.map(lambda j: compare(new, old, *j), jobs):
            if problems:
                differ += 1
                print("DIFF %s: %s" % (label, "; ".join(problems)))
            elif notes:
                stderr_only += 1
            else:
                same += 1
            if notes and (problems or os.environ.get("VERBOSE")):
                for n in notes:
                    print("     %s" % n[:300])
    print("compare: %d runs, %d identical, %d with other stderr lines only, %d different"
          % (len(jobs), same, stderr_only, differ))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
