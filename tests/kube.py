"""kube.py - the test control plane seen from Python (tests/test_cluster.py):
build it (tests/cluster/build.sh), start and stop a private cluster
(tests/cluster/up.sh, down.sh) in a directory of its own, run kubectl 1.35
and Helm against it, and wait for a condition by polling with a deadline
(never a blind sleep: no kubelet and no scheduler run, so nothing may wait for
pods to become ready)."""
import json
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, ".tools", "bin")
KUBECTL = os.path.join(TOOLS, "kubectl135")
HELM3 = os.path.join(TOOLS, "helm3")
HELM4 = os.path.join(TOOLS, "helm4")
CLUSTER = os.path.join(ROOT, "tests", "cluster")
# make's variables must not reach a `make` that a Helm 4 plugin hook runs
MAKE_VARS = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def build():
    """tests/cluster/build.sh, its output passed through (it says when it
    builds). Returns (exit status, last lines of stderr)."""
    p = subprocess.run(["sh", os.path.join(CLUSTER, "build.sh")], stderr=subprocess.PIPE)
    err = p.stderr.decode(errors="replace")
    if p.returncode != 3:
        sys.stderr.write(err)
    return p.returncode, err.strip()


class Timeout(Exception):
    pass


def poll(what, fn, timeout=60.0, interval=0.2):
    """Call fn() until it returns a true value, and return that value; raise
    Timeout naming `what` (and fn's last answer) after `timeout` seconds."""
    end = time.time() + timeout
    last = None
    while True:
        last = fn()
        if last:
            return last
        if time.time() > end:
            raise Timeout("timed out after %.0f s waiting for %s (last: %s)" % (timeout, what, str(last)[:300]))
        time.sleep(interval)


class Cluster:
    """One control plane started by tests/cluster/up.sh in `directory`."""

    def __init__(self, directory):
        self.dir = directory
        self.env = dict(os.environ, D2S_CLUSTER_DIR=directory)
        self.kubeconfig = os.path.join(directory, "kubeconfig")
        self.cache = os.path.join(directory, "kubectl-cache")
        self._contexts = {}
        self._lock = threading.Lock()

    def up(self):
        p = subprocess.run(["sh", os.path.join(CLUSTER, "up.sh")], env=self.env, capture_output=True)
        return p.returncode, (p.stdout + p.stderr).decode(errors="replace")

    def down(self):
        p = subprocess.run(["sh", os.path.join(CLUSTER, "down.sh")], env=self.env, capture_output=True)
        return p.returncode, (p.stdout + p.stderr).decode(errors="replace")

    def kubeconfig_for(self, namespace):
        """A kubeconfig whose context namespace is `namespace`: kubectl puts
        objects without metadata.namespace there, and unlike -n it still accepts
        objects that name another namespace."""
        with self._lock:
            if namespace not in self._contexts:
                text = open(self.kubeconfig).read()
                path = os.path.join(self.dir, "kubeconfig-%s" % namespace)
                with open(path, "w") as f:
                    f.write(text.replace("namespace: default}", "namespace: %s}" % namespace))
                os.chmod(path, 0o600)
                self._contexts[namespace] = path
            return self._contexts[namespace]

    def kubectl(self, args, data=None, namespace=None, timeout=300):
        """Run kubectl 1.35; returns (rc, stdout, stderr) as text."""
        cfg = self.kubeconfig_for(namespace) if namespace else self.kubeconfig
        p = subprocess.run([KUBECTL, "--kubeconfig", cfg, "--cache-dir", self.cache] + list(args),
                           input=data if data is None or isinstance(data, bytes) else data.encode(),
                           capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    def get(self, kind, name=None, namespace=None, selector=None):
        """The object (or the list's items) as JSON; None when not found."""
        args = ["get", kind] + ([name] if name else []) + ["-o", "json"]
        if namespace:
            args += ["-n", namespace]
        if selector:
            args += ["-l", selector]
        rc, out, err = self.kubectl(args)
        if rc != 0:
            if "NotFound" in err or "not found" in err:
                return None
            raise RuntimeError("kubectl %s: %s" % (" ".join(args), err.strip()[:400]))
        obj = json.loads(out)
        return obj["items"] if name is None else obj

    def gone(self, kind, name, namespace):
        return self.get(kind, name, namespace) is None
