#!/usr/bin/python3
"""Unit tests of tests/k8s_rules.py: every rule with an object that passes and
one that fails (the error must name the field and the rule's message).
Usage: test_api_rules.py [path/to/deploy2sts]   (the binary is not used)
"""
import copy
import decimal
import sys

import k8s_rules
from report import Report

STS = {
    "apiVersion": "apps/v1", "kind": "StatefulSet",
    "metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web"}},
    "spec": {
        "serviceName": "web-headless",
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web", "tier": "fe"}},
            "spec": {
                "containers": [{"name": "main", "image": "x",
                                "ports": [{"name": "http", "containerPort": 8080}],
                                "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg"},
                                                 {"name": "data", "mountPath": "/data"}]}],
                "volumes": [{"name": "cfg", "configMap": {"name": "cfg"}}],
            },
        },
        "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                  "spec": {"accessModes": ["ReadWriteOnce"],
                                           "resources": {"requests": {"storage": "1Gi"}}}}],
    },
}
SVC = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web-headless", "namespace": "ns"},
       "spec": {"clusterIP": "None", "selector": {"app": "web"},
                "ports": [{"name": "http", "port": 8080, "targetPort": "http"}]}}
PVC = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "shared", "namespace": "ns"},
       "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "5Gi"}}}}
HPA = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
       "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web"},
                "maxReplicas": 3}}


def at(obj, path):
    """Follow a dotted path (ints index lists)."""
    for p in path.split("."):
        obj = obj[int(p)] if p.isdigit() else obj[p]
    return obj


def setp(path, value):
    def f(o):
        parent, last = path.rsplit(".", 1) if "." in path else ("", path)
        t = at(o, parent) if parent else o
        if value is DEL:
            del t[int(last) if last.isdigit() else last]
        else:
            t[int(last) if last.isdigit() else last] = value
    return f


DEL = object()
TSPEC = "spec.template.spec"
CTR = TSPEC + ".containers.0"

# (name, base object, mutation (None = unchanged), expected error substring or None = valid)
CASES = [
    ("sts valid", STS, None, None),
    ("sts name not a DNS label", STS, setp("metadata.name", "Web"), "metadata.name: 'Web' is not a DNS-1123 label"),
    ("sts name dotted (a subdomain, not a label)", STS, setp("metadata.name", "web.v1"), "is not a DNS-1123 label"),
    ("sts name 52 chars", STS, setp("metadata.name", "a" * 52), None),
    ("sts name 53 chars", STS, setp("metadata.name", "a" * 53), "must be no more than 52 characters"),
    ("selector missing", STS, setp("spec.selector", DEL), "spec.selector: required"),
    ("selector empty", STS, setp("spec.selector", {}), "spec.selector: required and non-empty"),
    ("selector not matching", STS, setp("spec.selector.matchLabels.app", "db"),
     "`selector` does not match template `labels`"),
    ("selector matchExpressions In", STS,
     setp("spec.selector", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]}), None),
    ("selector matchExpressions NotIn", STS,
     setp("spec.selector", {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["fe"]}]}),
     "does not match"),
    ("serviceName missing", STS, setp("spec.serviceName", DEL), "spec.serviceName: required"),
    ("serviceName invalid", STS, setp("spec.serviceName", "Web_svc"), "spec.serviceName: 'Web_svc' is not"),
    ("podManagementPolicy Parallel", STS, setp("spec.podManagementPolicy", "Parallel"), None),
    ("podManagementPolicy bad", STS, setp("spec.podManagementPolicy", "Sideways"),
     "spec.podManagementPolicy: must be 'OrderedReady' or 'Parallel'"),
    ("updateStrategy OnDelete", STS, setp("spec.updateStrategy", {"type": "OnDelete"}), None),
    ("updateStrategy Recreate", STS, setp("spec.updateStrategy", {"type": "Recreate"}),
     "spec.updateStrategy.type: must be 'RollingUpdate' or 'OnDelete'"),
    ("rollingUpdate with OnDelete", STS,
     setp("spec.updateStrategy", {"type": "OnDelete", "rollingUpdate": {"partition": 0}}),
     "only allowed for updateStrategy 'RollingUpdate'"),
    ("partition 0", STS, setp("spec.updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}), None),
    ("partition -1", STS, setp("spec.updateStrategy", {"rollingUpdate": {"partition": -1}}),
     "rollingUpdate.partition: must be a non-negative integer"),
    ("maxUnavailable 1", STS, setp("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": 1}}), None),
    ("maxUnavailable 50%", STS, setp("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": "50%"}}), None),
    ("maxUnavailable 0", STS, setp("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": 0}}),
     "maxUnavailable: must be >= 1"),
    ("maxUnavailable 0%", STS, setp("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": "0%"}}),
     "percent must be 1%..100%"),
    ("maxUnavailable 101%", STS, setp("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": "101%"}}),
     "percent must be 1%..100%"),
    ("maxUnavailable text", STS, setp("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": "half"}}),
     "must be an integer or a percentage"),
    ("Deployment field strategy", STS, setp("spec.strategy", {"type": "Recreate"}), "spec.strategy: a Deployment field"),
    ("Deployment field paused", STS, setp("spec.paused", False), "spec.paused: a Deployment field"),
    ("Deployment field progressDeadlineSeconds", STS, setp("spec.progressDeadlineSeconds", 600),
     "spec.progressDeadlineSeconds: a Deployment field"),
    ("replicas -1", STS, setp("spec.replicas", -1), "spec.replicas: must be a non-negative integer"),
    ("ordinals.start 0", STS, setp("spec.ordinals", {"start": 0}), None),
    ("ordinals.start -1", STS, setp("spec.ordinals", {"start": -1}), "spec.ordinals.start: must be a non-negative"),
    ("retention policy valid", STS,
     setp("spec.persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Delete"}), None),
    ("retention policy bad", STS,
     setp("spec.persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Keep"}),
     "persistentVolumeClaimRetentionPolicy.whenDeleted: must be"),
    ("restartPolicy Never", STS, setp(TSPEC + ".restartPolicy", "Never"), "restartPolicy: must be Always"),
    ("activeDeadlineSeconds", STS, setp(TSPEC + ".activeDeadlineSeconds", 5), "activeDeadlineSeconds: not supported"),
    # claim templates
    ("claim name not a label", STS, setp("spec.volumeClaimTemplates.0.metadata.name", "Data"),
     "volumeClaimTemplates[0].metadata.name: 'Data' is not a DNS-1123 label"),
    ("claim name duplicate", STS, lambda o: o["spec"]["volumeClaimTemplates"].append(
        copy.deepcopy(o["spec"]["volumeClaimTemplates"][0])), "duplicate claim template 'data'"),
    ("claim accessModes empty", STS, setp("spec.volumeClaimTemplates.0.spec.accessModes", []),
     "accessModes: at least 1 access mode is required"),
    ("claim accessModes bad", STS, setp("spec.volumeClaimTemplates.0.spec.accessModes", ["ReadWriteSometimes"]),
     "accessModes[0]: unsupported access mode"),
    ("claim accessModes RWOP + RWO", STS,
     setp("spec.volumeClaimTemplates.0.spec.accessModes", ["ReadWriteOncePod", "ReadWriteOnce"]),
     "ReadWriteOncePod may not be combined"),
    ("claim storage missing", STS, setp("spec.volumeClaimTemplates.0.spec.resources", {}),
     "resources.requests.storage: required"),
    ("claim storage bad suffix", STS, setp("spec.volumeClaimTemplates.0.spec.resources.requests.storage", "1GB"),
     "'1GB' is not a valid quantity"),
    ("claim storage zero", STS, setp("spec.volumeClaimTemplates.0.spec.resources.requests.storage", "0Gi"),
     "must be greater than zero"),
    ("claim storage negative", STS, setp("spec.volumeClaimTemplates.0.spec.resources.requests.storage", "-1Gi"),
     "must be greater than zero"),
    ("claim storage exponent", STS, setp("spec.volumeClaimTemplates.0.spec.resources.requests.storage", "1e9"), None),
    ("claim storage integer", STS, setp("spec.volumeClaimTemplates.0.spec.resources.requests.storage", 1073741824), None),
    ("claim volumeMode Block", STS, setp("spec.volumeClaimTemplates.0.spec.volumeMode", "Block"), None),
    ("claim volumeMode bad", STS, setp("spec.volumeClaimTemplates.0.spec.volumeMode", "Raw"),
     "volumeMode: unsupported volumeMode 'Raw'"),
    ("claim release-invariant labels", STS,
     setp("spec.volumeClaimTemplates.0.metadata.labels", {"app.kubernetes.io/name": "web"}), None),
    ("claim helm.sh/chart label", STS,
     setp("spec.volumeClaimTemplates.0.metadata.labels", {"helm.sh/chart": "web-1.0.0"}),
     "labels[helm.sh/chart]: varies per chart version"),
    ("claim app.kubernetes.io/version label", STS,
     setp("spec.volumeClaimTemplates.0.metadata.labels", {"app.kubernetes.io/version": "1.0"}),
     "labels[app.kubernetes.io/version]: varies per chart version"),
    ("claim postrenderer annotation", STS,
     setp("spec.volumeClaimTemplates.0.metadata.annotations", {"postrenderer.helm.sh/postrender-filename": "a.yaml"}),
     "annotations[postrenderer.helm.sh/postrender-filename]: varies"),
    # pod template
    ("volume name not a label", STS, setp(TSPEC + ".volumes.0.name", "Cfg"),
     "volumes[0].name: 'Cfg' is not a DNS-1123 label"),
    ("volume name duplicate", STS, lambda o: at(o, TSPEC)["volumes"].append({"name": "cfg", "emptyDir": {}}),
     "volumes[1].name: duplicate volume name 'cfg'"),
    ("volume two sources", STS, setp(TSPEC + ".volumes.0.emptyDir", {}), "must specify exactly one volume source"),
    # no source is defaulted to emptyDir (core/v1 SetDefaults_Volume): the API server accepts it
    ("volume no source", STS, setp(TSPEC + ".volumes.0", {"name": "cfg"}), None),
    ("volume shadowed by a claim template", STS,
     lambda o: at(o, TSPEC)["volumes"].append({"name": "data", "emptyDir": {}}),
     "volumes[1].name: pod volume 'data' has a claim template's name"),
    ("mount of an unknown volume", STS, setp(CTR + ".volumeMounts.0.name", "nope"),
     "volumeMounts[0].name: 'nope' is not a volume or a claim template"),
    ("mount of a claim template only", STS, setp(TSPEC + ".volumes", []),
     "volumeMounts[0].name: 'cfg' is not"),
    ("mountPath duplicate in one container", STS, setp(CTR + ".volumeMounts.1.mountPath", "/etc/cfg"),
     "volumeMounts[1].mountPath: '/etc/cfg' must be unique"),
    ("mountPath shared by two containers", STS, lambda o: at(o, TSPEC)["containers"].append(
        {"name": "side", "image": "x", "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg"}]}), None),
    ("subPath relative", STS, setp(CTR + ".volumeMounts.0.subPath", "a/b"), None),
    ("subPath absolute", STS, setp(CTR + ".volumeMounts.0.subPath", "/a"), "subPath: '/a' must be a relative path"),
    ("subPath with ..", STS, setp(CTR + ".volumeMounts.0.subPath", "a/../../b"), "must be a relative path"),
    ("container names unique", STS, setp(TSPEC + ".initContainers", [{"name": "init", "image": "x"}]), None),
    ("container name duplicate (init + main)", STS, setp(TSPEC + ".initContainers", [{"name": "main", "image": "x"}]),
     "containers[0].name: duplicate container name 'main'"),
    ("containerPort 0", STS, setp(CTR + ".ports.0.containerPort", 0), "ports[0].containerPort: 0 must be 1..65535"),
    ("containerPort 70000", STS, setp(CTR + ".ports.0.containerPort", 70000), "70000 must be 1..65535"),
    ("port protocol bad", STS, setp(CTR + ".ports.0.protocol", "HTTP"), "unsupported protocol 'HTTP'"),
    ("port name duplicate in one container", STS,
     lambda o: at(o, CTR)["ports"].append({"name": "http", "containerPort": 9090}), "duplicate port name 'http'"),
    ("containerPort repeated under another name", STS,
     lambda o: at(o, CTR)["ports"].append({"name": "alt", "containerPort": 8080}),
     "duplicate containerPort/protocol 8080/TCP"),
    ("containerPort repeated with another protocol", STS,
     lambda o: at(o, CTR)["ports"].append({"name": "alt", "containerPort": 8080, "protocol": "UDP"}), None),
    ("port name reused by another container (accepted)", STS, lambda o: at(o, TSPEC)["containers"].append(
        {"name": "side", "image": "x", "ports": [{"name": "http", "containerPort": 9090}]}), None),
    ("port name with _", STS, setp(CTR + ".ports.0.name", "http_1"), "must contain only [-a-z0-9]"),
    ("port name digits only", STS, setp(CTR + ".ports.0.name", "8080"), "must contain at least one letter"),
    ("port name 16 chars", STS, setp(CTR + ".ports.0.name", "a" * 16), "must be no more than 15 characters"),
    ("port name 15 chars", STS, setp(CTR + ".ports.0.name", "a" * 15), None),
    ("port name --", STS, setp(CTR + ".ports.0.name", "web--x"), "must not begin/end with '-' or contain '--'"),
    # labels and annotations (any object)
    ("label prefixed key", STS, setp("metadata.labels", {"example.com/tier": "a.b_c-1"}), None),
    ("label key with space", STS, setp("metadata.labels", {"bad key": "x"}), "metadata.labels[bad key]"),
    ("label key bad prefix", STS, setp("metadata.labels", {"Example_com/x": "y"}), "prefix"),
    ("label value 64 chars", STS, setp("metadata.labels", {"a": "v" * 64}), "must be no more than 63 characters"),
    ("label value ends with -", STS, setp("metadata.labels", {"a": "v-"}), "label value 'v-' is invalid"),
    ("template label value bad", STS, setp("spec.template.metadata.labels.tier", "fe!"),
     "spec.template.metadata.labels[tier]"),
    ("annotation key bad", STS, setp("metadata.annotations", {"a/b/c": "x"}), "metadata.annotations[a/b/c]"),
    ("annotation value not a string", STS, setp("metadata.annotations", {"a": 1}), "must be a string"),
    # Service
    ("service valid", SVC, None, None),
    ("service name not DNS-1035", SVC, setp("metadata.name", "1web"), "'1web' is not a DNS-1035 label"),
    ("service two ports unnamed", SVC, setp("spec.ports", [{"port": 80}, {"port": 81}]),
     "spec.ports[0].name: required when more than one port"),
    ("service one port unnamed", SVC, setp("spec.ports", [{"port": 80}]), None),
    ("service port names duplicate", SVC, setp("spec.ports", [{"name": "a", "port": 80}, {"name": "a", "port": 81}]),
     "spec.ports[1].name: duplicate port name 'a'"),
    ("service same port TCP and UDP", SVC,
     setp("spec.ports", [{"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "UDP"}]), None),
    ("service duplicate port/protocol", SVC, setp("spec.ports", [{"name": "a", "port": 80}, {"name": "b", "port": 80}]),
     "spec.ports[1]: duplicate port 80/TCP"),
    ("service port 0", SVC, setp("spec.ports.0.port", 0), "spec.ports[0].port: 0 must be 1..65535"),
    ("service targetPort name bad", SVC, setp("spec.ports.0.targetPort", "Http"), "targetPort"),
    ("service headless nodePort", SVC, setp("spec.ports.0.nodePort", 30080), "nodePort: may not be used"),
    ("service nodePort null", SVC, setp("spec.ports.0.nodePort", None), None),
    ("service headless NodePort type", SVC, setp("spec.type", "NodePort"), "requires type ClusterIP"),
    ("service selector value bad", SVC, setp("spec.selector", {"app": "-web"}), "spec.selector[app]"),
    # PVC
    ("pvc valid", PVC, None, None),
    ("pvc accessModes missing", PVC, setp("spec.accessModes", DEL), "spec.accessModes: at least 1 access mode"),
    ("pvc storage missing", PVC, setp("spec.resources.requests", {}), "spec.resources.requests.storage: required"),
    ("pvc storage bad", PVC, setp("spec.resources.requests.storage", "lots"), "'lots' is not a valid quantity"),
    ("pvc name bad", PVC, setp("metadata.name", "Shared"), "is not a DNS-1123 subdomain"),
]

# cases checked with the rules of server-side apply too (check_objects ssa=True)
SSA_CASES = {"containerPort repeated under another name", "containerPort repeated with another protocol"}

# stream-level cases: (name, objects, expected substring or None)
DEP = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "ns"}}


def with_target(base, path, ref):
    o = copy.deepcopy(base)
    at(o, path).clear()
    at(o, path).update(ref)
    return o


STREAM = [
    ("hpa targets the StatefulSet", [STS, HPA], None),
    ("hpa StatefulSet via apps/v1beta1", [STS, with_target(HPA, "spec.scaleTargetRef",
                                                           {"apiVersion": "apps/v1beta1", "kind": "StatefulSet",
                                                            "name": "web"})],
     "scaleTargetRef.apiVersion: a StatefulSet target needs apps/v1"),
    ("hpa (no namespace) still targets the converted Deployment",
     [STS, with_target(HPA, "spec.scaleTargetRef", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"})],
     "targets Deployment 'web' but the stream has it only as a StatefulSet"),
    ("hpa targets a Deployment that is still there",
     [STS, DEP, with_target(HPA, "spec.scaleTargetRef", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"})],
     None),
    ("hpa in another namespace", [STS, dict(with_target(HPA, "spec.scaleTargetRef", {
        "apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}), metadata={"name": "web", "namespace": "other"})],
     None),
    ("hpa without kind", [STS, with_target(HPA, "spec.scaleTargetRef", {"name": "web"})],
     "kind and name are required"),
    ("ScaledObject default kind is Deployment",
     [STS, {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"scaleTargetRef": {"name": "web"}}}], "ScaledObject ns/web: spec.scaleTargetRef: targets Deployment"),
    ("ScaledObject targets the StatefulSet",
     [STS, {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web"}}}], None),
    ("VPA still targets the Deployment",
     [STS, {"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}}],
     "VerticalPodAutoscaler ns/web: spec.targetRef: targets Deployment"),
    ("List items are checked",
     [{"apiVersion": "v1", "kind": "List", "items": [with_target(STS, "spec.selector", {})]}],
     "StatefulSet ns/web: spec.selector: required"),
]

QUANTITIES = [("1Gi", 2 ** 30), ("1.5Gi", 3 * 2 ** 29), ("500M", 5 * 10 ** 8), ("1e3", 1000), ("1E-3", "0.001"),
              ("100m", "0.1"), ("2k", 2000), ("1Ei", 2 ** 60), ("3n", "3E-9"), (".5Ki", 512), ("+1", 1),
              ("-1Mi", -(2 ** 20)), (5, 5), ("1GB", None), ("Gi", None), ("1.2.3", None), ("1 Gi", None),
              ("1K", None), ("", None), (True, None), (None, None)]


def main():
    r = Report("api-rules")
    for name, base, mutate, want in CASES:
        obj = copy.deepcopy(base)
        if mutate:
            mutate(obj)
        errs = k8s_rules.check_objects([obj], ssa=name in SSA_CASES)
        if want is None:
            r.case(name, ["unexpected: " + e for e in errs])
        else:
            r.case(name, [] if any(want in e for e in errs) else ["want %r, got %r" % (want, errs)])
    for name, objs, want in STREAM:
        errs = k8s_rules.check_objects(copy.deepcopy(objs))
        if want is None:
            r.case(name, ["unexpected: " + e for e in errs])
        else:
            r.case(name, [] if any(want in e for e in errs) else ["want %r, got %r" % (want, errs)])
    # which errors the API server itself refuses at create (test_cluster.py checks
    # this table's rules against a real one): (case name of CASES, enforced?)
    for case, enforced in (("sts name not a DNS label", True), ("sts name 53 chars", False),
                           ("serviceName missing", False), ("maxUnavailable 0", False), ("partition -1", True),
                           ("claim helm.sh/chart label", False), ("claim name duplicate", False),
                           ("volume shadowed by a claim template", False), ("mountPath duplicate in one container", True),
                           ("containerPort repeated under another name", True)):
        name, base, mutate, _ = [c for c in CASES if c[0] == case][0]
        obj = copy.deepcopy(base)
        mutate(obj)
        errs = k8s_rules.check_objects([obj], ssa=True)
        got = [k8s_rules.enforced_at_create(e) for e in errs]
        r.case("enforced at create: %s -> %s" % (case, enforced),
               [] if got and all(g == enforced for g in got) else ["got %r for %r" % (got, errs)])
    for text, want in QUANTITIES:
        got = k8s_rules.parse_quantity(text)
        ok = got is None if want is None else got == decimal.Decimal(want)
        r.case("quantity %r" % (text,), [] if ok else ["got %r, want %r" % (got, want)])
    obj = copy.deepcopy(STS)
    at(obj, CTR)["ports"].append({"name": "alt", "containerPort": 8080})
    r.case("the server-side-apply rule only with ssa=True", [] if not k8s_rules.check_objects([obj]) else
           ["got %r" % k8s_rules.check_objects([obj])])
    errs = k8s_rules.check_stream("---\n# a comment\n---\napiVersion: v1\nkind: Service\nmetadata: {name: Web}\n"
                                  "spec: {ports: [{port: 80}]}\n")
    r.case("check_stream decodes a stream", [] if len(errs) == 1 and "Service Web: metadata.name" in errs[0]
           else ["got %r" % errs])
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
