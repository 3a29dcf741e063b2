"""Reference model of the conversion: parsed documents in, parsed documents out.

Written from the README ("What the conversion does") and the Kubernetes API
rules, not from src/: every rule is one function on parsed trees (dicts).
`convert_stream(docs, opts)` returns a Result: the expected output documents
(one entry per input document, plus generated Services and --migrate-data
clones, minus dropped PVCs), which input documents must come out unchanged and
the infos and warnings the run must report, or every expected error (an error
does not stop the run: all are reported, nothing is written).

Namespaces (README "Namespaces"): an object without metadata.namespace is in
the namespace the client applies to: `-n/--namespace NS` when given, else it
matches an object of the same name in any namespace.
tests/model/known_bugs.py lists where the C code does not follow a rule yet;
`TAGS` records which of those a case touches.
"""
import copy
import fnmatch
import re

HOOK = "helm.sh/hook"
KEEP = "helm.sh/resource-policy"
REVISION = "deployment.kubernetes.io/revision"
CONVERT = "deploy2sts.io/convert"
PR_FILE = "postrenderer.helm.sh/postrender-filename"
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


TAGS = set()  # known-bug tags touched by the current convert_stream call (see known_bugs.py)
DEFAULT_NS = [None]  # -n/--namespace of the current convert_stream call
SHARED = [None]      # per document: paths of nodes an alias repeats (yamlio.shared_paths), or None
DIAGS = []           # (severity, text) the run must report (on success), see Result.diags


class ModelError(Exception):
    """The conversion must fail (exit 1) for this reason. `says`: text the
    error message must contain (None: not checked); `pos`: whether it is
    placed at FILE:LINE:COL (errors about flags that match nothing are not)."""

    def __init__(self, msg, says=None, pos=True):
        super().__init__(msg)
        self.says = says
        self.pos = pos


class Opts:
    """The flags the generator draws (names as in the README's flag table)."""

    def __init__(self, **kw):
        self.only = kw.get("only", [])
        self.exclude = kw.get("exclude", [])
        self.selector = kw.get("selector")          # dict label -> value (equality only)
        self.opt_in = kw.get("opt_in", False)
        self.skip_unsupported = kw.get("skip_unsupported", False)
        self.service_name = kw.get("service_name", "{name}-headless")
        self.pmp = kw.get("pmp")
        self.update_strategy = kw.get("update_strategy")
        self.recreate_as = kw.get("recreate_as")
        self.partition = kw.get("partition")
        self.max_unavailable = kw.get("max_unavailable")
        self.retention = kw.get("retention")        # dict whenDeleted/whenScaled
        self.ordinals_start = kw.get("ordinals_start")
        self.min_ready = kw.get("min_ready")
        self.rhl = kw.get("rhl")
        self.publish_not_ready = kw.get("publish_not_ready", False)
        self.no_headless = kw.get("no_headless", False)
        self.vcts = kw.get("vcts", [])              # dicts: name, mountPath, size, ...
        self.shared = kw.get("shared", [])
        self.split = kw.get("split", [])            # --split-volume NAME
        self.namespace = kw.get("namespace")        # -n/--namespace NS
        self.drop_absorbed = kw.get("drop_absorbed", False)
        self.migrate_data = kw.get("migrate_data")  # --migrate-data: "clone", "snapshot=NAME" or "none"
        self.require_conversion = kw.get("require_conversion", False)
        self.quiet = kw.get("quiet", True)
        self.door = kw.get("door", "flags")         # "flags" or "config" (--config FILE)
        self.overrides = kw.get("overrides", [])    # config only: {"name": glob, "pmp"/"min_ready": v}

    def for_deployment(self, name):
        """The options for one Deployment: the first override whose name glob
        matches replaces the fields it sets (README: spec.overrides)."""
        for ov in self.overrides:
            if fnmatch.fnmatchcase(name or "", ov["name"]):
                o = copy.copy(self)
                for k, v in ov.items():
                    if k != "name":
                        setattr(o, k, v)
                return o
        return self

    def for_deployment_set(self, k):
        """The options of option set k (see option_set)."""
        o = copy.copy(self)
        for key, v in self.overrides[k - 1].items():
            if key != "name":
                setattr(o, key, v)
        return o

    def option_set(self, name):
        """Which option set converts Deployment `name`: 0 for the flags (or the
        config's spec), k + 1 for spec.overrides[k] (README: spec.overrides)."""
        for k, ov in enumerate(self.overrides):
            if fnmatch.fnmatchcase(name or "", ov["name"]):
                return k + 1
        return 0

    def config_ok(self):
        """Whether a StatefulSetConversion can say the same (its volumeMounts hold
        one mountPath per claim for every app container; no per-claim containers)."""
        return not any(t.get("containers") for t in self.vcts) and (
            self.update_strategy or (self.partition is None and self.max_unavailable is None))

    def configmap_doc(self):
        """These options as the ConfigMap functionConfig `kpt fn eval -- k=v` sends
        (data keys = long flag names), or None when a flag repeats."""
        if len(self.only) > 1 or len(self.exclude) > 1 or len(self.vcts) > 1 or len(self.shared) > 1 \
                or len(self.split) > 1:
            return None
        a = Opts(**dict(vars(self), door="flags", quiet=False)).args()
        data, k = {}, 0
        while k < len(a):
            flag = a[k].lstrip("-")
            if "=" in flag:
                key, v = flag.split("=", 1)
                k += 1
            elif k + 1 < len(a) and not a[k + 1].startswith("-"):
                key, v = flag, a[k + 1]
                k += 2
            else:
                key, v = flag, "true"
                k += 1
            data[{"l": "selector"}.get(key, key)] = v
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fn"}, "data": data}

    def config_doc(self):
        """These options as a StatefulSetConversion (README "--config")."""
        spec = {}
        sel = {}
        if self.only:
            sel["only"] = list(self.only)
        if self.exclude:
            sel["exclude"] = list(self.exclude)
        if self.selector:
            sel["matchLabels"] = dict(self.selector)
        if self.opt_in:
            sel["optIn"] = True
        if sel:
            spec["selector"] = sel
        if self.service_name != "{name}-headless":
            spec["serviceName"] = self.service_name
        for key, v in (("podManagementPolicy", self.pmp), ("recreateAs", self.recreate_as),
                       ("minReadySeconds", self.min_ready), ("revisionHistoryLimit", self.rhl)):
            if v is not None:
                spec[key] = v
        if self.update_strategy:
            us = {"type": self.update_strategy}
            ru = {}
            if self.partition is not None:
                ru["partition"] = self.partition
            if self.max_unavailable is not None:
                ru["maxUnavailable"] = self.max_unavailable
            if ru:
                us["rollingUpdate"] = ru
            spec["updateStrategy"] = us
        if self.retention:
            spec["persistentVolumeClaimRetentionPolicy"] = dict(self.retention)
        if self.ordinals_start is not None:
            spec["ordinals"] = {"start": self.ordinals_start}
        if self.no_headless:
            spec["headlessService"] = False
        if self.publish_not_ready:
            spec["publishNotReadyAddresses"] = True
        if self.vcts:
            spec["volumeClaimTemplates"] = [flag_claim_template(t) for t in self.vcts]
            spec["volumeMounts"] = [{"name": t["name"], "mountPath": t["mountPath"]} for t in self.vcts]
        if self.shared:
            spec["sharedVolumes"] = list(self.shared)
        if self.split:
            spec["splitVolumes"] = list(self.split)
        if self.namespace:
            spec["namespace"] = self.namespace
        if self.drop_absorbed:
            spec["dropAbsorbedPVCs"] = True
        if self.migrate_data:
            spec["migrateData"] = self.migrate_data
        if self.require_conversion:
            spec["requireConversion"] = True
        if self.skip_unsupported:
            spec["skipUnsupported"] = True
        if self.overrides:
            names = {"pmp": "podManagementPolicy", "min_ready": "minReadySeconds"}
            spec["overrides"] = [{names.get(k, k): v for k, v in ov.items()} for ov in self.overrides]
        return {"apiVersion": "deploy2sts.io/v1alpha1", "kind": "StatefulSetConversion",
                "metadata": {"name": "to-statefulset"}, "spec": spec}

    def args(self, config_path=None):
        """The command line (with --config PATH for the config door)."""
        if self.door == "config":
            return ["--config", config_path] + ["-q"] * self.quiet
        if self.door.startswith("krm"):
            return ["-q"] * self.quiet
        a = []
        for g in self.only:
            a += ["--only", g]
        for g in self.exclude:
            a += ["--exclude", g]
        if self.selector:
            a += ["-l", ",".join("%s=%s" % kv for kv in self.selector.items())]
        a += ["--opt-in"] * self.opt_in + ["--skip-unsupported"] * self.skip_unsupported
        if self.service_name != "{name}-headless":
            a += ["--service-name", self.service_name]
        for flag, v in (("--pod-management-policy", self.pmp), ("--update-strategy", self.update_strategy),
                        ("--recreate-as", self.recreate_as), ("--partition", self.partition),
                        ("--max-unavailable", self.max_unavailable), ("--ordinals-start", self.ordinals_start),
                        ("--min-ready-seconds", self.min_ready), ("--revision-history-limit", self.rhl)):
            if v is not None:
                a += ["%s=%s" % (flag, v)]
        if self.retention:
            a += ["--pvc-retention-policy", ",".join("%s=%s" % kv for kv in self.retention.items())]
        a += ["--publish-not-ready-addresses"] * self.publish_not_ready
        a += ["--no-headless-service"] * self.no_headless
        for t in self.vcts:
            spec = "name=%s,mountPath=%s,size=%s" % (t["name"], t["mountPath"], t["size"])
            for k in ("storageClassName", "volumeMode"):
                if t.get(k):
                    spec += ",%s=%s" % (k, t[k])
            if t.get("accessModes"):
                spec += ",accessModes=" + ";".join(t["accessModes"])
            if t.get("containers"):
                spec += ",containers=" + ";".join(t["containers"])
            a += ["--volume-claim-template", spec]
        for s in self.shared:
            a += ["--shared-volume", s]
        for s in self.split:
            a += ["--split-volume", s]
        if self.namespace:
            a += ["--namespace=%s" % self.namespace]
        a += ["--drop-absorbed-pvcs"] * self.drop_absorbed
        if self.migrate_data:
            a += ["--migrate-data", self.migrate_data]
        a += ["--require-conversion"] * self.require_conversion
        a += ["-q"] * self.quiet
        return a


# ---------------------------------------------------------------- helpers

def meta(obj):
    m = obj.get("metadata") if isinstance(obj, dict) else None
    return m if isinstance(m, dict) else {}


def labels_of(obj):
    return meta(obj).get("labels") or {}


def annotations_of(obj):
    return meta(obj).get("annotations") or {}


def ns_of(obj):
    return meta(obj).get("namespace")


def same_namespace(a, b):
    """README "Namespaces": an object without metadata.namespace is created in
    the namespace the client applies (helm --namespace, kubectl -n). With
    -n/--namespace NS that is NS; without it, such an object matches one of
    the same name in any namespace (with a warning)."""
    if DEFAULT_NS[0]:
        return (a or DEFAULT_NS[0]) == (b or DEFAULT_NS[0])
    return a is None or b is None or a == b


def index_ns(ns):
    """The namespace an object is taken to be in: its own, -n, or "" (none)."""
    return ns or DEFAULT_NS[0] or ""


def is_hook(obj):
    """README "Helm hooks": documents annotated helm.sh/hook pass through
    unchanged: never converted, absorbed, retargeted or dropped (Helm manages
    hooks outside the release: Helm docs "Chart Hooks"; Helm 3 never sends them
    to a post-renderer, Helm 4 does: same result)."""
    return HOOK in annotations_of(obj)


WORKLOADS = ("Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob")


def pod_spec(obj):
    """The pod spec of a workload (core/v1 Pod.spec, a template's spec, or a
    CronJob's spec.jobTemplate.spec.template.spec), {} for anything else."""
    if not isinstance(obj, dict) or obj.get("kind") not in WORKLOADS:
        return {}
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if obj["kind"] == "Pod":
        return spec
    if obj["kind"] == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    t = ((spec.get("template") or {}).get("spec")) if isinstance(spec.get("template"), dict) else None
    return t if isinstance(t, dict) else {}


def objects(docs):
    """(document index, item index or None, object) for every object, List items included."""
    for i, d in enumerate(docs):
        if isinstance(d, dict) and d.get("kind") == "List" and isinstance(d.get("items"), list):
            for j, it in enumerate(d["items"]):
                if isinstance(it, dict):
                    yield i, j, it
        elif isinstance(d, dict):
            yield i, None, d


def prune(v):
    """Null values mean "absent" in the Kubernetes API (JSON null == omitted)."""
    if isinstance(v, dict):
        return {k: prune(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [prune(x) for x in v]
    return v


# ---------------------------------------------------------------- selection

def label_selector_matches(sel, labels):
    """kubectl -l equality selector: every key=value must hold (apimachinery labels.Parse)."""
    return all(str(labels.get(k)) == v for k, v in (sel or {}).items())


def selected(dep, opts):
    """README "Selection": apps/v1 Deployments, narrowed by --only, --exclude,
    --selector, the deploy2sts.io/convert annotation and --opt-in."""
    name = meta(dep).get("name", "")
    ann = annotations_of(dep)
    if opts.only and not any(fnmatch.fnmatchcase(name, g) for g in opts.only):
        return False
    if any(fnmatch.fnmatchcase(name, g) for g in opts.exclude):
        return False
    if opts.selector and not label_selector_matches(opts.selector, labels_of(dep)):
        return False
    if ann.get(CONVERT) == "false":
        return False
    if opts.opt_in and ann.get(CONVERT) != "true":
        return False
    return True


def unsupported(obj):
    """Deployments of extensions/v1beta1, apps/v1beta1/2 are not converted: error
    (or warning with --skip-unsupported), whatever the selection flags say (the
    README: "Other apiVersions of Deployment are an error naming them"). Those
    API versions were removed in Kubernetes 1.16."""
    return obj.get("kind") == "Deployment" and obj.get("apiVersion") != "apps/v1"


def input_deployments(docs):
    """The Deployments of the input that --only/--exclude globs are matched
    against and that make an input "have Deployments" (README "Selection",
    "When nothing is converted"): every object of kind Deployment with a
    metadata.name and an apiVersion of a group Deployments were served from
    (apps/*, extensions/*: Kubernetes 1.16 API deprecations), hooks, not
    selected and unsupported ones and List items included. Their names, in
    input order."""
    return [meta(o)["name"] for _, _, o in objects(docs)
            if o.get("kind") == "Deployment" and isinstance(meta(o).get("name"), str) and meta(o)["name"]
            and str(o.get("apiVersion") or "").startswith(("apps/", "extensions/"))]


def glob_errors(docs, opts):
    """An --only or --exclude glob (fnmatch) that matches no Deployment of the
    input is an error (README "A name you give must match": a typo must not
    pass silently, as a kustomize patch whose target matches nothing fails).
    Not placed in the input (it is about a flag)."""
    names = input_deployments(docs)
    shown = ", ".join(names[:10]) + (" and %d more" % (len(names) - 10) if len(names) > 10 else "") or "none"
    out = []
    for flag, globs in (("only", opts.only), ("exclude", opts.exclude)):
        for g in globs:
            if not any(fnmatch.fnmatchcase(n, g) for n in names):
                out.append(ModelError("--%s %s matches nothing" % (flag, g), pos=False, says=(
                    "--%s %s matches no Deployment of the input (Deployments: %s): fix the name" % (flag, g, shown))))
    return out


def pvc_volume_names(dep, opts):
    """The volumes --shared-volume/--split-volume may name in Deployment `dep`:
    its pod volumes backed by a PersistentVolumeClaim (core/v1
    Volume.persistentVolumeClaim.claimName), except those a
    --volume-claim-template of the same name replaces (README "Storage")."""
    vct = {t["name"] for t in opts.vcts}
    return {v for v, c in pvc_volumes(pod_spec(dep)) if isinstance(c, str) and v not in vct}


def volume_name_errors(sel, opts):
    """A --shared-volume or --split-volume NAME that is no PVC volume of a
    Deployment converted with the same option set is an error (README "A name
    you give must match"; the flags and each spec.overrides entry are option
    sets of their own, an override starting from the flags). Not placed."""
    out = []
    for k in range(len(opts.overrides) + 1):
        o = opts if k == 0 else opts.for_deployment_set(k)
        have = set()
        for _, _, dep in sel:
            if opts.option_set(meta(dep).get("name")) == k:
                have |= pvc_volume_names(dep, o)
        for flag, names in (("shared-volume", o.shared), ("split-volume", o.split)):
            for v in names:
                if v not in have:
                    out.append(ModelError("--%s %s names no PVC volume" % (flag, v), pos=False, says=(
                        "--%s %s names no volume of a converted Deployment that mounts a "
                        "PersistentVolumeClaim" % (flag, v))))
    return out


NO_DEPLOYMENT = "the input has no Deployment: nothing is converted, every document is written as it is"


def no_deployment(docs, opts, r):
    """An input with documents and no Deployment at all is written as it is,
    with a warning; an error under --require-conversion (README "A name you
    give must match"). With --only or --exclude their globs already say so
    (glob_errors). An empty input stays silent (Helm 3 sends one for a chart
    of hooks only). Returns the error, or None."""
    if input_deployments(docs) or opts.only or opts.exclude or all(d is None for d in docs):
        return None
    if opts.require_conversion:
        return ModelError("no Deployment (--require-conversion)", pos=False, says=NO_DEPLOYMENT)
    r.diags.append(("warning", NO_DEPLOYMENT))
    return None


def noop_error(docs, sel, opts):
    """README "When nothing is converted": the input has Deployments and the
    selection converts none of them: a warning, an error under
    --require-conversion (not placed). None when something is converted."""
    if opts.require_conversion and input_deployments(docs) and not sel:
        return ModelError("no Deployment converted (--require-conversion)", pos=False,
                          says="no Deployment converted although the input has")
    return None


# ---------------------------------------------------------------- names

def service_name(dep, opts):
    m = meta(dep)
    ns = m.get("namespace") or DEFAULT_NS[0] or ""
    return opts.service_name.replace("{name}", m.get("name", "")).replace("{namespace}", ns)


def check_names(dep, opts):
    """StatefulSet name: DNS-1123 label of <= 52 characters (the pod label
    controller-revision-hash = name + '-' + 10-char hash must fit in 63;
    kubernetes/kubernetes#64023). serviceName: DNS-1035 label
    (apps validation ValidateStatefulSetSpec -> ValidateServiceName)."""
    name = meta(dep).get("name", "")
    if len(name) > 52 or not DNS1123_LABEL.match(name):
        raise ModelError("name %s too long or not a DNS-1123 label" % name)
    svc = service_name(dep, opts)
    if len(svc) > 63 or not DNS1035_LABEL.match(svc):
        raise ModelError("service name %s is not a DNS-1035 label" % svc)


# ---------------------------------------------------------------- StatefulSet spec

def autoscaler_max(dep, docs):
    """The largest number of replicas the autoscalers of `dep` can set (README
    "The StatefulSet": HPA spec.maxReplicas, KEDA ScaledObject
    spec.maxReplicaCount, default 100 in KEDA's ScaledObject spec), over the
    non-hook HPAs/ScaledObjects (List items included) whose reference names it
    in its namespace; None when there is none."""
    maxima = []
    for _, _, o in objects(docs):
        if o.get("kind") not in ("HorizontalPodAutoscaler", "ScaledObject") or is_hook(o):
            continue
        spec = o.get("spec") if isinstance(o.get("spec"), dict) else {}
        ref = spec.get("scaleTargetRef")
        if not isinstance(ref, dict) or ref.get("name") != meta(dep).get("name") \
                or not same_namespace(ns_of(o), ns_of(dep)):
            continue
        if (ref.get("kind") or ("Deployment" if o["kind"] == "ScaledObject" else None)) != "Deployment":
            continue
        n = spec.get("maxReplicas") if o["kind"] == "HorizontalPodAutoscaler" else spec.get("maxReplicaCount", 100)
        if isinstance(n, int):
            maxima.append(n)
    return max(maxima) if maxima else None


def update_strategy(spec, opts, scale_max=None):
    """Deployment strategy -> StatefulSet updateStrategy (README "The StatefulSet";
    StatefulSetUpdateStrategy in the apps/v1 API). RollingUpdate keeps only its
    type (maxSurge does not exist for StatefulSets, maxUnavailable is
    feature-gated); Recreate becomes --recreate-as (default RollingUpdate);
    paused: true becomes partition = the larger of replicas (default 1) and
    `scale_max` (autoscaler_max), so no pod an autoscaler creates is updated
    before the partition is lowered. A partition
    or rollingUpdate is only valid with type RollingUpdate (apps validation
    ValidateStatefulSetUpdateStrategy)."""
    strategy = spec.get("strategy") or {}
    stype = strategy.get("type") if isinstance(strategy, dict) else None
    if strategy and not stype:
        stype = "RollingUpdate"  # the API default of DeploymentStrategy.type
    if opts.update_strategy:
        t = opts.update_strategy
    elif stype == "Recreate":
        t = opts.recreate_as or "RollingUpdate"
    elif stype == "RollingUpdate":
        t = "RollingUpdate"
    else:
        t = None
    partition = opts.partition
    if partition is None and spec.get("paused") is True:
        t = t or "RollingUpdate"
        if t == "RollingUpdate":
            partition = spec.get("replicas", 1) if spec.get("replicas") is not None else 1
            if scale_max is not None:
                partition = max(partition, scale_max)
    if t is None and (opts.partition is not None or opts.max_unavailable is not None):
        t = "RollingUpdate"
    if t is None:
        return None
    us = {"type": t}
    if t == "RollingUpdate":
        ru = {}
        if partition is not None:
            ru["partition"] = partition
        if opts.max_unavailable is not None:
            ru["maxUnavailable"] = opts.max_unavailable
        if ru:
            us["rollingUpdate"] = ru
    return us


def scaled(ru, key, replicas, up):
    """rollingUpdate[key] (maxUnavailable/maxSurge; absent: the API default
    25%) as pods of `replicas`: a percentage rounded up (surge) or down
    (Kubernetes ResolveFenceposts); -1 when it is no int or "N%"."""
    v = ru.get(key, "25%")
    if isinstance(v, bool) or v is None:
        return -1
    if isinstance(v, int):
        return v if v >= 0 else -1
    v = str(v)
    if v.isdigit():
        return int(v)
    if not (v.endswith("%") and v[:-1].isdigit()):
        return -1
    n = int(v[:-1]) * replicas
    return -(-n // 100) if up else n // 100


def never_down(spec, strategy):
    """True when the Deployment's rolling update takes no pod down: maxUnavailable
    resolves to 0 pods and maxSurge to 1 or more (replicas default 1)."""
    if "rollingUpdate" in strategy and not isinstance(strategy["rollingUpdate"], dict):
        return False
    ru = strategy.get("rollingUpdate") or {}
    r = spec.get("replicas")
    replicas = r if isinstance(r, int) and not isinstance(r, bool) and r >= 0 else 1
    return scaled(ru, "maxUnavailable", replicas, False) == 0 and scaled(ru, "maxSurge", replicas, True) > 0


def strategy_notes(spec, opts, scale_max=None):
    """What the user chose is an info, only a default warns (README "What
    becomes of an absorbed PVC's data": "A chosen path is reported as an info,
    not a warning, so --strict works"): Recreate mapped by --recreate-as (the
    default RollingUpdate warns); a paused Deployment given OnDelete (no
    partition is needed) or a --partition below the pods it holds (the
    default partition warns); a Deployment whose update takes no pod down
    (the StatefulSet has no maxSurge, so a pod is down while it updates). -> DIAGS."""
    strategy = spec.get("strategy") if isinstance(spec.get("strategy"), dict) else {}
    stype = strategy.get("type") or ("RollingUpdate" if "rollingUpdate" in strategy else None)
    out = opts.update_strategy
    if not out and stype == "Recreate":
        out = opts.recreate_as or "RollingUpdate"
        DIAGS.append(("info" if opts.recreate_as else "warning", "strategy Recreate has no StatefulSet equivalent"))
    us = update_strategy(spec, opts, scale_max)
    if (stype in (None, "RollingUpdate") and (us is None or us["type"] == "RollingUpdate")
            and opts.max_unavailable is None and never_down(spec, strategy)):
        DIAGS.append(("info", "updates without taking a pod down"))  # a StatefulSet has no maxSurge
    if spec.get("paused") is not True:
        return
    hold = spec["replicas"] if isinstance(spec.get("replicas"), int) and spec["replicas"] >= 0 else 1
    hold = max(hold, scale_max or 0)
    if out and out != "RollingUpdate":
        DIAGS.append(("info", "no partition is needed"))
    elif opts.partition is not None:
        if opts.partition < hold:
            DIAGS.append(("info", "lets the pods from ordinal index"))
    else:
        DIAGS.append(("warning", "paused: true becomes a RollingUpdate with partition"))


def statefulset_fields(dep, opts, scale_max=None):
    """Kind flip and fields: drop strategy, progressDeadlineSeconds, paused,
    rollbackTo (DeploymentSpec-only fields unknown to StatefulSetSpec), status and
    the deployment.kubernetes.io/revision annotation; serviceName always set
    (required by StatefulSetSpec up to 1.32); flags set the StatefulSetSpec fields
    of the same name."""
    sts = copy.deepcopy(prune(dep))
    sts["kind"] = "StatefulSet"
    sts.pop("status", None)
    ann = sts.get("metadata", {}).get("annotations")
    if isinstance(ann, dict):
        ann.pop(REVISION, None)
    spec = sts["spec"]
    strategy_notes(spec, opts, scale_max)
    us = update_strategy(spec, opts, scale_max)
    for k in ("strategy", "progressDeadlineSeconds", "paused", "rollbackTo"):
        spec.pop(k, None)
    spec["serviceName"] = service_name(dep, opts)
    if us:
        spec["updateStrategy"] = us
    if opts.pmp:
        spec["podManagementPolicy"] = opts.pmp
    if opts.retention:
        spec["persistentVolumeClaimRetentionPolicy"] = dict(opts.retention)
    if opts.ordinals_start is not None:
        spec["ordinals"] = {"start": opts.ordinals_start}
    if opts.min_ready is not None:
        spec["minReadySeconds"] = opts.min_ready
    if opts.rhl is not None:
        spec["revisionHistoryLimit"] = opts.rhl
    return sts


# ---------------------------------------------------------------- storage

def flag_claim_template(t):
    """--volume-claim-template SPEC -> PersistentVolumeClaim template (core/v1
    PersistentVolumeClaimSpec: accessModes default ReadWriteOnce, requests.storage)."""
    spec = {"accessModes": list(t.get("accessModes") or ["ReadWriteOnce"]),
            "resources": {"requests": {"storage": t["size"]}}}
    for k in ("storageClassName", "volumeMode"):
        if t.get(k):
            spec[k] = t[k]
    return {"metadata": {"name": t["name"]}, "spec": spec}


QUANTITY = re.compile(r"^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")


def positive_quantity(v):
    """Whether v is a resource.Quantity greater than zero (apimachinery
    resource.ParseQuantity: sign, decimal number, binary/decimal SI suffix or
    exponent)."""
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        return False
    m = QUANTITY.match(str(v))
    return bool(m) and m.group(1) != "-" and float(m.group(2)) > 0


def absorbed_claim_template(volname, pvc):
    """A standalone PVC mounted by the pod -> a claim template named after the
    volume (README "Storage") with the PVC's access modes, selector, resources,
    storage class, volume mode and data source (PersistentVolumeClaimSpec) and
    no metadata but its name: claim templates are immutable (apps validation
    ValidateStatefulSetUpdate), and a chart or values change may alter the
    PVC's labels and annotations; a pre-bound spec.volumeName is
    left out (every replica's claim would name that one PV). The storage
    request must be a quantity > 0 (core validation
    ValidatePersistentVolumeClaimSpec requires requests.storage), else an error."""
    src = prune(pvc.get("spec") or {})
    req = ((src.get("resources") or {}).get("requests") or {}) if isinstance(src.get("resources"), dict) else {}
    if not isinstance(req, dict) or not positive_quantity(req.get("storage")):
        raise ModelError("PersistentVolumeClaim %s: storage request is not a quantity > 0" % meta(pvc).get("name"))
    spec = {k: copy.deepcopy(src[k]) for k in ("accessModes", "resources", "storageClassName", "volumeMode",
                                                "dataSource", "dataSourceRef", "selector") if k in src}
    return {"metadata": {"name": volname}, "spec": spec}


def really_shared(pvc):
    """ReadWriteMany/ReadOnlyMany claims are meant to be shared between pods
    (core/v1 PersistentVolumeAccessMode; README "Shared claims stay shared")."""
    modes = (pvc.get("spec") or {}).get("accessModes") or []
    return any(m in ("ReadWriteMany", "ReadOnlyMany") for m in modes)


def containers_for(pod, globs):
    """The app containers a --volume-claim-template mounts into: all of them, or
    those matching a `containers=` glob (fnmatch); a glob that matches no
    container is an error (README "Storage")."""
    names = [c.get("name") for c in pod.get("containers") or []]
    if not globs:
        return names
    for g in globs:
        if not any(fnmatch.fnmatchcase(n or "", g) for n in names):
            raise ModelError("containers=%s matches no container" % g)
    return [n for n in names if any(fnmatch.fnmatchcase(n or "", g) for g in globs)]


def apply_flag_templates(sts, opts):
    """--volume-claim-template (README "Storage"): the claim replaces a pod
    volume of the same name only when it is scratch space (emptyDir or
    ephemeral; a volume without a source defaults to emptyDir: core/v1
    SetDefaults_Volume); any other source is an error (a volume name has one
    source: core validation validateVolumes). Each chosen container gets a
    volumeMount at mountPath, also when it mounts the volume elsewhere already;
    a mountPath another mount holds in that container is an error (mountPaths
    are unique per container: core validation ValidateVolumeMounts)."""
    pod = sts["spec"]["template"].setdefault("spec", {})
    vcts = []
    for t in opts.vcts:
        vols = pod.get("volumes") or []
        for v in vols:
            if v.get("name") == t["name"] and not (set(v) - {"name"}) <= {"emptyDir", "ephemeral"}:
                raise ModelError("volume %s is not scratch space" % t["name"])
        pod["volumes"] = [v for v in vols if v.get("name") != t["name"]]
        chosen = containers_for(pod, t.get("containers"))
        for c in pod.get("containers") or []:
            if c.get("name") not in chosen:
                continue
            mounts = c.get("volumeMounts") or []
            held = [m for m in mounts if m.get("mountPath") == t["mountPath"]]
            if any(m.get("name") != t["name"] for m in held):
                raise ModelError("mountPath %s is taken in container %s" % (t["mountPath"], c.get("name")))
            if not held:
                c["volumeMounts"] = mounts + [{"name": t["name"], "mountPath": t["mountPath"]}]
        vcts.append(flag_claim_template(t))
    return vcts


def pvc_volumes(pod):
    return [(v["name"], v["persistentVolumeClaim"].get("claimName")) for v in pod.get("volumes") or []
            if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)]


def find_pvc(docs, claim, ns):
    """The non-hook PVC `claim` in namespace `ns` (List items included)."""
    for i, j, o in objects(docs):
        if o.get("kind") == "PersistentVolumeClaim" and meta(o).get("name") == claim \
                and same_namespace(ns_of(o), ns) and not is_hook(o):
            return i, j, o
    return None


def migrate_copies(opts):
    """--migrate-data clone or snapshot=NAME: a new claim gets the PVC's data."""
    return opts.migrate_data not in (None, "none")


def absorb_pvcs(sts, docs, opts, users):
    """A pod volume backed by a PVC of the input becomes a per-pod claim template
    (README "Storage"); it stays shared when --shared-volume names it, when the
    claim is not in the input, or (README "Shared claims stay shared") when the
    claim is ReadWriteMany/ReadOnlyMany, mounted by two or more non-hook
    workloads, unless --split-volume names the volume; a Helm hook PVC is
    never absorbed (README "Helm hooks"). A claim that stays shared keeps its
    data where it is (--migrate-data has nothing to carry: a warning only).
    Returns (templates, [(PVC location, volume)])."""
    pod = sts["spec"]["template"].get("spec") or {}
    vcts, absorbed = [], []
    for vol, claim in pvc_volumes(pod):
        if vol in opts.shared:
            continue
        found = find_pvc(docs, claim, ns_of(sts))
        if not found:
            continue
        pvc = found[2]
        # a PVC without a namespace is taken to be in the Deployment's (README "Namespaces")
        if vol not in opts.split and (really_shared(pvc) or mounted_by(users, claim, ns_of(pvc) or ns_of(sts)) > 1):
            continue
        vcts.append(absorbed_claim_template(vol, pvc))
        absorbed.append((found[:2], vol))
        pod["volumes"] = [v for v in pod["volumes"] if v.get("name") != vol]
    return vcts, absorbed


# ---------------------------------------------------------------- absorbed PVCs

DATA_CHOICE = ("mounted by Deployment %s as volume %s: its StatefulSet gives each replica a claim of its own, "
               "which starts EMPTY, so say what becomes of this PVC's data: ")


def shown(ns, name):
    """An object as messages name it (README "Exit status"): ns/name, or name."""
    return "%s/%s" % (ns, name) if ns else name


def data_choice(pvc, dep_name, vol, opts):
    """README "What becomes of an absorbed PVC's data is your choice, never a
    default": the per-pod claims start empty, so absorbing a PVC needs
    --migrate-data clone|snapshot=NAME|none or --drop-absorbed-pvcs; without
    one it is an error at the PVC (in the namespace it is taken to be in)."""
    if not opts.migrate_data and not opts.drop_absorbed:
        raise ModelError("PersistentVolumeClaim %s: no --migrate-data or --drop-absorbed-pvcs" % meta(pvc).get(
            "name"), says="PersistentVolumeClaim %s: " % shown(index_ns(ns_of(pvc)), meta(pvc).get("name"))
            + DATA_CHOICE % (dep_name, vol))


def kept_pvc(pvc):
    """The absorbed PVC kept: annotated helm.sh/resource-policy: keep, so Helm
    does not delete it (and its data) on upgrade (Helm docs "Tell Helm Not To
    Uninstall a Resource"; README "What becomes of an absorbed PVC's data")."""
    p = copy.deepcopy(prune(pvc))
    p.setdefault("metadata", {})
    p["metadata"]["annotations"] = dict(p["metadata"].get("annotations") or {})
    p["metadata"]["annotations"][KEEP] = "keep"
    return p


def clone_name(vol, dep, opts):
    """The claim the StatefulSet controller creates (and adopts when it exists)
    for template `vol` of pod <statefulset>-<ordinals.start>:
    <template>-<statefulset>-<ordinal> (StatefulSet docs "Stable Storage")."""
    return "%s-%s-%d" % (vol, meta(dep).get("name"), opts.ordinals_start or 0)


def clone_pvc(pvc, dep, vol, opts):
    """--migrate-data clone|snapshot=NAME (README flag table): a new PVC named
    like the first replica's claim with the old PVC's access modes, storage
    class, volume mode and resources and a dataSource (the old PVC: CSI volume
    cloning; or VolumeSnapshot NAME: core/v1 PersistentVolumeClaimSpec.dataSource),
    in the PVC's namespace, labelled with the StatefulSet's
    spec.selector.matchLabels as the controller labels the claims it creates
    (as Kubernetes reads them: aliases expanded, merge keys merged; none when
    empty), with the PVC's Helm 4 postrender-filename annotation and
    helm.sh/resource-policy: keep."""
    m = {"name": clone_name(vol, dep, opts)}
    if ns_of(pvc):
        m["namespace"] = ns_of(pvc)
    ml = ((dep.get("spec") or {}).get("selector") or {}).get("matchLabels")
    if isinstance(ml, dict) and ml:
        m["labels"] = copy.deepcopy(ml)
    m["annotations"] = {PR_FILE: annotations_of(pvc)[PR_FILE]} if PR_FILE in annotations_of(pvc) else {}
    m["annotations"][KEEP] = "keep"
    src = prune(pvc.get("spec") or {})
    spec = {k: copy.deepcopy(src[k]) for k in ("accessModes", "storageClassName", "volumeMode", "resources")
            if k in src}
    if opts.migrate_data.startswith("snapshot="):
        spec["dataSource"] = {"apiGroup": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot",
                              "name": opts.migrate_data[len("snapshot="):]}
    else:
        spec["dataSource"] = {"kind": "PersistentVolumeClaim", "name": meta(pvc).get("name")}
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": m, "spec": spec}


def clone_refused(loc, pvc, dep, opts, snapshots):
    """Why --migrate-data cannot add the clone (README flag table): the PVC is
    a kind: List item (the clone would have to go into the List), or the
    StatefulSet is in another namespace (a dataSource must be in the claim's
    own namespace: core/v1 PersistentVolumeClaimSpec.dataSource), or
    snapshot=NAME already restores another PVC (a snapshot holds one volume).
    Raises the error; `snapshots` counts the PVCs a snapshot restores."""
    if loc[1] is not None:
        raise ModelError("--migrate-data: the PVC is a List item", says="cannot add the cloned claim inside a kind: List")
    if index_ns(ns_of(pvc)) != index_ns(ns_of(dep)):
        raise ModelError("--migrate-data: the StatefulSet is in another namespace than the PVC",
                         says="is in another namespace than this PVC")
    if opts.migrate_data.startswith("snapshot="):
        snapshots.append(loc)
        if len(snapshots) > 1:
            raise ModelError("--migrate-data %s restores one volume only" % opts.migrate_data,
                             says="restores one volume, and it is already used")


def pvc_in_input(docs, name, ns):
    """A (non-hook) PVC `name` in exactly namespace `ns` (index_ns): the
    controller adopts it, so no clone is added."""
    return any(o.get("kind") == "PersistentVolumeClaim" and meta(o).get("name") == name and not is_hook(o)
               and index_ns(ns_of(o)) == index_ns(ns) for _, _, o in objects(docs))


def pvc_fate(docs, loc, pvc, users, opts, new, r, snapshots):
    """What becomes of absorbed PVC `pvc` (README "What becomes of an absorbed
    PVC's data", "Absorbed PVCs are never dropped while used"): `users` are
    the (Deployment, volume, options) that absorb it, the first one decides.
    Returns the documents that replace it: [] (dropped), the kept PVC, and the
    clone after it. An explicit choice is an info, never a warning; a PVC
    still mounted is kept, a warning only when --drop-absorbed-pvcs is not
    honoured."""
    dep, vol, dopts = users[0]
    data_choice(pvc, meta(dep).get("name"), vol, opts)
    mounted = still_mounted(new, docs, loc, pvc)
    if opts.drop_absorbed and not mounted:
        r.diags.append(("info", "removed (--drop-absorbed-pvcs)"))
        return []
    out = [kept_pvc(pvc)]
    if migrate_copies(opts):
        clone_refused(loc, pvc, dep, opts, snapshots)
        name = clone_name(vol, dep, dopts)
        if not pvc_in_input(docs, name, ns_of(pvc)):
            out.append(clone_pvc(pvc, dep, vol, dopts))
            r.diags.append(("info", "added with dataSource"))
    if mounted:
        r.diags.append(("warning" if opts.drop_absorbed else "info", "but still mounted by"))
    elif opts.migrate_data == "none":
        r.diags.append(("info", "which start empty (--migrate-data none)"))
    return out


# ---------------------------------------------------------------- headless Service

def service_selector(dep):
    """Service selector: matchLabels when the selector is only that; with
    matchExpressions, the template labels, which must satisfy them (a Service
    selects by equality only: core/v1 ServiceSpec.selector; the template labels
    select exactly the StatefulSet's pods, matchLabels alone may select more)."""
    sel = dep["spec"].get("selector") or {}
    if sel.get("matchLabels") and not sel.get("matchExpressions"):
        return dict(sel["matchLabels"])
    tl = labels_of(dep["spec"].get("template") or {})
    for e in sel.get("matchExpressions") or []:
        v, op = tl.get(e.get("key")), e.get("operator")
        ok = {"In": v is not None and v in (e.get("values") or []),
              "NotIn": v is None or v not in (e.get("values") or []),
              "Exists": v is not None, "DoesNotExist": v is None}.get(op, False)
        if not ok:
            raise ModelError("template labels do not satisfy the selector")
    return {k: str(v) for k, v in tl.items()}


def service_ports(pod):
    """Ports of the headless Service: the named containerPorts of the app
    containers (port = containerPort, targetPort = its name, protocol kept),
    the first of each (port, protocol) and of each name: a Service's ports
    must be unique by both (core validation validateServicePort /
    ValidateService; protocol defaults to TCP)."""
    ports, seen = [], set()
    for c in pod.get("containers") or []:
        for p in c.get("ports") or []:
            key = (p.get("containerPort"), p.get("protocol") or "TCP")
            if p.get("name") and p["name"] not in seen and key not in seen:
                seen.update((p["name"], key))
                sp = {"name": p["name"], "port": p["containerPort"], "targetPort": p["name"]}
                if p.get("protocol"):
                    sp["protocol"] = p["protocol"]
                ports.append(sp)
    return ports


def headless_service(dep, opts):
    """The generated headless Service (clusterIP: None; the StatefulSet's
    serviceName governs the pods' DNS: StatefulSet docs "Stable Network ID")."""
    m = {"name": service_name(dep, opts)}
    if ns_of(dep):
        m["namespace"] = ns_of(dep)
    if labels_of(dep):
        m["labels"] = dict(labels_of(dep))
    if PR_FILE in annotations_of(dep):
        m["annotations"] = {PR_FILE: annotations_of(dep)[PR_FILE]}
    spec = {"clusterIP": "None", "selector": service_selector(dep)}
    ports = service_ports(dep["spec"]["template"].get("spec") or {})
    if ports:
        spec["ports"] = ports
    if opts.publish_not_ready:
        spec["publishNotReadyAddresses"] = True
    return {"apiVersion": "v1", "kind": "Service", "metadata": m, "spec": spec}


def existing_service(docs, name, ns):
    """The Service `name` of namespace `ns` anywhere in the input (before or
    after the Deployment, at any distance, standalone or a List item)."""
    for i, j, o in objects(docs):
        if o.get("kind") == "Service" and meta(o).get("name") == name and same_namespace(ns_of(o), ns):
            return i, j, o
    return None


def reuse_service(svc, dep):
    """README "The headless Service": an existing Service of that name anywhere
    in the input is reused when headless (clusterIP: None), and one that is
    not headless is an error at the Deployment, whose conversion fails
    (ServiceSpec.clusterIP is immutable: core validation ValidateServiceUpdate)."""
    if (svc.get("spec") or {}).get("clusterIP") != "None":
        raise ModelError("existing Service %s is not headless" % meta(svc).get("name"),
                         says="Deployment %s: Service %s exists in the input and is not headless" % (
                             shown(ns_of(dep), meta(dep).get("name")), meta(svc).get("name")))


# ---------------------------------------------------------------- references

REF_KINDS = {("HorizontalPodAutoscaler", "scaleTargetRef"), ("VerticalPodAutoscaler", "targetRef"),
             ("ScaledObject", "scaleTargetRef")}


def retarget(obj, converted):
    """HPA scaleTargetRef, VPA targetRef and KEDA ScaledObject scaleTargetRef (kind
    defaults to Deployment there) naming a converted Deployment in the same
    namespace -> apps/v1 StatefulSet (CrossVersionObjectReference)."""
    for kind, field in REF_KINDS:
        if obj.get("kind") != kind:
            continue
        ref = (obj.get("spec") or {}).get(field)
        if not isinstance(ref, dict):
            return None
        rkind = ref.get("kind") or ("Deployment" if kind == "ScaledObject" else None)
        if rkind != "Deployment":
            return None
        if not any(n == ref.get("name") and same_namespace(ns, ns_of(obj)) for n, ns in converted):
            return None
        if is_hook(obj):
            return None
        new = copy.deepcopy(prune(obj))
        new["spec"][field]["kind"] = "StatefulSet"
        new["spec"][field]["apiVersion"] = "apps/v1"
        return new
    return None


def forbidden_ref(obj, converted):
    """Argo Rollouts workloadRef / Flagger Canary targetRef cannot point at a
    StatefulSet: error (README "References"), for a hook Rollout/Canary too
    (passing it through unchanged would leave it pointing at nothing)."""
    ref = None
    if obj.get("kind") == "Rollout":
        ref = (obj.get("spec") or {}).get("workloadRef")
    elif obj.get("kind") == "Canary":
        ref = (obj.get("spec") or {}).get("targetRef")
    if isinstance(ref, dict) and ref.get("kind") == "Deployment" and any(
            n == ref.get("name") and same_namespace(ns, ns_of(obj)) for n, ns in converted):
        raise ModelError("%s points at a converted Deployment" % obj.get("kind"))


# ---------------------------------------------------------------- the stream

class Result:
    def __init__(self):
        self.error = None
        self.errors = []      # every ModelError (all are reported: README "Exit status")
        self.docs = []        # expected output documents (parsed)
        self.unchanged = []   # per input document: True when it must come out byte-identical
        self.dropped = []     # input document indexes removed (--drop-absorbed-pvcs)
        self.diags = []       # (severity "info"/"warning", text) the run reports (checked in its log)

    def says(self):
        """Texts the error messages must hold: every collected error that knows
        its text (a Deployment's conversion stops at its first error)."""
        return [e.says for e in self.errors if e.says]

    def positioned(self):
        """Whether some error is placed at FILE:LINE:COL."""
        return any(e.pos for e in self.errors)


def to_convert(docs, opts, errors):
    """(doc index, item index, Deployment) of the Deployments to convert; an
    unsupported apiVersion adds an error to `errors` (README "Selection")."""
    out = []
    for i, j, o in objects(docs):
        if o.get("kind") != "Deployment":
            continue
        if is_hook(o):
            continue
        if unsupported(o):
            if not opts.skip_unsupported:
                errors.append(ModelError("unsupported apiVersion %s" % o.get("apiVersion")))
            continue
        if selected(o, opts):
            out.append((i, j, o))
    return out


def claim_users(docs):
    """How many non-hook workloads of the input (README "Shared claims stay
    shared": Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs,
    CronJobs; List items included) mount each claim, by (claim, namespace)."""
    users = {}
    for _, _, o in objects(docs):
        if not is_hook(o):
            for claim in {c for _, c in pvc_volumes(pod_spec(o))}:
                users[(claim, ns_of(o))] = users.get((claim, ns_of(o)), 0) + 1
    return users


def mounted_by(users, claim, ns):
    """Workloads mounting claim `claim` of namespace `ns` (same_namespace)."""
    return sum(n for (c, wns), n in users.items() if c == claim and same_namespace(ns, wns))


def still_mounted(new, docs, loc, pvc):
    """README "Absorbed PVCs are never dropped while used": whether an object of
    the output (hooks, excluded Deployments, Jobs... included) still mounts
    the PVC at `loc`."""
    for i, j, o in objects(docs):
        for out in new.get((i, j), [o]):
            if any(c == meta(pvc).get("name") for _, c in pvc_volumes(pod_spec(out))) \
                    and same_namespace(ns_of(out), ns_of(pvc)):
                return True
    return False


def lands_in_alias(i, j, path, removed=False):
    """README "YAML as Kubernetes reads it": whether an edit at `path` of
    document i (item j) lands inside a node an alias repeats (it would change
    every copy), or, for a removal, whether the key comes only from a merge
    key `<<` or its value holds an anchor an alias uses."""
    full = (("items", j) if j is not None else ()) + tuple(path)
    sh = SHARED[0][i] if SHARED[0] and i < len(SHARED[0]) else ()
    if any(full[:len(s)] == s for s in sh):
        return True
    return removed and (full in getattr(sh, "merged", ()) or any(
        a[:len(full)] == full for a in getattr(sh, "anchors", ())))


def expanded(i, j, dep, sts):
    """README "YAML as Kubernetes reads it": when an edit of the conversion
    (spec, the removed Deployment-only fields and revision annotation, the pod's
    volumes and each container whose mounts changed) lands in a node an alias
    repeats, or removes a key a merge key gives or a value holding an anchor
    used later, the Deployment is re-emitted in block style with its aliases
    expanded and merge keys merged, as Kubernetes' decoder (sigs.k8s.io/yaml)
    reads it, with a warning, and then edited: the same parsed value. Returns
    whether the model is sure of it (-> a warning in DIAGS)."""
    spec = dep.get("spec") or {}
    edits = [(("spec",), False)]
    edits += [(("spec", k), True) for k in ("strategy", "progressDeadlineSeconds", "paused", "rollbackTo") if k in spec]
    if REVISION in annotations_of(dep):
        edits.append((("metadata", "annotations", REVISION), True))
    before = (spec.get("template") or {}).get("spec") or {}
    after = sts["spec"]["template"].get("spec") or {}
    kept = [prune(v) for v in after.get("volumes") or []]
    for k, v in enumerate(before.get("volumes") or []):
        if prune(v) not in kept:
            edits.append((("spec", "template", "spec", "volumes", k), True))
    for k, (c0, c1) in enumerate(zip(before.get("containers") or [], after.get("containers") or [])):
        if prune(c0) != prune(c1):
            edits.append((("spec", "template", "spec", "containers", k), False))
    if any(lands_in_alias(i, j, p, rm) for p, rm in edits):
        DIAGS.append(("warning", "an edit lands in a node that an alias repeats"))
        return True
    return False


def convert_deployment(docs, i, j, dep, opts, users):
    """One Deployment -> ([StatefulSet, its Service when generated], absorbed
    [(PVC location, volume)]); raises ModelError when its conversion fails."""
    check_names(dep, opts)
    sts = statefulset_fields(dep, opts, autoscaler_max(dep, docs))
    vcts = apply_flag_templates(sts, opts)
    more, absorbed = absorb_pvcs(sts, docs, opts, users)
    vcts += more
    expanded(i, j, dep, sts)
    if vcts:
        sts["spec"]["volumeClaimTemplates"] = vcts
    out = [sts]
    if not opts.no_headless:
        old = existing_service(docs, service_name(dep, opts), ns_of(dep))
        if old is None:
            out.append(headless_service(dep, opts))
        else:
            reuse_service(old[2], dep)
    return out, absorbed


def convert_stream(docs, opts, shared=None):
    """The whole conversion of a parsed stream; `shared`: yamlio.shared_paths
    of its text (None: no aliases). Errors do not stop the run: every one is
    collected (README "Exit status": exit 1, nothing written)."""
    r = Result()
    TAGS.clear()
    del DIAGS[:]
    DEFAULT_NS[0] = opts.namespace
    SHARED[0] = shared
    errors = []
    sel = to_convert(docs, opts, errors)
    if any(d is not None for d in docs):  # an empty input checks no name (README "A name you give must match")
        errors += glob_errors(docs, opts) + volume_name_errors(sel, opts)
    e = no_deployment(docs, opts, r)
    errors += [e] if e else []
    converted = [(meta(o).get("name"), ns_of(o)) for _, _, o in sel]
    users = claim_users(docs)
    new = {}          # (i, j) -> [objects replacing it]
    absorbed = {}     # PVC location -> [(Deployment, volume, its options)] in input order
    for i, j, dep in sel:
        o = opts.for_deployment(meta(dep).get("name"))
        try:
            new[(i, j)], where = convert_deployment(docs, i, j, dep, o, users)
        except ModelError as e:
            errors.append(e)
            continue
        for loc, vol in where:
            if not any(d is dep for d, _, _ in absorbed.get(loc, [])):
                absorbed.setdefault(loc, []).append((dep, vol, o))
    for i, j, o in objects(docs):
        try:
            forbidden_ref(o, converted)  # a hook too: it passes through unchanged, and would point at nothing
        except ModelError as e:
            errors.append(e)
        if (i, j) not in new:
            t = retarget(o, converted)
            if t is not None:
                new[(i, j)] = [t]
    snapshots = []
    for loc in sorted(absorbed, key=lambda l: (l[0], -1 if l[1] is None else l[1])):
        pvc = [o for a, b, o in objects(docs) if (a, b) == loc][0]
        try:
            new[loc] = pvc_fate(docs, loc, pvc, absorbed[loc], opts, new, r, snapshots)
        except ModelError as e:
            errors.append(e)
    if not errors:
        e = noop_error(docs, sel, opts)
        errors += [e] if e else []
    if errors:
        r.error = str(errors[0])
        r.errors = errors
        return r
    r.diags += DIAGS
    for i, d in enumerate(docs):
        if isinstance(d, dict) and d.get("kind") == "List" and isinstance(d.get("items"), list) \
                and any((i, j) in new for j in range(len(d["items"]))):
            lst = copy.deepcopy(prune(d))
            items = []
            for j, it in enumerate(d["items"]):
                items += new.get((i, j), [prune(it)])
            lst["items"] = items
            r.docs.append(lst)
            r.unchanged.append(False)
        elif (i, None) in new:
            r.docs += new[(i, None)]
            r.unchanged.append(False)
            if not new[(i, None)]:
                r.dropped.append(i)
        else:
            r.docs.append(d)
            r.unchanged.append(True)
    return r


def known_bugs(docs, opts, shared=None):
    """Tags of rules the README states and the C code does not follow yet
    (tests/model/known_bugs.py describes each) that this case touches: a
    generated case touching one is reported, not failed."""
    convert_stream(docs, opts, shared)
    return set(TAGS)
