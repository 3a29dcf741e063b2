"""The properties checked on every case (generated or a kept regression).

check(binary, stream, opts) runs deploy2sts and returns (problems, tags):
problems is a list of messages (empty = every property holds), tags the
known-bug tags the case touches (model.known_bugs).
  - never a crash or a hang (exit 0, 1 or 2 within the timeout);
  - an expected error: exit 1, empty stdout, `FILE:LINE:COL` in the message
    (unless every expected error is about a flag), and the text of every
    error the model knows the message of (all are reported, not the first);
  - otherwise exit 0 and the output, parsed by libyaml, equals the model's
    documents: converted ones equal the model's result, every other document
    equals the parsed input; never a document lost;
  - untouched documents byte-identical and in order;
  - the diagnostics the model expects, in the run's log (DEPLOY2STS_LOG_FILE,
    which gets infos too): an explicit choice is an info and never a
    warning, a default or an unhonoured choice a warning;
  - idempotent: the output fed back in comes out unchanged (or, when the
    model says the flags name nothing in it any more, exit 1);
  - every output object valid under the strict schemas when the input was, and
    free of API-rule errors (tests/k8s_rules.py, when present) the input did
    not have: objects without a namespace are checked in the -n namespace,
    and a Helm hook is exempt (it passes through unchanged, README "Helm
    hooks", also when it names a converted Deployment).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from . import model
from .yamlio import load_all, pieces, shared_paths

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
POS = re.compile(r"deploy2sts: error: [^\n]*?:\d+:\d+: ")
TIMEOUT = 20

sys.path.insert(0, os.path.join(SHARED, "tools"))
try:
    import validate as _validate  # ../shared/tools/validate.py
    SCHEMAS = _validate.SchemaStore(_validate.DEFAULT_SCHEMA_DIR, no_name_maxlength=True)
except ImportError:  # reported by the driver as a SKIP line
    SCHEMAS = None
sys.path.insert(0, os.path.join(ROOT, "tests"))
try:
    from k8s_rules import check_objects  # the API-rule checker, when merged
except ImportError:
    check_objects = None


def normalize(v, key=None):
    """Null means absent in the Kubernetes API; so does an empty list or map,
    except `emptyDir: {}` (the volume source itself)."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            x = normalize(x, k)
            if x is None or (x in ({}, []) and k != "emptyDir"):
                continue
            out[k] = x
        return out
    if isinstance(v, list):
        return [normalize(x) for x in v]
    return v


def diff(a, b, path=""):
    """Paths where two parsed values differ (first few)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                out.append("%s/%s: got %r, want %r" % (path, k, a.get(k, "<absent>"), b.get(k, "<absent>")))
            else:
                out += diff(a[k], b[k], "%s/%s" % (path, k))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [x for i, (p, q) in enumerate(zip(a, b)) for x in diff(p, q, "%s[%d]" % (path, i))]
    return [] if a == b else ["%s: got %r, want %r" % (path or "/", a, b)]


def schema_errors(docs):
    if SCHEMAS is None:
        return []
    errs = []
    for d in docs:
        for o in (d.get("items") if isinstance(d, dict) and d.get("kind") == "List" else [d]):
            if not isinstance(o, dict) or not isinstance(o.get("apiVersion"), str) or not isinstance(o.get("kind"), str):
                continue
            _, v = SCHEMAS.validator(o["apiVersion"], o["kind"])
            if v is not None:
                for e in v.iter_errors(o):
                    errs.append("%s %s: %s: %s" % (o["kind"], model.meta(o).get("name"),
                                                   "/".join(map(str, e.absolute_path)), e.message[:200]))
    return errs


SANITIZER = re.compile(rb"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: |SUMMARY: UndefinedBehaviorSanitizer")


def run(binary, args, data, env=None):
    """Run the binary; None on a hang. A sanitizer report (the ASan build exits 1
    on one, like an input error) becomes exit status 99, counted as a crash."""
    try:
        p = subprocess.run([binary] + args, input=data, capture_output=True, timeout=TIMEOUT,
                           env=dict(os.environ, **env) if env else None)
    except subprocess.TimeoutExpired:
        return None
    if SANITIZER.search(p.stderr):
        p.returncode = 99
    return p


def flat(docs):
    return [o for _, _, o in model.objects(docs)]


def in_namespace(objs, ns):
    """With -n/--namespace NS, objects without metadata.namespace are in NS
    (README "Namespaces"): copies that say so, for the API-rule checker."""
    if not ns:
        return objs
    out = []
    for o in objs:
        if isinstance(o, dict) and isinstance(o.get("metadata"), dict) and not o["metadata"].get("namespace"):
            o = dict(o, metadata=dict(o["metadata"], namespace=ns))
        out.append(o)
    return out


def check(binary, stream, opts):
    """All properties for one input; see the module comment."""
    docs = load_all(stream)
    shared = shared_paths(stream)
    tags = model.known_bugs(docs, opts, shared)
    want = model.convert_stream(docs, opts, shared)
    if opts.door.startswith("krm"):
        return check_krm(binary, stream, opts, docs, want, tags)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", prefix="d2s-model-") as cfg:
        if opts.door == "config":
            json.dump(opts.config_doc(), cfg)  # JSON is YAML
            cfg.flush()
        return check_run(binary, stream, opts, opts.args(cfg.name), docs, want, tags)


def diag_problems(log, want):
    """The model's expected diagnostics against the run's log lines
    (`deploy2sts: SEVERITY: ...`): each must be there with its severity; an
    info must never be a warning (README: a chosen path is an info)."""
    lines = [ln for ln in log.splitlines() if ln.startswith(("deploy2sts: info: ", "deploy2sts: warning: "))]
    probs = []
    for sev, text in sorted(set(want.diags)):
        if not any(ln.startswith("deploy2sts: %s: " % sev) and text in ln for ln in lines):
            probs.append("no %s saying %r (log: %s)" % (sev, text, " | ".join(ln[12:140] for ln in lines)[:600]))
        if sev == "info" and not any((s, text) == ("warning", text) for s, _ in want.diags):
            probs += ["a warning where an info is expected: %s" % ln[:300] for ln in lines
                      if ln.startswith("deploy2sts: warning: ") and text in ln]
    return probs


def check_run(binary, stream, opts, args, docs, want, tags):
    """The properties once the command line is known."""
    with tempfile.NamedTemporaryFile(suffix=".log", prefix="d2s-model-") as logf:
        p = run(binary, args, stream, env={"DEPLOY2STS_LOG_FILE": logf.name})
        log = open(logf.name, errors="replace").read()
    if p is None:
        return ["hang: no exit within %d s" % TIMEOUT], tags
    err = p.stderr.decode(errors="replace")
    if "the aliases cannot be expanded here" in err and b"!!" in stream:
        tags.add("expand-explicit-tag")
    if p.returncode not in (0, 1, 2):
        return ["crash: exit %d: %s" % (p.returncode, err[-800:])], tags
    if want.error:
        probs = []
        if p.returncode != 1:
            probs.append("model expects an error (%s), got exit %d" % (want.error, p.returncode))
        else:
            if p.stdout:
                probs.append("error with non-empty stdout")
            if want.positioned() and not POS.search(err):
                probs.append("error message without FILE:LINE:COL: %s" % err[:300])
            probs += ["no error saying %r: %s" % (t, err[:600]) for t in want.says() if t not in err]
        return probs, tags
    if p.returncode != 0:
        return ["exit %d, model expects success: %s" % (p.returncode, err[:600])], tags
    out = p.stdout
    probs = []
    try:
        got = load_all(out)
    except Exception as e:  # noqa: BLE001 - any parse failure is a finding
        return ["output is not YAML libyaml reads: %s" % e], tags
    if any(isinstance(d, dict) and d.get("kind") == "List" and None in (d.get("items") or []) for d in got):
        tags.add("dropped-item-null")
    if len(got) != len(want.docs):
        if any(isinstance(d, dict) and d.get("kind") == "List" and d.get("items") == [] for d in want.docs) \
                and len(got) < len(want.docs):
            tags.add("emptied-list-lost")
        probs.append("documents out %d, model expects %d (kinds out %s, expected %s)" % (
            len(got), len(want.docs), [d.get("kind") if isinstance(d, dict) else d for d in got],
            [d.get("kind") if isinstance(d, dict) else d for d in want.docs]))
    else:
        for k, (g, w) in enumerate(zip(got, want.docs)):
            if normalize(g) != normalize(w):
                probs.append("document %d (%s %s) differs from the model: %s" % (
                    k, w.get("kind") if isinstance(w, dict) else "", model.meta(w).get("name"),
                    "; ".join(diff(normalize(g), normalize(w))[:4])))
    # untouched documents: byte-identical, in order
    strip = lambda b: b[3:] if b.startswith(b"\xef\xbb\xbf") else b  # noqa: E731
    ip, op = pieces(strip(stream)), pieces(strip(out))
    if len(ip) == len(docs):
        j = 0
        for piece, same in zip(ip, want.unchanged):
            if not same:
                continue
            while j < len(op) and op[j] != piece:
                j += 1
            if j == len(op):
                probs.append("untouched document changed, lost or moved: %r" % piece[:160])
                break
            j += 1
    probs += diag_problems(log, want)
    # idempotent (the flags may name nothing in the output: then an error)
    p2 = run(binary, args, out)
    again = model.convert_stream(got, opts, shared_paths(out))
    if p2 is None or p2.returncode not in (0, 1, 2):
        return probs + ["crash or hang on the second run: exit %s" % (p2 and p2.returncode)], tags
    if again.error:
        if p2 is None or p2.returncode != 1 or p2.stdout:
            probs.append("second run: model expects an error (%s), got exit %s" % (
                again.error, p2 and p2.returncode))
    elif p2 is None or p2.returncode != 0 or p2.stdout != out:
        probs.append("second run changed the output (exit %s): %s" % (
            p2 and p2.returncode, p2 and p2.stderr.decode(errors="replace")[:300]))
    # schemas and API rules
    if not schema_errors(docs):
        probs += ["schema: " + e for e in schema_errors(got)]
    if check_objects is not None:
        before = set(check_objects(in_namespace(flat(docs), opts.namespace)))
        # a hook passes through unchanged (README "Helm hooks"), also when it names a converted Deployment
        hooks = tuple("%s %s%s:" % (o.get("kind"), (model.ns_of(o) + "/") if model.ns_of(o) else "",
                                    model.meta(o).get("name")) for o in in_namespace(flat(got), opts.namespace)
                      if isinstance(o, dict) and model.is_hook(o))
        probs += ["API rule: " + e for e in check_objects(in_namespace(flat(got), opts.namespace))
                  if e not in before and not e.startswith(hooks)]
    return probs, tags


def resource_list(stream, fn_config):
    """The stream's documents as the items of a KRM ResourceList (each piece's
    text indented under `- `, comments kept), functionConfig in flow style."""
    stream = stream[3:] if stream.startswith(b"\xef\xbb\xbf") else stream
    nl = b"\r\n" if b"\r\n" in stream else b"\n"
    out = [b"apiVersion: config.kubernetes.io/v1", b"kind: ResourceList", b"items:"]
    for piece in pieces(stream):
        lines = [ln for ln in piece.splitlines() if not ln.startswith((b"---", b"...", b"%"))]
        first = True
        for ln in lines:
            if first and ln.strip() and not ln.lstrip().startswith(b"#"):
                out.append(b"- " + ln)
                first = False
            else:
                out.append(b"  " + ln if ln.strip() else b"")
    if out[-1] == b"items:":
        out[-1] = b"items: []"  # no document: an empty list (as kpt sends it)
    out.append(b"functionConfig: " + json.dumps(fn_config).encode())
    return nl.join(out) + nl


def check_krm(binary, stream, opts, docs, want, tags):
    """KRM function door: the same rules on the items of a ResourceList; on an
    error exit 1 with the items unchanged and an error result."""
    fn = opts.configmap_doc() if opts.door == "krm-cm" else opts.config_doc()
    data = resource_list(stream, fn)
    p = run(binary, opts.args(), data)
    if p is None:
        return ["hang: no exit within %d s" % TIMEOUT], tags
    err = p.stderr.decode(errors="replace")
    if "the aliases cannot be expanded here" in err and b"!!" in stream:
        tags.add("expand-explicit-tag")
    if p.returncode not in (0, 1):
        return ["crash, sanitizer report or usage error: exit %d: %s" % (p.returncode, err[-800:])], tags
    try:
        rl = load_all(p.stdout)[0]
        items, results = rl.get("items") or [], rl.get("results") or []
    except Exception as e:  # noqa: BLE001 - any parse failure is a finding
        return ["KRM output is not a ResourceList libyaml reads: %s" % e], tags
    in_items = [d for d in docs if d is not None]
    if want.error:
        probs = []
        if p.returncode != 1:
            probs.append("KRM: model expects an error (%s), got exit %d" % (want.error, p.returncode))
        if items != in_items:
            probs.append("KRM error: items changed")
        if not any(r.get("severity") == "error" for r in results):
            probs.append("KRM error: no error result")
        return probs, tags
    if p.returncode != 0:
        return ["KRM: exit %d, model expects success: %s" % (p.returncode, err[:600])], tags
    probs = []
    exp = [d for d in want.docs if d is not None]
    if len(items) != len(exp):
        probs.append("KRM: items out %d, model expects %d" % (len(items), len(exp)))
    else:
        for k, (g, w) in enumerate(zip(items, exp)):
            if normalize(g) != normalize(w):
                probs.append("KRM item %d (%s %s) differs from the model: %s" % (
                    k, w.get("kind"), model.meta(w).get("name"), "; ".join(diff(normalize(g), normalize(w))[:4])))
    p2 = run(binary, opts.args(), p.stdout)
    if p2 is not None and not items and b"items must be a list" in p2.stderr:
        tags.add("krm-empty-items")
    again = model.convert_stream(items, opts)  # the flags may name nothing in the output: then an error
    if again.error:
        if p2 is None or p2.returncode != 1:
            probs.append("KRM: second run: model expects an error (%s), got exit %s" % (
                again.error, p2 and p2.returncode))
    elif p2 is None or p2.returncode != 0 or (load_all(p2.stdout)[0].get("items") or []) != items:
        probs.append("KRM: second run changed the items")
    if not schema_errors(in_items):
        probs += ["schema: " + e for e in schema_errors(items)]
    return probs, tags
