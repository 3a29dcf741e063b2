#!/usr/bin/python3
"""Integrations: --config, KRM ResourceList (typed and
ConfigMap functionConfig), the kustomize legacy exec plugin, kpt, Helm 3 as a
post-renderer, and the Helm 4 plugin.yaml. A client that is not installed
prints a SKIP line (CI installs them all: see .ci/run).
Usage: test_integrations.py path/to/deploy2sts
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
VALIDATE = os.path.join(SHARED, "tools", "validate.py")
DEMO = open(os.path.join(ROOT, "testdata", "demo", "visits.yaml")).read()
REFS = open(os.path.join(ROOT, "testdata", "golden", "references", "in.yaml")).read()
results = []


def case(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s %s" % ("ok  " if ok else "FAIL", name, "" if ok else detail))


def skip(name, why):
    print("SKIP %s: %s" % (name, why))


def run(args, data="", env=None, cwd=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(args, input=data.encode(), capture_output=True, env=e, cwd=cwd, timeout=120)


def docs(text):
    return [d for d in yaml.safe_load_all(text) if d is not None]


def find(ds, kind, name=None):
    return [d for d in ds if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name)]


def resource_list(items, fc):
    return yaml.safe_dump({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList",
                           "items": items, "functionConfig": fc}, sort_keys=False)


def test_config(b, tmp):
    cfg = os.path.join(tmp, "conv.yaml")
    open(cfg, "w").write("""apiVersion: deploy2sts.io/v1alpha1
kind: StatefulSetConversion
metadata: {name: to-statefulset}
spec:
  selector: {exclude: [legacy]}
  serviceName: "{name}-peers"
  podManagementPolicy: Parallel
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Delete}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
  volumeMounts: [{name: data, mountPath: /app/data}]
  overrides:
    - name: api
      podManagementPolicy: OrderedReady
""")
    p = run([b, "--config", cfg, "-q"], REFS)
    ds = docs(p.stdout)
    sts = find(ds, "StatefulSet", "api")
    case("--config: converts with the file's options", p.returncode == 0 and sts and
         sts[0]["spec"]["serviceName"] == "api-peers" and
         sts[0]["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "2Gi" and
         sts[0]["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"] == "Delete" and
         sts[0]["spec"]["updateStrategy"]["rollingUpdate"]["partition"] == 0, p.stderr)
    case("--config: per-Deployment override", sts and sts[0]["spec"]["podManagementPolicy"] == "OrderedReady")
    case("--config: selector.exclude", find(ds, "Deployment", "legacy") != [])
    p = run([b, "--config", cfg, "-q", "--pod-management-policy=Parallel", "--service-name", "{name}-x"], REFS)
    sts = find(docs(p.stdout), "StatefulSet", "api")
    case("--config: flags win over the file and its overrides", sts and
         sts[0]["spec"]["podManagementPolicy"] == "Parallel" and sts[0]["spec"]["serviceName"] == "api-x")
    open(cfg, "w").write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\n"
                         "spec:\n  podManagementPolicy: Sideways\n")
    p = run([b, "--config", cfg], REFS)
    case("--config: bad value names key and value (exit 2)", p.returncode == 2 and
         b"spec.podManagementPolicy" in p.stderr and b'"Sideways"' in p.stderr and b":4:" in p.stderr, p.stderr)
    open(cfg, "w").write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\n"
                         "spec:\n  podManagmentPolicy: Parallel\n")
    p = run([b, "--config", cfg], REFS)
    case("--config: unknown key named", p.returncode == 2 and b'unknown key "podManagmentPolicy"' in p.stderr,
         p.stderr)


def test_krm(b):
    items = docs(DEMO)
    for i, it in enumerate(items):
        it["metadata"].setdefault("annotations", {}).update({
            "config.kubernetes.io/index": str(i), "internal.config.kubernetes.io/path": "app/visits.yaml",
            "config.k8s.io/id": str(i + 1)})
    typed = {"apiVersion": "deploy2sts.io/v1alpha1", "kind": "StatefulSetConversion",
             "metadata": {"name": "x"}, "spec": {"podManagementPolicy": "Parallel"}}
    p = run([b], resource_list(items, typed))
    out = yaml.safe_load(p.stdout) if p.returncode == 0 else {}
    ds = out.get("items", [])
    sts = find(ds, "StatefulSet", "visits")
    svc = find(ds, "Service", "visits-headless")
    case("KRM typed functionConfig: converted", p.returncode == 0 and out.get("kind") == "ResourceList" and
         sts and sts[0]["spec"]["podManagementPolicy"] == "Parallel", p.stderr)
    case("KRM: item annotations kept", sts and sts[0]["metadata"]["annotations"].get("config.k8s.io/id") == "2")
    case("KRM: Service placed beside its StatefulSet (path)", svc and
         svc[0]["metadata"]["annotations"].get("internal.config.kubernetes.io/path") == "app/visits.yaml" and
         ds.index(svc[0]) == ds.index(sts[0]) + 1)
    infos = [r for r in out.get("results", []) if r["severity"] == "info" and r["resourceRef"]["kind"] == "Deployment"
             and r["message"].startswith("converted into StatefulSet")]
    case("KRM: one 'converted into' info result per converted Deployment with resourceRef",
         len(infos) == 1 and infos[0]["resourceRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                          "name": "visits"} and
         infos[0].get("file", {}).get("path") == "app/visits.yaml", out.get("results"))
    case("KRM: functionConfig echoed", out.get("functionConfig") == typed)
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fc"},
          "data": {"pod-management-policy": "OrderedReady", "service-name": "{name}-svc",
                   "volume-claim-template": "name=data,mountPath=/data,size=1Gi"}}
    p = run([b], resource_list(docs(DEMO), cm))
    ds = yaml.safe_load(p.stdout).get("items", []) if p.returncode == 0 else []
    sts = find(ds, "StatefulSet", "visits")
    case("KRM ConfigMap functionConfig", sts and sts[0]["spec"]["serviceName"] == "visits-svc" and
         sts[0]["spec"]["podManagementPolicy"] == "OrderedReady" and find(ds, "Service", "visits-svc"), p.stderr)
    cm["data"] = {"pod-management-policy": "Sideways"}
    p = run([b], resource_list(docs(DEMO), cm))
    out = yaml.safe_load(p.stdout) if p.stdout else {}
    errs = [r for r in out.get("results", []) if r["severity"] == "error"]
    case("KRM bad value: exit 1, items unchanged, error result naming the key",
         p.returncode == 1 and out.get("items") == docs(DEMO) and errs and
         "pod-management-policy" in errs[0]["message"] and "Sideways" in errs[0]["message"], p.stdout[-500:])
    bad = docs(DEMO)
    bad[1]["metadata"]["name"] = "x" * 60
    p = run([b], resource_list(bad, None))
    out = yaml.safe_load(p.stdout) if p.stdout else {}
    errs = [r for r in out.get("results", []) if r["severity"] == "error"]
    case("KRM conversion error: exit 1, error result with resourceRef, nothing lost",
         p.returncode == 1 and len(out.get("items", [])) == len(bad) and errs and
         errs[0].get("resourceRef", {}).get("kind") == "Deployment", p.stdout[-400:])


def test_legacy_plugin(b, tmp):
    k135 = os.path.join(ROOT, ".tools", "bin", "kubectl135")
    kubectl = shutil.which("kubectl") or (k135 if os.access(k135, os.X_OK) else None)
    if not kubectl:
        return skip("kustomize legacy plugin", "neither kubectl nor .tools/bin/kubectl135 installed")
    home = os.path.join(tmp, "plugins")
    pdir = os.path.join(home, "deploy2sts.io", "v1alpha1", "statefulsetconversion")
    os.makedirs(pdir)
    shutil.copy(b, os.path.join(pdir, "StatefulSetConversion"))
    base = os.path.join(tmp, "kbase")
    os.makedirs(base)
    open(os.path.join(base, "app.yaml"), "w").write(REFS)
    open(os.path.join(base, "kustomization.yaml"), "w").write(
        "resources: [app.yaml]\ntransformers: [conv.yaml]\n")
    open(os.path.join(base, "conv.yaml"), "w").write(
        "apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\nmetadata: {name: c}\n"
        "spec:\n  selector: {exclude: [legacy]}\n  podManagementPolicy: Parallel\n")
    p = run([kubectl, "kustomize", "--enable-alpha-plugins", base], env={"KUSTOMIZE_PLUGIN_HOME": home})
    ds = docs(p.stdout) if p.returncode == 0 else []
    sts = find(ds, "StatefulSet", "api")
    case("kubectl kustomize --enable-alpha-plugins (legacy exec plugin)", sts and
         sts[0]["spec"]["podManagementPolicy"] == "Parallel" and find(ds, "Deployment", "legacy") and
         find(ds, "Service", "api-headless") and len(ds) == len(docs(REFS)) + 1, p.stderr[-400:])


def test_kpt(b, tmp):
    kpt = shutil.which("kpt")
    if not kpt:
        return skip("kpt fn eval", "kpt not installed")
    pkg = os.path.join(tmp, "pkg")
    os.makedirs(pkg)
    open(os.path.join(pkg, "visits.yaml"), "w").write(DEMO)
    open(os.path.join(pkg, "cm.yaml"), "w").write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
                                                   "data:\n  a: b  # comment kept\n")
    p = run([kpt, "fn", "eval", pkg, "--exec", b, "--", "pod-management-policy=Parallel",
             "volume-claim-template=name=data,mountPath=/data,size=1Gi"])
    text = open(os.path.join(pkg, "visits.yaml")).read()
    ds = docs(text)
    kinds = [d["kind"] for d in ds]
    case("kpt fn eval --exec: files rewritten in place", p.returncode == 0 and "StatefulSet" in kinds and
         "Deployment" not in kinds and find(ds, "StatefulSet")[0]["spec"]["podManagementPolicy"] == "Parallel",
         p.stderr[-400:])
    case("kpt: the Service lands in the StatefulSet's file, after it",
         kinds.count("Service") == 2 and kinds.index("StatefulSet") + 1 == kinds.index("Service", 1))
    case("kpt: other files untouched", "comment kept" in open(os.path.join(pkg, "cm.yaml")).read())


def find_helm():
    """Helm 3.10.1 from tests/install-tools.sh (make test runs it)."""
    local = os.path.join(ROOT, ".tools", "bin", "helm3")
    return local if os.access(local, os.X_OK) else None


def test_helm3(b, tmp):
    helm = find_helm()
    if not helm:
        return skip("helm 3 post-renderer", ".tools/bin/helm3 missing (tests/install-tools.sh could not reach the npm registry)")
    v = run([helm, "version"]).stdout.decode()
    case("helm is the real v3.10.1 (GitCommit 9f88ccb6)", "v3.10.1" in v and "9f88ccb6" in v, v)
    env = {"HELM_CACHE_HOME": os.path.join(tmp, "hc"), "HELM_CONFIG_HOME": os.path.join(tmp, "hcfg"),
           "HELM_DATA_HOME": os.path.join(tmp, "hd")}
    run([helm, "create", "demo"], env=env, cwd=tmp)
    p = run([helm, "template", "rel", "demo", "--set", "autoscaling.enabled=true", "--post-renderer", b,
             "--post-renderer-args=--pod-management-policy=Parallel",
             "--post-renderer-args=--volume-claim-template=name=data,mountPath=/data,size=1Gi"], env=env, cwd=tmp)
    out = p.stdout.decode()
    ds = docs(out)
    sts = find(ds, "StatefulSet")
    hpa = find(ds, "HorizontalPodAutoscaler")
    case("helm template --post-renderer: StatefulSet + headless Service", p.returncode == 0 and sts and
         not find(ds, "Deployment") and [s for s in find(ds, "Service") if s["spec"].get("clusterIP") == "None"],
         p.stderr.decode()[-400:])
    case("helm: HPA retargeted", hpa and hpa[0]["spec"]["scaleTargetRef"]["kind"] == "StatefulSet")
    case("helm: # Source: lines kept (Service too)",
         out.count("# Source: demo/templates/deployment.yaml") == 2)
    if os.path.exists(VALIDATE):
        v = subprocess.run(["/usr/bin/python3", VALIDATE, "-q", "-"], input=p.stdout, capture_output=True)
        case("helm output schema-valid", v.returncode == 0 and b" 0 invalid" in v.stdout, v.stdout[-300:])
    p = run([helm, "template", "rel", "demo", "--post-renderer", b,
             "--post-renderer-args=--pod-management-policy=Sideways"], env=env, cwd=tmp)
    case("helm: a bad flag aborts with our message", p.returncode != 0 and b"Sideways" in p.stderr, p.stderr)


def test_plugin_yaml():
    path = os.path.join(ROOT, "plugin.yaml")
    m = yaml.safe_load(open(path))
    allowed = {"apiVersion", "name", "type", "runtime", "version", "sourceURL", "config", "runtimeConfig"}
    semver = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
    rc = m.get("runtimeConfig", {})
    cmds = rc.get("platformCommand", [])
    hooks = rc.get("platformHooks", {})
    case("plugin.yaml: Helm 4 v1 keys only, no legacy keys", set(m) <= allowed and
         not set(rc) - {"platformCommand", "platformHooks", "protocolCommands"}, sorted(m))
    case("plugin.yaml: apiVersion v1, postrenderer/v1, subprocess", m.get("apiVersion") == "v1" and
         m.get("type") == "postrenderer/v1" and m.get("runtime") == "subprocess")
    case("plugin.yaml: name and strict semver version", re.match(r"^[A-Za-z0-9_-]+$", m.get("name", "")) and
         semver.match(str(m.get("version", ""))))
    case("plugin.yaml: command is ${HELM_PLUGIN_DIR}/bin/deploy2sts",
         len(cmds) == 1 and cmds[0].get("command") == "${HELM_PLUGIN_DIR}/bin/deploy2sts")
    hook = os.path.join(ROOT, "packaging", "helm-plugin-hook.sh")
    case("plugin.yaml: install/update hooks run packaging/helm-plugin-hook.sh", set(hooks) == {"install", "update"} and
         all(h[0]["command"] == "sh" and "packaging/helm-plugin-hook.sh" in h[0]["args"][-1] for h in hooks.values())
         and os.path.exists(hook))
    case("plugin.yaml: sourceURL is a https URL", str(m.get("sourceURL", "")).startswith("https://"))
    for c in cmds + [h[0] for h in hooks.values()]:
        if set(c) - {"os", "arch", "command", "args"}:
            case("plugin.yaml: platform command keys", False, c)


def main():
    b = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        test_config(b, tmp)
        test_krm(b)
        test_legacy_plugin(b, tmp)
        test_kpt(b, tmp)
        test_helm3(b, tmp)
        test_plugin_yaml()
    failed = results.count(False)
    print("integrations: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
