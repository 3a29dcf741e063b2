#!/usr/bin/python3
"""What a user would write instead: the same conversion with PyYAML's C
loader and dumper (libyaml). Reads stdin, writes stdout. Same options as the
benchmark's deploy2sts run: --pod-management-policy Parallel and a claim
template data mounted at /data (1Gi). Comments and formatting are lost."""
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def convert(d):
    name = d["metadata"]["name"]
    ns = d["metadata"].get("namespace")
    d["kind"] = "StatefulSet"
    ann = d["metadata"].get("annotations") or {}
    ann.pop("deployment.kubernetes.io/revision", None)
    spec = d["spec"]
    for k in ("strategy", "progressDeadlineSeconds", "paused", "rollbackTo"):
        spec.pop(k, None)
    d.pop("status", None)
    spec["serviceName"] = name + "-headless"
    spec["podManagementPolicy"] = "Parallel"
    pod = spec["template"]["spec"]
    pod["volumes"] = [v for v in pod.get("volumes", []) if v.get("name") != "data"] or None
    if pod["volumes"] is None:
        del pod["volumes"]
    for c in pod.get("containers", []):
        mounts = c.setdefault("volumeMounts", [])
        if not any(m.get("name") == "data" for m in mounts):
            mounts.append({"name": "data", "mountPath": "/data"})
    spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
    ports = [{"name": p["name"], "port": p["containerPort"], "targetPort": p["name"]}
             for c in pod.get("containers", []) for p in c.get("ports", []) if "name" in p]
    meta = {"name": name + "-headless"}
    if ns:
        meta["namespace"] = ns
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": meta,
           "spec": {"clusterIP": "None", "selector": spec["selector"].get("matchLabels", {}), "ports": ports}}
    return svc


def main():
    docs = list(yaml.load_all(sys.stdin, Loader=Loader))
    out, converted = [], set()
    for d in docs:
        out.append(d)
        if isinstance(d, dict) and d.get("kind") == "Deployment" and d.get("apiVersion") == "apps/v1":
            converted.add((d["metadata"].get("namespace"), d["metadata"]["name"]))
            out.append(convert(d))
    for d in out:
        if isinstance(d, dict) and d.get("kind") == "HorizontalPodAutoscaler":
            ref = d["spec"]["scaleTargetRef"]
            if ref.get("kind") == "Deployment" and (d["metadata"].get("namespace"), ref["name"]) in converted:
                ref["kind"] = "StatefulSet"
    yaml.dump_all(out, sys.stdout, Dumper=Dumper, sort_keys=False)


if __name__ == "__main__":
    main()
