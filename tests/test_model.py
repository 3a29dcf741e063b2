#!/usr/bin/python3
"""Model test: deploy2sts against the reference model on generated inputs.

1. Runs the usage cases of tests/model/usage.py (bad flags, bad --config,
   bad YAML, a large stream) and replays every kept regression
   (tests/model/regressions/NAME.yaml, flags in NAME.json): all properties
   must hold, except for the known bugs listed in tests/model/known_bugs.py,
   which must still fail (XFAIL; a passing one fails the test so the list
   stays honest).
2. Runs a fixed-seed sample of generated cases (hypothesis, derandomized):
   MODEL_EXAMPLES cases (default 300; CI: `make model-test`, 3000), MODEL_SEED
   picks another sample. A failing case is shrunk by hypothesis (at most
   MODEL_SHRINK_SECONDS) and written to tests/model/regressions/found-*.yaml
   and .json: commit it, then fix the C code or the model (or, for a rule the
   C code does not follow yet, list it in known_bugs.py).
   tests/model/find_bug.py searches and shrinks a case for one known-bug tag.
Usage: test_model.py path/to/deploy2sts
"""
import hashlib
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
REG = os.path.join(ROOT, "tests", "model", "regressions")

try:
    import hypothesis  # noqa: F401
except ImportError:
    subprocess.call(["sh", os.path.join(ROOT, "tests", "ensure-deps.sh"), "python3-hypothesis"])
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        print("FAIL model: python3-hypothesis is missing (apt-get install python3-hypothesis)")
        sys.exit(1)

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from model import gen, props, usage  # noqa: E402
from model.known_bugs import KNOWN, KNOWN_USAGE, SANITIZER_ONLY  # noqa: E402
from model.model import Opts  # noqa: E402
from report import Report  # noqa: E402


def opts_json(o):
    return {k: v for k, v in vars(o).items() if v not in (None, [], False) or k == "quiet"}


def save(stream, o, prefix="found"):
    """Keep a failing input as a regression file; returns its name."""
    os.makedirs(REG, exist_ok=True)
    name = "%s-%s" % (prefix, hashlib.sha1(stream + json.dumps(opts_json(o)).encode()).hexdigest()[:10])
    with open(os.path.join(REG, name + ".yaml"), "wb") as f:
        f.write(stream)
    with open(os.path.join(REG, name + ".json"), "w") as f:
        json.dump(opts_json(o), f, indent=1, sort_keys=True)
        f.write("\n")
    return name


def replay(binary, report):
    names = sorted(f[:-5] for f in os.listdir(REG) if f.endswith(".yaml")) if os.path.isdir(REG) else []
    xfail = 0
    for name in names:
        stream = open(os.path.join(REG, name + ".yaml"), "rb").read()
        o = Opts(**json.load(open(os.path.join(REG, name + ".json"))))
        problems, _ = props.check(binary, stream, o)
        if name in KNOWN:
            if problems:
                xfail += 1
                print("XFAIL model %s: %s" % (name, KNOWN[name]))
                continue
            problems = ["known bug (%s) passes: remove it from tests/model/known_bugs.py" % KNOWN[name]]
        report.case("regression " + name, problems)
    for name in KNOWN:
        if name not in names:
            report.case("regression " + name, ["listed in known_bugs.py but no regression file"])
    return len(names), xfail


def sample(binary, report, n, seed):
    """Run n generated cases; a failure is shrunk for at most MODEL_SHRINK_SECONDS
    (default 30; after that every new candidate counts as passing, so hypothesis
    ends with the smallest failing case seen) and kept as a regression file."""
    stats = {"cases": 0, "known": {}, "last": None, "t_fail": None, "failed": set()}
    budget = float(os.environ.get("MODEL_SHRINK_SECONDS", "30"))

    @settings(max_examples=n, derandomize=seed is None, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), print_blob=False, report_multiple_bugs=False,
              phases=[Phase.generate, Phase.shrink])
    @given(gen.cases())
    def prop(case):
        stream = case.stream()
        last = stats["last"]
        if last and time.time() - stats["t_fail"] > budget and stream not in stats["failed"]:
            return  # past the budget only a case seen failing fails again (hypothesis replays its best)
        problems, tags = props.check(binary, stream, case.opts)
        if last is None:
            stats["cases"] += 1
        crash = any(p.startswith(("crash", "hang")) for p in problems)  # a known bug never excuses these
        if problems and tags and not crash:
            if last is None:
                for t in tags:
                    stats["known"][t] = stats["known"].get(t, 0) + 1
            return
        if problems:
            if last is None:
                stats["t_fail"] = time.time()
            stats["last"] = (stream, case.opts, problems)
            stats["failed"].add(stream)
            raise AssertionError("\n".join(problems))

    if seed is not None:
        prop = hypothesis.seed(seed)(prop)
    t0 = time.time()
    try:
        prop()
        problems = []
    except (AssertionError, hypothesis.errors.HypothesisException):
        if stats["last"] is None:
            raise
        stream, o, problems = stats["last"]
        name = save(stream, o)
        problems = ["kept as tests/model/regressions/%s.yaml (%s): commit it, fix the C code or the model" % (
            name, o.args("CONFIG"))] + problems
    report.case("generated sample (%d cases)" % stats["cases"], problems)
    print("model: %d generated cases in %.1f s%s; cases touching known bugs: %s" % (
        stats["cases"], time.time() - t0, " (until the first failure)" if problems else "",
        ", ".join("%s %d" % kv for kv in sorted(stats["known"].items())) or "none"))


def main():
    binary = os.path.abspath(sys.argv[1])
    report = Report("model")
    if props.SCHEMAS is None:
        print("SKIP model schemas: ../shared/tools/validate.py not found")
    t0 = time.time()
    n, xfail = replay(binary, report)
    print("model: %d regressions replayed (%d known bugs XFAIL) in %.1f s" % (n, xfail, time.time() - t0))
    for name, problems in usage.cases(binary):
        if name in KNOWN_USAGE and (problems or name not in SANITIZER_ONLY):
            if problems:
                print("XFAIL model %s: %s" % (name, KNOWN_USAGE[name]))
                continue
            problems = ["known bug (%s) passes: remove it from KNOWN_USAGE" % KNOWN_USAGE[name]]
        report.case(name[:120].replace("\n", " "), problems)
    seed = os.environ.get("MODEL_SEED")
    n = int(os.environ.get("MODEL_EXAMPLES", "300"))
    if n > 0:
        sample(binary, report, n, int(seed) if seed else None)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
