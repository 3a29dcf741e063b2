#!/usr/bin/env python3
"""test_output_files.py BIN - output files and the Helm log.

Files (-o, --in-place): a character device or FIFO is written through, never
replaced by a regular file; a symbolic link stays and its target is written;
an existing file keeps its mode, owner and group; a new file gets
0666 & ~umask; an error leaves every target as it was.

Helm: Helm 3 shows a post-renderer's stderr only on failure and Helm 4 never
shows a plugin's stderr, so under Helm (a parent process named helm*, or
HELM_PLUGIN_NAME) diagnostics also go to
$XDG_STATE_HOME/deploy2sts/deploy2sts.log. Checked with the real Helm 3
(--post-renderer BIN) and Helm 4 (plugin installed from this source tree);
SKIP lines when a client or privilege is missing.
"""
import grp
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from clientenv import helm_homes
from source_tree import copy_source_tree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELM3 = os.path.join(ROOT, ".tools", "bin", "helm3")
HELM4 = os.path.join(ROOT, ".tools", "bin", "helm4")
GOOD = os.path.join(ROOT, "testdata", "demo", "visits.yaml")
BAD = b'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: "three"\n'
DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    type: Recreate
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx
"""
LONG_NAME = "--service-name={name}-" + "a" * 70
# Under Helm a position names the chart template and the line inside its
# rendering (Helm 3: the "# Source:" comment; Helm 4: the postrender-filename
# annotation, which Helm 4 adds to metadata, so later lines move by its two).
POS = r"web/templates/deploy\.yaml:\d+:\d+: Deployment web: "
STRATEGY_AT = {"helm3": "web/templates/deploy.yaml:7:5: ", "helm4": "web/templates/deploy.yaml:9:5: "}

failures = []
passes = 0


def check(ok, what, detail=""):
    global passes
    if ok:
        passes += 1
        print("ok   " + what)
    else:
        failures.append(what)
        print("FAIL %s%s" % (what, (": " + detail) if detail else ""))


def run(args, data=None, env=None, umask=None, timeout=120):
    pre = (lambda: os.umask(umask)) if umask is not None else None
    p = subprocess.run(args, input=data, capture_output=True, env=env, timeout=timeout, preexec_fn=pre)
    return p.returncode, p.stdout, p.stderr


def leftovers(d):
    return [f for f in os.listdir(d) if "deploy2sts-" in f]


def test_devices(b, t):
    dev = os.path.join(t, "null")
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        if os.geteuid() != 0:
            print("SKIP: -o onto a character device: mknod needs root")
            return
        dev = "/dev/null"
    rc, _, err = run([b, "-q", "-f", GOOD, "-o", dev])
    st = os.stat(dev)
    check(rc == 0 and stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3),
          "-o onto a character device (null): written through, still a device", err.decode())
    check(not leftovers(os.path.dirname(dev)) or dev == "/dev/null", "-o onto a device: no temporary file")
    full = os.path.join(t, "full")
    try:
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    except OSError:
        return
    rc, _, err = run([b, "-q", "-f", GOOD, "-o", full])
    check(rc == 1 and stat.S_ISCHR(os.stat(full).st_mode) and b"cannot write output" in err,
          "-o onto /dev/full: exit 1 naming the write error, still a device", err.decode())


def test_dev_stdout(b, t):
    """-o onto a link to /proc/self/fd/1 (what /dev/stdout is), here a pipe:
    written through, the link stays. (A link of our own: a broken binary run
    as root must not replace the system's /dev/stdout.)"""
    link = os.path.join(t, "stdout")
    os.symlink("/proc/self/fd/1", link)
    want = run([b, "-q", "-f", GOOD])[1]
    rc, out, err = run([b, "-q", "-f", GOOD, "-o", link])
    check(rc == 0 and out == want and os.path.islink(link),
          "-o onto a link to /proc/self/fd/1 (a pipe): written through, the link stays", err.decode())


def read_fifo(path, box):
    with open(path, "rb") as f:
        box.append(f.read())


def test_fifo(b, t):
    fifo = os.path.join(t, "fifo")
    os.mkfifo(fifo)
    want = run([b, "-q", "-f", GOOD])[1]
    for data, rc_want, out_want, what in ((None, 0, want, "the whole output"),
                                          (BAD, 1, b"", "nothing on error")):
        box = []
        reader = threading.Thread(target=read_fifo, args=(fifo, box), daemon=True)
        reader.start()
        args = [b, "-q", "-o", fifo] + ([] if data else ["-f", GOOD])
        rc, _, err = run(args, data=data)
        reader.join(10)
        if reader.is_alive() and stat.S_ISFIFO(os.stat(fifo).st_mode):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # release the reader
        if not stat.S_ISFIFO(os.stat(fifo).st_mode):
            os.unlink(fifo)  # replaced by a file: start the next case with a FIFO again
            os.mkfifo(fifo)
            reader.join(1)
        check(rc == rc_want and box == [out_want] and stat.S_ISFIFO(os.stat(fifo).st_mode),
              "-o onto a FIFO: %s, still a FIFO" % what, "rc %d %s" % (rc, err.decode()))


def test_links(b, t):
    want = run([b, "-q", "-f", GOOD])[1]
    d = os.path.join(t, "links")
    os.makedirs(os.path.join(d, "sub"))
    target = os.path.join(d, "sub", "target.yaml")
    link = os.path.join(d, "link.yaml")
    with open(target, "w") as f:
        f.write("old\n")
    os.symlink("sub/target.yaml", link)
    rc, _, err = run([b, "-q", "-f", GOOD, "-o", link])
    check(rc == 0 and os.path.islink(link) and open(target, "rb").read() == want,
          "-o onto a symbolic link: the link stays, its target is written", err.decode())
    rc, _, _ = run([b, "-q", "-o", link], data=BAD)
    check(rc == 1 and os.path.islink(link) and open(target, "rb").read() == want and not leftovers(d + "/sub"),
          "-o onto a symbolic link on error: link and target untouched")
    shutil.copy(GOOD, target)
    rc, _, err = run([b, "-q", "-i", "-f", link])
    check(rc == 0 and os.path.islink(link) and open(target, "rb").read() == want,
          "--in-place on a symbolic link: the link stays, its target is rewritten", err.decode())
    dangling = os.path.join(d, "dangling.yaml")
    os.symlink("sub/new.yaml", dangling)
    rc, _, err = run([b, "-q", "-f", GOOD, "-o", dangling])
    check(rc == 0 and os.path.islink(dangling) and open(os.path.join(d, "sub", "new.yaml"), "rb").read() == want,
          "-o onto a dangling link: creates the file it names", err.decode())


def other_group():
    """A group id the file may be given: any as root, else a supplementary one."""
    mine = os.getegid()
    if os.geteuid() == 0:
        return next((g.gr_gid for g in grp.getgrall() if g.gr_gid != mine), mine + 1)
    return next((g for g in os.getgroups() if g != mine), None)


def test_modes(b, t):
    d = os.path.join(t, "modes")
    os.makedirs(d)
    f = os.path.join(d, "keep.yaml")
    shutil.copy(GOOD, f)
    os.chmod(f, 0o644)
    gid = other_group()
    uid = 4321 if os.geteuid() == 0 else os.geteuid()
    if gid is not None:
        os.chown(f, uid, gid)
    rc, _, err = run([b, "-q", "-i", "-f", f], umask=0o077)
    st = os.stat(f)
    check(rc == 0 and stat.S_IMODE(st.st_mode) == 0o644, "--in-place keeps mode 0644 (umask 077)",
          "mode %o %s" % (stat.S_IMODE(st.st_mode), err.decode()))
    if gid is None:
        print("SKIP: --in-place keeps the group: no second group to try")
    else:
        check(st.st_gid == gid and st.st_uid == uid, "--in-place keeps owner and group",
              "%d:%d, want %d:%d" % (st.st_uid, st.st_gid, uid, gid))
    o = os.path.join(d, "existing.yaml")
    with open(o, "w") as fh:
        fh.write("x\n")
    os.chmod(o, 0o640)
    rc, _, _ = run([b, "-q", "-f", GOOD, "-o", o], umask=0o022)
    check(rc == 0 and stat.S_IMODE(os.stat(o).st_mode) == 0o640, "-o onto an existing file keeps mode 0640")
    for mask, want in ((0o022, 0o644), (0o027, 0o640)):
        n = os.path.join(d, "new-%o.yaml" % mask)
        rc, _, _ = run([b, "-q", "-f", GOOD, "-o", n], umask=mask)
        got = stat.S_IMODE(os.stat(n).st_mode) if os.path.exists(n) else None
        check(rc == 0 and got == want, "-o creates a new file 0666 & ~umask (umask %03o -> %03o)" % (mask, want),
              "got %s" % (oct(got) if got is not None else "nothing"))
    rc, _, err = run([b, "-q", "-f", GOOD, "-o", d])
    check(rc == 1 and b"cannot write output" in err and os.path.isdir(d), "-o onto a directory: exit 1")


def write_chart(t, name, templates):
    """A chart web 0.1.0 in t/name with templates {file name: text}."""
    c = os.path.join(t, name)
    os.makedirs(os.path.join(c, "templates"), exist_ok=True)
    with open(os.path.join(c, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    for n, text in templates.items():
        with open(os.path.join(c, "templates", n), "w") as f:
            f.write(text)
    return c


def chart(t):
    return write_chart(t, "chart", {"deploy.yaml": DEPLOY})


def chart_pvc(t):
    """A chart with a PVC that its Deployment mounts (one replica). Its PVC
    template renders a second "---" after a blank line, as bjw-s app-template
    does, so Helm 3 puts its "# Source:" line in a document of its own."""
    return write_chart(t, "chart-pvc", {
        "pvc.yaml": "\n---\n\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: web\nspec:\n"
                    "  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
        "deploy.yaml": DEPLOY.replace("  strategy:\n    type: Recreate\n", "") +
                       "        volumeMounts: [{name: data, mountPath: /data}]\n"
                       "      volumes: [{name: data, persistentVolumeClaim: {claimName: web}}]\n"})


def helm_env(t, name):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELM_") and k != "XDG_STATE_HOME"}
    env.update(helm_homes(t, name))
    env["HOME"] = os.path.join(t, name, "home")
    env["XDG_STATE_HOME"] = os.path.join(t, name, "state")
    env.pop("DEPLOY2STS_LOG_FILE", None)
    env.pop("DEPLOY2STS_LOG", None)
    return env


def install_plugin(t, env):
    """helm4 plugin install of a copy of this source tree (tracked files)."""
    src = copy_source_tree(os.path.join(t, "deploy2sts-src"))
    rc, out, err = run([HELM4, "plugin", "install", src], env=env, timeout=600)
    return None if rc == 0 else "exit %d: %s" % (rc, (out + err).decode()[-600:])


def read_log(env):
    p = os.path.join(env["XDG_STATE_HOME"], "deploy2sts", "deploy2sts.log")
    return p, (open(p).read() if os.path.exists(p) else "")


def helm_cases(name, helm, renderer, env, c):
    """Warning, conversion error and usage error through one Helm client."""
    def render(*args):
        extra = ["--post-renderer", renderer] + ["--post-renderer-args=" + a for a in args]
        return run([helm, "template", "rel", c] + extra, env=env)
    client = "helm4-plugin" if name == "helm4" else "helm-post-renderer"
    rc, out, err = render("--pod-management-policy=Parallel")  # Recreate without --recreate-as warns
    path, log = read_log(env)
    check(rc == 0 and b"kind: StatefulSet" in out and
          re.search(r"client %s, argv: .*--pod-management-policy=Parallel" % client, log)
          and re.search("warning: " + POS + ".*strategy Recreate", log)
          and "warning: " + STRATEGY_AT[name] + "Deployment web: strategy Recreate" in log
          and "<stdin>" not in log,
          "%s: the warning is in the default log, with file:line:col" % name, "rc %d log %r %s" % (rc, log, err.decode()[-300:]))
    rc, out, err = render(LONG_NAME)
    _, log = read_log(env)
    check(rc != 0 and re.search("error: " + POS + "service name", log) and "end: exit 1" in log,
          "%s: the error is in the default log, with file:line:col" % name, "rc %d log %r" % (rc, log[-600:]))
    if name == "helm3":
        check(("all diagnostics of this run are in " + path) in err.decode(),
              "helm3: the failing run's stderr names the log file", err.decode()[-400:])
    rc, out, err = render("--pod-management-policy=Sideways")
    _, log = read_log(env)
    check(rc != 0 and 'invalid value "Sideways" for pod-management-policy' in log and "end: exit 2" in log,
          "%s: a usage error is in the default log" % name, log[-400:])
    # a name that matches nothing is a typo: the install fails (it used to convert nothing, exit 0)
    rc, out, err = render("--only=drupal")
    _, log = read_log(env)
    check(rc != 0 and "error: --only drupal matches no Deployment of the input (Deployments: web)" in log,
          "%s: --only naming no Deployment fails" % name, "rc %d %s" % (rc, log[-400:]))


def data_cases(name, helm, renderer, env, c):
    """A chart whose PVC the StatefulSet would absorb: no silent data decision."""
    def render(*args):
        extra = ["--post-renderer", renderer] + ["--post-renderer-args=" + a for a in args]
        return run([helm, "template", "rel", c] + extra, env=env)
    rc, out, err = render()
    _, log = read_log(env)
    check(rc != 0 and "error: web/templates/pvc.yaml:1:1: " in log and "say what becomes of this PVC's data"
          in log and "--post-renderer-args=--migrate-data=clone" in log,
          "%s: absorbing a PVC without a data choice fails, naming the choices" % name,
          "rc %d %s" % (rc, log[-600:]))
    rc, out, err = render("--migrate-data=clone", "--strict")
    _, log = read_log(env)
    check(rc == 0 and b"name: data-web-0" in out and "end: exit 0, 0 errors, 0 warnings" in log,
          "%s: --migrate-data clone is a choice: no warning, so --strict passes" % name,
          "rc %d %s" % (rc, log[-600:]))


def test_helm(b, t):
    if not (os.access(HELM3, os.X_OK) and os.access(HELM4, os.X_OK)):
        print("SKIP: Helm log: .tools/bin/helm3 and helm4 not installed (tests/install-tools.sh)")
        return
    c, cp = chart(t), chart_pvc(t)
    helm_cases("helm3", HELM3, b, helm_env(t, "helm3"), c)
    data_cases("helm3", HELM3, b, helm_env(t, "helm3"), cp)
    env4 = helm_env(t, "helm4")
    perr = install_plugin(t, env4)
    check(perr is None, "helm4 plugin install of this tree", perr or "")
    if perr is None:
        helm_cases("helm4", HELM4, "deploy2sts", env4, c)
        data_cases("helm4", HELM4, "deploy2sts", env4, cp)


def test_log_direct(b, t):
    """The same rules without Helm: HELM_PLUGIN_NAME is what Helm 4 sets."""
    env = helm_env(t, "direct")
    rc, _, _ = run([b], data=DEPLOY.encode(), env=env)
    check(rc == 0 and not os.path.exists(os.path.join(env["XDG_STATE_HOME"], "deploy2sts")),
          "not under Helm: no default log")
    env["HELM_PLUGIN_NAME"] = "deploy2sts"
    log = os.path.join(t, "named.log")
    rc, _, _ = run([b, "--log-file", log], data=DEPLOY.encode(), env=env)
    check(rc == 0 and not os.path.exists(os.path.join(env["XDG_STATE_HOME"], "deploy2sts"))
          and "warning: " in open(log).read(), "under Helm with --log-file: that file, no default log")
    # a "# Source:" comment left alone, then a piece too big to hold (streamed from the
    # pipe, never noted): the comment is not passed over it to the PVC after it
    big = ("---\n# Source: web/templates/a.yaml\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
           "  name: big\ndata:\n" + "".join("  k%d: '%0200d'\n" % (i, i) for i in range(6000)))
    pvc = "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec: {}\n"
    mount = DEPLOY + "      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n"
    rc, _, err = run([b, "--log-file", log], data=(mount + big + pvc).encode(), env=env)
    e = [ln for ln in err.decode().splitlines() if "error: " in ln]
    check(rc == 1 and e and "PersistentVolumeClaim data" in e[0] and "a.yaml" not in e[0],
          "under Helm, a streamed piece ends a lone # Source: comment", "\n".join(e)[:400])
    with open(os.path.join(t, "state-file"), "w") as f:
        f.write("not a directory\n")
    env["XDG_STATE_HOME"] = os.path.join(t, "state-file")
    rc, out, err = run([b], data=DEPLOY.encode(), env=env)
    e = err.decode()
    check(rc == 0 and b"kind: StatefulSet" in out and e.count("cannot open the log file") == 1,
          "a default log that cannot be opened: one warning, the run goes on", e)
    del env["XDG_STATE_HOME"]
    rc, _, _ = run([b], data=DEPLOY.encode(), env=env)
    p = os.path.join(env["HOME"], ".local", "state", "deploy2sts", "deploy2sts.log")
    check(rc == 0 and os.path.exists(p) and "warning: <stdin>:" in open(p).read(),
          "no XDG_STATE_HOME: the log is under $HOME/.local/state")


def main():
    b = os.path.abspath(sys.argv[1])
    t = tempfile.mkdtemp(prefix="d2s-outfiles-")
    try:
        test_devices(b, t)
        test_fifo(b, t)
        test_dev_stdout(b, t)
        test_links(b, t)
        test_modes(b, t)
        test_log_direct(b, t)
        test_helm(b, t)
    finally:
        shutil.rmtree(t, ignore_errors=True)
    print("output_files: %d passed, %d failed" % (passes, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
