"""Bad flags, bad --config files, bad YAML, conflicting flags and a large
stream: the paths the generated cases do not reach (found with `make coverage`).

Each usage case gives a command line (and a --config text or stdin) and the
promised answer: exit 2 for a usage error, exit 1 for an input error, with a
message that names the flag, the key path or FILE:LINE:COL, and empty stdout.
"""
import os
import re
import subprocess
import tempfile

from . import model, props
from .yamlio import load_all

DEP = (b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n"
       b"    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n"
       b"    spec:\n      containers: [{name: main, image: nginx}]\n")
VCT = "--volume-claim-template"
CONFIG_HEAD = "apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\nmetadata: {name: x}\nspec:\n"

# (args, want exit, text the message must contain)
FLAGS = [
    (["--bogus"], 2, "--bogus"),
    (["--only"], 2, "--only"),
    (["stray-argument"], 2, "stray-argument"),
    ([VCT, "data"], 2, "volume-claim-template"),
    ([VCT, "name=d,mountPath=/d,size=1Gi,colour=red"], 2, "colour"),
    ([VCT, "name=Data,mountPath=/d,size=1Gi"], 2, "DNS-1123"),
    ([VCT, "name=d,mountPath=/d,size=lots"], 2, "size"),
    ([VCT, "name=d,mountPath=/d,size=0"], 2, "size"),       # a resource.Quantity > 0 (README "Storage")
    ([VCT, "name=d,mountPath=/d,size=-1Gi"], 2, "size"),
    ([VCT, "name=d,mountPath=/d,size=10"], 2, "did you mean 10Gi?"),   # no unit: bytes (README "Storage")
    ([VCT, "name=d,mountPath=/d,size=100m"], 2, "did you mean 100Mi?"),  # below 1Mi: m is milli
    (["-n", "Bad_NS"], 2, "namespace"),                        # a DNS-1123 label (ValidateNamespaceName)
    ([VCT, "name=d,mountPath=/d,size=1Gi,volumeMode=Tape"], 2, "volumeMode"),
    ([VCT, "name=d,mountPath=/d,size=1Gi,accessModes=ReadSometimes"], 2, "accessModes"),
    ([VCT, "name=d,mountPath=/d,size=1Gi,storageClassName=Not_A_Name"], 2, "storageClassName"),
    ([VCT, "name=d,mountPath=/d,size=1Gi,containers=a b"], 2, "containers"),
    (["--partition", "-1"], 2, "partition"),
    (["--ordinals-start", "x"], 2, "ordinals-start"),
    (["--pvc-retention-policy", "whenDeleted=Maybe"], 2, "pvc-retention-policy"),
    (["--log-file", "/nonexistent-dir/log"], 2, "log-file"),
    (["-o", "/nonexistent-dir/out.yaml"], 1, "/nonexistent-dir/out.yaml"),
    (["-f", "/nonexistent-dir/in.yaml"], 1, "/nonexistent-dir/in.yaml"),
]

# (--config spec body, text the message must contain); all exit 2
CONFIGS = [
    ("  selector: [web]\n", "spec.selector"),
    ("  selector: {colour: red}\n", "colour"),
    ("  selector: {only: web}\n", "spec.selector.only"),
    ("  selector: {optIn: maybe}\n", "optIn"),
    ("  selector: {matchLabels: {'a b': c}}\n", "matchLabels"),
    ("  updateStrategy: OnDelete\n", "spec.updateStrategy"),
    ("  updateStrategy: {colour: red}\n", "colour"),
    ("  updateStrategy: {type: RollingUpdate, rollingUpdate: {colour: red}}\n", "colour"),
    ("  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: x}}\n", "partition"),
    ("  volumeClaimTemplates: data\n", "spec.volumeClaimTemplates"),
    ("  volumeClaimTemplates: [{metadata: {name: d}}]\n", "storage"),
    ("  volumeClaimTemplates: [{metadata: {name: d}, spec: {resources: {requests: {storage: '0'}}}}]\n", "storage"),
    ("  volumeClaimTemplates: [{metadata: {name: d}, spec: {resources: {requests: {storage: 10}}}}]\n",
     "did you mean 10Gi?"),
    ("  volumeClaimTemplates: [{metadata: {name: d}, spec: {colour: red, resources: {requests: {storage: 1Gi}}}}]\n",
     "colour"),
    ("  volumeClaimTemplates: [{metadata: {name: d}, spec: {storageClassName: [a], resources: {requests: "
     "{storage: 1Gi}}}}]\n", "storageClassName"),
    ("  volumeClaimTemplates: [{metadata: {name: 'a,b'}, spec: {resources: {requests: {storage: 1Gi}}}}]\n",
     "volumeClaimTemplates"),
    ("  volumeClaimTemplates: [{metadata: {name: d}, spec: {resources: {requests: {storage: 1Gi}}}}]\n"
     "  volumeMounts: [{name: d, colour: red}]\n", "colour"),
    ("  ordinals: {start: x}\n", "ordinals"),
    ("  persistentVolumeClaimRetentionPolicy: {colour: red}\n", "colour"),
    ("  podManagementPolicy: [Parallel]\n", "podManagementPolicy"),
    ("  headlessService: maybe\n", "headlessService"),
    ("  colour: red\n", "colour"),
    ("  overrides: [{name: web, colour: red}]\n", "colour"),
]

# input errors: exit 1 with FILE:LINE:COL
BAD_YAML = [
    b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n",
    b"kind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: web\n bad: indent\n",
    b"---\nkind: ConfigMap\n---\n\"unterminated\n",
]
POS = re.compile(r"deploy2sts: error: [^\n]*?:\d+:\d+: ")


def run(binary, args, data=b""):
    """props.run (sanitizer reports become exit 99); a hang raises."""
    p = props.run(binary, args, data)
    if p is None:
        raise subprocess.TimeoutExpired([binary] + args, props.TIMEOUT)
    return p


def cases(binary):
    """(name, problems) for every usage case."""
    out = []
    for args, rc, text in FLAGS:
        p = run(binary, args, DEP)
        err = p.stderr.decode(errors="replace")
        probs = [] if p.returncode == rc else ["exit %d, want %d: %s" % (p.returncode, rc, err[:200])]
        if text not in err:
            probs.append("message does not name %r: %s" % (text, err[:200]))
        if p.stdout and rc == 2:
            probs.append("usage error with output")
        out.append(("flags %s" % " ".join(args), probs))
    for body, text in CONFIGS:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write(CONFIG_HEAD + body)
            f.flush()
            p = run(binary, ["--config", f.name], DEP)
        err = p.stderr.decode(errors="replace")
        probs = [] if p.returncode == 2 else ["exit %d, want 2: %s" % (p.returncode, err[:200])]
        if text not in err:
            probs.append("message does not name %r: %s" % (text, err[:200]))
        out.append(("config %s" % body.strip(), probs))
    for data in BAD_YAML:
        p = run(binary, [], data)
        err = p.stderr.decode(errors="replace")
        probs = [] if p.returncode == 1 else ["exit %d, want 1" % p.returncode]
        if not POS.search(err):
            probs.append("no FILE:LINE:COL: %s" % err[:200])
        out.append(("bad YAML %r" % data[-20:], probs))
    out.append(("flags --migrate-data clone --drop-absorbed-pvcs", conflict(binary)))
    out.append(("large stream (held output beyond 2 MiB spills to $TMPDIR)", large_stream(binary)))
    return out


def conflict(binary):
    """--migrate-data clone keeps the absorbed PVCs as data sources, so it
    cannot go with --drop-absorbed-pvcs: a usage error (README flag table);
    --migrate-data none can."""
    stream = DEP + b"---\n" + PVC
    p = run(binary, ["--migrate-data", "clone", "--drop-absorbed-pvcs"], stream)
    probs = [] if p.returncode == 2 and not p.stdout else ["exit %d, want 2 and no output" % p.returncode]
    if "--drop-absorbed-pvcs" not in p.stderr.decode(errors="replace"):
        probs.append("message does not name --drop-absorbed-pvcs")
    p = run(binary, ["--migrate-data", "none", "--drop-absorbed-pvcs"], stream)
    if p.returncode != 0:
        probs.append("--migrate-data none --drop-absorbed-pvcs: exit %d" % p.returncode)
    return probs


PVC = (b"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n"
       b"  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n")


def large_stream(binary):
    """README "Usage": the output is held until the run succeeded, up to 2 MiB
    in memory, then in an unlinked temporary file in $TMPDIR. A Deployment
    that mounts a PVC written after 9 MiB of other documents (so it is decided
    at the end of the input) with --migrate-data clone: the output must be the
    model's, every untouched document byte-identical and in order, and
    nothing left in $TMPDIR."""
    big = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big%d\ndata:\n  blob: \""
    docs = [DEP.replace(b"containers:", b"volumes: [{name: d, persistentVolumeClaim: {claimName: c}}]\n"
                                       b"      containers:")]
    for k in range(9):
        docs.append(big % k + b"x" * (1 << 20) + b"\"\n")
    docs.append(PVC)
    stream = b"---\n".join(docs)
    o = model.Opts(migrate_data="clone")
    want = model.convert_stream(load_all(stream), o)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            p = subprocess.run([binary] + o.args(), input=stream, capture_output=True, timeout=props.TIMEOUT,
                               env=dict(os.environ, TMPDIR=tmp))
        except subprocess.TimeoutExpired:
            return ["hang"]
        left = os.listdir(tmp)
    if p.returncode != 0:
        return ["exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[:300])]
    probs = ["files left in $TMPDIR: %s" % left] if left else []
    got = load_all(p.stdout)
    if [props.normalize(d) for d in got] != [props.normalize(d) for d in want.docs]:
        probs.append("output differs from the model")
    out, k = props.pieces(p.stdout), 0
    for piece in props.pieces(stream)[1:-1]:  # the ConfigMaps, untouched, in order
        while k < len(out) and out[k] != piece:
            k += 1
        if k == len(out):
            probs.append("untouched document changed, lost or moved: %r" % piece[:60])
            break
    return probs


def main_check(binary, report):
    """Record every usage case in `report`."""
    for name, probs in cases(binary):
        report.case(name[:100], probs)


if __name__ == "__main__":
    import sys
    for n, pr in cases(os.path.abspath(sys.argv[1])):
        print("ok  " if not pr else "FAIL", n, pr)
