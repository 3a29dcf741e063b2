#!/usr/bin/python3
"""The conversion report (--report), the summary line, the no-op warning and
--require-conversion, and --migrate-data, on the golden cases, on small
inputs and on real chart renders (Tomcat with persistence, podinfo with an
HPA). Every report the suite produces is validated with
docs/conversion-report.schema.json; every PVC --migrate-data adds with the
Kubernetes schemas of ../shared/tools/validate.py.

Usage: test_report.py BIN"""
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import Report  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = json.load(open(os.path.join(ROOT, "docs", "conversion-report.schema.json")))
GOLDEN = os.path.join(ROOT, "testdata", "golden")
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
CHARTS = os.path.join(SHARED, "charts")
VALIDATE = os.path.join(SHARED, "tools", "validate.py")
HELM3 = os.path.join(ROOT, ".tools", "bin", "helm3")

BIN = None
TMP = None
REPORTS = []  # every report read, for the schema check at the end


def deploy(name, ns=None, replicas=2, claim=None, annotations=None, labels=None, api="apps/v1"):
    meta = {"name": name, "labels": dict(labels or {"app": name})}
    if ns:
        meta["namespace"] = ns
    if annotations:
        meta["annotations"] = annotations
    pod = {"containers": [{"name": "c", "image": "x"}]}
    if claim:
        pod["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
        pod["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]
    spec = {"selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": pod}}
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": api, "kind": "Deployment", "metadata": meta, "spec": spec}


def pvc(name, ns=None, size="5Gi", modes=("ReadWriteOnce",), cls=None, annotations=None):
    meta = {"name": name}
    if ns:
        meta["namespace"] = ns
    if annotations:
        meta["annotations"] = annotations
    spec = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    if cls:
        spec["storageClassName"] = cls
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta, "spec": spec}


def stream(*docs):
    return "".join("---\n" + yaml.safe_dump(d, sort_keys=False) for d in docs).encode()


def run(args, data, report="r.json"):
    """Run BIN with args (and --report TMP/report unless report is None);
    returns (rc, stdout, stderr, parsed report or None)."""
    path = os.path.join(TMP, report) if report else None
    if path and os.path.exists(path):
        os.unlink(path)
    argv = [BIN] + args + (["--report", path] if path else [])
    p = subprocess.run(argv, input=data, capture_output=True, timeout=60)
    rep = None
    if path and os.path.exists(path):
        with open(path) as f:
            rep = json.load(f) if path.endswith(".json") else yaml.safe_load(f)
        REPORTS.append((" ".join(args)[:80], rep))
    return p.returncode, p.stdout.decode(), p.stderr.decode(), rep


def dep_of(rep, name):
    for d in (rep or {}).get("deployments", []):
        if d["name"] == name:
            return d
    return None


def names_ok(d):
    """pvcNames follow <template>-<sts>-<ordinal> for ordinalsStart .. +n-1,
    n = replicas.count, or maxReplicas with an HPA."""
    errs = []
    s = d["statefulSet"]
    r = s["replicas"]
    n = r["maxReplicas"] if r["source"] == "hpa" else r["count"]
    for t in s["volumeClaimTemplates"]:
        want = ["%s-%s-%d" % (t["name"], s["name"], s["ordinalsStart"] + i) for i in range(n)]
        if t["pvcNames"] != want:
            errs.append("%s: pvcNames %s, want %s" % (t["name"], t["pvcNames"], want))
    return errs


def check(rep_, cases, name, cond, detail=""):
    rep_.case(name, [] if cond else ["failed: %s" % str(detail)[:600]])


# ---------- golden cases ----------

def golden(rp):
    for c in sorted(os.listdir(GOLDEN)):
        d = os.path.join(GOLDEN, c)
        argf = os.path.join(d, "args")
        args = [a for a in open(argf).read().split("\n") if a] if os.path.exists(argf) else []
        data = open(os.path.join(d, "in.yaml"), "rb").read()
        rc, out, err, rep = run(args, data)
        errs = []
        if rep is None:
            errs.append("no report written (exit %d)" % rc)
        else:
            if (rc == 0) != (rep["error"] is None):
                errs.append("exit %d but error %r" % (rc, rep["error"]))
            for dd in rep["deployments"]:
                if dd["status"] == "converted":
                    errs += names_ok(dd)
                    if "kind: StatefulSet" not in out and rc == 0:
                        errs.append("converted %s but no StatefulSet in the output" % dd["name"])
            summ = rep["summary"]["text"]
            if summ and rc:  # a failed run says that nothing was written
                summ = "failed, nothing was written (before the error: %s)" % summ[len("deploy2sts: "):]
            if summ and summ not in err and "-q" not in args and "--quiet" not in args:
                errs.append("summary line %r not on stderr" % summ)
        rp.case("golden %s: report" % c, errs)


# ---------- small inputs ----------

def skipped(rp):
    cases = [
        ("not-selected-only", ["--only", "api*"], deploy("web")),
        ("excluded", ["--exclude", "w*"], deploy("web")),
        ("label-selector", ["-l", "tier=db"], deploy("web")),
        ("annotation-false", [], deploy("web", annotations={"deploy2sts.io/convert": "false"})),
        ("opt-in-missing", ["--opt-in"], deploy("web")),
        ("unsupported-apiVersion", ["--skip-unsupported"], deploy("web", api="extensions/v1beta1")),
        ("hook", [], deploy("web", annotations={"helm.sh/hook": "pre-install"})),
    ]
    for reason, args, d in cases:
        rc, out, err, rep = run(args, stream(d, deploy("api")))
        w = dep_of(rep, "web")
        check(rp, None, "skipped reason %s" % reason,
              rc == 0 and w and w["status"] == "skipped" and w["reason"] == reason and
              dep_of(rep, "api")["status"] in ("converted", "skipped"), (rc, w, err))
    lst = {"apiVersion": "v1", "kind": "List", "items": [deploy("web"), deploy("api")]}
    rc, out, err, rep = run(["--exclude", "api"], stream(lst))
    check(rp, None, "kind: List items: converted and skipped, in input order, with positions",
          rc == 0 and [(d["name"], d["status"], d.get("reason")) for d in rep["deployments"]] ==
          [("web", "converted", None), ("api", "skipped", "excluded")] and
          all(d["source"]["line"] > 1 for d in rep["deployments"]), rep and rep["deployments"])
    rc, out, err, rep = run([], stream(deploy("web", api="extensions/v1beta1")))
    w = dep_of(rep, "web")
    check(rp, None, "unsupported apiVersion without --skip-unsupported: failed, error in the report",
          rc == 1 and w and w["status"] == "failed" and rep["error"] and "apiVersion" in rep["error"],
          (rc, rep))


def replicas_and_ordinals(rp):
    vct = ["--volume-claim-template", "name=data,mountPath=/data,size=1Gi"]
    rc, out, err, rep = run(vct + ["--ordinals-start", "3"], stream(deploy("web", replicas=2)))
    s = (dep_of(rep, "web") or {}).get("statefulSet", {})
    t = (s.get("volumeClaimTemplates") or [{}])[0]
    check(rp, None, "pvcNames honour replicas and ordinals.start",
          t.get("pvcNames") == ["data-web-3", "data-web-4"] and s.get("ordinalsStart") == 3 and
          t.get("source") == "flag" and t.get("storage") == "1Gi", s)
    rc, out, err, rep = run(vct, stream(deploy("web", replicas=None)))
    s = (dep_of(rep, "web") or {}).get("statefulSet", {})
    check(rp, None, "replicas absent: count 1, source default, one claim name",
          s.get("replicas") == {"count": 1, "source": "default"} and
          s["volumeClaimTemplates"][0]["pvcNames"] == ["data-web-0"], s)
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web-hpa"},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                    "minReplicas": 2, "maxReplicas": 3}}
    rc, out, err, rep = run(vct, stream(hpa, deploy("web", replicas=1)))
    s = (dep_of(rep, "web") or {}).get("statefulSet", {})
    check(rp, None, "HPA before its Deployment: replicas from the HPA range, names up to maxReplicas",
          s.get("replicas", {}).get("source") == "hpa" and s["replicas"].get("minReplicas") == 2 and
          s["replicas"].get("maxReplicas") == 3 and
          s["volumeClaimTemplates"][0]["pvcNames"] == ["data-web-0", "data-web-1", "data-web-2"] and
          rep["references"] == [{"kind": "HorizontalPodAutoscaler", "name": "web-hpa",
                                 "field": "spec.scaleTargetRef",
                                 "target": {"kind": "StatefulSet", "name": "web"}}], (s, rep and rep["references"]))
    # the same inside a kind: List: the rewritten reference is reported too
    lst = {"apiVersion": "v1", "kind": "List", "items": [deploy("web", replicas=1), hpa]}
    rc, out, err, rep = run([], stream(lst))
    check(rp, None, "HPA inside a kind: List: its rewritten reference is in the report",
          rc == 0 and rep and rep["references"] == [
              {"kind": "HorizontalPodAutoscaler", "name": "web-hpa", "field": "spec.scaleTargetRef",
               "target": {"kind": "StatefulSet", "name": "web"}}], (err, rep and rep["references"]))


def fates(rp):
    # absorbing without a data choice is an error at the PVC: the report says
    # the Deployment failed (nothing was written), not that it was converted
    rc, out, err, rep = run([], stream(deploy("web", claim="old"), pvc("old")))
    check(rp, None, "absorbing without a data choice: the Deployment is reported failed",
          rc == 1 and out == "" and rep and dep_of(rep, "web")["status"] == "failed" and
          "statefulSet" not in dep_of(rep, "web") and rep["summary"]["failed"] == 1 and
          "starts EMPTY" in rep.get("error", ""), rep)
    check(rp, None, "absorbing without a data choice: the PVC gets no fate", rep and rep.get("pvcs", []) == [],
          rep)
    # any error that decides the PVC does the same: a clone inside a kind: List
    lst = {"apiVersion": "v1", "kind": "List", "items": [pvc("old")]}
    rc, out, err, rep = run(["--migrate-data", "clone"], stream(deploy("web", claim="old"), lst))
    check(rp, None, "--migrate-data clone refused (PVC in a List): Deployment failed, PVC without fate",
          rc == 1 and out == "" and rep and dep_of(rep, "web")["status"] == "failed" and
          "statefulSet" not in dep_of(rep, "web") and rep.get("pvcs", []) == [] and
          "inside a kind: List" in rep.get("error", ""), rep)
    rc, out, err, rep = run(["--migrate-data", "none"], stream(deploy("web", claim="old"), pvc("old")))
    check(rp, None, "absorbed PVC kept", rc == 0 and rep and rep["pvcs"] == [
        {"name": "old", "deployment": "web", "claimTemplate": "data", "fate": "kept"}] and
        dep_of(rep, "web")["statefulSet"]["volumeClaimTemplates"][0]["pvc"] == "old", rep and rep["pvcs"])
    rc, out, err, rep = run(["--drop-absorbed-pvcs"], stream(deploy("web", claim="old"), pvc("old")))
    check(rp, None, "absorbed PVC dropped", rep and [p["fate"] for p in rep["pvcs"]] == ["dropped"],
          rep and rep["pvcs"])
    rc, out, err, rep = run([], stream(deploy("web", claim="old"), pvc("old", modes=["ReadWriteMany"])))
    p = (rep or {}).get("pvcs") or [{}]
    check(rp, None, "ReadWriteMany PVC kept shared with the reason",
          p[0].get("fate") == "kept-shared" and "ReadWriteMany" in p[0].get("reason", ""), p)
    rc, out, err, rep = run(["--shared-volume", "data"], stream(deploy("web", claim="old"), pvc("old")))
    p = (rep or {}).get("pvcs") or [{}]
    check(rp, None, "--shared-volume: kept shared, reason --shared-volume",
          p[0].get("fate") == "kept-shared" and p[0].get("reason") == "--shared-volume", p)
    rc, out, err, rep = run([], stream(deploy("web", claim="old"), deploy("api", claim="old"), pvc("old")))
    p = (rep or {}).get("pvcs") or [{}]
    check(rp, None, "PVC mounted by two Deployments: kept shared, reason names them",
          p[0].get("fate") == "kept-shared" and "mounted by" in p[0].get("reason", ""), p)


def summary_and_noop(rp):
    data = stream(deploy("web"), deploy("api"))
    rc, out, err, rep = run([], data, report=None)
    line = "deploy2sts: converted 2 Deployments (web, api) into StatefulSets; 2 headless Services generated"
    check(rp, None, "summary line on stderr", rc == 0 and err.splitlines()[-1:] == [line], err)
    log = os.path.join(TMP, "run.log")
    rc, out, err, rep = run(["--log-file", log], data, report=None)
    check(rp, None, "summary line in the log file",
          ("deploy2sts: summary: " + line[len("deploy2sts: "):]) in open(log).read().splitlines(), err)
    rc, out, err, rep = run(["-q"], data, report=None)
    check(rp, None, "no summary line with -q", rc == 0 and err == "", err)
    # a failed run writes nothing: the summary must not read as if it did
    canary = {"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": {"name": "c"},
              "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}}
    rc, out, err, rep = run([], stream(deploy("web"), canary))
    check(rp, None, "failed run: summary says nothing was written, report has the error",
          rc == 1 and out == "" and err.splitlines()[-1:] == [
              "deploy2sts: failed, nothing was written (before the error: converted 1 Deployment (web) "
              "into a StatefulSet; 1 headless Service generated)"] and rep and rep.get("error"), err)
    # an unwritable report is a usage error found before anything is written
    dst = os.path.join(TMP, "out.yaml")
    open(dst, "w").write("before\n")
    p = subprocess.run([BIN, "--report", os.path.join(TMP, "no-dir", "r.yaml"), "-o", dst],
                       input=data, capture_output=True, timeout=60)
    check(rp, None, "--report into a missing directory: exit 2, -o untouched, stdout empty",
          p.returncode == 2 and p.stdout == b"" and open(dst).read() == "before\n" and
          b"--report" in p.stderr, p.stderr.decode())
    rc, out, err, rep = run([], stream({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
                            report=None)
    check(rp, None, "no summary line when nothing was converted or skipped; a warning that the input "
          "has no Deployment", rc == 0 and err == "deploy2sts: warning: the input has no Deployment: "
          "nothing is converted, every document is written as it is\n", err)
    rc, out, err, rep = run(["-l", "app=db"], data)
    check(rp, None, "no-op: a warning naming the Deployments, exit 0",
          rc == 0 and "warning: no Deployment converted although the input has 2 Deployments" in err and
          "web: labels do not match --selector" in err and "api: labels do not match --selector" in err and
          rep["summary"]["skipped"] == 2, err)
    rc, out, err, rep = run(["--only", "db*"], data)
    check(rp, None, "--only matching no Deployment: an error naming the glob and the Deployments, exit 1",
          rc == 1 and out == "" and "error: --only db* matches no Deployment of the input (Deployments: "
          "web, api)" in err, err)
    rc, out, err, rep = run(["-l", "app=db", "--require-conversion"], data)
    check(rp, None, "no-op with --require-conversion: an error, exit 1, report with the error",
          rc == 1 and "error: no Deployment converted" in err and out == "" and
          rep and rep["error"] and "no Deployment converted" in rep["error"], (rc, err))
    rc, out, err, rep = run(["--require-conversion"], data)
    check(rp, None, "--require-conversion when something converts: exit 0", rc == 0, err)


def krm(rp):
    rl = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList",
          "items": [deploy("web", annotations={"deploy2sts.io/convert": "false"})]}
    data = yaml.safe_dump(rl, sort_keys=False).encode()
    for args, want_rc, sev in (([], 0, "warning"), (["--require-conversion"], 1, "error")):
        p = subprocess.run([BIN] + args, input=data, capture_output=True, timeout=60)
        out = yaml.safe_load(p.stdout) or {}
        res = [r for r in out.get("results", []) if "no Deployment converted" in r.get("message", "")]
        facts = [r for r in out.get("results", []) if r.get("message", "").startswith("not converted (annotation-false)")]
        check(rp, None, "KRM: the no-op check is a %s result (%s), the skip a result too" % (sev, args),
              p.returncode == want_rc and len(res) == 1 and res[0]["severity"] == sev and len(facts) == 1 and
              out.get("items") == rl["items"], (p.returncode, out.get("results")))


def formats(rp):
    data = stream(deploy("web"))
    rc, out, err, rep = run([], data, report="r.yaml")
    rc2, out2, err2, rep2 = run([], data, report="r.json")
    check(rp, None, "YAML and JSON reports carry the same value",
          rep is not None and rep == rep2 and rep["kind"] == "ConversionReport" and
          rep["apiVersion"] == "deploy2sts.io/v1alpha1", (rep, rep2))
    p = subprocess.run([BIN, "--report", "-", "--report-format", "json"], input=data, capture_output=True)
    j = p.stderr.decode()
    start = j.find("{")
    ok = False
    try:
        val, _ = json.JSONDecoder().raw_decode(j[start:])
        REPORTS.append(("--report -", val))
        ok = val == rep
    except ValueError:
        pass
    check(rp, None, "--report - writes to stderr; --report-format json wins", p.returncode == 0 and ok, j[:300])


def readme_sed():
    """The extraction command of the README's `--report -` example (tested as written)."""
    with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")) as f:
        m = re.search(r"--report - 2>&1 >/dev/null \| (sed -n '[^']*')", f.read())
    return m.group(1) if m else "false  # the README shows no --report - example"


def report_on_stderr(rp):
    """`--report -` writes one YAML document between `---` and `...` after
    every diagnostic and the summary line, so the README's
    `2>&1 >/dev/null | sed -n '/^---$/,/^\\.\\.\\.$/p'` extracts exactly
    the report (the same value as --report FILE), also when the run fails and
    in JSON (`sed '1d;$d'` of it is the JSON text)."""
    # two warnings (claims not in the input), a summary line; then a failing run
    ok_data = stream(deploy("web", claim="gone"), deploy("api", claim="lost"))
    bad_data = ok_data + b"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: three}\n"
    for what, data, fmt in (("warnings", ok_data, "yaml"), ("a failing run", bad_data, "yaml"),
                            ("warnings, JSON", ok_data, "json")):
        _, _, _, want = run(["--report-format", fmt], data, report="r.yaml")
        cmd = "%s --report - --report-format %s 2>&1 >/dev/null | %s" % (BIN, fmt, readme_sed())
        p = subprocess.run(["sh", "-c", cmd], input=data, capture_output=True, timeout=60)
        text = p.stdout.decode()
        lines = text.splitlines()
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError as e:
            docs = ["unparsable: %s" % e]
        body = "\n".join(lines[1:-1])
        as_json = None
        if fmt == "json":
            try:
                as_json = json.loads(body)
            except ValueError:
                pass
        check(rp, None, "--report - with %s: the README's sed gives one document, the report and nothing else" % what,
              lines[:1] == ["---"] and lines[-1:] == ["..."] and docs == [want] and want is not None and
              not [ln for ln in lines if ln.startswith("deploy2sts: ")] and (fmt != "json" or as_json == want),
              (docs[:1] == [want], text[:300]))
        full = subprocess.run([BIN, "--report", "-", "--report-format", fmt], input=data, capture_output=True,
                              timeout=60).stderr.decode().splitlines()
        start = full.index("---") if "---" in full else len(full)
        check(rp, None, "--report - with %s: every diagnostic and the summary come before the report" % what,
              full[-1:] == ["..."] and [ln for ln in full[:start] if ln.startswith("deploy2sts: ")] ==
              full[:start] and sum(ln.startswith("deploy2sts: %s:" % ("warning" if data == ok_data else "error"))
                                   for ln in full[:start]) >= 2 and
              (data == ok_data or full[start - 1].startswith("deploy2sts: failed, nothing was written")) and
              not [ln for ln in full[start:] if ln.startswith("deploy2sts: ")], full[:6] + full[-3:])


# ---------- charts ----------

def helm(*args):
    p = subprocess.run([HELM3, "template"] + list(args), capture_output=True, timeout=120,
                       env=dict(os.environ, HELM_CACHE_HOME=TMP, HELM_CONFIG_HOME=TMP, HELM_DATA_HOME=TMP))
    return p.stdout if p.returncode == 0 else None


def charts(rp):
    if not os.path.isdir(CHARTS) or not os.path.exists(HELM3):
        print("SKIP: report on chart renders: ../shared/charts or .tools/bin/helm3 missing")
        return
    tom = helm("web", os.path.join(CHARTS, "tomcat"), "--namespace", "shop", "--set", "replicaCount=2")
    rc, out, err, rep = run(["--ordinals-start", "1", "--migrate-data", "none"], tom)
    d = dep_of(rep, "web-tomcat") or {}
    s = d.get("statefulSet", {})
    t = (s.get("volumeClaimTemplates") or [{}])[0]
    check(rp, None, "tomcat: claim from the PVC, names per replica with ordinals.start",
          rc == 0 and t.get("pvcNames") == ["data-web-tomcat-1", "data-web-tomcat-2"] and
          t.get("pvc") == "web-tomcat" and t.get("storage") == "8Gi" and
          rep["pvcs"] == [{"namespace": "shop", "name": "web-tomcat", "deployment": "web-tomcat",
                           "claimTemplate": "data", "fate": "kept"}] and
          s.get("serviceName") == "web-tomcat-headless" and s.get("service") == "generated", (rc, d, err))
    check(rp, None, "tomcat: summary line",
          err.splitlines()[-1] == "deploy2sts: converted 1 Deployment (web-tomcat) into a StatefulSet; "
          "1 headless Service generated; 1 PVC absorbed and kept", err)
    pod = helm("web", os.path.join(CHARTS, "podinfo"), "--namespace", "apps", "--set",
               "hpa.enabled=true,hpa.maxReplicas=4")
    rc, out, err, rep = run(["--volume-claim-template", "name=data,mountPath=/data,size=1Gi"], pod)
    d = dep_of(rep, "web-podinfo") or {}
    r = d.get("statefulSet", {}).get("replicas", {})
    check(rp, None, "podinfo with an HPA: replicas from the HPA, PVC names up to maxReplicas",
          rc == 0 and r.get("source") == "hpa" and r.get("maxReplicas") == 4 and not names_ok(d) and
          len(d["statefulSet"]["volumeClaimTemplates"][0]["pvcNames"]) == 4 and
          rep["references"][0]["kind"] == "HorizontalPodAutoscaler", (d, err))
    rc, out, err, rep = run(["--exclude", "web-*"], tom)
    check(rp, None, "tomcat with everything excluded: no-op warning names web-tomcat",
          rc == 0 and "web-tomcat: matched by --exclude" in err and
          dep_of(rep, "web-tomcat")["reason"] == "excluded", err)
    clone_chart(rp, tom)


# ---------- --migrate-data ----------

def docs_of(out):
    return [d for d in yaml.safe_load_all(out) if d]


def k8s_valid(out):
    if not os.path.exists(VALIDATE):
        return True
    p = subprocess.run(["/usr/bin/python3", VALIDATE, "-q", "-"], input=out.encode(), capture_output=True)
    return p.returncode == 0


def sts_of(docs):
    return next((d for d in docs if d.get("kind") == "StatefulSet"), {"spec": {"selector": {}}})


def clone_chart(rp, tom):
    rc, out, err, rep = run(["--migrate-data", "clone", "--ordinals-start", "1"], tom)
    ds = docs_of(out)
    kinds = [(d["kind"], d["metadata"]["name"]) for d in ds]
    new = [d for d in ds if d["kind"] == "PersistentVolumeClaim" and d["metadata"]["name"] == "data-web-tomcat-1"]
    old = [d for d in ds if d["kind"] == "PersistentVolumeClaim" and d["metadata"]["name"] == "web-tomcat"]
    ok = rc == 0 and len(new) == 1 and len(old) == 1
    if ok:
        n, o = new[0], old[0]
        i = kinds.index(("PersistentVolumeClaim", "data-web-tomcat-1"))
        ok = (n["spec"]["dataSource"] == {"kind": "PersistentVolumeClaim", "name": "web-tomcat"} and
              n["metadata"]["namespace"] == "shop" and
              n["metadata"]["annotations"] == {"helm.sh/resource-policy": "keep"} and
              # the labels the StatefulSet controller gives every claim: the selector's
              n["metadata"].get("labels") == sts_of(ds)["spec"]["selector"]["matchLabels"] and
              {k: v for k, v in n["spec"].items() if k != "dataSource"} == o["spec"] and
              kinds[i - 1] == ("PersistentVolumeClaim", "web-tomcat") and
              i < kinds.index(("StatefulSet", "web-tomcat")))
    check(rp, None, "clone: PVC named like the first replica's claim, source spec, dataSource, before "
          "the StatefulSet", ok, (rc, kinds, err))
    p = (rep or {}).get("pvcs") or [{}]
    t = dep_of(rep, "web-tomcat")["statefulSet"]["volumeClaimTemplates"][0] if rep else {}
    check(rp, None, "clone: report says cloned, which claim is prefilled and that the others start empty",
          p[0].get("fate") == "cloned" and p[0].get("clonedInto") == "data-web-tomcat-1" and
          p[0].get("dataSource") == {"kind": "PersistentVolumeClaim", "name": "web-tomcat"} and
          t.get("prefilled") == ["data-web-tomcat-1"] and
          any(d["severity"] == "info" and "any other replica starts empty" in d["message"]
              for d in rep["diagnostics"]) and "warning" not in err, (p, t, err))
    check(rp, None, "clone: output valid under the Kubernetes schemas", k8s_valid(out))
    rc2, out2, err2, _ = run(["--migrate-data", "clone", "--ordinals-start", "1"], out.encode(), report=None)
    check(rp, None, "clone: a second run over the output changes nothing", rc2 == 0 and out2 == out, err2)
    # the clone already in the input next to the Deployment: not added twice
    both = tom + stream(new[0]) if new else tom
    rc3, out3, err3, rep3 = run(["--migrate-data", "clone", "--ordinals-start", "1"], both)
    n3 = [d for d in docs_of(out3) if d["kind"] == "PersistentVolumeClaim" and
          d["metadata"]["name"] == "data-web-tomcat-1"]
    check(rp, None, "clone: a claim of that name in the input is not added again",
          rc3 == 0 and len(n3) == 1 and
          any("already in the input" in d["message"] for d in rep3["diagnostics"]), (rc3, err3))


def clone_small(rp):
    rc, out, err, rep = run(["--migrate-data", "snapshot=old-snap"], stream(deploy("web", "shop", claim="old"),
                                                                             pvc("old", "shop", cls="fast")))
    n = [d for d in docs_of(out) if d["metadata"]["name"] == "data-web-0"]
    check(rp, None, "snapshot=NAME: dataSource is the VolumeSnapshot, class kept",
          rc == 0 and n and n[0]["spec"]["dataSource"] == {"apiGroup": "snapshot.storage.k8s.io",
                                                          "kind": "VolumeSnapshot", "name": "old-snap"} and
          n[0]["spec"]["storageClassName"] == "fast" and k8s_valid(out), (rc, err))
    rc, out, err, rep = run(["--migrate-data", "clone"], stream(deploy("web", "shop", claim="old"), pvc("old")))
    check(rp, None, "clone refused: another namespace",
          rc == 1 and out == "" and "error" in err and "another namespace" in err and rep and rep["error"],
          (rc, err))
    # a claim that stays shared keeps its data where it is: nothing to clone, a warning, no error
    shared = [
        ("hook PVC", stream(deploy("web", claim="old"), pvc("old", annotations={"helm.sh/hook": "pre-install"}))),
        ("ReadWriteMany PVC", stream(deploy("web", claim="old"), pvc("old", modes=["ReadWriteMany"]))),
        ("PVC of two Deployments", stream(deploy("web", claim="old"), deploy("api", claim="old"), pvc("old"))),
    ]
    for name, data in shared:
        rc, out, err, rep = run(["--migrate-data", "clone"], data)
        check(rp, None, "clone of a claim that stays shared: none, a warning (%s)" % name,
              rc == 0 and "warning" in err and "every replica" in err and "data-web-0" not in out and
              [p["fate"] for p in rep["pvcs"]] == ["kept-shared"], (rc, err))
    rc, out, err, rep = run(["--migrate-data", "clone", "--drop-absorbed-pvcs"], stream(deploy("web")), report=None)
    check(rp, None, "clone refused with --drop-absorbed-pvcs (usage error)", rc == 2 and "--migrate-data" in err, err)
    rc, out, err, rep = run(["--migrate-data", "copy"], stream(deploy("web")), report=None)
    check(rp, None, "--migrate-data takes clone or snapshot=NAME", rc == 2, err)
    # one VolumeSnapshot holds one volume: a second absorbed PVC cannot start from it
    dep2 = deploy("web", claim="a")
    dep2["spec"]["template"]["spec"]["volumes"].append({"name": "logs", "persistentVolumeClaim": {"claimName": "b"}})
    rc, out, err, rep = run(["--migrate-data", "snapshot=s1"], stream(dep2, pvc("a"), pvc("b")))
    check(rp, None, "snapshot=NAME refused for a second absorbed PVC",
          rc == 1 and out == "" and "restores one volume" in err, (rc, err))
    # the clone stays with its template: Helm 3's # Source: line, Helm 4's annotation
    old = pvc("old", annotations={"postrenderer.helm.sh/postrender-filename": "templates/pvc.yaml"})
    data = stream(deploy("web", claim="old")) + b"---\n# Source: c/templates/pvc.yaml\n" + stream(old)[4:]
    rc, out, err, rep = run(["--migrate-data", "clone"], data)
    i = out.find("name: data-web-0")
    head = out[out.rfind("---", 0, i):i] if i > 0 else ""
    n = [d for d in docs_of(out) if d["metadata"]["name"] == "data-web-0"]
    check(rp, None, "clone keeps the PVC's # Source: line and Helm 4 postrender-filename",
          rc == 0 and "# Source: c/templates/pvc.yaml" in head and n and
          n[0]["metadata"]["annotations"].get("postrenderer.helm.sh/postrender-filename") ==
          "templates/pvc.yaml", (rc, err, head))


def main():
    global BIN, TMP
    BIN = os.path.abspath(sys.argv[1])
    rp = Report("report")
    with tempfile.TemporaryDirectory() as tmp:
        TMP = tmp
        golden(rp)
        skipped(rp)
        replicas_and_ordinals(rp)
        fates(rp)
        summary_and_noop(rp)
        formats(rp)
        report_on_stderr(rp)
        krm(rp)
        clone_small(rp)
        charts(rp)
    errs = []
    for what, rep in REPORTS:
        try:
            jsonschema.validate(rep, SCHEMA, cls=jsonschema.Draft202012Validator)
        except jsonschema.ValidationError as e:
            errs.append("%s: %s at %s" % (what, e.message[:200], list(e.absolute_path)))
    rp.case("the schema validates all %d reports" % len(REPORTS), errs[:10])
    return rp.finish()


if __name__ == "__main__":
    sys.exit(main())
