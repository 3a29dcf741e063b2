"""Generator of realistic manifest streams (hypothesis strategies).

`cases()` draws a Case: parsed documents (Deployments with random combinations
of the fields the rules touch, PVCs, HPAs/VPAs/ScaledObjects, Services,
kind: List, Helm hooks, unrelated documents), a flag set (model.Opts) and a
YAML presentation (yamlio.Style); `Case.stream()` is the input bytes.
"""
import random

from hypothesis import strategies as st

from . import model
from .yamlio import Alias, AliasStr, Anchored, AnchoredStr, Raw, Style, TaggedInt, render

NAMES = ["web", "db", "api", "cache-server", "worker", "x" * 53, "9lives"]
CLAIMS = ["data-claim", "shared", "logs"]
NS = [None, "ns1", "ns2"]
MODES = ["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"]


class Case:
    def __init__(self, docs, opts, style_args, stream_args):
        self.docs = docs
        self.opts = opts
        self.style_args = style_args
        self.stream_args = stream_args

    def stream(self):
        a = dict(self.style_args)
        rnd = random.Random(a.pop("seed"))
        style = Style(lambda n: rnd.randrange(n), **a)
        sa = dict(self.stream_args)
        src = sa.pop("sources")
        return render(self.docs, style, head_comment=(lambda i: src) if src else None, **sa)

    def __repr__(self):
        return "Case(args=%r, docs=%r, style=%r, stream=%r)" % (
            self.opts.args(), self.docs, self.style_args, self.stream_args)


def maybe(draw, value, p=2):
    """value with probability 1/p... drawn so shrinking removes it."""
    return value if draw(st.integers(0, p - 1)) == 0 else None


def put(d, k, v):
    if v is not None:
        d[k] = v


@st.composite
def metadata(draw, name, ns, kind_labels=True, hook_ok=True):
    m = {"name": name}
    put(m, "namespace", ns)
    labels = {}
    if kind_labels and draw(st.booleans()):
        labels["app"] = name[:20]
    if draw(st.integers(0, 3)) == 0:
        labels["helm.sh/chart"] = "chart-1.2.3"
    if draw(st.integers(0, 4)) == 0:
        labels["app.kubernetes.io/version"] = "1.0"
    if draw(st.integers(0, 4)) == 0:
        labels["tier"] = "backend"
    if draw(st.integers(0, 8)) == 0:
        labels[draw(st.sampled_from(["chart", "version"]))] = "1.2.3"  # version-bearing, left out of claim templates
    if labels:
        m["labels"] = labels
    elif draw(st.integers(0, 5)) == 0:
        m["labels"] = draw(st.sampled_from([{}, None]))
    ann = {}
    if hook_ok and draw(st.integers(0, 14)) == 0:
        ann["helm.sh/hook"] = "pre-install"
    if draw(st.integers(0, 4)) == 0:
        ann[model.PR_FILE] = "chart/templates/%s.yaml" % name[:10]
    if draw(st.integers(0, 5)) == 0:
        ann["meta.helm.sh/release-name"] = "rel"
    if ann:
        m["annotations"] = ann
    elif draw(st.integers(0, 5)) == 0:
        m["annotations"] = draw(st.sampled_from([{}, None]))
    return m


@st.composite
def container(draw, name, vols):
    c = {"name": name, "image": draw(st.sampled_from(["nginx:1.25", "busybox", "ghcr.io/x/y@sha256:" + "a" * 64]))}
    ports = []
    for k in range(draw(st.integers(0, 2))):
        p = {"containerPort": draw(st.sampled_from([80, 8080, 5432, 53]))}
        if draw(st.booleans()):
            # "http" repeats across containers (the Service takes the first)
            p["name"] = "%s-p%d" % (name[:5], k) if k or draw(st.integers(0, 3)) else "http"
        if draw(st.integers(0, 3)) == 0:
            p["protocol"] = draw(st.sampled_from(["TCP", "UDP", "SCTP"]))
        ports.append(p)
    if ports:
        c["ports"] = ports
    elif draw(st.integers(0, 4)) == 0:
        c["ports"] = []
    mounts = []
    for v in vols:
        if draw(st.booleans()):
            m = {"name": v, "mountPath": "/mnt/" + v}
            if draw(st.integers(0, 3)) == 0:
                m["subPath"] = "sub"
            if draw(st.integers(0, 4)) == 0:
                m["readOnly"] = True
            mounts.append(m)
    if mounts:
        c["volumeMounts"] = mounts
    elif draw(st.integers(0, 4)) == 0:
        c["volumeMounts"] = draw(st.sampled_from([[], None]))  # `volumeMounts:` with nothing after it reads as []
    return c


@st.composite
def volume(draw, name, claims):
    kind = draw(st.sampled_from(["emptyDir", "pvc", "pvc", "pvc", "configMap", "secret", "projected", "ephemeral",
                                 "hostPath", "downwardAPI"]))
    if name == "data" and draw(st.integers(0, 2)):
        kind = "emptyDir"  # the chart's usual scratch volume a claim template replaces
    v = {"name": name}
    if kind == "emptyDir":
        v["emptyDir"] = draw(st.sampled_from([{}, {"medium": "Memory"}, {"sizeLimit": "1Gi"}]))
    elif kind == "pvc" and claims:
        v["persistentVolumeClaim"] = {"claimName": draw(st.sampled_from(claims))}
        if draw(st.integers(0, 5)) == 0:
            v["persistentVolumeClaim"]["readOnly"] = True
    elif kind == "configMap":
        v["configMap"] = {"name": "cfg"}
    elif kind == "secret":
        v["secret"] = {"secretName": "sec"}
    elif kind == "projected":
        v["projected"] = {"sources": [{"configMap": {"name": "cfg"}}]}
    elif kind == "ephemeral":
        v["ephemeral"] = {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"],
                                                           "resources": {"requests": {"storage": "1Gi"}}}}}
    elif kind == "hostPath":
        v["hostPath"] = {"path": "/var/x"}
    else:
        v["downwardAPI"] = {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}
    return v


@st.composite
def deployment(draw, name, ns, claims, own=None):
    m = draw(metadata(name, ns))
    app = name[:20]
    if draw(st.integers(0, 4)) == 0:
        m.setdefault("annotations", {}) or m.__setitem__("annotations", {})
        m["annotations"][model.REVISION] = "3"
        if draw(st.integers(0, 3)) == 0:
            # the removed revision annotation holds an anchor a later annotation uses: the
            # Deployment is re-emitted with its aliases expanded (README "YAML as Kubernetes reads it")
            rev = m["annotations"][model.REVISION] = AnchoredStr("3", "rev-" + app[:10])
            m["annotations"]["example.com/first-revision"] = AliasStr(rev)
    if draw(st.integers(0, 5)) == 0:
        m.setdefault("annotations", {}) or m.__setitem__("annotations", {})
        m["annotations"][model.CONVERT] = draw(st.sampled_from(["true", "false"]))
    tl = {"app": app}
    if draw(st.booleans()):
        tl["component"] = "server"
    selkind = draw(st.sampled_from(["labels", "labels", "expr", "both"]))
    sel = {}
    if selkind in ("labels", "both"):
        sel["matchLabels"] = {"app": app}
    if selkind in ("expr", "both"):
        sel["matchExpressions"] = [draw(st.sampled_from([
            {"key": "app", "operator": "In", "values": [app, "other"]},
            {"key": "component", "operator": "Exists"} if "component" in tl else {"key": "app", "operator": "Exists"},
            {"key": "legacy", "operator": "DoesNotExist"},
            {"key": "app", "operator": "NotIn", "values": ["zzz"]}]))]
    spec = {}
    put(spec, "replicas", draw(st.sampled_from([None, 0, 1, 3, TaggedInt(3)])))
    spec["selector"] = sel
    strategy = draw(st.sampled_from([None, "RU", "RUparams", "Recreate", "empty"]))
    if strategy == "RU":
        spec["strategy"] = {"type": "RollingUpdate"}
    elif strategy == "RUparams":
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
    elif strategy == "Recreate":
        spec["strategy"] = {"type": "Recreate"}
    elif strategy == "empty":
        spec["strategy"] = {}
    put(spec, "paused", draw(st.sampled_from([None, None, True, False])))
    put(spec, "progressDeadlineSeconds", maybe(draw, 600, 3))
    put(spec, "minReadySeconds", maybe(draw, 5, 4))
    put(spec, "revisionHistoryLimit", maybe(draw, 10, 4))
    volnames = draw(st.lists(st.sampled_from(["data", "cache", "config", "logs", "scratch"]),
                             unique=True, max_size=3))
    vols = [draw(volume(v, claims)) for v in volnames]
    vols = [v for v in vols if len(v) > 1]
    if own:  # a PVC of its own (volume "files"): absorbed unless a flag says otherwise
        vols.append({"name": "files", "persistentVolumeClaim": {"claimName": own}})
    names = [v["name"] for v in vols]
    pod = {}
    if draw(st.integers(0, 3)) == 0:
        pod["initContainers"] = [draw(container("init", names))]
        if draw(st.integers(0, 2)) == 0:
            pod["initContainers"][0]["restartPolicy"] = "Always"  # a native sidecar (KEP-753)
    cn = draw(st.lists(st.sampled_from(["main", "sidecar", "logger"]), unique=True, min_size=1, max_size=3))
    pod["containers"] = [draw(container(c, names)) for c in cn]
    if vols:
        pod["volumes"] = vols
    elif draw(st.integers(0, 4)) == 0:
        pod["volumes"] = draw(st.sampled_from([[], None]))
    if draw(st.integers(0, 10)) == 0:
        pod["hostname"] = "h"
    tmeta = {"labels": tl}
    if sel.get("matchLabels") and draw(st.integers(0, 5)) == 0:
        # selector labels as an anchor, template labels as its alias or a merge key (Helm's include of a
        # labels helper turned into YAML anchors by hand): read through, no edit lands inside them
        a = sel["matchLabels"] = Anchored(sel["matchLabels"], "sel-" + app[:10])
        rest = {k: v for k, v in tl.items() if k not in a}
        tmeta["labels"] = dict({"<<": Alias(a)}, **rest) if rest else Alias(a)
    if pod.get("initContainers") and draw(st.integers(0, 2)) == 0:
        # the first app container anchored and merged into the init container: an edit of its
        # volumeMounts would change both: the Deployment is re-emitted with its aliases expanded
        ctrs = [Anchored(pod["containers"][0], "ctr-" + app[:10])] + pod["containers"][1:]
        init = dict({"<<": Alias(ctrs[0])}, name="init", restartPolicy="Always")
        rest = {k: v for k, v in pod.items() if k not in ("containers", "initContainers")}
        pod.clear()
        pod.update(containers=ctrs, initContainers=[init], **rest)  # the anchor before its alias
    if draw(st.integers(0, 4)) == 0:
        tmeta["annotations"] = {"checksum/config": "abc"}
    spec["template"] = {"metadata": tmeta, "spec": pod}
    if sel.get("matchLabels") and not isinstance(sel["matchLabels"], Anchored) and draw(st.integers(0, 6)) == 0:
        # the template first, its labels anchored; the selector's matchLabels their alias or a merge
        # of them: the claims' and a --migrate-data clone's labels are them, expanded (README "Storage")
        tl = tmeta["labels"] = Anchored(tmeta["labels"], "tl-" + app[:10])
        sel["matchLabels"] = Alias(tl) if draw(st.booleans()) else {"<<": Alias(tl)}
        spec = dict([("template", spec.pop("template"))] + list(spec.items()))
    if draw(st.integers(0, 8)) == 0:
        # Deployment-only fields given by a merge key: removing one re-emits the Deployment with its
        # merge keys merged (README "YAML as Kubernetes reads it")
        base = {"progressDeadlineSeconds": 600}
        if "strategy" in spec and draw(st.booleans()):
            base["strategy"] = spec.pop("strategy")
        spec = dict([("<<", base)] + [(k, v) for k, v in spec.items() if k not in base])
    api = "apps/v1" if draw(st.integers(0, 15)) else draw(st.sampled_from(["extensions/v1beta1", "apps/v1beta2"]))
    d = {"apiVersion": api, "kind": "Deployment", "metadata": m, "spec": spec}
    if draw(st.integers(0, 8)) == 0:
        d["status"] = {"replicas": 1}
    return d


@st.composite
def pvc(draw, name, ns):
    m = draw(metadata(name, ns, kind_labels=True))
    modes = draw(st.lists(st.sampled_from(MODES), min_size=1, max_size=2, unique=True)) \
        if draw(st.booleans()) else ["ReadWriteOnce"]
    if "ReadWriteOncePod" in modes:
        modes = ["ReadWriteOncePod"]  # it may not be combined (core validation ValidatePersistentVolumeClaimSpec)
    spec = {"accessModes": modes,
            "resources": {"requests": {"storage": draw(st.sampled_from(["1Gi", "10Gi", "500Mi"]))}}}
    if draw(st.integers(0, 12)) == 0:  # not a quantity > 0: an error when absorbed
        bad = draw(st.sampled_from(["0", "-1Gi", "lots", 0, None]))
        spec["resources"]["requests"] = {"storage": bad} if bad is not None else {}
    if draw(st.integers(0, 8)) == 0:
        spec["volumeName"] = "pv-1"  # pre-bound: left out of the claim template
    put(spec, "storageClassName", maybe(draw, "fast", 3))
    put(spec, "volumeMode", maybe(draw, draw(st.sampled_from(["Filesystem", "Block"])), 4))
    if draw(st.integers(0, 5)) == 0:
        spec["dataSource"] = {"kind": "VolumeSnapshot", "apiGroup": "snapshot.storage.k8s.io", "name": "snap"}
    if draw(st.integers(0, 6)) == 0:
        spec["selector"] = {"matchLabels": {"disk": "ssd"}}
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": m, "spec": spec}


@st.composite
def reference(draw, target, ns):
    kind = draw(st.sampled_from(["hpa2", "hpa1", "vpa", "keda"] * 4 + ["rollout", "canary"]))
    name = "%s-scale" % target[:20]
    m = draw(metadata(name, ns, kind_labels=False))
    ref = {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}
    mx = draw(st.sampled_from([2, 5, 12]))
    if kind == "hpa2":
        return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": m,
                "spec": {"scaleTargetRef": ref, "minReplicas": 1, "maxReplicas": mx}}
    if kind == "hpa1":
        return {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": m,
                "spec": {"scaleTargetRef": ref, "maxReplicas": mx, "targetCPUUtilizationPercentage": 80}}
    if kind == "vpa":
        return {"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler", "metadata": m,
                "spec": {"targetRef": ref, "updatePolicy": {"updateMode": "Auto"}}}
    if kind == "rollout":
        return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": m,
                "spec": {"replicas": 1, "workloadRef": ref}}
    if kind == "canary":
        return {"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": m,
                "spec": {"targetRef": ref, "service": {"port": 80}}}
    sref = {"name": target}
    if draw(st.booleans()):
        sref = ref
    spec = {"scaleTargetRef": sref, "triggers": [{"type": "cpu", "metadata": {"value": "50"}}]}
    put(spec, "maxReplicaCount", draw(st.sampled_from([None, 3, 150])))  # KEDA's default is 100
    return {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": m, "spec": spec}


@st.composite
def workload(draw, ns, claims):
    """Another workload mounting a claim (README "Shared claims stay shared":
    Pods, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs; a hook one
    does not count for sharing, but keeps a claim from being dropped)."""
    kind = draw(st.sampled_from(["Job", "CronJob", "Pod", "DaemonSet", "StatefulSet", "ReplicaSet"]))
    name = "%s-user" % kind.lower()
    m = draw(metadata(name, ns, kind_labels=False))
    if draw(st.integers(0, 2)) == 0:  # a hook (a backup Job, say): keeps the claim, does not share it
        m["annotations"] = dict(m.get("annotations") or {}, **{"helm.sh/hook": "pre-upgrade"})
    pod = {"containers": [{"name": "main", "image": "busybox",
                           "volumeMounts": [{"name": "v", "mountPath": "/v"}]}],
           "volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": draw(st.sampled_from(claims))}}]}
    if kind in ("Job", "CronJob", "Pod"):
        pod["restartPolicy"] = "Never"
    tmpl = {"metadata": {"labels": {"app": name}}, "spec": pod}
    api = "batch/v1" if kind in ("Job", "CronJob") else ("v1" if kind == "Pod" else "apps/v1")
    if kind == "Pod":
        spec = pod
    elif kind == "Job":
        spec = {"template": {"spec": pod}}
    elif kind == "CronJob":
        spec = {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": {"spec": pod}}}}
    else:
        spec = {"selector": {"matchLabels": {"app": name}}, "template": tmpl}
        if kind == "StatefulSet":
            spec["serviceName"] = name
    return {"apiVersion": api, "kind": kind, "metadata": m, "spec": spec}


@st.composite
def service(draw, name, ns, app):
    m = draw(metadata(name, ns, kind_labels=False, hook_ok=False))
    spec = {"selector": {"app": app}, "ports": [{"name": "http", "port": 80}]}
    if draw(st.booleans()):
        spec["clusterIP"] = "None"
    return {"apiVersion": "v1", "kind": "Service", "metadata": m, "spec": spec}


@st.composite
def unrelated(draw, ns):
    kind = draw(st.sampled_from(["cm", "sa", "empty-cm", "pdb", "anchors", "block"]))
    if kind == "anchors":
        return Raw("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: anchored\n  labels: &l {app: web}\n"
                   "  annotations:\n    <<: *l\n    note: &n \"shared value\"\ndata:\n  a: *n\n  b: &b |\n"
                   "    line 1\n    --- not a separator\n  c: *b\n",
                   {"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "anchored", "labels": {"app": "web"},
                                 "annotations": {"app": "web", "note": "shared value"}},
                    "data": {"a": "shared value", "b": "line 1\n--- not a separator\n",
                             "c": "line 1\n--- not a separator\n"}})
    if kind == "block":
        return Raw("kind: Secret\napiVersion: v1\nmetadata: {name: s}\nstringData:\n  k: >-\n    folded\n\n"
                   "    text\n  j: |+\n    keep\n\n# trailing comment\n",
                   {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "s"},
                    "stringData": {"k": "folded\ntext", "j": "keep\n\n"}})
    if kind == "cm":
        m = {"name": "cfg"}
        put(m, "namespace", ns)
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": m,
                "data": {"a.txt": "x: 1\n---\ny\n", "b": draw(st.sampled_from(["yes", "1.0", "~", "2024-01-01"]))}}
    if kind == "sa":
        return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa"}}
    if kind == "pdb":
        return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "pdb"},
                "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "empty"}, "data": None}


@st.composite
def opts(draw, names, pvc_vols=()):
    o = {}
    globs = [n[:1] + "*" for n in names] + ["*"] * bool(names)  # globs that match a Deployment
    if names and draw(st.integers(0, 5)) == 0:
        o["only"] = [draw(st.sampled_from(names + globs))]
    if names and draw(st.integers(0, 6)) == 0:
        o["exclude"] = [draw(st.sampled_from(names + globs))]
    if draw(st.integers(0, 19)) == 7:  # a typo: matches no Deployment (README "A name you give must match")
        o[draw(st.sampled_from(["only", "exclude"]))] = [draw(st.sampled_from(["wbe", "db-*-x"]))]
    if draw(st.integers(0, 8)) == 0:
        o["selector"] = {"tier": "backend"}
    o["opt_in"] = draw(st.integers(0, 8)) == 0
    o["skip_unsupported"] = draw(st.booleans())
    if draw(st.integers(0, 6)) == 0:
        o["service_name"] = draw(st.sampled_from(["{name}-hl", "{name}", "svc-{name}", "{name}-{namespace}"]))
    o["pmp"] = draw(st.sampled_from([None, None, "OrderedReady", "Parallel"]))
    o["update_strategy"] = draw(st.sampled_from([None, None, None, "RollingUpdate", "OnDelete"]))
    o["recreate_as"] = draw(st.sampled_from([None, None, "RollingUpdate", "OnDelete"]))
    o["partition"] = draw(st.sampled_from([None, None, None, 0, 2]))
    o["max_unavailable"] = draw(st.sampled_from([None, None, None, 1, "50%"]))
    if draw(st.integers(0, 5)) == 0:
        o["retention"] = {"whenDeleted": "Delete", "whenScaled": "Retain"}
    o["ordinals_start"] = draw(st.sampled_from([None, None, None, 1]))
    o["min_ready"] = draw(st.sampled_from([None, None, None, 10]))
    o["rhl"] = draw(st.sampled_from([None, None, None, 3]))
    o["publish_not_ready"] = draw(st.integers(0, 5)) == 0
    o["no_headless"] = draw(st.integers(0, 6)) == 0
    vcts = []
    for n in draw(st.lists(st.sampled_from(["data", "extra", "data", "cache", "config"]), unique=True, max_size=2)):
        # /mnt/<volume> is where the generated containers mount their volumes: taken by another volume
        # (an error) or already this one's (no second mount)
        t = {"name": n, "mountPath": draw(st.sampled_from(["/" + n] * 4 + ["/mnt/" + n, "/mnt/data"])),
             "size": "1Gi"}
        if draw(st.integers(0, 3)) == 0:
            t["storageClassName"] = "fast"
        if draw(st.integers(0, 4)) == 0:
            t["accessModes"] = ["ReadWriteOnce"]
        if draw(st.integers(0, 5)) == 0:
            t["volumeMode"] = "Filesystem"
        if draw(st.integers(0, 3)) == 0:
            t["containers"] = draw(st.sampled_from([["*"], ["*"], ["main"], ["side*"], ["main", "log*"], ["nomatch*"]]))
        vcts.append(t)
    o["vcts"] = vcts
    # --shared-volume / --split-volume: mostly a PVC volume of a generated Deployment, sometimes a
    # name that is none (an error: README "A name you give must match")
    def volume_name():
        typo = not pvc_vols or draw(st.integers(0, 11)) == 5
        return draw(st.sampled_from(["data", "logs", "cache", "config"] if typo else sorted(pvc_vols)))
    rare = 0 if pvc_vols else 30  # without a PVC volume every name is a typo
    if draw(st.integers(0, 5 + rare)) == 5:
        o["shared"] = [volume_name()]
    if draw(st.integers(0, 4 + rare)) == 4:
        v = volume_name()
        o["split"] = [v] if v not in o.get("shared", []) else []
    if draw(st.integers(0, 4)) == 0:
        o["namespace"] = draw(st.sampled_from(["ns1", "ns2"]))
    o["drop_absorbed"] = draw(st.integers(0, 3)) == 0
    # what becomes of an absorbed PVC's data: none given is an error; clone and snapshot
    # cannot be combined with --drop-absorbed-pvcs (a usage error, tests/model/usage.py)
    md = draw(st.sampled_from([None, "none", "clone", "clone", "snapshot=snap-1"]))
    o["migrate_data"] = md if not (o["drop_absorbed"] and md not in (None, "none")) else None
    o["require_conversion"] = draw(st.integers(0, 9)) == 3
    if draw(st.integers(0, 3)) == 0 and model.Opts(**o).config_ok():
        o["door"] = "config"
        if draw(st.booleans()):
            ov = {"name": draw(st.sampled_from(names + ["w*", "*"]))}
            if draw(st.booleans()):
                ov["pmp"] = draw(st.sampled_from(["OrderedReady", "Parallel"]))
            else:
                ov["min_ready"] = 7
            o["overrides"] = [ov]
    elif draw(st.integers(0, 3)) == 0 and model.Opts(**o).config_ok():
        o["door"] = draw(st.sampled_from(["krm-typed", "krm-cm"]))
        if o["door"] == "krm-cm" and model.Opts(**o).configmap_doc() is None:
            o["door"] = "krm-typed"
    return model.Opts(**o)


@st.composite
def cases(draw):
    nsmode = draw(st.sampled_from(["none", "none", "one", "mixed"]))

    def ns():
        if nsmode == "none":
            return None
        if nsmode == "one":
            return "ns1"
        return draw(st.sampled_from(NS))

    names = draw(st.lists(st.sampled_from(NAMES[:5]), min_size=1, max_size=3, unique=True))
    if draw(st.integers(0, 8)) == 0:
        names.append(draw(st.sampled_from(NAMES[5:])))
    if draw(st.integers(0, 15)) == 0:
        names = []  # no Deployment at all: written as it is, with a warning (README "A name you give must match")
    claims = draw(st.lists(st.sampled_from(CLAIMS), max_size=2, unique=True))
    if names and draw(st.integers(0, 10)) == 0:
        # a PVC named like the first replica's claim of a volume: --migrate-data adds no clone
        claims.append("%s-%s-%d" % (draw(st.sampled_from(["data", "files"])), names[0], draw(st.sampled_from([0, 1]))))
    docs = []
    for c in claims:
        docs.append(draw(pvc(c, ns())))
    own = draw(st.integers(0, 2)) == 1  # each Deployment has a PVC of its own (README "Storage": absorbed)
    for n in names:
        dns = ns()
        if own:
            docs.append(draw(pvc(n + "-files", dns)))
        docs.append(draw(deployment(n, dns, claims + (["missing-claim"] if draw(st.integers(0, 4)) == 0 else []),
                                    n + "-files" if own else None)))
    for _ in range(draw(st.integers(0, 2)) if names else 0):
        docs.append(draw(reference(draw(st.sampled_from(names)), ns())))
    if claims and draw(st.integers(0, 3)) == 0:
        docs.append(draw(workload(ns(), claims)))
    if names and draw(st.integers(0, 3)) == 0:
        n = draw(st.sampled_from(names))
        docs.append(draw(service(n[:40] + "-headless", ns(), n[:20])))
    for _ in range(draw(st.integers(0, 2))):
        u = draw(unrelated(ns()))
        if not (isinstance(u, Raw) and any(isinstance(d, Raw) and d.text == u.text for d in docs)):
            docs.append(u)  # one of each: a ResourceList holds them in one document
    if draw(st.integers(0, 5)) == 0 and len(docs) > 1:
        k = draw(st.integers(1, min(3, len(docs))))
        start = draw(st.integers(0, len(docs) - k))
        items = docs[start:start + k]
        docs[start:start + k] = [{"apiVersion": "v1", "kind": "List", "items": items}]
    docs = draw(st.permutations(docs))
    if names and draw(st.integers(0, 40)) == 0:
        # 1.1 MiB after the first Deployment: a headless Service after it is still found, wherever
        # it stands (README "The headless Service": "anywhere in the input")
        k = next(k for k, d in enumerate(docs) if any(o.get("kind") == "Deployment" for _, _, o in model.objects([d])))
        docs.insert(k + 1, Raw("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler\ndata:\n  blob: "
                               + "x" * (1100 << 10) + "\n", {"apiVersion": "v1", "kind": "ConfigMap",
                                                              "metadata": {"name": "filler"},
                                                              "data": {"blob": "x" * (1100 << 10)}}))
    if not docs and draw(st.booleans()):
        docs.append(draw(unrelated(ns())))
    pvc_vols = {v["name"] for _, _, d in model.objects(docs) if d.get("kind") == "Deployment"
                for v in model.pod_spec(d).get("volumes") or [] if "persistentVolumeClaim" in v}
    o = draw(opts(names, pvc_vols))
    if o.door.startswith("krm") and any(d.get("kind") == "List" for d in docs):
        o.door = "flags"
    style = {"seed": draw(st.integers(0, 2 ** 16)),
             "indent": draw(st.sampled_from([2, 2, 4, 3])),
             "compact_seq": draw(st.booleans()),
             "crlf": draw(st.integers(0, 5)) == 0,
             "comments": draw(st.booleans()),
             "flow_level": draw(st.sampled_from([0, 0, 0, 3, 5, 1]))}
    stream = {"bom": draw(st.integers(0, 8)) == 0,
              "leading_marker": draw(st.booleans()),
              "end_markers": draw(st.integers(0, 4)) == 0,
              "sources": draw(st.booleans()),
              "directive": draw(st.integers(0, 8)) == 0 and bool(docs)}  # an empty input stays empty
    return Case(docs, o, style, stream)
