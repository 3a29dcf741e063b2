#!/usr/bin/python3
"""Messages a Helm 4 user sees (README "Where Helm users find warnings and
errors"). Helm 4 runs a post-renderer plugin with its stderr collected into a
buffer nobody reads (4.1.4, and 4.3.2: helm.sh/helm/v4 internal/plugin
runtime_subprocess.go, runPostrenderer), so under Helm 4 deploy2sts also
writes errors and data-affecting warnings to the controlling terminal
(/dev/tty, as git and gpg prompt there), with a line naming the log file.

The terminal is a real pseudo-terminal: `script -qec CMD /dev/null`
(util-linux) runs the real Helm with the plugin installed; Helm's own stdout
and stderr go to files, so what `script` prints is only what was written to
/dev/tty. Negative controls: without a controlling terminal (setsid) the
same failure still fails cleanly and is logged; a run without errors or data
warnings, and deploy2sts outside Helm, write nothing to the terminal.

Helm 4.1.4 is .tools/bin/helm4 (tests/install-tools.sh); Helm 4.3.2 is built
from the Go module proxy by tests/helm4new/build.sh into .tools/bin/helm4.3
(its tests SKIP loudly when Go or the proxy is missing).
Usage: test_helm_tty.py path/to/deploy2sts
"""
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile

from clientenv import helm_homes, read_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, ".tools", "bin")
results = []
LONG = "x" * 50   # release name: the StatefulSet <release>-chart has 56 > 52 characters


def case(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s %s" % ("ok  " if ok else "FAIL", name, "" if ok else str(detail)[-900:]))


def skip(name, why):
    print("SKIP %s: %s" % (name, why))


def clean_env(extra):
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("DEPLOY2STS_", "HELM_")) and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    e.update(extra)
    return e


def plugin_dir(tmp, b):
    """The Helm 4 plugin as the release archive lays it out: plugin.yaml, the
    install hook and a prebuilt bin/linux-<arch>/deploy2sts for this machine
    (the binary under test; the hook takes it since its version is the
    plugin's)."""
    d = os.path.join(tmp, "plugin")
    plat = "linux-arm64" if platform.machine() in ("aarch64", "arm64") else "linux-amd64"
    os.makedirs(os.path.join(d, "bin", plat))
    os.makedirs(os.path.join(d, "packaging"))
    shutil.copy(os.path.join(ROOT, "plugin.yaml"), d)
    shutil.copy(os.path.join(ROOT, "packaging", "helm-plugin-hook.sh"), os.path.join(d, "packaging"))
    shutil.copy(b, os.path.join(d, "bin", plat, "deploy2sts"))
    return d


def setup_helm(helm, tag, tmp, plugin):
    """Homes of their own for this Helm, the plugin installed. Returns env or None."""
    env = clean_env(dict(helm_homes(tmp, tag), XDG_STATE_HOME=os.path.join(tmp, tag, "state"), SHELL="/bin/sh"))
    p = subprocess.run([helm, "plugin", "install", plugin], env=env, capture_output=True, text=True, timeout=120)
    case("%s: plugin installed with the prebuilt binary" % tag, p.returncode == 0 and
         "deploy2sts: using the prebuilt" in p.stdout + p.stderr, p.stdout + p.stderr)
    return env if p.returncode == 0 else None


def on_tty(cmd, env, cwd):
    """Run the shell command `cmd` with a pseudo-terminal as its controlling
    terminal; returns (what the terminal showed, exit status of cmd)."""
    p = subprocess.run(["script", "-qec", cmd + "; echo \"rc=$?\"", "/dev/null"], env=env, cwd=cwd,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=180)
    shown = p.stdout.decode(errors="replace").replace("\r\n", "\n")
    m = re.search(r"rc=(\d+)\n?$", shown)
    return (shown[:m.start()] if m else shown), (int(m.group(1)) if m else None)


def quoted(*words):
    return " ".join("'%s'" % w.replace("'", "'\\''") for w in words)


def test_one_helm(helm, tag, env, tmp, chart):
    log = os.path.join(env["XDG_STATE_HOME"], "deploy2sts", "deploy2sts.log")
    out, err = os.path.join(tmp, tag + ".out"), os.path.join(tmp, tag + ".err")
    redirect = " >%s 2>%s" % (quoted(out), quoted(err))

    # a failing conversion: the StatefulSet name is longer than 52 characters
    shown, rc = on_tty(quoted(helm, "template", LONG, chart, "--post-renderer", "deploy2sts") + redirect, env, tmp)
    # under Helm the position names the chart template (not Helm's <stdin> stream)
    ours = ("deploy2sts: error: chart/templates/deployment.yaml:4:9: Deployment %s-chart: a StatefulSet "
            "name must be" % LONG)
    case("%s on a terminal: the command fails" % tag, rc not in (0, None), (rc, shown))
    case("%s on a terminal: our error is on the terminal" % tag, ours in shown, shown)
    case("%s on a terminal: a last line names the log file %s" % (tag, log),
         shown.rstrip("\n").splitlines()[-1:] ==
         ["deploy2sts: Helm 4 does not show this plugin's stderr: these messages and every other one of "
          "this run are in %s" % log], shown)
    case("%s: the log has the error too (kept as before)" % tag, ours[len("deploy2sts: error: "):] in read_text(log),
         read_text(log)[-600:])
    # what Helm shows on its own stderr: only that the plugin failed (so the terminal is needed)
    helm_err = read_text(err)
    case("%s drops the plugin's stderr: Helm's stderr says only 'exited with error'" % tag,
         'plugin "deploy2sts" exited with error' in helm_err and "StatefulSet name" not in helm_err and
         "deploy2sts:" not in helm_err.replace('plugin "deploy2sts"', ""), helm_err)

    # a usage error in --post-renderer-args reaches the terminal too
    shown, rc = on_tty(quoted(helm, "template", "web", chart, "--post-renderer", "deploy2sts",
                              "--post-renderer-args=--pod-management-policy=Sideways") + redirect, env, tmp)
    case("%s on a terminal: a usage error is on the terminal" % tag, rc not in (0, None) and
         'deploy2sts: error: invalid value "Sideways" for pod-management-policy' in shown and log in shown, shown)

    # negative control: a conversion with only a warning that is not about data -> nothing on the terminal
    shown, rc = on_tty(quoted(helm, "template", "web", chart, "--post-renderer", "deploy2sts") + redirect, env, tmp)
    logged = read_text(log).split("deploy2sts: run ")[-1]
    case("%s on a terminal: a successful run with a plain warning writes nothing there" % tag,
         rc == 0 and shown == "" and "kind: StatefulSet" in read_text(out) and "warning:" in logged and
         "overwritten by the StatefulSet controller" in logged, (rc, shown, logged[-400:]))

    # a data-affecting warning (a claim every replica keeps sharing) reaches the terminal, with
    # the chart template's position; the plain warning of the same run does not
    shown, rc = on_tty(quoted(helm, "template", "web", chart, "--post-renderer", "deploy2sts",
                              "--set", "extvol=true") + redirect, env, tmp)
    data = (r"deploy2sts: warning: chart/templates/extvol\.yaml:\d+:9: Deployment web-extvol: volume files "
            r"mounts PersistentVolumeClaim shared-files, which is not in the input: every replica shares it")
    case("%s on a terminal: a data-affecting warning is on the terminal, the plain one is not" % tag,
         rc == 0 and re.search(data, shown) and "overwritten by the StatefulSet controller" not in shown and
         log in shown, shown)

    # a selection that converts none of the chart's Deployments: the upgrade would change
    # nothing, so that warning reaches the terminal too (the output passes through)
    shown, rc = on_tty(quoted(helm, "template", "web", chart, "--post-renderer", "deploy2sts",
                              "--post-renderer-args=--selector=app=nope") + redirect, env, tmp)
    case("%s on a terminal: 'no Deployment converted' is on the terminal" % tag,
         rc == 0 and "deploy2sts: warning: no Deployment converted although the input has" in shown and
         "kind: Deployment" in read_text(out) and log in shown, shown)

    # negative control: no controlling terminal (setsid) -> the same failure, logged, nothing breaks
    before = read_text(log).count("deploy2sts: end: ")
    p = subprocess.run([helm, "template", LONG, chart, "--post-renderer", "deploy2sts"], env=env, cwd=tmp,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=180, start_new_session=True)
    after = read_text(log)
    case("%s without a terminal: fails as before, the run is logged in full, no output" % tag,
         p.returncode != 0 and p.stdout == b"" and re.search(r"deploy2sts: end: exit 1, \d+ errors?, ", after) and
         after.count("deploy2sts: end: ") == before + 1 and "StatefulSet name" in after.split("deploy2sts: run ")[-1],
         (p.returncode, p.stderr.decode()[-300:], after[-400:]))


def chart_dir(helm, tmp, env):
    """`helm create` chart plus a Deployment that only draws a plain (not
    data-affecting) warning: hostname is overwritten by the controller; with
    --set extvol=true also one that mounts a PVC not in the chart (a
    data-affecting warning: every replica shares the claim)."""
    chart = os.path.join(tmp, "chart")
    subprocess.run([helm, "create", chart], env=env, capture_output=True, check=True, timeout=60)
    with open(os.path.join(chart, "templates", "named.yaml"), "w") as f:
        f.write("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-named\n"
                "spec:\n  selector:\n    matchLabels: {app: named}\n  template:\n    metadata:\n"
                "      labels: {app: named}\n    spec:\n      hostname: fixed\n"
                "      containers: [{name: c, image: busybox}]\n")
    with open(os.path.join(chart, "templates", "extvol.yaml"), "w") as f:
        f.write("{{- if .Values.extvol }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
                "  name: {{ .Release.Name }}-extvol\nspec:\n  selector:\n    matchLabels: {app: extvol}\n"
                "  template:\n    metadata:\n      labels: {app: extvol}\n    spec:\n      volumes:\n"
                "      - name: files\n        persistentVolumeClaim: {claimName: shared-files}\n"
                "      containers: [{name: c, image: busybox}]\n{{- end }}\n")
    return chart


def test_cli_not_helm(b, tmp):
    """deploy2sts outside Helm: stderr only, never the terminal."""
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: three\n")
    shown, rc = on_tty(quoted(b, "-f", bad) + " >/dev/null 2>" + quoted(os.path.join(tmp, "cli.err")),
                       clean_env({"SHELL": "/bin/sh", "XDG_STATE_HOME": os.path.join(tmp, "cli-state")}), tmp)
    case("deploy2sts outside Helm on a terminal: the error goes to stderr only",
         rc == 1 and shown == "" and "error:" in read_text(os.path.join(tmp, "cli.err")), (rc, shown))


def build_helm43():
    """.tools/bin/helm4.3 from tests/helm4new (Helm 4.3.2). Path, or None (skipped)."""
    p = subprocess.run(["sh", os.path.join(ROOT, "tests", "helm4new", "build.sh")], capture_output=True, text=True,
                       timeout=3600)
    if p.returncode == 3:
        skip("Helm 4.3.2", (p.stderr.strip() or p.stdout.strip()).replace("SKIP: ", ""))
        return None
    case("tests/helm4new/build.sh builds Helm 4.3.2", p.returncode == 0, p.stdout[-400:] + p.stderr[-800:])
    return os.path.join(TOOLS, "helm4.3") if p.returncode == 0 else None


def main():
    b = os.path.abspath(sys.argv[1])
    if not shutil.which("script"):
        skip("Helm 4 terminal", "script (util-linux, Debian bsdutils) is not installed")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        test_cli_not_helm(b, tmp)
        plugin = plugin_dir(tmp, b)
        helm4 = os.path.join(TOOLS, "helm4")
        helms = []
        if os.access(helm4, os.X_OK):
            helms.append((helm4, "helm 4.1.4", "v4.1.4"))
        else:
            skip("Helm 4.1.4", ".tools/bin/helm4 missing (tests/install-tools.sh could not reach the npm registry)")
        helm43 = build_helm43()
        if helm43:
            helms.append((helm43, "helm 4.3.2", "v4.3.2"))
        chart = None
        for helm, tag, version in helms:
            v = subprocess.run([helm, "version", "--short"], capture_output=True, text=True).stdout
            case("%s is the real %s" % (tag, version), v.startswith(version), v)
            env = setup_helm(helm, tag.replace(" ", "-"), tmp, plugin)
            if not env:
                continue
            chart = chart or chart_dir(helm, tmp, env)
            test_one_helm(helm, tag, env, tmp, chart)
    failed = results.count(False)
    print("helm-tty: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
