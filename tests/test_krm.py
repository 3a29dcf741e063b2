#!/usr/bin/python3
"""KRM door: file index annotations of generated objects (kpt writes each
package file in index order and refuses two objects with one path and index),
the results (file, field, resourceRef), the error contract (exit 1, items
unchanged), and a JSON `kind: List` (kubectl get -o json).
Usage: test_krm.py path/to/deploy2sts
"""
import copy
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
results = []
LEGACY_PATH, LEGACY_INDEX = "config.kubernetes.io/path", "config.kubernetes.io/index"
PATH, INDEX = "internal.config.kubernetes.io/path", "internal.config.kubernetes.io/index"


def case(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s %s" % ("ok  " if ok else "FAIL", name, "" if ok else detail))


def skip(name, why):
    print("SKIP %s: %s" % (name, why))


def run(args, data=""):
    return subprocess.run(args, input=data.encode(), capture_output=True, timeout=120)


def deployment(name, ns=None, **ann):
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
         "spec": {"selector": {"matchLabels": {"app": name}},
                  "template": {"metadata": {"labels": {"app": name}},
                               "spec": {"containers": [{"name": name, "image": "nginx"}]}}}}
    if ns:
        d["metadata"]["namespace"] = ns
    if ann:
        d["metadata"]["annotations"] = dict(ann)
    return d


def filed(obj, path, index, legacy=True, internal=True):
    """obj with the file annotations kpt gives an item (kyaml kioutil)."""
    a = obj["metadata"].setdefault("annotations", {})
    if legacy:
        a.update({LEGACY_PATH: path, LEGACY_INDEX: str(index)})
    if internal:
        a.update({PATH: path, INDEX: str(index)})
    return obj


def resource_list(items, fc=None):
    return yaml.safe_dump({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList",
                           "items": items, "functionConfig": fc}, sort_keys=False)


def krm(b, items, fc=None):
    p = run([b], resource_list(items, fc))
    out = yaml.safe_load(p.stdout) if p.stdout else {}
    return p, out or {}


def file_of(obj):
    a = obj["metadata"].get("annotations", {})
    return a.get(PATH, a.get(LEGACY_PATH)), a.get(INDEX, a.get(LEGACY_INDEX))


def names_in_order(items, path):
    """Names of the objects of file `path` in the order kpt writes them
    (kyaml kioutil.SortNodes: by index, objects without one first)."""
    objs = [o for o in items if file_of(o)[0] == path]
    key = lambda o: int(file_of(o)[1]) if str(file_of(o)[1]).isdigit() else -1
    return [o["metadata"]["name"] for o in sorted(objs, key=key)]


def test_indexes(b):
    items = [filed(deployment("a"), "app.yaml", 0), filed(deployment("b"), "app.yaml", 1),
             filed({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}, "app.yaml", 2),
             filed(deployment("o"), "other.yaml", 0)]
    p, out = krm(b, items)
    ds = out.get("items", [])
    keys = [file_of(o) for o in ds]
    case("KRM: every (path, index) unique, generated Services included", p.returncode == 0 and
         len(ds) == 7 and len(set(keys)) == 7 and all(k[1] is not None for k in keys), keys)
    case("KRM: each Service filed right after its StatefulSet, later objects move up",
         names_in_order(ds, "app.yaml") == ["a", "a-headless", "b", "b-headless", "c"] and
         names_in_order(ds, "other.yaml") == ["o", "o-headless"], [names_in_order(ds, "app.yaml")])
    svc = [o for o in ds if o["kind"] == "Service"]
    case("KRM: both index annotations, equal, when the item has both",
         svc and all(o["metadata"]["annotations"].get(INDEX) == o["metadata"]["annotations"].get(LEGACY_INDEX)
                      is not None for o in svc), [o["metadata"]["annotations"] for o in svc])
    items = [filed(deployment("a"), "app.yaml", 0, internal=False), filed(deployment("b"), "app.yaml", 1, internal=False)]
    p, out = krm(b, items)
    svc = [o for o in out.get("items", []) if o["kind"] == "Service"]
    case("KRM: only the legacy index when the item carries only legacy annotations",
         len(svc) == 2 and all(INDEX not in o["metadata"]["annotations"] for o in svc) and
         names_in_order(out["items"], "app.yaml") == ["a", "a-headless", "b", "b-headless"], svc)
    src = open(os.path.join(ROOT, "testdata", "krm", "two-deployments.yaml")).read()
    p = run([b], src)
    ds = (yaml.safe_load(p.stdout) or {}).get("items", []) if p.returncode == 0 else []
    case("KRM: kpt fn source of two Deployments: Services after their StatefulSets, ConfigMap last",
         names_in_order(ds, "app.yaml") == ["a", "a-headless", "b", "b-headless", "c"] and
         "internal.config.kubernetes.io/seqindent: 'wide'" in p.stdout.decode(), p.stderr)
    items = [filed(deployment("a"), "app.yaml", 0)]
    p, out = krm(b, items)
    p2, out2 = krm(b, out.get("items", []))
    case("KRM: second run changes nothing", p2.returncode == 0 and out2.get("items") == out.get("items"),
         p2.stdout[-300:])


def by_kind(res, kind, severity=None):
    return [r for r in res if r.get("resourceRef", {}).get("kind") == kind and
            (severity is None or r["severity"] == severity)]


def test_results(b):
    pvc = filed({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "n"},
                 "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}},
                "app.yaml", 0)
    dep = filed(deployment("web", "n"), "app.yaml", 1)
    dep["spec"]["template"]["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]
    dep["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = [{"name": "data", "mountPath": "/d"}]
    # absorbing the PVC without saying what becomes of its data: an error on the PVC
    p, out = krm(b, [pvc, dep])
    res = out.get("results", [])
    err = by_kind(res, "PersistentVolumeClaim", "error")
    case("KRM results: an error names the object (apiVersion, kind, name, namespace) and its file",
         p.returncode == 1 and out.get("items") == [pvc, dep] and err and err[0]["resourceRef"] == {
             "apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": "data", "namespace": "n"} and
         err[0].get("file") == {"path": "app.yaml", "index": 0} and "--migrate-data" in err[0]["message"],
         res)
    fc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fc"}, "data": {"migrate-data": "none"}}
    p, out = krm(b, [pvc, dep], fc)
    res = out.get("results", [])
    kept = by_kind(res, "PersistentVolumeClaim", "info")
    case("KRM results: the choice (functionConfig migrate-data: none) is an info on the PVC, not a warning",
         p.returncode == 0 and kept and "--migrate-data none" in kept[0]["message"] and
         not by_kind(res, "PersistentVolumeClaim", "warning"), res)
    gen = by_kind(res, "Service", "info")
    case("KRM results: the generated Service named with its new file index",
         gen and gen[0]["resourceRef"] == {"apiVersion": "v1", "kind": "Service", "name": "web-headless",
                                           "namespace": "n"} and
         gen[0].get("file") == {"path": "app.yaml", "index": 2}, gen)
    rollout = filed({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "r"},
                     "spec": {"workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "x"}}},
                    "ro.yaml", 3)
    items = [filed(deployment("x"), "app.yaml", 0), rollout]
    p, out = krm(b, items)
    err = by_kind(out.get("results", []), "Rollout", "error")
    case("KRM results: error completes apiVersion from the item, file path + index; exit 1, items unchanged",
         p.returncode == 1 and out.get("items") == items and err and
         err[0]["resourceRef"] == {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "r"} and
         err[0].get("file") == {"path": "ro.yaml", "index": 3}, out.get("results"))
    bad = filed(deployment("x" * 60), "app.yaml", 4)
    bad["spec"]["strategy"] = {"type": "Recreate"}
    p, out = krm(b, [bad])
    err = [r for r in out.get("results", []) if r["severity"] == "error"]
    case("KRM results: conversion error with resourceRef, file and field", p.returncode == 1 and err and
         err[0]["resourceRef"]["kind"] == "Deployment" and err[0].get("file") == {"path": "app.yaml", "index": 4} and
         err[0].get("field", {}).get("path"), err)
    lst = filed({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": [deployment("in", "n")]}, "list.yaml", 0)
    lst["items"][0]["metadata"]["name"] = "y" * 60
    p, out = krm(b, [lst])
    err = [r for r in out.get("results", []) if r["severity"] == "error"]
    case("KRM results: a Deployment inside a List item: its own resourceRef, the List's file",
         p.returncode == 1 and err and err[0]["resourceRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                                  "name": "y" * 60, "namespace": "n"} and
         err[0].get("file") == {"path": "list.yaml", "index": 0}, err)


def write_pkg(d, files):
    os.makedirs(d)
    for name, text in files.items():
        open(os.path.join(d, name), "w").write(text)


def kinds_names(text):
    return [(o["kind"], o["metadata"]["name"]) for o in yaml.safe_load_all(text) if o]


def test_kpt(b, tmp):
    kpt = shutil.which("kpt")
    if not kpt:
        return skip("kpt fn eval (KRM file index)", "kpt not installed")
    two = "# two Deployments in one file\n" + yaml.safe_dump(deployment("a")) + "---\n" + \
          yaml.safe_dump(deployment("b")) + "---\n" + yaml.safe_dump(
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}})
    pkg = os.path.join(tmp, "pkg")
    write_pkg(pkg, {"app.yaml": two, "other.yaml": yaml.safe_dump(deployment("o"))})
    p = run([kpt, "fn", "eval", pkg, "--exec", b])
    text = open(os.path.join(pkg, "app.yaml")).read()
    case("kpt fn eval: a file with two Deployments is written (no duplicate path and index)",
         p.returncode == 0 and kinds_names(text) == [
             ("StatefulSet", "a"), ("Service", "a-headless"), ("StatefulSet", "b"),
             ("Service", "b-headless"), ("ConfigMap", "c")], p.stderr[-600:])
    case("kpt fn eval: other file gets its own Service, no index annotation left on disk",
         kinds_names(open(os.path.join(pkg, "other.yaml")).read()) == [("StatefulSet", "o"), ("Service", "o-headless")]
         and "kubernetes.io/index" not in text and "# two Deployments in one file" in text)
    snap = os.path.join(tmp, "snap")
    shutil.copytree(pkg, snap)
    p = run([kpt, "fn", "eval", pkg, "--exec", b])
    same = all(filecmp.cmp(os.path.join(pkg, f), os.path.join(snap, f), shallow=False)
               for f in ("app.yaml", "other.yaml"))
    case("kpt fn eval: second run leaves the package as it is", p.returncode == 0 and same, p.stderr[-300:])
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
    pkg2 = os.path.join(tmp, "pkg2")
    write_pkg(pkg2, {"app.yaml": yaml.safe_dump(svc) + "---\n" + yaml.safe_dump(deployment("web")) + "---\n" +
                     yaml.safe_dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "z"}})})
    p = run([kpt, "fn", "eval", pkg2, "--exec", b])
    case("kpt fn eval: Deployment beside an existing Service: headless Service right after the StatefulSet",
         p.returncode == 0 and kinds_names(open(os.path.join(pkg2, "app.yaml")).read()) == [
             ("Service", "web"), ("StatefulSet", "web"), ("Service", "web-headless"), ("ConfigMap", "z")],
         p.stderr[-600:])


def kubectl_deployment_json():
    """A Deployment as `kubectl create deployment web --image=nginx
    --dry-run=client -o json` writes it (kubectl's own output if installed)."""
    k135 = os.path.join(ROOT, ".tools", "bin", "kubectl135")
    kubectl = shutil.which("kubectl") or (k135 if os.access(k135, os.X_OK) else None)
    if kubectl:
        p = run([kubectl, "create", "deployment", "web", "--image=nginx", "--dry-run=client", "-o", "json"])
        if p.returncode == 0:
            return json.loads(p.stdout)
    d = deployment("web")
    d["metadata"].update({"creationTimestamp": None, "labels": {"app": "web"}})
    d["spec"].update({"replicas": 1, "strategy": {}})
    d["status"] = {}
    return d


def test_json_list(b):
    dep = kubectl_deployment_json()
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                    "minReplicas": 1, "maxReplicas": 3}}
    lst = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [dep, hpa]}
    p = run([b], json.dumps(lst, indent=4))
    out = yaml.safe_load(p.stdout) if p.returncode == 0 else {}
    items = (out or {}).get("items", [])
    kinds = [i.get("kind") for i in items]
    case("JSON kind: List (kubectl get -o json): Deployment converted, Service beside it, HPA kept",
         p.returncode == 0 and kinds[:3] == ["StatefulSet", "Service", "HorizontalPodAutoscaler"] and
         items[0]["spec"]["serviceName"] == "web-headless" and b"re-emitted in block style" in p.stderr,
         p.stderr[-400:])
    p = run([b], resource_list([copy.deepcopy(lst)]))
    out = yaml.safe_load(p.stdout) if p.stdout else {}
    inner = ((out or {}).get("items") or [{}])[0].get("items", [])
    case("kind: List as a KRM item: converted", p.returncode == 0 and
         [i.get("kind") for i in inner][:2] == ["StatefulSet", "Service"], p.stdout[-400:])


def main():
    b = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_indexes, test_results, lambda x: test_kpt(x, tmp), test_json_list):
            try:
                t(b)
            except Exception as e:  # a broken output must fail the suite, not stop it
                case("%s ran through" % getattr(t, "__name__", "test"), False, repr(e))
    failed = results.count(False)
    print("krm: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
