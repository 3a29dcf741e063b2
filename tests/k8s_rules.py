"""Test-side checker of the Kubernetes API rules that apply to what deploy2sts
emits (pure Python + PyYAML). It is not the API server: it checks the rules a
conversion can break, each citing where Kubernetes enforces it:

  apps  = pkg/apis/apps/validation/validation.go
  core  = pkg/apis/core/validation/validation.go
  meta  = staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go
  util  = staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
  sts   = pkg/controller/statefulset/stateful_set_utils.go (the StatefulSet controller)
  autoscaling = pkg/apis/autoscaling/validation/validation.go

The pod rules below are core ValidatePodSpec's. Kubernetes 1.35 applies them
to the StatefulSet itself (apps ValidateStatefulSetSpec validates the pod
template after adding one persistentVolumeClaim volume per claim template,
volumesToAddForTemplates, replacing a pod volume of the same name, as the
controller's sts updateStorage does for each pod).

Each error ends in "[rule]". Some rules are not the API server's refusal to
create the object (NOT_AT_CREATE: the controller's, a later update's, a
disabled feature's, deploy2sts's own); tests/test_cluster.py sends every
object it validates to a real API server and compares the others with it:
where they disagree, the server wins and this file is fixed.

API: check_objects(objs) -> list of "Kind ns/name: field.path: message [rule]";
check_stream(text) -> the same for a YAML stream. A v1 List is expanded.
"""
import decimal
import re

import yaml

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
IANA_SVC_NAME = re.compile(r"^[-a-z0-9]+$")
QUANTITY = re.compile(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
                      r"(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$")
BINARY = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
ACCESS_MODES = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"}
VOLUME_MODES = {"Filesystem", "Block"}
PROTOCOLS = {"TCP", "UDP", "SCTP"}
# Labels/annotations whose value changes with every chart version or Helm run:
# on a claim template they make the next `helm upgrade` rewrite
# spec.volumeClaimTemplates, which apps ValidateStatefulSetUpdate forbids.
RELEASE_VARYING = ("helm.sh/chart", "app.kubernetes.io/version", "chart", "helm.sh/hook")
RELEASE_VARYING_PREFIX = ("postrenderer.helm.sh/",)
# Kubernetes defaults a ScaledObject (keda.sh) target to apps/v1 Deployment.
TARGETS = {"HorizontalPodAutoscaler": ("spec", "scaleTargetRef"),
           "VerticalPodAutoscaler": ("spec", "targetRef"),
           "ScaledObject": ("spec", "scaleTargetRef")}


class Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver (sigs.k8s.io/yaml keeps strings)."""


Loader.yaml_implicit_resolvers = {
    k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


# ---------------------------------------------------------------- primitives

def parse_quantity(value):
    """Parse a Kubernetes resource.Quantity (apimachinery pkg/api/resource
    ParseQuantity): an int/float, or a decimal number with one suffix out of
    Ki Mi Gi Ti Pi Ei (binary), n u m k M G T P E (decimal SI) or a decimal
    exponent e/E<int>. Returns a decimal.Decimal, or None when invalid."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return decimal.Decimal(str(value))
    if not isinstance(value, str):
        return None
    m = QUANTITY.match(value)
    if not m:
        return None
    num, suffix = decimal.Decimal(m.group(1)), m.group(2) or ""
    if suffix in BINARY:
        return num * BINARY[suffix]
    if suffix in DECIMAL:
        return num.scaleb(DECIMAL[suffix])
    return num.scaleb(int(suffix[1:]))


def dns_label_errors(v, limit=63):
    """util IsDNS1123Label (with a custom length limit)."""
    if not isinstance(v, str) or not v:
        return ["required"]
    out = []
    if len(v) > limit:
        out.append("must be no more than %d characters (%d)" % (limit, len(v)))
    if not DNS1123_LABEL.match(v):
        out.append("%r is not a DNS-1123 label" % v)
    return out


def dns1035_errors(v):
    """util IsDNS1035Label."""
    if not isinstance(v, str) or not v:
        return ["required"]
    out = ["must be no more than 63 characters"] if len(v) > 63 else []
    if not DNS1035_LABEL.match(v):
        out.append("%r is not a DNS-1035 label" % v)
    return out


def subdomain_errors(v):
    """util IsDNS1123Subdomain."""
    if not isinstance(v, str) or not v or len(v) > 253 or not DNS1123_SUBDOMAIN.match(v):
        return ["%r is not a DNS-1123 subdomain" % (v,)]
    return []


def qualified_name_errors(key):
    """util IsQualifiedName: [prefix/]name, prefix a DNS-1123 subdomain,
    name <= 63 of [A-Za-z0-9_.-] starting and ending alphanumeric."""
    if not isinstance(key, str) or not key:
        return ["key must be a non-empty string"]
    parts = key.split("/")
    if len(parts) > 2:
        return ["%r: a qualified name has at most one '/'" % key]
    name = parts[-1]
    out = []
    if len(parts) == 2:
        out += ["%r: prefix %s" % (key, e) for e in subdomain_errors(parts[0])]
    if not name or len(name) > 63 or not QUALIFIED_NAME.match(name):
        out.append("%r: name part must be <= 63 characters of [A-Za-z0-9_.-], "
                   "alphanumeric at both ends" % key)
    return out


def label_value_errors(v):
    """util IsValidLabelValue: <= 63, empty or alphanumeric at both ends."""
    if not isinstance(v, str):
        return ["label value %r must be a string" % (v,)]
    if len(v) > 63:
        return ["label value %r must be no more than 63 characters" % v]
    if v and not QUALIFIED_NAME.match(v):
        return ["label value %r is invalid" % v]
    return []


def port_name_errors(v):
    """util IsValidPortName (IANA_SVC_NAME): 1-15 of [-a-z0-9], at least one
    letter, no leading/trailing '-', no '--'."""
    if not isinstance(v, str) or not v:
        return ["port name must be a non-empty string"]
    out = []
    if len(v) > 15:
        out.append("port name %r must be no more than 15 characters" % v)
    if not IANA_SVC_NAME.match(v):
        out.append("port name %r must contain only [-a-z0-9]" % v)
    elif not re.search("[a-z]", v):
        out.append("port name %r must contain at least one letter" % v)
    if v.startswith("-") or v.endswith("-") or "--" in v:
        out.append("port name %r must not begin/end with '-' or contain '--'" % v)
    return out


def port_num_ok(v):
    """util IsValidPortNum: 1..65535 (an int)."""
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 65535


def as_dict(v):
    return v if isinstance(v, dict) else {}


def as_list(v):
    return v if isinstance(v, list) else []


# ---------------------------------------------------------------- reporting

class Ctx:
    """Collects errors for one object: 'Kind ns/name: path: message [rule]'."""

    def __init__(self, obj, errors, ssa=False):
        self.ssa = ssa
        meta = as_dict(obj.get("metadata"))
        ns = meta.get("namespace")
        self.who = "%s %s%s" % (obj.get("kind"), (str(ns) + "/") if ns else "", meta.get("name"))
        self.errors = errors

    def err(self, path, msg, rule):
        self.errors.append("%s: %s: %s [%s]" % (self.who, path, msg, rule))

    def errs(self, path, msgs, rule):
        for m in msgs:
            self.err(path, m, rule)


# ---------------------------------------------------------------- metadata

def check_labels(c, labels, path):
    """meta ValidateLabels: keys qualified names, values valid label values."""
    if labels is None:
        return
    if not isinstance(labels, dict):
        c.err(path, "must be a map", "meta ValidateLabels")
        return
    for k, v in labels.items():
        c.errs("%s[%s]" % (path, k), qualified_name_errors(k) + label_value_errors(v),
               "meta ValidateLabels")


def check_annotations(c, ann, path):
    """core ValidateAnnotations (apimachinery ValidateAnnotations): keys are
    qualified names (lower-cased), total size <= 256 KiB."""
    if ann is None:
        return
    if not isinstance(ann, dict):
        c.err(path, "must be a map", "ValidateAnnotations")
        return
    size = 0
    for k, v in ann.items():
        c.errs("%s[%s]" % (path, k), qualified_name_errors(str(k).lower()), "ValidateAnnotations")
        if not isinstance(v, str):
            c.err("%s[%s]" % (path, k), "annotation value must be a string", "ValidateAnnotations")
        size += len(str(k)) + len(str(v))
    if size > 256 * 1024:
        c.err(path, "annotations exceed 256 KiB", "ValidateAnnotations")


def check_meta(c, meta, path="metadata"):
    meta = as_dict(meta)
    check_labels(c, meta.get("labels"), path + ".labels")
    check_annotations(c, meta.get("annotations"), path + ".annotations")


# ---------------------------------------------------------------- PVC

def check_pvc_spec(c, spec, path):
    """core ValidatePersistentVolumeClaimSpec: accessModes non-empty and
    supported; resources.requests.storage required, a valid quantity > 0;
    volumeMode Filesystem|Block."""
    rule = "core ValidatePersistentVolumeClaimSpec"
    if not isinstance(spec, dict):
        c.err(path, "required", rule)
        return
    modes = spec.get("accessModes")
    if not isinstance(modes, list) or not modes:
        c.err(path + ".accessModes", "at least 1 access mode is required", rule)
    else:
        for i, m in enumerate(modes):
            if m not in ACCESS_MODES:
                c.err("%s.accessModes[%d]" % (path, i), "unsupported access mode %r" % (m,), rule)
        if "ReadWriteOncePod" in modes and len(modes) > 1:
            c.err(path + ".accessModes", "ReadWriteOncePod may not be combined", rule)
    storage = as_dict(as_dict(spec.get("resources")).get("requests")).get("storage")
    spath = path + ".resources.requests.storage"
    if storage is None:
        c.err(spath, "required", rule)
    else:
        q = parse_quantity(storage)
        if q is None:
            c.err(spath, "%r is not a valid quantity" % (storage,), rule + " (validateBasicResource)")
        elif q <= 0:
            c.err(spath, "must be greater than zero (%r)" % (storage,), rule)
    vm = spec.get("volumeMode")
    if vm is not None and vm not in VOLUME_MODES:
        c.err(path + ".volumeMode", "unsupported volumeMode %r" % (vm,), rule)


# ---------------------------------------------------------------- pod

def check_pod_spec(c, spec, path, claim_names):
    """The pod the StatefulSet controller creates (core ValidatePodSpec)."""
    spec = as_dict(spec)
    volumes = {}
    for i, v in enumerate(as_list(spec.get("volumes"))):
        vp = "%s.volumes[%d]" % (path, i)
        v = as_dict(v)
        name = v.get("name")
        c.errs(vp + ".name", dns_label_errors(name), "core validateVolumes")
        if name in volumes:
            c.err(vp + ".name", "duplicate volume name %r" % (name,), "core validateVolumes")
        volumes[name] = v
        # no source at all is defaulted to emptyDir: {} (core/v1 SetDefaults_Volume)
        sources = [k for k in v if k != "name"]
        if len(sources) > 1:
            c.err(vp, "must specify exactly one volume source, has %s" % sources, "core validateVolumeSource")
        if name in claim_names:
            c.err(vp + ".name", "pod volume %r has a claim template's name: the controller "
                  "replaces it with the claim (its own source is silently dropped)" % name,
                  "controller: sts updateStorage")
    known = set(volumes) | set(claim_names)
    names = set()
    for kind in ("initContainers", "containers"):
        for i, ctr in enumerate(as_list(spec.get(kind))):
            cp = "%s.%s[%d]" % (path, kind, i)
            ctr = as_dict(ctr)
            n = ctr.get("name")
            c.errs(cp + ".name", dns_label_errors(n), "core validateContainers")
            if n in names:
                c.err(cp + ".name", "duplicate container name %r" % (n,),
                      "core validateContainers/validateInitContainers")
            names.add(n)
            check_container(c, ctr, cp, known)


def check_container(c, ctr, cp, known):
    """core validateVolumeMounts and validateContainerPorts for one container."""
    paths = set()
    for j, m in enumerate(as_list(ctr.get("volumeMounts"))):
        mp = "%s.volumeMounts[%d]" % (cp, j)
        m = as_dict(m)
        if m.get("name") not in known:
            c.err(mp + ".name", "%r is not a volume or a claim template" % (m.get("name"),),
                  "core validateVolumeMounts")
        path = m.get("mountPath")
        if not path:
            c.err(mp + ".mountPath", "required", "core validateVolumeMounts")
        elif path in paths:
            c.err(mp + ".mountPath", "%r must be unique" % path, "core validateVolumeMounts")
        paths.add(path)
        sub = m.get("subPath")
        if sub:
            if str(sub).startswith("/") or ".." in str(sub).split("/"):
                c.err(mp + ".subPath", "%r must be a relative path without '..'" % sub,
                      "core validateVolumeMounts (validateLocalDescendingPath)")
            if m.get("subPathExpr"):
                c.err(mp + ".subPathExpr", "subPath and subPathExpr are mutually exclusive",
                      "core validateVolumeMounts")
    pnames, keys = set(), set()
    for j, p in enumerate(as_list(ctr.get("ports"))):
        pp = "%s.ports[%d]" % (cp, j)
        p = as_dict(p)
        if "name" in p:
            errs = port_name_errors(p["name"])
            c.errs(pp + ".name", errs, "core validateContainerPorts (IsValidPortName)")
            if not errs and p["name"] in pnames:
                c.err(pp + ".name", "duplicate port name %r" % p["name"], "core validateContainerPorts")
            pnames.add(p["name"])
        if not port_num_ok(p.get("containerPort")):
            c.err(pp + ".containerPort", "%r must be 1..65535" % (p.get("containerPort"),),
                  "core validateContainerPorts")
        if p.get("protocol", "TCP") not in PROTOCOLS:
            c.err(pp + ".protocol", "unsupported protocol %r" % (p.get("protocol"),),
                  "core validateContainerPorts")
        # with ssa only: accepted by core validation (kubectl apply, Helm 3), refused
        # by server-side apply (kubectl apply --server-side, Helm 4): Container.ports is a map keyed by containerPort and
        # protocol (k8s.io/api core/v1 types.go: +listType=map, +listMapKey=containerPort,
        # +listMapKey=protocol); "duplicate entries for key [containerPort=...]"
        key = (p.get("containerPort"), p.get("protocol", "TCP"))
        if c.ssa and key in keys:
            c.err(pp, "duplicate containerPort/protocol %s/%s" % key,
                  "server-side apply: list map key containerPort+protocol")
        keys.add(key)


# ---------------------------------------------------------------- StatefulSet

def selector_matches(sel, labels):
    """meta LabelSelectorAsSelector(...).Matches(labels)."""
    for k, v in as_dict(sel.get("matchLabels")).items():
        if labels.get(k) != v:
            return False
    for e in as_list(sel.get("matchExpressions")):
        e = as_dict(e)
        key, op, vals = e.get("key"), e.get("operator"), as_list(e.get("values"))
        if op == "In" and labels.get(key) not in vals:
            return False
        if op == "NotIn" and key in labels and labels[key] in vals:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def check_int_or_percent(c, v, path, rule):
    """apps validateRollingUpdateStatefulSet: ValidatePositiveIntOrPercent,
    IsNotMoreThan100Percent, and not 0."""
    if isinstance(v, int) and not isinstance(v, bool):
        if v < 1:
            c.err(path, "must be >= 1 (%r)" % v, rule)
    elif isinstance(v, str) and re.match(r"^[0-9]+%$", v):
        if not 1 <= int(v[:-1]) <= 100:
            c.err(path, "percent must be 1%%..100%% (%r)" % v, rule)
    else:
        c.err(path, "%r must be an integer or a percentage" % (v,), rule)


def nonneg(c, v, path, rule):
    if v is not None and not (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
        c.err(path, "must be a non-negative integer (%r)" % (v,), rule)


def check_statefulset(c, obj):
    meta = as_dict(obj.get("metadata"))
    # apps ValidateStatefulSetName (NameIsDNSLabel in current Kubernetes; pods
    # are named NAME-ORDINAL). 52: the controller-revision-hash label
    # NAME-<10-char hash> must stay a label value (<= 63).
    name = meta.get("name")
    c.errs("metadata.name", dns_label_errors(name), "apps ValidateStatefulSetName")
    if isinstance(name, str) and 52 < len(name) <= 63:
        c.err("metadata.name", "must be no more than 52 characters (%d): the controller labels each pod "
              "controller-revision-hash=NAME-<10-char hash>, a label value (<= 63)" % len(name),
              "controller: sts controller-revision-hash label")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        c.err("spec", "required", "apps ValidateStatefulSetSpec")
        return
    rule = "apps ValidateStatefulSetSpec"
    for f in ("strategy", "paused", "progressDeadlineSeconds"):
        if f in spec:
            c.err("spec." + f, "a Deployment field, unknown to StatefulSetSpec", rule)
    sn = spec.get("serviceName")
    if not sn:
        c.err("spec.serviceName", "required (the governing Service; pods get it as "
              "spec.subdomain)", "deploy2sts rule: the API server accepts a StatefulSet without one (apps "
              "ValidateStatefulSetSpec checks it only when set); core ValidatePodSpec subdomain")
    else:
        c.errs("spec.serviceName", dns_label_errors(sn), "core ValidatePodSpec (subdomain)")
    pmp = spec.get("podManagementPolicy")
    if pmp is not None and pmp not in ("OrderedReady", "Parallel"):
        c.err("spec.podManagementPolicy", "must be 'OrderedReady' or 'Parallel' (%r)" % (pmp,), rule)
    us = spec.get("updateStrategy")
    if us is not None:
        us = as_dict(us)
        t = us.get("type", "RollingUpdate")
        if t not in ("RollingUpdate", "OnDelete"):
            c.err("spec.updateStrategy.type", "must be 'RollingUpdate' or 'OnDelete' (%r)" % (t,), rule)
        ru = us.get("rollingUpdate")
        if ru is not None and t != "RollingUpdate":
            c.err("spec.updateStrategy.rollingUpdate", "only allowed for updateStrategy "
                  "'RollingUpdate'", rule)
        elif ru is not None:
            ru = as_dict(ru)
            nonneg(c, ru.get("partition"), "spec.updateStrategy.rollingUpdate.partition",
                   "apps validateRollingUpdateStatefulSet")
            if "maxUnavailable" in ru:
                # the API server drops the field while the gate is off (default in 1.35,
                # pkg/registry/apps/statefulset/strategy.go dropStatefulSetDisabledFields)
                check_int_or_percent(c, ru["maxUnavailable"], "spec.updateStrategy.rollingUpdate."
                                     "maxUnavailable", "feature-gated MaxUnavailableStatefulSet: "
                                     "apps validateRollingUpdateStatefulSet")
    for f in ("replicas", "minReadySeconds", "revisionHistoryLimit"):
        nonneg(c, spec.get(f), "spec." + f, rule)
    if spec.get("ordinals") is not None:
        nonneg(c, as_dict(spec["ordinals"]).get("start", 0), "spec.ordinals.start", rule)
    ret = spec.get("persistentVolumeClaimRetentionPolicy")
    if ret is not None:
        for k, v in as_dict(ret).items():
            if k not in ("whenDeleted", "whenScaled") or v not in ("Retain", "Delete"):
                c.err("spec.persistentVolumeClaimRetentionPolicy." + str(k),
                      "must be whenDeleted/whenScaled: Retain|Delete (%r)" % (v,),
                      "apps ValidatePersistentVolumeClaimRetentionPolicy")
    tmpl = as_dict(spec.get("template"))
    tlabels = as_dict(as_dict(tmpl.get("metadata")).get("labels"))
    sel = spec.get("selector")
    if not isinstance(sel, dict) or not (sel.get("matchLabels") or sel.get("matchExpressions")):
        c.err("spec.selector", "required and non-empty", rule)
    else:
        check_labels(c, sel.get("matchLabels"), "spec.selector.matchLabels")
        if not selector_matches(sel, tlabels):
            c.err("spec.template.metadata.labels", "`selector` does not match template `labels`",
                  "apps ValidatePodTemplateSpecForStatefulSet")
    check_meta(c, tmpl.get("metadata"), "spec.template.metadata")
    tspec = as_dict(tmpl.get("spec"))
    if tspec.get("restartPolicy", "Always") != "Always":
        c.err("spec.template.spec.restartPolicy", "must be Always", rule)
    if "activeDeadlineSeconds" in tspec:
        c.err("spec.template.spec.activeDeadlineSeconds", "not supported in StatefulSet", rule)
    claims = check_claim_templates(c, spec.get("volumeClaimTemplates"))
    check_pod_spec(c, tspec, "spec.template.spec", claims)


def check_claim_templates(c, vcts):
    """Claim templates: the controller creates PVCs <claim>-<sts>-<ordinal>
    (core ValidatePersistentVolumeClaim) and pod volumes named after them
    (core validateVolumes: DNS-1123 label, unique)."""
    names = []
    for i, t in enumerate(as_list(vcts)):
        tp = "spec.volumeClaimTemplates[%d]" % i
        t = as_dict(t)
        meta = as_dict(t.get("metadata"))
        name = meta.get("name")
        c.errs(tp + ".metadata.name", dns_label_errors(name), "core validateVolumes (volume name)")
        if name in names:
            # accepted by the API server (apps volumesToAddForTemplates keeps one volume
            # per name); the controller makes one claim per name
            c.err(tp + ".metadata.name", "duplicate claim template %r" % (name,),
                  "controller: sts getPersistentVolumeClaims, one claim per name")
        names.append(name)
        check_meta(c, meta, tp + ".metadata")
        for what in ("labels", "annotations"):
            for k in as_dict(meta.get(what)):
                if k in RELEASE_VARYING or str(k).startswith(RELEASE_VARYING_PREFIX):
                    c.err("%s.metadata.%s[%s]" % (tp, what, k), "varies per chart version or Helm "
                          "run: the next upgrade changes volumeClaimTemplates, which is immutable",
                          "update: apps ValidateStatefulSetUpdate")
        check_pvc_spec(c, t.get("spec"), tp + ".spec")
    return set(n for n in names if isinstance(n, str))


# ---------------------------------------------------------------- Service

def check_service(c, obj):
    """core ValidateService: name DNS-1035 label (ValidateServiceName); ports
    named (DNS-1123 label) and unique when more than one; (port, protocol)
    unique; port 1..65535; clusterIP None allows no nodePort (type ClusterIP);
    selector a valid label map."""
    meta = as_dict(obj.get("metadata"))
    c.errs("metadata.name", dns1035_errors(meta.get("name")), "core ValidateServiceName")
    spec = as_dict(obj.get("spec"))
    rule = "core ValidateService (validateServicePort)"
    ports = as_list(spec.get("ports"))
    names, pairs = set(), set()
    typ = spec.get("type", "ClusterIP")
    for i, p in enumerate(ports):
        pp = "spec.ports[%d]" % i
        p = as_dict(p)
        name = p.get("name")
        if len(ports) > 1 and not name:
            c.err(pp + ".name", "required when more than one port", rule)
        if name:
            c.errs(pp + ".name", dns_label_errors(name), rule)
            if name in names:
                c.err(pp + ".name", "duplicate port name %r" % name, rule)
            names.add(name)
        if not port_num_ok(p.get("port")):
            c.err(pp + ".port", "%r must be 1..65535" % (p.get("port"),), rule)
        proto = p.get("protocol", "TCP")
        if proto not in PROTOCOLS:
            c.err(pp + ".protocol", "unsupported protocol %r" % (proto,), rule)
        key = (p.get("port"), proto)
        if key in pairs:
            c.err(pp, "duplicate port %s/%s" % key, "core ValidateService")
        pairs.add(key)
        tp = p.get("targetPort")
        if isinstance(tp, str):
            c.errs(pp + ".targetPort", port_name_errors(tp), rule)
        elif tp is not None and not port_num_ok(tp):
            c.err(pp + ".targetPort", "%r must be 1..65535" % (tp,), rule)
        if p.get("nodePort") is not None and typ == "ClusterIP":
            c.err(pp + ".nodePort", "may not be used when `type` is 'ClusterIP'", "core ValidateService")
    if spec.get("clusterIP") == "None" and typ not in ("ClusterIP",):
        c.err("spec.clusterIP", "None (headless) requires type ClusterIP", "core ValidateService")
    check_labels(c, spec.get("selector"), "spec.selector")


# ---------------------------------------------------------------- autoscalers

def check_target(c, obj, index):
    """The scale target of an HPA (autoscaling ValidateCrossVersionObjectReference:
    kind and name required), a VPA or a KEDA ScaledObject (kind defaults to
    Deployment, apiVersion to apps/v1): a StatefulSet target is apps/v1, and a
    Deployment target must not name a workload that the stream only has as a
    StatefulSet (the autoscaler would find nothing to scale)."""
    kind = obj.get("kind")
    a, b = TARGETS[kind]
    ref = as_dict(as_dict(obj.get(a)).get(b))
    path = "%s.%s" % (a, b)
    # what the autoscaler controller resolves (the scale subresource of apps/v1):
    # the API server accepts any apiVersion and a target that does not exist
    rule = "controller: autoscaler scale target (scale subresource of apps/v1)"
    tkind = ref.get("kind", "Deployment" if kind == "ScaledObject" else None)
    tname = ref.get("name")
    if not tkind or not tname:
        c.err(path, "kind and name are required", "autoscaling ValidateCrossVersionObjectReference")
        return
    api = ref.get("apiVersion", "apps/v1" if kind == "ScaledObject" else None)
    ns = as_dict(obj.get("metadata")).get("namespace")

    def has(k):
        return any(n == tname and (ns is None or tns is None or tns == ns)
                   for (kk, tns, n) in index if kk == k)
    if tkind == "StatefulSet":
        if api != "apps/v1":
            c.err(path + ".apiVersion", "a StatefulSet target needs apps/v1 (%r)" % (api,), rule)
    elif tkind == "Deployment" and has("StatefulSet") and not has("Deployment"):
        c.err(path, "targets Deployment %r but the stream has it only as a StatefulSet" % tname, rule)


# ---------------------------------------------------------------- entry points

def expand(objs):
    for o in objs:
        if isinstance(o, dict) and o.get("kind") == "List" and isinstance(o.get("items"), list):
            yield from expand(o["items"])
        elif isinstance(o, dict):
            yield o


def check_objects(objs, ssa=False):
    """Check a list of decoded objects; returns error strings (empty = valid).
    ssa: also the rules of server-side apply (list-map keys)."""
    objs = list(expand(objs))
    errors = []
    index = set()
    for o in objs:
        m = as_dict(o.get("metadata"))
        index.add((o.get("kind"), m.get("namespace"), m.get("name")))
    for o in objs:
        c = Ctx(o, errors, ssa)
        kind = o.get("kind")
        check_meta(c, o.get("metadata"))
        if kind == "StatefulSet":
            check_statefulset(c, o)
        elif kind == "Service":
            check_service(c, o)
        elif kind == "PersistentVolumeClaim":
            c.errs("metadata.name", subdomain_errors(as_dict(o.get("metadata")).get("name")),
                   "core ValidatePersistentVolumeName")
            check_pvc_spec(c, o.get("spec"), "spec")
        elif kind in TARGETS:
            check_target(c, o, index)
    return errors


# Rules the API server does not enforce when an object is created: the
# controller's, a later update's, or deploy2sts's own. tests/test_cluster.py
# compares every other rule with a real API server (the server wins).
NOT_AT_CREATE = ("controller:", "update:", "feature-gated ", "deploy2sts rule")


def enforced_at_create(error):
    """Whether the API server refuses to create an object with this error."""
    return not any(("[%s" % tag) in error for tag in NOT_AT_CREATE)


def check_stream(text):
    """Decode a YAML stream (str or bytes) and check it."""
    return check_objects([d for d in yaml.load_all(text, Loader=Loader) if d is not None])
