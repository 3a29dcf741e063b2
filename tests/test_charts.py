#!/usr/bin/python3
"""Real chart suite: the ten charts of ../shared/charts rendered with Helm 3.10.1
(.tools/bin/helm3) and Helm 4.1.4 (.tools/bin/helm4), `helm template` only (no
cluster), through deploy2sts in three routes:

  pipe    helm template rel CHART ... | deploy2sts ARGS          (Helm 3 and 4)
  post    helm3 template ... --post-renderer /abs/deploy2sts
          --post-renderer-args=ARG ...                           (Helm 3)
  plugin  helm4 plugin install <copy of this source tree> (its plugin.yaml
          builds with make in the install hook), then helm4 template ...
          --post-renderer deploy2sts --post-renderer-args=ARG ... (Helm 4)

Checks on every output: exit status, strict schemas (validate.py of
../shared/tools, as test_corpus.py runs it), the API rules of k8s_rules.py,
idempotence (the output fed back is unchanged, byte for byte). On the pipe
route also: no document lost (every input kind/ns/name is there, a Deployment
as a StatefulSet, plus one generated Service each), untouched documents
byte-identical and in order, and a ReadWriteMany/ReadOnlyMany PVC stays one
shared claim. Across routes: pipe and post-renderer give the same StatefulSets
and the same documents (hooks included) for one Helm version; Helm 3 and
Helm 4 give the same StatefulSets (compared by value without Helm-4-only
postrenderer.helm.sh/* annotations and without checksum/* pod annotations,
which hash randomly generated Secrets).
Run time: each chart/values pair is rendered once per Helm version (reused by
every pipe case), renders and deploy2sts runs go three at a time.

Known wrong behaviours of deploy2sts are listed in XFAIL (strict: a listed
check that passes fails the suite, so the table stays honest).
Usage: test_charts.py path/to/deploy2sts
"""
import fnmatch
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import yaml

import k8s_rules
from test_corpus import CHANGED_KINDS, Loader, clone_claims, pieces
from clientenv import helm_homes
from source_tree import copy_source_tree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
CHARTS = os.path.join(SHARED, "charts")
VALIDATE = os.path.join(SHARED, "tools", "validate.py")
HELM3 = os.path.join(ROOT, ".tools", "bin", "helm3")
HELM4 = os.path.join(ROOT, ".tools", "bin", "helm4")
KUBE = ["--kube-version", "1.32.0"]  # same Capabilities for both Helm versions

WORTH = {  # chart -> [(values id, helm args)], from SOURCES.md "values worth testing"
    "podinfo": [("worth", ["--set", "hpa.enabled=true,redis.enabled=true,podDisruptionBudget.maxUnavailable=1"])],
    "grafana": [("worth", ["--set", "persistence.enabled=true,autoscaling.enabled=true,"
                           "sidecar.dashboards.enabled=true,initChownData.enabled=true"])],
    "traefik": [("worth", ["--set", "persistence.enabled=true,autoscaling.enabled=true,"
                           "autoscaling.maxReplicas=3,resources.requests.cpu=100m"])],
    "tomcat": [("worth", ["--set", "persistence.enabled=true,replicaCount=2"])],
    "wordpress": [("memcached", ["--set", "memcached.enabled=true,wordpressPassword=x,"
                                 "mariadb.auth.password=x,mariadb.auth.rootPassword=x"]),
                  ("rwx", ["--set", "replicaCount=3,persistence.accessModes[0]=ReadWriteMany"])],
    "ingress-nginx": [("worth", ["--set", "controller.autoscaling.enabled=true,defaultBackend.enabled=true,"
                                 "defaultBackend.autoscaling.enabled=true"])],
    "cert-manager": [("worth", ["--set", "crds.enabled=true"])],
    "argo-cd": [("worth", ["--set", "server.autoscaling.enabled=true,repoServer.autoscaling.enabled=true"])],
    "app-template": [("values", ["-f", os.path.join(CHARTS, "values", "app-template.yaml")])],
    "metrics-server": [("worth", ["--set", "podDisruptionBudget.enabled=true,"
                                  "podDisruptionBudget.minAvailable=1,replicas=2"])],
}
NO_DEFAULTS = {"wordpress", "app-template"}  # their interesting renders need values
# a chart whose PVC is absorbed needs a choice about its data: the plain run
# clones it into the first replica's claim, the vct run starts every claim empty
FLAGS = {
    "plain": ["-q", "--migrate-data", "clone"],
    "vct": ["-q", "--pod-management-policy", "Parallel", "--migrate-data", "none",
            "--volume-claim-template", "name=data,mountPath=/data,size=1Gi"],
    # a claim mounted where the container already mounts a volume (podinfo: data at /data)
    "taken": ["-q", "--volume-claim-template", "name=store,mountPath=/data,size=1Gi"],
}
EXTRA = [("podinfo", "defaults", [], "taken")]  # (chart, values id, helm args, flags id)

# Expected failures: (chart, values, flags, helm, route, check) -> (needle, reason).
# Fields are fnmatch patterns. Strict: a listed check that passes fails the
# suite, and every error of a listed check must contain the needle of one of
# its entries (a failure for another reason still fails). Each entry is a
# deploy2sts bug to fix in src/, not a test problem.
XFAIL = {}

# Runs that must fail (exit 1; the message reaches the pipe's and Helm 3's
# stderr; Helm 4 only shows that the plugin failed):
# (chart, values, flags) -> a needle of the error message.
EXPECT_ERROR = {
    # the claim mount would land where the container already mounts volume data
    # (core validateVolumeMounts: mountPath unique within a container)
    ("podinfo", "defaults", "taken"): "already mounts data at /data",
    # --volume-claim-template name=data over the chart's PVC-backed volume data:
    # never silently replace a volume that holds something
    ("tomcat", "worth", "vct"): "would replace volume data, which mounts PersistentVolumeClaim",
    ("traefik", "worth", "vct"): "would replace volume data, which mounts PersistentVolumeClaim",
}


def expect_error(results, case, rc, out, err):
    """The run must fail as EXPECT_ERROR says: exit non-zero (1 from deploy2sts
    itself), nothing on stdout, the message on stderr where the client shows it."""
    needle = EXPECT_ERROR[case[:3]]
    errs = []
    if rc == 0:
        errs.append("exit 0, expected a failure with %r" % needle)
    if case[4] == "pipe" and rc != 1:
        errs.append("deploy2sts exit %d, expected 1" % rc)
    if case[4] in ("pipe", "post") and needle not in err.decode():
        errs.append("message %r not on stderr: %s" % (needle, err.decode()[:300]))
    results.check(case + ("error",), errs)


def matches(key, case):
    return all(fnmatch.fnmatchcase(c, k) for k, c in zip(key, case))


class Results:
    """PASS/FAIL/XFAIL lines; strict expected failures."""

    def __init__(self):
        self.passed = self.failed = self.xfailed = 0
        self.used = set()
        self.lock = threading.Lock()
        self.lines = []

    def check(self, case, errors):
        keys = [k for k in XFAIL if matches(k, case)]
        label = " ".join(case)
        if keys and errors:
            other = [e for e in errors if not any(XFAIL[k][0] in e for k in keys)]
            if other:
                keys, errors = [], ["fails for a reason not in XFAIL:"] + other
        with self.lock:
            self.used.update(keys)
            if keys and errors:
                self.xfailed += 1
                self.lines.append((case, "XFAIL %s: %s\n" % (label, XFAIL[keys[0]][1]) + "\n".join(
                    "     " + e[:300] for e in errors[:4])))
            elif keys:
                self.failed += 1
                self.lines.append((case, "FAIL %s: expected to fail (%s) but passed: update XFAIL"
                                   % (label, XFAIL[keys[0]][1])))
            elif errors:
                self.failed += 1
                self.lines.append((case, "FAIL %s\n" % label + "\n".join(
                    "     " + e[:600] for e in errors[:8])))
            else:
                self.passed += 1
                self.lines.append((case, "PASS %s" % label))

    def finish(self, elapsed):
        for _, line in sorted(self.lines, key=lambda x: x[0]):
            print(line)
        for k in XFAIL:
            if k not in self.used:
                self.failed += 1
                print("FAIL stale XFAIL entry %s: no such check ran" % (k,))
        print("charts: %d expected failures (XFAIL), %.1f s" % (self.xfailed, elapsed))
        print("charts: %d passed, %d failed" % (self.passed + self.xfailed, self.failed))
        return 1 if self.failed else 0


# ------------------------------------------------------------- parse + schema

class Docs:
    """Parse and schema-check stream pieces once (the same piece recurs in many outputs)."""

    def __init__(self):
        spec = importlib.util.spec_from_file_location("validate", VALIDATE)
        self.validate = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self.validate)
        self.store = self.validate.SchemaStore(self.validate.DEFAULT_SCHEMA_DIR, True)
        self.parsed, self.schema = {}, {}
        self.lock = threading.Lock()

    def load(self, piece):
        if piece not in self.parsed:
            ds = [d for d in yaml.load_all(piece, Loader=Loader) if d is not None]
            self.parsed[piece] = ds[0] if ds else None
        return self.parsed[piece]

    def docs(self, data):
        return [d for d in (self.load(p) for p in pieces(data)) if d is not None]

    def schema_errors(self, data):
        out = []
        for p in pieces(data):
            if p not in self.schema:
                errs = []
                doc = self.load(p)
                if doc is not None:
                    for where, obj in self.validate.iter_objects(doc, ""):
                        if not isinstance(obj, dict) or not obj.get("apiVersion") or not obj.get("kind"):
                            errs.append("not a Kubernetes object: %r" % (p[:80],))
                            continue
                        _, v = self.store.validator(obj["apiVersion"], obj["kind"])
                        for e in (v.iter_errors(obj) if v else []):
                            errs.append("%s: %s: %s" % (self.validate.describe(obj),
                                                        "/".join(map(str, e.absolute_path)), e.message[:200]))
                self.schema[p] = errs
            out += self.schema[p]
        return out


def key(d):
    m = d.get("metadata") or {}
    return (d.get("kind"), m.get("namespace"), m.get("name"))


def statefulsets(docs):
    """StatefulSets by ns/name, normalised for comparison across routes/Helm versions."""
    out = {}
    for d in k8s_rules.expand(docs):
        if d.get("kind") != "StatefulSet":
            continue
        d = yaml.safe_load(yaml.safe_dump(d))  # deep copy
        for meta in [d.get("metadata") or {}, ((d.get("spec") or {}).get("template") or {}).get("metadata") or {}]:
            ann = meta.get("annotations") or {}
            for k in list(ann):
                if k.startswith("postrenderer.helm.sh/") or k.startswith("checksum/"):
                    del ann[k]
            if "annotations" in meta and not ann:
                del meta["annotations"]
        out[key(d)[1:]] = d
    return out


def strip_helm4(d):
    """A deep copy without Helm 4's postrenderer.helm.sh/* top-level annotations."""
    d = yaml.safe_load(yaml.safe_dump(d))
    meta = d.get("metadata") or {}
    ann = meta.get("annotations") or {}
    for k in [k for k in ann if k.startswith("postrenderer.helm.sh/")]:
        del ann[k]
    if "annotations" in meta and not ann:
        del meta["annotations"]
    return d


def diff_docs(a, b, what):
    """The post-renderer route keeps the pipe route's documents: the same
    kind/ns/name set outside hooks; hooks (Helm 4 sends them to the
    post-renderer, Helm 3 does not) the same kinds, equal where names match
    (test hooks get random names)."""
    def split(ds):
        plain, hooks = set(), {}
        for d in k8s_rules.expand(ds):
            if "helm.sh/hook" in ((d.get("metadata") or {}).get("annotations") or {}):
                hooks[key(d)] = strip_helm4(d)
            else:
                plain.add(key(d))
        return plain, hooks
    (pa, ha), (pb, hb) = split(a), split(b)
    errs = ["%s: only in %s: %s %s/%s" % (what, w, *k) for w, ks in (("the first", pa - pb), ("the second", pb - pa))
            for k in sorted(ks, key=str)]
    if sorted(k[0] for k in ha) != sorted(k[0] for k in hb):
        errs.append("%s: hook kinds differ: %s != %s" % (what, sorted(k[0] for k in ha), sorted(k[0] for k in hb)))
    errs += ["%s: hook %s %s/%s differs" % ((what,) + k) for k in set(ha) & set(hb) if ha[k] != hb[k]]
    return errs


def diff_sts(a, b, what):
    errs = []
    for k in sorted(set(a) | set(b), key=str):
        if k not in a or k not in b:
            errs.append("%s: StatefulSet %s/%s only in one" % (what, k[0], k[1]))
        elif a[k] != b[k]:
            sa, sb = a[k].get("spec"), b[k].get("spec")
            where = "spec" if sa != sb else "metadata"
            detail = ""
            if sa != sb:
                for f in sorted(set(sa) | set(sb)):
                    if sa.get(f) != sb.get(f):
                        detail = "spec.%s: %s != %s" % (f, str(sa.get(f))[:300], str(sb.get(f))[:300])
                        break
            errs.append("%s: StatefulSet %s/%s differs in %s %s" % (what, k[0], k[1], where, detail))
    return errs


# ------------------------------------------------------------- checks

def run(args, data=None, env=None):
    p = subprocess.run(args, input=data, capture_output=True, env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr


def check_output(binary, flags, out, docs_cache, results, case):
    ds = docs_cache.docs(out)
    results.check(case + ("schema",), docs_cache.schema_errors(out))
    results.check(case + ("api-rules",), k8s_rules.check_objects(ds))
    rc, again, err = run([binary] + flags, out)
    results.check(case + ("idempotent",), [] if rc == 0 and again == out else
                  ["second run: exit %d, output %s: %s" % (rc, "same" if again == out else "changed",
                                                           err.decode()[:300])])
    return ds


def check_pipe(inp, out, dc, results, case):
    """No document lost, untouched pieces byte-identical, shared PVCs stay shared."""
    ins, outs = dc.docs(inp), dc.docs(out)
    have = {key(d) for d in k8s_rules.expand(outs)}
    errs = []
    n_dep = 0
    for d in k8s_rules.expand(ins):
        k = key(d)
        if k[0] == "Deployment":
            n_dep += 1
            k = ("StatefulSet",) + k[1:]
            sts = [o for o in outs if key(o) == k]
            svc = sts and ("Service", k[1], sts[0]["spec"].get("serviceName"))
            if sts and svc not in have:
                errs.append("no generated Service %s for StatefulSet %s" % (svc, k))
        if k not in have:
            errs.append("lost: %s %s/%s" % k)
    if "Deployment" in {key(d)[0] for d in k8s_rules.expand(outs)}:
        errs.append("a Deployment is left")
    # --migrate-data clone adds the first replica's claim (a PVC whose dataSource is a PVC)
    clones = clone_claims(outs)
    if len(outs) != len(ins) + n_dep + clones:
        errs.append("documents out %d != in %d + %d generated Services + %d clones" %
                    (len(outs), len(ins), n_dep, clones))
    results.check(case + ("no-doc-lost",), errs)
    errs, op, j = [], pieces(out), 0
    for p in pieces(inp):
        d = dc.load(p)
        if isinstance(d, dict) and d.get("kind") in CHANGED_KINDS:
            continue
        while j < len(op) and op[j] != p:
            j += 1
        if j == len(op):
            errs.append("untouched document changed, lost or moved: %r" % p[:160])
            break
        j += 1
    results.check(case + ("untouched",), errs)
    shared = {(d["metadata"].get("namespace"), d["metadata"]["name"]) for d in k8s_rules.expand(ins)
              if d.get("kind") == "PersistentVolumeClaim"
              and set((d.get("spec") or {}).get("accessModes") or []) & {"ReadWriteMany", "ReadOnlyMany"}}
    errs = []
    for d in k8s_rules.expand(ins):
        if d.get("kind") != "Deployment" or not shared:
            continue
        ns = d["metadata"].get("namespace")
        vols = (((d.get("spec") or {}).get("template") or {}).get("spec") or {}).get("volumes") or []
        sts = [o for o in outs if key(o) == ("StatefulSet", ns, d["metadata"]["name"])]
        for v in vols:
            claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
            if (ns, claim) not in shared or not sts:
                continue
            tmpl = {t["metadata"]["name"] for t in sts[0]["spec"].get("volumeClaimTemplates") or []}
            kept = [w for w in sts[0]["spec"]["template"]["spec"].get("volumes") or []
                    if w.get("name") == v["name"]]
            if v["name"] in tmpl or not kept:
                errs.append("StatefulSet %s: volume %r of the ReadWriteMany/ReadOnlyMany PVC %s became a "
                            "per-pod claim template" % (d["metadata"]["name"], v["name"], claim))
    if shared:
        results.check(case + ("shared-pvc",), errs)


# ------------------------------------------------------------- setup

def chart_dir(name, tmp):
    """app-template: its vendored common chart's values.schema.json has an $id
    under /tmp/field/... and $refs relative to it, which neither Helm can load;
    render a temporary copy without that file (the schema only checks values)."""
    if name != "app-template":
        return os.path.join(CHARTS, name)
    dst = os.path.join(tmp, "app-template")
    if not os.path.isdir(dst):
        shutil.copytree(os.path.join(CHARTS, name), dst)
        schema = os.path.join(dst, "charts", "common", "values.schema.json")
        if os.path.exists(schema):
            os.remove(schema)
    return dst


def helm_env(tmp, which):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELM_")}
    env.update(helm_homes(tmp, which))
    return env


def install_plugin(tmp, env):
    """helm4 plugin install of a copy of this source tree (tracked files; a local
    directory needs no signature). Returns an error string or None."""
    src = copy_source_tree(os.path.join(tmp, "deploy2sts-src"))
    rc, out, err = run([HELM4, "plugin", "install", src], env=env)
    return None if rc == 0 else "helm4 plugin install: exit %d: %s %s" % (rc, out.decode()[-400:], err.decode()[-800:])


def ensure_tools():
    if os.path.exists(HELM3) and os.path.exists(HELM4):
        return None
    p = subprocess.run(["sh", os.path.join(ROOT, "tests", "install-tools.sh")], capture_output=True)
    if p.returncode == 3:
        return "SKIP"
    if p.returncode != 0 or not (os.path.exists(HELM3) and os.path.exists(HELM4)):
        return "tests/install-tools.sh: exit %d: %s" % (p.returncode, p.stderr.decode()[-400:])
    return None


def combinations():
    """Every (chart, values id, helm args, flags id) the suite renders."""
    combos = []
    for chart in sorted(WORTH):
        if chart not in NO_DEFAULTS:
            combos.append((chart, "defaults", [], "plain"))
        for vid, args in WORTH[chart]:
            combos += [(chart, vid, args, "plain"), (chart, vid, args, "vct")]
    return combos + EXTRA


def render_all(binary, tmp, pool):
    """Render every combination once per Helm version and run deploy2sts on
    each through the three routes. Returns (combos, renders, runs, perr):
    renders[(chart, vid, helm)] = (rc, stdout, stderr) of `helm template`;
    runs[(chart, vid, fid, helm, route)] = (input or None, (rc, stdout, stderr))
    for the pipe route (input: the render it read), the Helm 3 post-renderer
    and the Helm 4 plugin; perr: why the Helm 4 plugin did not install, or None.
    test_cluster.py calls this too (its server-side validation of every output)."""
    env3, env4 = helm_env(tmp, "helm3"), helm_env(tmp, "helm4")
    combos = combinations()
    chart_dir("app-template", tmp)  # copy once, before the threads
    plugin = pool.submit(install_plugin, tmp, env4)
    helms = {"helm3": (HELM3, env3), "helm4": (HELM4, env4)}

    def render(chart, args, helm, extra=()):
        h, env = helms[helm]
        return run([h, "template", "rel", chart_dir(chart, tmp)] + KUBE + list(args) + list(extra), env=env)

    renders = {}
    for chart, vid, args, _ in combos:
        for helm in helms:
            if (chart, vid, helm) not in renders:
                renders[(chart, vid, helm)] = pool.submit(render, chart, args, helm)
    posts = {}
    for chart, vid, args, fid in combos:
        pargs = ["--post-renderer", binary] + ["--post-renderer-args=" + a for a in FLAGS[fid]]
        posts[(chart, vid, fid, "helm3", "post")] = pool.submit(render, chart, args, "helm3", pargs)
    perr = plugin.result()
    for chart, vid, args, fid in combos:
        pargs = ["--post-renderer", "deploy2sts"] + ["--post-renderer-args=" + a for a in FLAGS[fid]]
        if perr is None:
            posts[(chart, vid, fid, "helm4", "plugin")] = pool.submit(render, chart, args, "helm4", pargs)
    renders = {k: f.result() for k, f in renders.items()}
    pipes = {}
    for chart, vid, args, fid in combos:
        for helm in helms:
            rc, inp, err = renders[(chart, vid, helm)]
            if rc == 0:
                pipes[(chart, vid, fid, helm, "pipe")] = (inp, pool.submit(run, [binary] + FLAGS[fid], inp))
    runs = {case: (inp, fut.result()) for case, (inp, fut) in pipes.items()}
    runs.update({case: (None, fut.result()) for case, fut in posts.items()})
    return combos, renders, runs, perr


def save_outputs(outdir, binary, renders, runs):
    """D2S_CHARTS_OUT: hand every successful output to test_cluster.py (tests/run.sh
    sets it, so `make test` renders the charts once): outdir/index.json names the
    binary (sha256) and, per case, its output file and the render it came from."""
    import hashlib
    import json
    os.makedirs(outdir, exist_ok=True)
    index = {"binary_sha256": hashlib.sha256(open(binary, "rb").read()).hexdigest(), "cases": []}
    for k, (rc, out, _) in sorted(renders.items()):
        if rc == 0:
            with open(os.path.join(outdir, "in-%s.yaml" % "_".join(k)), "wb") as f:
                f.write(out)
    for case, (_, (rc, out, _)) in sorted(runs.items()):
        if rc != 0 or case[:3] in EXPECT_ERROR:
            continue
        name = "out-%s.yaml" % "_".join(case)
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(out)
        index["cases"].append({"case": list(case), "out": name, "in": "in-%s.yaml" % "_".join(
            (case[0], case[1], case[3]))})
    with open(os.path.join(outdir, "index.json"), "w") as f:
        json.dump(index, f, indent=1)


def main():
    t0 = time.time()
    binary = os.path.abspath(sys.argv[1])
    if not os.path.isdir(CHARTS):
        print("SKIP charts: %s not found" % CHARTS)
        return 0
    tools = ensure_tools()
    if tools == "SKIP":
        print("SKIP: charts: Helm 3/4 are not in .tools/bin and tests/install-tools.sh cannot fetch them")
        return 0
    results = Results()
    if tools:
        results.check(("setup", "-", "-", "-", "-", "tools"), [tools])
        return results.finish(time.time() - t0)
    dc = Docs()
    tmp = tempfile.mkdtemp(prefix="d2s-charts-")
    try:
        pool = ThreadPoolExecutor(max_workers=3)
        combos, renders, runs, perr = render_all(binary, tmp, pool)
        results.check(("setup", "-", "-", "helm4", "plugin", "install"), [perr] if perr else [])
        sts, docs = {}, {}
        for (chart, vid, helm), (rc, _, err) in sorted(renders.items()):
            if rc != 0:
                for c in combos:
                    if c[:2] == (chart, vid):
                        results.check((chart, vid, c[3], helm, "pipe", "render"),
                                      ["helm template: exit %d: %s" % (rc, err.decode()[:400])])
        for case, (inp, (rc, out, err)) in sorted(runs.items()):
            if case[:3] in EXPECT_ERROR:
                expect_error(results, case, rc, out, err)
                continue
            results.check(case + ("exit",), [] if rc == 0 else ["exit %d: %s" % (rc, err.decode()[:400])])
            if rc == 0:
                docs[case] = check_output(binary, FLAGS[case[2]], out, dc, results, case)
                if case[4] == "pipe":
                    check_pipe(inp, out, dc, results, case)
                sts[case] = statefulsets(docs[case])
        pool.shutdown()
        if os.environ.get("D2S_CHARTS_OUT"):
            save_outputs(os.environ["D2S_CHARTS_OUT"], binary, renders, runs)
        for chart, vid, _, fid in combos:
            for helm, route in (("helm3", "post"), ("helm4", "plugin")):
                a, b = (chart, vid, fid, helm, "pipe"), (chart, vid, fid, helm, route)
                if a in sts and b in sts:
                    results.check((chart, vid, fid, helm, "pipe=" + route, "same-sts"),
                                  diff_sts(sts[a], sts[b], "pipe vs " + route))
                    results.check((chart, vid, fid, helm, "pipe=" + route, "same-docs"),
                                  diff_docs(docs[a], docs[b], "pipe vs " + route))
            for r3, r4 in (("pipe", "pipe"), ("post", "plugin")):
                a, b = (chart, vid, fid, "helm3", r3), (chart, vid, fid, "helm4", r4)
                if a in sts and b in sts:
                    results.check((chart, vid, fid, "helm3=helm4", r3 + "=" + r4, "same-sts"),
                                  diff_sts(sts[a], sts[b], "helm3 %s vs helm4 %s" % (r3, r4)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results.finish(time.time() - t0)


if __name__ == "__main__":
    sys.exit(main())
