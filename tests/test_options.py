#!/usr/bin/env python3
"""test_options.py BIN - options from flags, environment and --config.

Every option in --help has a working DEPLOY2STS_* environment variable;
precedence is flags > environment > --config in all three directions;
--version names version, commit and libfyaml; the generated bash completion
completes flags and enum values."""
import os
import re
import subprocess
import sys
import tempfile

from clientenv import read_text

BIN = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "testdata", "demo", "visits.yaml")
PVC_DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: a
        image: x
      volumes:
      - name: up
        persistentVolumeClaim:
          claimName: up
"""
# the same Deployment with its claim in the input, ReadWriteMany: kept shared
# unless --split-volume names it
RWX_DEPLOY = PVC_DEPLOY + """---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: up
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 1Gi}}
"""
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what)


def run(args, env=None, stdin=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("DEPLOY2STS_")}
    e.pop("KUSTOMIZE_PLUGIN_CONFIG_STRING", None)
    e.update(env or {})
    if stdin is None:
        with open(DEMO) as f:
            stdin = f.read()
    p = subprocess.run([BIN] + args, input=stdin, capture_output=True, text=True, env=e)
    return p.returncode, p.stdout, p.stderr


def env_name(flag):
    return "DEPLOY2STS_" + flag.upper().replace("-", "_")


def help_flags():
    _, out, _ = run(["--help"], stdin="")
    return sorted(set(re.findall(r"^\s+(?:-\w, )?--([a-z][a-z-]*)", out, re.M)) - {"help", "version"})


def bad_value(flag, value):
    """The variable is read and validated: exit 2 naming variable and option."""
    def test(tmp):
        rc, _, err = run([], {env_name(flag): value})
        return rc == 2 and env_name(flag) in err and flag in err
    return test


def effect(flag, value, pred, stdin=None, more=None):
    """The variable of `flag` set to `value` (and the variables `more`) has
    the effect `pred` checks."""
    def test(tmp):
        env = dict(more or {}, **{env_name(flag): value.replace("TMP", tmp)})
        rc, out, err = run([], env, stdin)
        return pred(rc, out, err, tmp)
    return test


CASES = {
    "filename": effect("filename", "TMP/missing.yaml", lambda rc, o, e, t: rc == 1 and "missing.yaml" in e),
    "output": effect("output", "TMP/out.yaml", lambda rc, o, e, t: rc == 0 and o == ""
                     and "kind: StatefulSet" in read_text(t + "/out.yaml")),
    "in-place": bad_value("in-place", "sometimes"),
    "only": effect("only", "nothing-matches", lambda rc, o, e, t: rc == 1 and o == "" and
                   "--only nothing-matches matches no Deployment" in e),
    "exclude": effect("exclude", "*", lambda rc, o, e, t: rc == 0 and "kind: StatefulSet" not in o),
    "selector": bad_value("selector", "a in ("),
    "opt-in": effect("opt-in", "true", lambda rc, o, e, t: rc == 0 and "kind: StatefulSet" not in o),
    "skip-unsupported": bad_value("skip-unsupported", "perhaps"),
    "service-name": effect("service-name", "{name}-svc", lambda rc, o, e, t: "serviceName: visits-svc" in o),
    "pod-management-policy": effect("pod-management-policy", "Parallel",
                                    lambda rc, o, e, t: "podManagementPolicy: Parallel" in o),
    "update-strategy": bad_value("update-strategy", "Sideways"),
    "recreate-as": bad_value("recreate-as", "Sideways"),
    "partition": effect("partition", "2", lambda rc, o, e, t: "partition: 2" in o),
    "max-unavailable": bad_value("max-unavailable", "0"),
    "pvc-retention-policy": bad_value("pvc-retention-policy", "whenDeleted=Keep"),
    "ordinals-start": effect("ordinals-start", "5", lambda rc, o, e, t: "start: 5" in o),
    "min-ready-seconds": effect("min-ready-seconds", "7", lambda rc, o, e, t: "minReadySeconds: 7" in o),
    "revision-history-limit": effect("revision-history-limit", "3",
                                     lambda rc, o, e, t: "revisionHistoryLimit: 3" in o),
    "publish-not-ready-addresses": effect("publish-not-ready-addresses", "true",
                                          lambda rc, o, e, t: "publishNotReadyAddresses: true" in o),
    "no-headless-service": effect("no-headless-service", "true",
                                  lambda rc, o, e, t: rc == 0 and "clusterIP: None" not in o),
    "volume-claim-template": effect("volume-claim-template",
                                    "name=data,mountPath=/data,size=1Gi\nname=logs,mountPath=/logs,size=2Gi",
                                    lambda rc, o, e, t: "storage: 1Gi" in o and "storage: 2Gi" in o),
    "shared-volume": effect("shared-volume", "up", lambda rc, o, e, t: rc == 0 and "shares it" not in e,
                            PVC_DEPLOY),
    "split-volume": effect("split-volume", "up",
                           lambda rc, o, e, t: rc == 0 and "volumeClaimTemplates" in o, RWX_DEPLOY,
                           {"DEPLOY2STS_MIGRATE_DATA": "none"}),
    "namespace": effect("namespace", "shop",
                        lambda rc, o, e, t: rc == 0 and "assuming" not in e and "volumeClaimTemplates" in o,
                        PVC_DEPLOY.replace("name: web\n", "name: web\n  namespace: shop\n", 1)
                        + RWX_DEPLOY[len(PVC_DEPLOY):].replace("ReadWriteMany", "ReadWriteOnce"),
                        {"DEPLOY2STS_MIGRATE_DATA": "none"}),
    "drop-absorbed-pvcs": bad_value("drop-absorbed-pvcs", "maybe"),
    "migrate-data": effect("migrate-data", "clone",
                           lambda rc, o, e, t: rc == 0 and "name: up-web-0" in o and "dataSource:" in o,
                           RWX_DEPLOY.replace("ReadWriteMany", "ReadWriteOnce")),
    "quiet": effect("quiet", "true", lambda rc, o, e, t: rc == 0 and e == "", PVC_DEPLOY),
    "strict": effect("strict", "true", lambda rc, o, e, t: rc == 1 and "shares it" in e, PVC_DEPLOY),
    "log-file": effect("log-file", "TMP/log", lambda rc, o, e, t: "shares it" in read_text(t + "/log"), PVC_DEPLOY),
    "report": effect("report", "TMP/report.json",
                     lambda rc, o, e, t: rc == 0 and '"kind": "ConversionReport"' in read_text(t + "/report.json")),
    "report-format": bad_value("report-format", "xml"),
    "require-conversion": effect("require-conversion", "true",
                                 lambda rc, o, e, t: rc == 1 and "no Deployment converted" in e,
                                 PVC_DEPLOY.replace("name: web\n", "name: web\n  annotations:\n"
                                                    "    deploy2sts.io/convert: \"false\"\n", 1)),
    "config": effect("config", "TMP/missing-config.yaml",
                     lambda rc, o, e, t: rc == 2 and "missing-config.yaml" in e),
}


def test_env_every_option(tmp):
    flags = help_flags()
    check(len(flags) > 20 and sorted(CASES) == flags,
          "every option in --help has an environment test (missing: %s, stale: %s)"
          % (sorted(set(flags) - set(CASES)), sorted(set(CASES) - set(flags))))
    for flag in flags:
        if flag in CASES:
            check(CASES[flag](tmp), "environment %s works" % env_name(flag))


def test_precedence(tmp):
    cfg = os.path.join(tmp, "conv.yaml")
    with open(cfg, "w") as f:
        f.write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\n"
                "spec:\n  podManagementPolicy: OrderedReady\n  selector: {only: [visits]}\n")
    pmp = "DEPLOY2STS_POD_MANAGEMENT_POLICY"
    _, out, _ = run(["--pod-management-policy", "Parallel"], {pmp: "OrderedReady"})
    check("podManagementPolicy: Parallel" in out, "flag wins over environment")
    _, out, _ = run(["--config", cfg], {pmp: "Parallel"})
    check("podManagementPolicy: Parallel" in out, "environment wins over --config")
    _, out, _ = run(["--config", cfg, "--pod-management-policy", "Parallel"])
    check("podManagementPolicy: Parallel" in out, "flag wins over --config")
    _, out, _ = run(["--config", cfg])
    check("podManagementPolicy: OrderedReady" in out, "--config alone applies")
    _, out, _ = run(["--config", cfg], {"DEPLOY2STS_ONLY": "other"})
    check("kind: StatefulSet" not in out, "repeatable from environment replaces the --config list")
    _, out, _ = run(["--only", "visits"], {"DEPLOY2STS_ONLY": "other"})
    check("kind: StatefulSet" in out, "repeatable flag replaces the environment list")
    _, out, _ = run([], {"DEPLOY2STS_CONFIG": cfg, pmp: "Parallel"})
    check("podManagementPolicy: Parallel" in out, "DEPLOY2STS_CONFIG is read, environment still wins")
    rc, _, err = run([], {"DEPLOY2STS_LOG": os.path.join(tmp, "legacy.log"),
                          "DEPLOY2STS_STRICT": "false"}, PVC_DEPLOY)
    check(rc == 0 and "shares it" in read_text(os.path.join(tmp, "legacy.log")), "legacy DEPLOY2STS_LOG still works")
    check(run([], {"DEPLOY2STS_PARTITION": ""})[0] == 0, "an empty variable is unset")
    with open(os.path.join(ROOT, "testdata", "krm", "configmap.yaml")) as f:
        krm = f.read()
    if "pod-management-policy: Parallel" in krm:
        _, out, _ = run([], {pmp: "OrderedReady"}, krm)
        check("podManagementPolicy: OrderedReady" in out, "KRM: environment wins over functionConfig")
        _, out, _ = run(["--pod-management-policy", "Parallel"], {pmp: "OrderedReady"}, krm)
        check("podManagementPolicy: Parallel" in out, "KRM: flag wins over environment")


def test_config_claims(tmp):
    cfg = os.path.join(tmp, "vct.yaml")
    with open(cfg, "w") as f:
        f.write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\nspec:\n"
                "  volumeClaimTemplates:\n  - metadata: {name: cache}\n"
                "    spec: {accessModes: [ReadWriteOnce, ReadOnlyMany], resources: {requests: {storage: 3Gi}}}\n"
                "  volumeMounts: [{name: cache, mountPath: '/cache,x=y'}]\n")
    rc, out, err = run(["--config", cfg])
    check(rc == 0 and "storage: 3Gi" in out and "/cache,x=y" in out and "ReadOnlyMany" in out,
          "claim templates from --config keep ',' and '=' in values (no flag-text round trip)")
    with open(cfg, "w") as f:
        f.write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\nspec:\n"
                "  volumeClaimTemplates:\n  - metadata: {name: data}\n"
                "    spec: {resources: {requests: {storage: lots}}}\n")
    rc, _, err = run(["--config", cfg])
    check(rc == 2 and "vct.yaml:5:5:" in err and "spec.resources.requests.storage" in err and "lots" in err,
          "bad claim size in --config: file:line:col and the key path")
    with open(cfg, "w") as f:
        f.write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\nspec:\n"
                "  updateStrategy: {rollingUpdate: {partitions: 1}}\n")
    rc, _, err = run(["--config", cfg])
    check(rc == 2 and "vct.yaml:4:36:" in err and 'unknown key "partitions"' in err and "partition" in err,
          "unknown nested key in --config: location and the known keys")


def test_version(tmp):
    rc, out, _ = run(["--version"], stdin="")
    m = re.match(r"deploy2sts (\d+\.\d+\.\d+) \(([^,]+), commit ([0-9a-f]{7,}|unknown), libfyaml ([^)]+)\)\n$", out)
    check(rc == 0 and m is not None, "--version: version, platform, commit, libfyaml (%r)" % out)
    u = os.uname()
    here = {"x86_64": "linux/amd64", "aarch64": "linux/arm64"}.get(u.machine) if u.sysname == "Linux" else None
    here = here or "other platform"
    check(m is not None and m.group(2) == here, "--version names this machine's platform, %s (%r)" % (here, out))
    pc = subprocess.run(["pkg-config", "--modversion", "libfyaml"], capture_output=True, text=True)
    if m and pc.returncode == 0:
        check(m.group(4).startswith(pc.stdout.strip().split("-")[0]), "--version names the libfyaml in use")


def test_bash_completion(tmp):
    script = os.path.join(tmp, "c.bash")
    rc, out, _ = run(["--completion", "bash"], stdin="")
    with open(script, "w") as f:
        f.write(out)

    def complete(*words):
        cmd = ('source "%s"; COMP_WORDS=(%s); COMP_CWORD=%d; _deploy2sts; printf "%%s\\n" "${COMPREPLY[@]}"'
               % (script, " ".join("'%s'" % w for w in words), len(words) - 1))
        p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=tmp)
        return sorted(x for x in p.stdout.split("\n") if x)

    check(rc == 0 and complete("deploy2sts", "--pod-management-policy", "") == ["OrderedReady", "Parallel"],
          "bash: --pod-management-policy completes OrderedReady, Parallel")
    check(complete("deploy2sts", "--pod-man") == ["--pod-management-policy"], "bash: --pod-man completes the flag")
    check(complete("deploy2sts", "--update-strategy=On") == ["OnDelete"], "bash: --update-strategy=On completes")
    open(os.path.join(tmp, "chart.yaml"), "w").close()
    check("chart.yaml" in complete("deploy2sts", "-f", "cha"), "bash: -f completes file names")
    rc, out, _ = run(["--completion", "zsh"], stdin="")
    check(rc == 0 and out.startswith("#compdef deploy2sts") and "(OrderedReady Parallel)" in out,
          "zsh: script with enum values")
    zsh = subprocess.run(["sh", "-c", "command -v zsh"], capture_output=True, text=True).stdout.strip()
    if zsh:
        p = subprocess.run([zsh, "-n", "-c", out], capture_output=True, text=True)
        check(p.returncode == 0, "zsh: script parses (zsh -n)")
    rc, _, err = run(["--completion", "fish"], stdin="")
    check(rc == 2 and "bash or zsh" in err, "--completion with another shell is a usage error")


def test_claim_sizes(tmp):
    """size= is a Kubernetes quantity greater than zero (PVC storage > 0,
    ValidatePersistentVolumeClaimSpec) with a unit and at least 1Mi (README
    "Storage"): a plain number counts bytes and "m" is milli to
    resource.Quantity, so size=10 or size=100m is a unit mistake, refused with
    the likely unit, through every door (flag, environment, --config,
    ConfigMap and typed functionConfig)."""
    for size in ("0", "0Gi", "1GB", "-1Gi", "lots", "1..5Gi"):
        rc, out, err = run(["--volume-claim-template", "name=d,mountPath=/d,size=" + size], stdin="")
        check(rc == 2 and out == "" and "greater than zero" in err, "size=%s is a usage error" % size)
    for size, hint in (("10", "10 bytes; did you mean 10Gi?"), ("1.5", "did you mean 1.5Gi?"),
                       ("100m", '"m" means milli: a thousandth of a byte); did you mean 100Mi?'),
                       ("500k", "did you mean 500Mi?"), ("0.5Mi", "did you mean 0.5Gi?"),
                       ("1M", "did you mean 1Mi?"), ("1e3", "below the minimum of 1Mi"),
                       ("1073741824", "has no unit, so Kubernetes reads it as a count of bytes; did you mean 1Gi?")):
        rc, out, err = run(["--volume-claim-template", "name=d,mountPath=/d,size=" + size], stdin="")
        check(rc == 2 and out == "" and ("size=%s " % size) in err and hint in err,
              "size=%s is a usage error suggesting the unit (%s)" % (size, err.strip().splitlines()[0] if err else ""))
    for size in ("1Gi", "1.5Gi", "500M", "500Mi", "1G", "1e9", "0.5Ti", "1Mi", "1.048576M"):
        rc, _, err = run(["--volume-claim-template", "name=d,mountPath=/d,size=" + size], stdin="")
        check(rc == 0, "size=%s is accepted (%s)" % (size, err.strip()))
    rc, _, err = run([], {"DEPLOY2STS_VOLUME_CLAIM_TEMPLATE": "name=d,mountPath=/d,size=10"})
    check(rc == 2 and "DEPLOY2STS_VOLUME_CLAIM_TEMPLATE" in err and "did you mean 10Gi?" in err,
          "size=10 in the environment: usage error naming the variable and the unit")
    cfg = os.path.join(tmp, "size.yaml")
    with open(cfg, "w") as f:
        f.write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\nspec:\n"
                "  volumeClaimTemplates:\n  - metadata: {name: data}\n"
                "    spec: {resources: {requests: {storage: 100m}}}\n")
    rc, _, err = run(["--config", cfg])
    check(rc == 2 and "size.yaml:5:5:" in err and "spec.resources.requests.storage" in err and
          '"100m" is below the minimum of 1Mi' in err and "did you mean 100Mi?" in err,
          "storage: 100m in --config: file:line:col, key path and the unit")
    items = ('- {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"}, "spec": '
             '{"selector": {"matchLabels": {"app": "api"}}, "template": {"metadata": {"labels": {"app": "api"}}, '
             '"spec": {"containers": [{"name": "api", "image": "api:1"}]}}}}\n')
    for fc in ("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data:\n"
               "    volume-claim-template: name=d,mountPath=/d,size=10\n",
               "functionConfig:\n  apiVersion: deploy2sts.io/v1alpha1\n  kind: StatefulSetConversion\n"
               "  metadata: {name: c}\n  spec:\n    volumeClaimTemplates:\n    - metadata: {name: d}\n"
               "      spec: {resources: {requests: {storage: '10'}}}\n"):
        rl = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + items + fc
        rc, out, err = run([], stdin=rl)
        check(rc == 1 and "severity: error" in out and "did you mean 10Gi?" in out,
              "size 10 in a %s functionConfig: error result with the unit" % fc.split("kind: ")[1].split("\n")[0])


def test_require_conversion_config(tmp):
    """requireConversion, the config key of --require-conversion, works in
    --config and in both functionConfig forms (typed StatefulSetConversion and
    the ConfigMap of `kpt fn eval -- require-conversion=true`); flags and
    environment still win over the file."""
    skipped = PVC_DEPLOY.replace("name: web\n", "name: web\n  annotations:\n"
                                 "    deploy2sts.io/convert: \"false\"\n", 1)
    cfg = os.path.join(tmp, "require.yaml")
    for value, want_rc in (("true", 1), ("false", 0)):
        with open(cfg, "w") as f:
            f.write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\n"
                    "spec:\n  requireConversion: %s\n" % value)
        rc, out, err = run(["--config", cfg], stdin=skipped)
        check(rc == want_rc and ("error: no Deployment converted" in err) == (want_rc == 1) and
              (out == "") == (want_rc == 1),
              "--config requireConversion: %s -> exit %d (%s)" % (value, want_rc, err.strip()[-120:]))
    with open(cfg, "w") as f:
        f.write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\nspec:\n  requireConversion: true\n")
    rc, _, err = run(["--config", cfg], {"DEPLOY2STS_REQUIRE_CONVERSION": "false"}, skipped)
    check(rc == 0 and "warning: no Deployment converted" in err, "environment false wins over --config requireConversion")
    with open(cfg, "w") as f:
        f.write("apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\n"
                "spec:\n  overrides:\n  - name: web\n    requireConversion: true\n")
    rc, _, err = run(["--config", cfg], stdin=skipped)
    check(rc == 2 and 'unknown key "requireConversion"' in err, "requireConversion is refused inside overrides[]")
    item = ('- {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "annotations": '
            '{"deploy2sts.io/convert": "false"}}, "spec": {"selector": {"matchLabels": {"app": "api"}}, '
            '"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": '
            '[{"name": "api", "image": "api:1"}]}}}}\n')
    forms = {"ConfigMap": "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n"
                          "  data:\n    require-conversion: \"%s\"\n",
             "StatefulSetConversion": "functionConfig:\n  apiVersion: deploy2sts.io/v1alpha1\n"
                                      "  kind: StatefulSetConversion\n  metadata: {name: c}\n"
                                      "  spec:\n    requireConversion: %s\n"}
    for kind, fc in sorted(forms.items()):
        for value, want_rc in (("true", 1), ("false", 0)):
            rl = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + item + fc % value
            rc, out, err = run([], stdin=rl)
            sev = "error" if want_rc else "warning"
            check(rc == want_rc and "kind: ResourceList" in out and
                  re.search(r"message: .*no Deployment converted[^\n]*\n\s*severity: %s" % sev, out) is not None,
                  "%s functionConfig requireConversion %s: exit %d, a %s result" % (kind, value, want_rc, sev))


def test_flag_and_value_in_one_argument(tmp):
    """Helm passes each --post-renderer-args as one argument, so
    --post-renderer-args="--pod-management-policy Parallel" arrives as one
    word: a usage error that shows the --flag=value form; an unknown flag
    with a value gets no such hint."""
    rc, out, err = run(["--pod-management-policy Parallel"], stdin="")
    check(rc == 2 and out == "" and "write --pod-management-policy=Parallel" in err and
          "--post-renderer-args=--pod-management-policy=Parallel" in err,
          "a flag and its value in one argument: usage error showing --flag=value")
    rc, _, err = run(["--no-such-flag x"], stdin="")
    check(rc == 2 and "unknown option --no-such-flag x" in err and "write" not in err,
          "an unknown flag and a value in one argument: no hint")
    for a in ("--opt-in true", "--opt-in=true"):
        rc, _, err = run([a], stdin="")
        check(rc == 2 and "option --opt-in takes no value" in err and "--post-renderer-args=--opt-in)" in err
              and "--opt-in=true (" not in err, "a value for a flag that takes none (%s): say so" % a)


with tempfile.TemporaryDirectory() as t:
    for fn in (test_env_every_option, test_precedence, test_config_claims, test_version, test_bash_completion,
               test_claim_sizes, test_require_conversion_config, test_flag_and_value_in_one_argument):
        fn(t)
print("options: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
