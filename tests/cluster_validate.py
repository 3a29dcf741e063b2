"""cluster_validate.py - judge YAML streams by a real API server
(tests/test_cluster.py part 3a): every object goes through
`kubectl apply --server-side --dry-run=server --validate=strict` (kubectl's
--validate=strict is the API server's fieldValidation=Strict: an unknown or
duplicate field is an error, not a warning).

A Validation collects cases: a case is an output stream, optionally with the
input it was made from. run() then:
  1. splits every stream into documents (the reader's rule, test_corpus.pieces)
     and validates each distinct document once per namespace it lands in;
  2. creates, for real, what dry-run objects need to exist: the namespaces they
     name, the ServiceAccounts bare Pods name (the ServiceAccount admission
     plugin refuses a Pod whose account is missing), and the
     CustomResourceDefinitions of ../shared/crds and of the streams, applied
     (server-side, strict: so validated too) and Established before any
     custom resource is sent;
  3. dry-runs the rest, several kubectl processes at a time: the documents
     expected to pass in batches of up to 200, each document expected to fail
     alone (kubectl fails a whole stream it cannot parse or map). A batch
     passes when kubectl exits 0, warns of nothing and prints one line
     "<kind>[.<group>]/<name> serverside-applied (server dry run)" per object;
     any other batch is split in halves until each document has its verdict.
     Expected to fail: a document kubectl 1.35 cannot read (a %YAML directive:
     its YAML library knows YAML 1.1 only), an apiVersion the server does not
     serve (its /openapi/v3 discovery), or one k8s_rules says the server
     refuses; so is one expected to draw a warning (each warning must be
     known by document). An optional case (a generated one) whose input is
     expected to fail or warn is not sent at all.
A case then has: the rejections of its output documents, those of its input,
and the warnings its output has that its input did not have.
"""
import json
import os
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import yaml

import k8s_rules
from kube import poll
from test_corpus import Loader, pieces

OK_LINE = re.compile(r"^(\S+)/(\S+) serverside-applied( \(server dry run\))?$")
ERROR_START = ("Error from server", "error:", "resource mapping not found", "Error:")
DRY = ["apply", "--server-side", "--dry-run=server", "--validate=strict", "--field-manager=d2s-test", "-f", "-"]
REAL = ["apply", "--server-side", "--force-conflicts", "--validate=strict", "--field-manager=d2s-test", "-f", "-"]
BATCH = 200
DIRECTIVE = re.compile(rb"^%", re.M)


def objects(doc):
    """The objects a document holds (a v1 List's items, or itself)."""
    if isinstance(doc, dict) and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
        return [i for i in doc["items"] if isinstance(i, dict)]
    return [doc] if isinstance(doc, dict) else []


def meta(o):
    m = o.get("metadata")
    return m if isinstance(m, dict) else {}


def resource_key(o):
    """What kubectl prints before '/<name>': the lower-case kind, '.group' unless core."""
    api = str(o.get("apiVersion") or "")
    group = api.split("/")[0] if "/" in api else ""
    return ("%s.%s" % (str(o.get("kind")).lower(), group) if group else str(o.get("kind")).lower(),
            str(meta(o).get("name")))


def pod_spec(o):
    """The pod spec of a Pod or of a workload's template (CronJob: its job's)."""
    spec = o.get("spec") if isinstance(o.get("spec"), dict) else {}
    if o.get("kind") == "Pod":
        return spec
    if o.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {})
    t = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    return t.get("spec") if isinstance(t.get("spec"), dict) else {}


def pod_template_trouble(o):
    """(refused, warned) predicted for a pod spec: a containerPort+protocol twice
    in one container is refused by server-side apply (a list-map key, k8s.io/api
    core/v1 Container.ports); one in several containers draws the API server's
    warning "duplicate port definition" (pkg/api/pod/warnings.go)."""
    refused, seen, warned = False, set(), False
    spec = pod_spec(o)
    for kind in ("initContainers", "containers"):
        for c in spec.get(kind) or []:
            mine = set()
            for p in (c.get("ports") or []) if isinstance(c, dict) else []:
                if not isinstance(p, dict):
                    continue
                k = (p.get("containerPort"), p.get("protocol", "TCP"))
                refused |= k in mine
                warned |= k in seen and k not in mine
                mine.add(k)
            seen |= mine
    return refused, warned


def describe(o):
    ns = meta(o).get("namespace")
    return "%s %s%s" % (o.get("kind"), (str(ns) + "/") if ns else "", meta(o).get("name"))


def messages(stderr):
    """kubectl's stderr as (errors, warnings): one entry per message, with its
    continuation lines."""
    errs, warns = [], []
    for line in stderr.splitlines():
        if line.startswith("Warning: "):
            warns.append(line[len("Warning: "):])
        elif line.startswith(ERROR_START) or not errs:
            errs.append(line)
        elif line.strip():
            errs[-1] += " " + line.strip()
    return errs, warns


class Doc:
    """One distinct document in one default namespace, and its verdict."""

    def __init__(self, text, namespace):
        self.text = text
        self.namespace = namespace
        try:
            loaded = [d for d in yaml.load_all(text, Loader=Loader) if d is not None]
            self.parsed = loaded[0] if loaded else None
            self.parse_error = None
        except yaml.YAMLError as e:
            self.parsed, self.parse_error = None, str(e).replace("\n", " ")[:200]
        self.objects = objects(self.parsed)
        self.errors = None   # list of messages once judged; [] = accepted
        self.warnings = []
        self.real = False    # applied for real (a CustomResourceDefinition)

    def keys(self):
        return [resource_key(o) for o in self.objects]

    def gvs(self):
        return {str(o.get("apiVersion")) for o in self.objects}

    def expected_to_fail(self, served):
        """kubectl cannot read it, the server does not serve its apiVersion, or
        k8s_rules knows the server refuses it (pod templates of any workload:
        see pod_template_trouble)."""
        if self.parse_error or DIRECTIVE.search(self.text) or not self.gvs() <= served:
            return True
        objs = []
        for o in self.objects:
            o = dict(o)
            if isinstance(o.get("metadata"), dict) and not o["metadata"].get("namespace"):
                o["metadata"] = dict(o["metadata"], namespace=self.namespace)
            objs.append(o)
        if any(k8s_rules.enforced_at_create(e) for e in k8s_rules.check_objects(objs, ssa=True)):
            return True
        return any(pod_template_trouble(o)[0] for o in self.objects)

    def expected_to_warn(self):
        return any(pod_template_trouble(o)[1] for o in self.objects)

    def is_crd(self):
        return any(o.get("kind") == "CustomResourceDefinition" for o in self.objects)

    def label(self):
        return ", ".join(describe(o) for o in self.objects) or repr(self.text[:60])


class Validation:
    def __init__(self, cluster, crd_files=(), workers=3):
        self.cluster = cluster
        self.crd_files = list(crd_files)
        self.workers = workers
        self.docs = {}      # (text, namespace) -> Doc
        self.cases = []     # [source, name, [in Doc], [out Doc], optional]
        self.dropped = {}   # source -> optional cases not sent (input expected to fail)
        self.calls = 0
        self.lock = threading.Lock()
        self.setup_errors = []

    def _docs(self, data, namespace):
        out = []
        if data is None:
            return out
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        for p in pieces(data):
            d = self.docs.get((p, namespace))
            if d is None:
                d = self.docs[(p, namespace)] = Doc(p, namespace)
            if d.parsed is not None or d.parse_error:
                out.append(d)
        return out

    def add(self, source, name, out, inp=None, namespace="default", optional=False):
        """A case: output stream `out` (bytes), optionally the input it came from;
        objects without metadata.namespace land in `namespace`. An optional case
        is not sent when its input is expected to fail."""
        self.cases.append([source, name, self._docs(inp, namespace), self._docs(out, namespace), optional])

    # ------------------------------------------------------------ kubectl

    def kubectl(self, args, data=None, namespace=None):
        with self.lock:
            self.calls += 1
        return self.cluster.kubectl(args, data=data, namespace=namespace)

    @staticmethod
    def stream(docs):
        return b"".join((d.text if d.text.startswith(b"---") else b"---\n" + d.text) +
                        (b"" if d.text.endswith(b"\n") else b"\n") for d in docs)

    # ------------------------------------------------------------ setup

    def _prerequisites(self):
        """Namespaces, the ServiceAccounts of bare Pods, CRDs (for real)."""
        nss, sas = set(), set()
        for d in self.docs.values():
            nss.add(d.namespace)
            for o in d.objects:
                ns = meta(o).get("namespace") or d.namespace
                nss.add(str(ns))
                if o.get("kind") == "Pod" and isinstance(o.get("spec"), dict):
                    sa = o["spec"].get("serviceAccountName") or o["spec"].get("serviceAccount")
                    sas.add((str(ns), str(sa or "default")))
        items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in sorted(nss)]
        rc, _, err = self.kubectl(REAL, yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))
        if rc != 0:  # a name that is not a namespace name: its objects are refused (NotFound)
            self.setup_errors += ["namespaces: " + e for e in messages(err)[0] if "Invalid value" not in e]
        items = [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": a, "namespace": n}}
                 for n, a in sorted(sas) if a != "default"]
        if items:
            self.kubectl(REAL, yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items}))
        for n in sorted({n for n, a in sas if a == "default"}):
            # made by the service-account controller in each new namespace
            poll("ServiceAccount %s/default" % n, lambda n=n: self.cluster.get("serviceaccount", "default", n),
                 timeout=60)
        for f in self.crd_files:
            rc, _, err = self.kubectl(REAL, open(f, "rb").read())
            if rc != 0:
                self.setup_errors.append("%s: %s" % (os.path.basename(f), err.strip()[:500]))
        crds = [d for d in self.docs.values() if d.is_crd()]
        for d in crds:
            d.real = True
        self._run(crds, REAL)  # cluster-scoped: any namespace will do
        rc, _, err = self.kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"])
        if rc != 0:
            self.setup_errors.append("CRDs not Established: " + err.strip()[:500])

    def served(self):
        """The group/versions the API server serves (its OpenAPI v3 discovery)."""
        rc, out, err = self.kubectl(["get", "--raw", "/openapi/v3"])
        if rc != 0:
            self.setup_errors.append("/openapi/v3: " + err.strip()[:300])
            return set()
        paths = json.loads(out).get("paths", {})
        return {"v1" if p == "api/v1" else p[len("apis/"):] for p in paths if p == "api/v1" or p.startswith("apis/")}

    # ------------------------------------------------------------ dry runs

    def _run(self, docs, args=DRY):
        """Dry-run (or with args=REAL apply) documents of one namespace and judge
        each; see the module comment."""
        if not docs:
            return
        ns = docs[0].namespace
        rc, out, err = self.kubectl(args, self.stream(docs), namespace=ns)
        errs, warns = messages(err)
        passed = Counter(m.group(1, 2) for m in map(OK_LINE.match, out.splitlines()) if m)
        if len(docs) == 1:
            ok = rc == 0 and passed == Counter(docs[0].keys())
            docs[0].errors = [] if ok else (errs or ["kubectl exit %d, no message" % rc])
            docs[0].warnings = warns
            return
        if rc == 0 and not warns and passed == Counter(k for d in docs for k in d.keys()):
            for d in docs:
                d.errors, d.warnings = [], []
            return
        half = len(docs) // 2
        self._run(docs[:half], args)
        self._run(docs[half:], args)

    def run(self):
        self._prerequisites()
        served = self.served()
        expect_fail = {id(d) for d in self.docs.values() if not d.real and
                       (d.expected_to_fail(served) or d.expected_to_warn())}
        for c in self.cases:
            if c[4] and any(id(d) in expect_fail for d in c[2]):
                self.dropped[c[0]] = self.dropped.get(c[0], 0) + 1
                c[2] = c[3] = None
        self.cases = [c for c in self.cases if c[3] is not None]
        todo = {id(d): d for c in self.cases for d in c[2] + c[3] if not d.real}
        by_ns, alone = {}, []
        for d in todo.values():
            if id(d) in expect_fail:
                alone.append([d])
            else:
                by_ns.setdefault(d.namespace, []).append(d)
        batches = [ds[i:i + BATCH] for ds in by_ns.values() for i in range(0, len(ds), BATCH)]
        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(self._run, batches + alone))

    # ------------------------------------------------------------ verdicts

    def verdicts(self):
        """Per case: (source, name, output rejections, input rejections, new warnings, objects)."""
        out = []
        for source, name, ins, outs, _ in self.cases:
            rej_out = ["%s: %s" % (d.label(), "; ".join(d.errors)) for d in outs if d.errors]
            rej_in = ["%s: %s" % (d.label(), "; ".join(d.errors)) for d in ins if d.errors]
            before = {w for d in ins for w in d.warnings}
            new = sorted({w for d in outs for w in d.warnings} - before)
            out.append((source, name, rej_out, rej_in, new, sum(len(d.objects) for d in outs)))
        return out
