"""cluster_journeys.py - the Helm journeys of issue 15 on the test control
plane (tests/test_cluster.py parts 3b-3e), with the real Helm 3.10.1
(`--post-renderer /abs/path/deploy2sts`) and Helm 4.1.4 (the plugin,
installed from a copy of this source tree), each journey in a namespace of
its own, run side by side:

  3b helm install (unconverted) -> helm upgrade through deploy2sts -> the
     Deployment, its ReplicaSets and pods are gone; the StatefulSet, the
     headless Service, the retargeted HPA exist; an absorbed PVC survives with
     helm.sh/resource-policy: keep -> helm upgrade from a copy of the chart
     with a new version and appVersion -> helm upgrade with changed labels ->
     helm rollback to the converted revision -> (the Helm 4 journeys) helm
     rollback to the Deployment -> helm uninstall; each checked against what
     the cluster really holds.
  3c after the converting upgrade: the claims the StatefulSet controller made
     are exactly the report's pvcNames of the replicas that exist (scaled to
     the HPA's maxReplicas: all of them), ordinals.start honoured, labels =
     the StatefulSet's selector matchLabels, spec = the claim template; with
     --migrate-data clone the controller adopts Helm's pre-created claim of
     the first ordinal (its events name no claim it created for it).
  3d a post-renderer wrapper injects a label into volumeClaimTemplates; the
     second upgrade must fail with the API server's Forbidden message.
  3e a bigger persistence.size on a converted release fails on the API
     server; docs/migrating.md's recipe (orphan-delete the StatefulSet,
     upgrade, expand each claim) then works on bound claims, and a Pending
     claim refuses the expansion, as Kubernetes says.

No kubelet and no scheduler run: pods stay Pending, nothing waits for them to
be ready; every wait polls the API with a deadline (kube.poll).
A journey's commands and their output go to D2S_JOURNEY_LOG/<journey>.log
when that variable names a directory (docs/migrating.md quotes such a run).
"""
import json
import os
import re
import shutil
import subprocess

import yaml

import kube
from kube import poll

ROOT = kube.ROOT
CHARTS = os.path.join(os.path.dirname(ROOT), "shared", "charts")
# the API server's messages the journeys must see (pkg/apis/apps/validation/validation.go
# ValidateStatefulSetUpdate; pkg/apis/core/validation/validation.go
# ValidatePersistentVolumeClaimUpdate)
STS_FORBIDDEN = ("Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                 "'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' "
                 "and 'minReadySeconds' are forbidden")
PVC_FORBIDDEN = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
# plugin/pkg/admission/storage/persistentvolume/resize/admission.go
RESIZE_FORBIDDEN = ("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc "
                    "must support resize")
# Known deviations of deploy2sts from docs/DESIGN, observed on the cluster; strict:
# a listed check that passes fails the journey (then remove it here).
XFAIL = {}
TIMEOUT = 90


class Step(Exception):
    """A check of a journey failed; the journey stops there."""


class Journey:
    """One release's story in one namespace; `lines` collects (label, errors)."""

    def __init__(self, ctx, name, helm, chart, release, values, d2s_args):
        self.ctx, self.name, self.helm, self.release = ctx, name, helm, release
        self.ns = "j-" + name
        self.chart = os.path.join(CHARTS, chart)
        self.chart_name = chart
        self.values = values
        self.d2s_args = d2s_args
        self.report_file = os.path.join(ctx.tmp, name + "-report.yaml")
        self.lines = []
        self.log = []
        self.k = ctx.cluster

    # ------------------------------------------------------------ recording

    def ok(self, label, errors=()):
        self.lines.append(("%s: %s" % (self.name, label), [str(e) for e in errors]))
        if errors:
            raise Step()

    def xcheck(self, key, label, errors):
        """A check listed in XFAIL: must fail (then it is an XFAIL line)."""
        if errors:
            self.lines.append(("%s: XFAIL %s (%s)" % (self.name, label, XFAIL[key]), []))
        else:
            self.lines.append(("%s: %s" % (self.name, label), ["passes now: remove %r from XFAIL" % key]))

    def note(self, cmd, rc, out, err):
        """The transcript for D2S_JOURNEY_LOG, with readable paths."""
        text = "$ %s\n%s%s[exit %d]\n" % (cmd, out, err, rc)
        for path, shown in ((self.ctx.binary, "$PWD/deploy2sts"), (self.ctx.tmp, "$TMP"), (CHARTS, "../shared/charts")):
            text = text.replace(path, shown)
        self.log.append(text)

    # ------------------------------------------------------------ commands

    def run_helm(self, args, shown=None):
        h = kube.HELM3 if self.helm == 3 else kube.HELM4
        p = subprocess.run([h] + args, capture_output=True, env=self.ctx.helm_env[self.helm], timeout=300)
        out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        self.note("helm%d %s" % (self.helm, shown or " ".join(args)), p.returncode, out, err)
        return p.returncode, out, err

    def kubectl(self, args):
        rc, out, err = self.k.kubectl(args)
        self.note("kubectl " + " ".join(args), rc, out, err)
        return rc, out, err

    def show(self, what="deployment,statefulset,service,pvc,pod"):
        """The namespace's objects, for the transcript (docs/migrating.md)."""
        self.kubectl(["get", what, "-n", self.ns])

    def post_renderer(self):
        args = list(self.d2s_args) + ["--report=" + self.report_file]
        if self.helm == 3:
            pr = ["--post-renderer", self.ctx.binary]
        else:  # Helm 4 passes no namespace to a post-renderer, and drops its stderr
            pr = ["--post-renderer", "deploy2sts"]
            args += ["--namespace=" + self.ns, "--log-file=" + os.path.join(self.ctx.tmp, self.name + ".d2s.log")]
        return pr + ["--post-renderer-args=" + a for a in args]

    def install(self):
        rc, out, err = self.run_helm(["install", self.release, self.chart, "-n", self.ns, "--create-namespace"]
                                     + self.values)
        self.ok("helm install (unconverted) succeeds", [] if rc == 0 else ["exit %d: %s" % (rc, err[-800:])])

    def upgrade(self, label, chart=None, extra=(), post=True, expect_fail=None):
        args = ["upgrade", self.release, chart or self.chart, "-n", self.ns] + self.values + list(extra)
        if post:
            args += self.post_renderer()
        rc, out, err = self.run_helm(args)
        if expect_fail:
            self.ok(label, [] if rc != 0 and expect_fail in err else
                    ["expected a failure with %r; exit %d: %s" % (expect_fail, rc, err[-1200:])])
            return err
        self.ok(label, [] if rc == 0 else ["exit %d: %s" % (rc, err[-1500:])])
        return out

    def get(self, kind, name=None, selector=None):
        return self.k.get(kind, name, self.ns, selector)

    def wait(self, what, fn):
        try:
            return poll(what, fn, TIMEOUT)
        except kube.Timeout as e:
            self.ok(what, [str(e)])

    # ------------------------------------------------------------ shared checks

    def deployment_running(self, name):
        """After the unconverted install: the Deployment, and the ReplicaSet and
        pods the deployment and replicaset controllers make for it."""
        dep = self.get("deployment", name)
        self.ok("the Deployment %s exists" % name, [] if dep else ["not found"])
        want = dep["spec"].get("replicas", 1)
        rs = self.wait("a ReplicaSet owned by Deployment %s" % name, lambda: [
            r for r in self.get("replicaset") or [] if any(o.get("uid") == dep["metadata"]["uid"]
                                                           for o in r["metadata"].get("ownerReferences", []))])
        uids = {r["metadata"]["uid"] for r in rs}

        def owned():
            ps = [p for p in self.get("pod") or []
                  if any(o.get("uid") in uids for o in p["metadata"].get("ownerReferences", []))]
            return ps if len(ps) == want else None
        pods = self.wait("%d Pending pods of the ReplicaSet" % want, owned)
        self.ok("the deployment and replicaset controllers made ReplicaSet %s and %d pods" % (
            rs[0]["metadata"]["name"], len(pods)))
        return dep, uids

    def converted(self, name, dep_uid, rs_uids):
        """After the converting upgrade: the Deployment and everything it owned is gone
        (garbage collector), the StatefulSet and its headless Service exist."""
        self.wait("Deployment %s deleted" % name, lambda: self.k.gone("deployment", name, self.ns))
        self.wait("the Deployment's ReplicaSets and pods deleted (garbage collector)", lambda: not [
            o for kind in ("replicaset", "pod") for o in self.get(kind) or []
            if any(r.get("uid") in rs_uids | {dep_uid} for r in o["metadata"].get("ownerReferences", []))])
        self.ok("the Deployment, its ReplicaSets and its pods are gone")
        sts = self.get("statefulset", name)
        self.ok("the StatefulSet %s exists" % name, [] if sts else ["not found"])
        svc = self.get("service", sts["spec"]["serviceName"])
        self.ok("the headless Service %s exists (clusterIP None)" % sts["spec"]["serviceName"],
                [] if svc and svc["spec"].get("clusterIP") == "None" else ["got %r" % (svc and svc["spec"],)])
        return sts

    def report(self):
        rep = yaml.safe_load(open(self.report_file))
        deps = [d for d in rep["deployments"] if d["status"] == "converted"]
        return rep, deps[0]["statefulSet"]

    def claims_match(self, sts, tmpl_report, replicas, prefilled=(), old_pvcs=()):
        """3c: the claims that exist are the report's names for the replicas that
        exist; the controller's carry the selector labels and the template's spec."""
        start = tmpl_report.get("ordinalsStart") or 0
        names = {}
        for t in tmpl_report["volumeClaimTemplates"]:
            names[t["name"]] = t["pvcNames"][:replicas]
        want = {n for ns in names.values() for n in ns}
        got = self.wait("claims %s" % sorted(want), lambda: (
            lambda have: have if have == want else None)(
            {p["metadata"]["name"] for p in self.get("pvc") or []} - set(old_pvcs)))
        self.ok("the StatefulSet controller made exactly the claims --report lists for %d replicas "
                "(ordinals from %d): %s" % (replicas, start, ", ".join(sorted(got))))
        templates = {t["metadata"]["name"]: t for t in sts["spec"]["volumeClaimTemplates"]}
        sel = sts["spec"]["selector"]["matchLabels"]
        errs = []
        for tname, claim_names in names.items():
            t = templates[tname]
            for i, cn in enumerate(claim_names):
                if cn != "%s-%s-%d" % (tname, sts["metadata"]["name"], start + i):
                    errs.append("%s: not <template>-<statefulset>-<ordinal> for ordinal %d" % (cn, start + i))
                if cn in prefilled:
                    continue
                pvc = self.get("pvc", cn)
                if pvc["metadata"].get("labels") != sel:
                    errs.append("%s: labels %r, want the selector's %r" % (cn, pvc["metadata"].get("labels"), sel))
                for f in ("accessModes", "resources", "storageClassName", "volumeMode", "dataSource"):
                    if pvc["spec"].get(f) != t["spec"].get(f):
                        errs.append("%s: spec.%s %r, template %r" % (cn, f, pvc["spec"].get(f), t["spec"].get(f)))
        self.ok("each claim the controller made has the selector's labels and the claim template's spec", errs)
        pods = self.wait("pods %s-%d.. of the StatefulSet" % (sts["metadata"]["name"], start), lambda: (
            lambda ps: ps if len(ps) == replicas else None)(
            [p for p in self.get("pod") or [] if any(o.get("uid") == sts["metadata"]["uid"]
                                                   for o in p["metadata"].get("ownerReferences", []))]))
        errs = []
        for p in pods:
            ordinal = int(p["metadata"]["name"].rsplit("-", 1)[1])
            vols = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in p["spec"]["volumes"]}
            for tname in names:
                if vols.get(tname) != "%s-%s-%d" % (tname, sts["metadata"]["name"], ordinal):
                    errs.append("pod %s: volume %s mounts %r" % (p["metadata"]["name"], tname, vols.get(tname)))
            if ordinal < start:
                errs.append("pod %s: below ordinals.start %d" % (p["metadata"]["name"], start))
        self.ok("pods %s mount their own claims" % ", ".join(sorted(p["metadata"]["name"] for p in pods)), errs)
        return want

    def created_by_controller(self, sts_name):
        """The claims the StatefulSet controller's events say it created."""
        rc, out, _ = self.k.kubectl(["get", "events", "-n", self.ns, "-o", "json",
                                     "--field-selector", "involvedObject.kind=StatefulSet,involvedObject.name=" +
                                     sts_name])
        made = set()
        for e in json.loads(out)["items"] if rc == 0 else []:
            # pkg/controller/statefulset/stateful_pod_control.go recordClaimEvent
            m = re.match(r"create Claim (\S+) Pod \S+ in StatefulSet \S+ success", e.get("message", ""), re.I)
            if m:
                made.add(m.group(1))
        return made

    def chart_copy(self, version, app_version):
        """A copy of the chart with another version and appVersion (a chart's patch release)."""
        dst = os.path.join(self.ctx.tmp, "%s-%s" % (self.name, version))
        shutil.copytree(self.chart, dst)
        p = os.path.join(dst, "Chart.yaml")
        text = open(p).read()
        text = re.sub(r"(?m)^version: .*$", "version: %s" % version, text)
        text = re.sub(r"(?m)^appVersion: .*$", "appVersion: %s" % app_version, text)
        open(p, "w").write(text)
        return dst

    def history(self):
        rc, out, _ = self.run_helm(["history", self.release, "-n", self.ns, "-o", "json"])
        return json.loads(out) if rc == 0 else []


class Context:
    def __init__(self, cluster, binary, tmp):
        self.cluster, self.binary, self.tmp = cluster, binary, tmp
        self.helm_env = {}
        base = {k: v for k, v in os.environ.items() if not k.startswith("HELM_") and k not in kube.MAKE_VARS}
        base["KUBECONFIG"] = cluster.kubeconfig
        base["XDG_STATE_HOME"] = os.path.join(tmp, "state")  # deploy2sts's Helm log stays here
        for v in (3, 4):
            e = dict(base)
            for what in ("DATA", "CONFIG", "CACHE"):
                e["HELM_%s_HOME" % what] = os.path.join(tmp, "helm%d" % v, what.lower())
            self.helm_env[v] = e

    def install_plugin(self):
        """The Helm 4 plugin from a copy of this source tree (its hook runs make)."""
        from source_tree import copy_source_tree
        src = copy_source_tree(os.path.join(self.tmp, "deploy2sts-src"))
        p = subprocess.run([kube.HELM4, "plugin", "install", src], capture_output=True, env=self.helm_env[4],
                           timeout=600)
        return None if p.returncode == 0 else "helm4 plugin install: exit %d: %s" % (
            p.returncode, (p.stdout + p.stderr).decode()[-800:])


# ------------------------------------------------------------------ journeys

def tomcat(ctx, name, helm, migrate, ordinals_start=None, rollback_to_deployment=False):
    """3b/3c on bitnami tomcat (a Deployment mounting its PVC)."""
    args = ["--pod-management-policy=Parallel", "--migrate-data=" + migrate]
    if ordinals_start is not None:
        args.append("--ordinals-start=%d" % ordinals_start)
    j = Journey(ctx, name, helm, "tomcat", "web", ["--set", "replicaCount=2"], args)
    full = "web-tomcat"
    try:
        j.install()
        dep, rs_uids = j.deployment_running(full)
        j.show()
        pvc = j.get("pvc", full)
        j.ok("the chart's PVC %s exists (Pending: no provisioner)" % full, [] if pvc else ["not found"])
        uid = pvc["metadata"]["uid"]
        j.upgrade("helm upgrade through deploy2sts (--migrate-data=%s) succeeds" % migrate)
        sts = j.converted(full, dep["metadata"]["uid"], rs_uids)
        pvc = j.get("pvc", full)
        ann = (pvc or {}).get("metadata", {}).get("annotations", {})
        j.ok("the absorbed PVC %s survives (same uid), annotated helm.sh/resource-policy: keep" % full,
             [] if pvc and pvc["metadata"]["uid"] == uid and ann.get("helm.sh/resource-policy") == "keep"
             else ["got %r" % (pvc and pvc["metadata"],)])
        rep, st = j.report()
        prefilled = set()
        for t in st["volumeClaimTemplates"]:
            prefilled |= set(t.get("prefilled") or [])
        start = st.get("ordinalsStart") or 0
        j.ok("the report: ordinals.start %d, the clone prefills %s" % (start, sorted(prefilled) or "nothing"),
             [] if start == (ordinals_start or 0) and (bool(prefilled) == (migrate == "clone")) else
             ["report statefulSet: %r" % st])
        claims = j.claims_match(sts, st, sts["spec"].get("replicas", 1), prefilled, {full})
        j.show()
        if migrate == "clone":
            first = "data-%s-%d" % (full, start)
            c = j.get("pvc", first)
            errs = []
            ds = {k: v for k, v in (c["spec"].get("dataSource") or {}).items() if v is not None}
            if ds != {"kind": "PersistentVolumeClaim", "name": full}:
                errs.append("dataSource %r" % c["spec"].get("dataSource"))
            if c["metadata"].get("annotations", {}).get("meta.helm.sh/release-name") != "web":
                errs.append("not made by Helm: %r" % c["metadata"].get("annotations"))
            made = j.wait("the controller's events for the other claims",
                          lambda: (lambda m: m if m == claims - {first} else None)(j.created_by_controller(full)))
            if first in made:
                errs.append("the controller created %s itself" % first)
            j.kubectl(["get", "events", "-n", j.ns, "--field-selector", "involvedObject.kind=StatefulSet"])
            j.ok("the controller adopted Helm's clone %s (dataSource %s) and created only %s" % (
                first, full, ", ".join(sorted(made))), errs)
            # DESIGN 3.4: the clone carries the labels the controller gives every claim it
            # makes, the StatefulSet's selector matchLabels (stateful_set_utils.go
            # getPersistentVolumeClaims); Helm adds its own managed-by label on top
            lab = c["metadata"].get("labels") or {}
            want = sts["spec"]["selector"]["matchLabels"]
            j.ok("the clone %s carries the selector labels the controller gives the others" % first,
                 [] if all(lab.get(k) == v for k, v in want.items()) else ["labels %r, want %r" % (lab, want)])
        copy = j.chart_copy("13.0.1", "11.0.11")
        j.upgrade("helm upgrade from a copy of the chart with version 13.0.1, appVersion 11.0.11 succeeds", copy)
        sts = j.get("statefulset", full)
        j.ok("the StatefulSet now has helm.sh/chart=tomcat-13.0.1",
             [] if sts["metadata"]["labels"].get("helm.sh/chart") == "tomcat-13.0.1" else ["%r" % sts["metadata"]["labels"]])
        j.upgrade("helm upgrade with --set commonLabels.team=web succeeds", copy, ["--set", "commonLabels.team=web"])
        sts, pvc = j.get("statefulset", full), j.get("pvc", full)
        j.ok("the StatefulSet and the absorbed PVC carry team=web",
             [] if sts["metadata"]["labels"].get("team") == "web" and pvc["metadata"]["labels"].get("team") == "web"
             else ["%r %r" % (sts["metadata"]["labels"], pvc["metadata"]["labels"])])
        rc, out, err = j.run_helm(["rollback", "web", "2", "-n", j.ns])
        j.ok("helm rollback web 2 (the converted revision) succeeds", [] if rc == 0 else [err[-800:]])
        sts = j.get("statefulset", full)
        j.ok("after the rollback: the StatefulSet is back at tomcat-13.0.0 without team=web",
             [] if sts and sts["metadata"]["labels"].get("helm.sh/chart") == "tomcat-13.0.0"
             and "team" not in sts["metadata"]["labels"] else ["%r" % (sts and sts["metadata"]["labels"])])
        kept = True
        if rollback_to_deployment:
            rc, out, err = j.run_helm(["rollback", "web", "1", "-n", j.ns])
            j.ok("helm rollback web 1 (the Deployment) succeeds", [] if rc == 0 else [err[-800:]])
            j.wait("the StatefulSet deleted", lambda: j.k.gone("statefulset", full, j.ns))
            j.wait("the headless Service deleted", lambda: j.k.gone("service", full + "-headless", j.ns))
            dep = j.get("deployment", full)
            pvc = j.get("pvc", full)
            j.show("deployment,statefulset,service,pvc")
            left = sorted(p["metadata"]["name"] for p in j.get("pvc") or [])
            j.ok("after the rollback to 1: the Deployment is back, the StatefulSet and headless Service are gone, "
                 "the claims stay (%s), and %s lost helm.sh/resource-policy: keep" % (", ".join(left), full),
                 [] if dep and pvc and "helm.sh/resource-policy" not in pvc["metadata"].get("annotations", {})
                 and set(left) >= claims else ["deployment %r, pvc annotations %r, claims %r" % (
                     bool(dep), pvc and pvc["metadata"].get("annotations"), left)])
            kept = False
        rc, out, err = j.run_helm(["uninstall", "web", "-n", j.ns])
        j.ok("helm uninstall succeeds" + (", keeping the PVCs annotated keep" if kept else ""),
             [] if rc == 0 and (not kept or full in out) else ["exit %d: %s %s" % (rc, out, err[-400:])])
        j.wait("the release's workloads deleted", lambda: not (j.get("statefulset") or j.get("deployment")))
        j.wait("their pods deleted (garbage collector)", lambda: not j.get("pod"))
        left = {p["metadata"]["name"] for p in j.get("pvc") or []}
        j.show("all,pvc")
        want = claims | ({full} if kept else set())
        j.ok("after helm uninstall the claims left are %s" % ", ".join(sorted(want)),
             [] if left == want else ["left: %s" % sorted(left)])
    except Step:
        pass
    return j


def podinfo(ctx, name, helm, ordinals_start=None):
    """3b/3c on podinfo with its HPA: a claim template from --volume-claim-template."""
    args = ["--pod-management-policy=Parallel", "--volume-claim-template=name=data,mountPath=/data,size=1Gi"]
    if ordinals_start is not None:
        args.append("--ordinals-start=%d" % ordinals_start)
    j = Journey(ctx, name, helm, "podinfo", "web", ["--set", "hpa.enabled=true,hpa.maxReplicas=3"], args)
    full = "web-podinfo"
    try:
        j.install()
        hpa = j.get("hpa", full)
        j.ok("the HPA targets Deployment %s" % full,
             [] if hpa and hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment" else ["%r" % (hpa and hpa["spec"])])
        dep, rs_uids = j.deployment_running(full)
        j.upgrade("helm upgrade through deploy2sts (--volume-claim-template) succeeds")
        sts = j.converted(full, dep["metadata"]["uid"], rs_uids)
        hpa = j.get("hpa", full)
        j.show("hpa,statefulset,service,pvc,pod")
        j.ok("the HPA is retargeted to StatefulSet %s (apps/v1)" % full,
             [] if hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": full}
             else ["%r" % hpa["spec"]["scaleTargetRef"]])
        rep, st = j.report()
        j.ok("the report lists claims up to the HPA's maxReplicas 3",
             [] if st["replicas"].get("source") == "hpa" and st["replicas"].get("maxReplicas") == 3 and
             len(st["volumeClaimTemplates"][0]["pvcNames"]) == 3 else ["%r" % st])
        j.claims_match(sts, st, sts["spec"].get("replicas", 1))
        rc, out, err = j.kubectl(["scale", "statefulset", full, "-n", j.ns, "--replicas=3"])
        j.ok("kubectl scale --replicas=3 (as the HPA would)", [] if rc == 0 else [err])
        claims = j.claims_match(j.get("statefulset", full), st, 3)
        j.show("statefulset,pvc,pod")
        copy = j.chart_copy("6.14.2", "6.14.2")
        j.upgrade("helm upgrade from a copy of the chart with version and appVersion 6.14.2 succeeds", copy)
        sts = j.get("statefulset", full)
        j.ok("the StatefulSet now has helm.sh/chart=podinfo-6.14.2 and keeps 3 replicas",
             [] if sts["metadata"]["labels"].get("helm.sh/chart") == "podinfo-6.14.2" and
             sts["spec"]["replicas"] == 3 else ["%r %r" % (sts["metadata"]["labels"], sts["spec"]["replicas"])])
        j.upgrade("helm upgrade with --set service.additionalLabels.team=web,podAnnotations.team=web succeeds", copy,
                  ["--set", "service.additionalLabels.team=web,podAnnotations.team=web"])
        svc, sts = j.get("service", full), j.get("statefulset", full)
        j.ok("the Service carries team=web, the pod template the annotation",
             [] if svc["metadata"]["labels"].get("team") == "web" and
             sts["spec"]["template"]["metadata"]["annotations"].get("team") == "web" else
             ["%r %r" % (svc["metadata"]["labels"], sts["spec"]["template"]["metadata"].get("annotations"))])
        rc, out, err = j.run_helm(["rollback", "web", "2", "-n", j.ns])
        j.ok("helm rollback web 2 (the converted revision) succeeds", [] if rc == 0 else [err[-800:]])
        sts = j.get("statefulset", full)
        j.ok("after the rollback: podinfo-6.14.1, no team annotation",
             [] if sts["metadata"]["labels"].get("helm.sh/chart") == "podinfo-6.14.1" and
             "team" not in (sts["spec"]["template"]["metadata"].get("annotations") or {}) else
             ["%r" % sts["metadata"]["labels"]])
        rc, out, err = j.run_helm(["uninstall", "web", "-n", j.ns])
        j.ok("helm uninstall succeeds", [] if rc == 0 else [err[-400:]])
        j.wait("the StatefulSet, HPA and pods deleted",
               lambda: not (j.get("statefulset") or j.get("hpa") or j.get("pod")))
        left = {p["metadata"]["name"] for p in j.get("pvc") or []}
        j.ok("after helm uninstall the controller's claims stay: %s" % ", ".join(sorted(claims)),
             [] if left == claims else ["left: %s" % sorted(left)])
    except Step:
        pass
    return j


INJECT = """#!/usr/bin/python3
# a post-renderer for the negative control: deploy2sts, then a label put into
# every volumeClaimTemplate by hand (--inject=VALUE), as deploy2sts did before
# claim templates kept only the PVC's name and spec
import subprocess, sys, yaml
val = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--inject=")][0]
p = subprocess.run([%r] + [a for a in sys.argv[1:] if not a.startswith("--inject=")],
                   stdin=sys.stdin, capture_output=True)
sys.stderr.write(p.stderr.decode())
if p.returncode:
    sys.exit(p.returncode)
docs = [d for d in yaml.safe_load_all(p.stdout) if d is not None]
for d in docs:
    if d.get("kind") == "StatefulSet":
        for t in d["spec"].get("volumeClaimTemplates") or []:
            t["metadata"].setdefault("labels", {})["injected"] = val
sys.stdout.write(yaml.safe_dump_all(docs))
"""


def negative(ctx):
    """3d: a claim template that changes between revisions: the second upgrade fails."""
    j = Journey(ctx, "tomcat-helm3-injected", 3, "tomcat", "web", [], ["--migrate-data=none"])
    wrapper = os.path.join(ctx.tmp, "inject.py")
    with open(wrapper, "w") as f:
        f.write(INJECT % ctx.binary)
    os.chmod(wrapper, 0o755)
    try:
        j.install()
        pr = ["--post-renderer", wrapper, "--post-renderer-args=--migrate-data=none"]
        rc, out, err = j.run_helm(["upgrade", "web", j.chart, "-n", j.ns] + pr + ["--post-renderer-args=--inject=a"])
        j.ok("helm upgrade through deploy2sts + a label injected into the claim template succeeds",
             [] if rc == 0 else [err[-800:]])
        sts = j.get("statefulset", "web-tomcat")
        j.ok("the claim template carries injected=a",
             [] if sts["spec"]["volumeClaimTemplates"][0]["metadata"].get("labels") == {"injected": "a"} else
             ["%r" % sts["spec"]["volumeClaimTemplates"][0]["metadata"]])
        rc, out, err = j.run_helm(["upgrade", "web", j.chart, "-n", j.ns] + pr + ["--post-renderer-args=--inject=b"])
        j.ok("the next upgrade (injected=b) fails with the API server's Forbidden: %s" % STS_FORBIDDEN,
             [] if rc != 0 and STS_FORBIDDEN in err else ["exit %d: %s" % (rc, err[-800:])])
        j.forbidden = err.strip()
    except Step:
        pass
    return j


def resize(ctx):
    """3e: a bigger persistence.size fails; the recipe of docs/migrating.md works."""
    sc = "d2s-expandable"
    j = Journey(ctx, "tomcat-helm3-resize", 3, "tomcat", "web",
                ["--set", "replicaCount=2,persistence.size=1Gi,persistence.storageClass=" + sc],
                ["--migrate-data=none", "--pod-management-policy=Parallel"])
    full = "web-tomcat"
    try:
        # a StorageClass that allows expansion and PersistentVolumes made by hand (no
        # provisioner runs here): the binder controller binds the old claim and the first
        # replica's; the second replica's claim stays Pending
        # (and, to see the admission plugin refuse, a claim of a class without expansion)
        objs = [{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": sc},
                 "provisioner": "deploy2sts.test/none", "allowVolumeExpansion": True,
                 "volumeBindingMode": "Immediate"},
                {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "d2s-fixed"},
                 "provisioner": "deploy2sts.test/none", "volumeBindingMode": "Immediate"},
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": j.ns}},
                {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "fixed", "namespace": j.ns},
                 "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "d2s-fixed",
                          "resources": {"requests": {"storage": "1Gi"}}}}]
        for claim, cls in ((full, sc), ("data-%s-0" % full, sc), ("fixed", "d2s-fixed")):
            objs.append({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv-" + claim},
                         "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                                  "storageClassName": cls, "persistentVolumeReclaimPolicy": "Retain",
                                  "hostPath": {"path": "/tmp/d2s-test-pv/" + claim},
                                  "claimRef": {"namespace": j.ns, "name": claim}}})
        rc, out, err = j.k.kubectl(["apply", "--server-side", "-f", "-"],
                                   data=yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": objs}))
        j.ok("StorageClass %s (allowVolumeExpansion) and two PersistentVolumes made" % sc, [] if rc == 0 else [err])
        j.install()
        for claim in (full, "fixed"):
            j.wait("PVC %s Bound" % claim, lambda c=claim: (j.get("pvc", c) or {}).get("status", {}).get("phase") ==
                   "Bound")
        j.upgrade("helm upgrade through deploy2sts (--migrate-data=none) succeeds")
        j.wait("claim data-%s-0 Bound" % full,
               lambda: (j.get("pvc", "data-%s-0" % full) or {}).get("status", {}).get("phase") == "Bound")
        j.wait("claim data-%s-1 made (Pending)" % full, lambda: j.get("pvc", "data-%s-1" % full))
        pods = {p["metadata"]["name"]: p["metadata"]["uid"] for p in j.get("pod") or []}
        err = j.upgrade("helm upgrade --set persistence.size=2Gi fails: %s" % STS_FORBIDDEN,
                        extra=["--set", "persistence.size=2Gi"], expect_fail=STS_FORBIDDEN)
        j.forbidden = err.strip()
        # the recipe (docs/migrating.md, "Resizing")
        rc, out, err = j.kubectl(["delete", "statefulset", full, "-n", j.ns, "--cascade=orphan"])
        j.ok("kubectl delete statefulset %s --cascade=orphan" % full, [] if rc == 0 else [err])
        j.wait("StatefulSet gone", lambda: j.k.gone("statefulset", full, j.ns))
        j.upgrade("helm upgrade --set persistence.size=2Gi now succeeds", extra=["--set", "persistence.size=2Gi"])
        sts = j.get("statefulset", full)
        size = sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
        j.ok("the new StatefulSet's claim template asks for 2Gi", [] if size == "2Gi" else [size])
        adopted = j.wait("the orphaned pods adopted by the new StatefulSet", lambda: (lambda ps: ps if len(ps) == 2 and all(
            any(o.get("uid") == sts["metadata"]["uid"] for o in p["metadata"].get("ownerReferences", []))
            for p in ps) else None)(j.get("pod") or []))
        j.ok("the pods were adopted, not recreated (same uids)",
             [] if {p["metadata"]["name"]: p["metadata"]["uid"] for p in adopted} == pods else
             ["before %r, after %r" % (pods, {p["metadata"]["name"]: p["metadata"]["uid"] for p in adopted})])
        patch = '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'
        rc, out, err = j.kubectl(["patch", "pvc", "data-%s-0" % full, "-n", j.ns, "-p", patch])
        j.ok("kubectl patch pvc data-%s-0 to 2Gi (Bound, class allows expansion) is accepted" % full,
             [] if rc == 0 else [err])
        pvc = j.get("pvc", "data-%s-0" % full)
        j.ok("data-%s-0 asks for 2Gi (status.capacity stays %s: no volume driver here)" % (
            full, pvc["status"].get("capacity", {}).get("storage")),
            [] if pvc["spec"]["resources"]["requests"]["storage"] == "2Gi" else ["%r" % pvc["spec"]])
        rc, out, err = j.kubectl(["patch", "pvc", "data-%s-1" % full, "-n", j.ns, "-p", patch])
        j.ok("kubectl patch pvc data-%s-1 (Pending) is refused: %s" % (full, PVC_FORBIDDEN),
             [] if rc != 0 and PVC_FORBIDDEN in err else ["exit %d: %s" % (rc, err)])
        j.pending_refused = err.strip()
        rc, out, err = j.kubectl(["patch", "pvc", "fixed", "-n", j.ns, "-p", patch])
        j.ok("kubectl patch of a Bound claim whose class lacks allowVolumeExpansion is refused: %s" % RESIZE_FORBIDDEN,
             [] if rc != 0 and RESIZE_FORBIDDEN in err else ["exit %d: %s" % (rc, err)])
        old = j.get("pvc", full)["spec"]["resources"]["requests"]["storage"]
        j.ok("the absorbed PVC %s (Bound, expandable) was asked for 2Gi by the same upgrade" % full,
             [] if old == "2Gi" else [old])
        j.show("statefulset,pvc,pod")
        j.upgrade("the next helm upgrade with the same values succeeds", extra=["--set", "persistence.size=2Gi"])
        rc, out, err = j.run_helm(["uninstall", "web", "-n", j.ns])
        j.ok("helm uninstall succeeds", [] if rc == 0 else [err[-400:]])
    except Step:
        pass
    return j


def run_all(cluster, binary, tmp, pool):
    """Every journey, side by side; returns (journeys, setup errors)."""
    ctx = Context(cluster, binary, tmp)
    perr = ctx.install_plugin()
    futures = [
        pool.submit(tomcat, ctx, "tomcat-helm3-clone", 3, "clone"),
        pool.submit(podinfo, ctx, "podinfo-helm3", 3),
        pool.submit(negative, ctx),
        pool.submit(resize, ctx),
    ]
    if perr is None:
        futures += [
            pool.submit(tomcat, ctx, "tomcat-helm4-none", 4, "none", 1, True),
            pool.submit(tomcat, ctx, "tomcat-helm4-clone", 4, "clone", None, True),
            pool.submit(podinfo, ctx, "podinfo-helm4", 4, 1),
        ]
    journeys = [f.result() for f in futures]
    logdir = os.environ.get("D2S_JOURNEY_LOG")
    if logdir:
        os.makedirs(logdir, exist_ok=True)
        for j in journeys:
            with open(os.path.join(logdir, j.name + ".log"), "w") as f:
                f.write("\n".join(j.log))
    return journeys, [perr] if perr else []
