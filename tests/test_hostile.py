#!/usr/bin/python3
"""Hostile inputs, each with its expected outcome (exit status, output, message).

Usage: test_hostile.py path/to/deploy2sts [--big MB]
With --big (used by `make slow-test`), a MB-sized single ConfigMap must pass
through byte for byte within 32 MiB of peak RSS; the default size is 64 MB.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

DEPLOY = (b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
          b"  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n"
          b"      labels:\n        app: web\n    spec:\n      containers:\n      - name: c\n"
          b"        image: x\n")
POS = re.compile(rb"error: [^:\n]+:\d+:\d+: ")
results = []


def run(data, args=(), timeout=20):
    t = time.time()
    p = subprocess.run([BIN] + list(args), input=data, capture_output=True, timeout=timeout)
    return p, time.time() - t


def case(name, ok, detail=""):
    results.append(ok)
    print("%s %s %s" % ("ok  " if ok else "FAIL", name, "" if ok else detail))


def expect_error(name, data, where=None, args=()):
    p, _ = run(data, args)
    ok = p.returncode == 1 and POS.search(p.stderr) and (where is None or where in p.stderr)
    case(name, bool(ok), "exit %d %r" % (p.returncode, p.stderr[:300]))


def expect_same(name, data, args=("-q",)):
    p, _ = run(data, args)
    case(name, p.returncode == 0 and p.stdout == data, "exit %d %r" % (p.returncode, p.stderr[:200]))


def expect_converted(name, data, args=("-q",), timeout=20):
    p, took = run(data, args, timeout)
    ok = p.returncode == 0 and b"kind: StatefulSet" in p.stdout and b"kind: Deployment" not in p.stdout
    case(name, ok, "exit %d %r" % (p.returncode, p.stderr[:300]))
    return p


def main():
    global BIN
    BIN = os.path.abspath(sys.argv[1])
    big = int(sys.argv[sys.argv.index("--big") + 1]) if "--big" in sys.argv else 64

    expect_error("NUL byte in a comment", b"a: 1 # x\x00y\n" + b"---\n" + DEPLOY, b":1:")
    expect_error("invalid UTF-8 in a comment", b"---\n# \xff\xfe bad\n" + DEPLOY, b":2:3:")
    expect_error("truncated UTF-8 at end", DEPLOY + b"# \xe2\x82")
    expect_error("overlong UTF-8", b"a: \xc0\xaf\n")
    expect_error("UTF-16 input", "a: 1\n".encode("utf-16"))
    # libfyaml 0.7.12 frees a simple key twice on this error and crashes
    # when its parser is destroyed (pantoniou/libfyaml#57)
    expect_error("tab before a block indicator in an explicit key", b"? a:\t>\n", b":1:5:")
    expect_error("... the same inside a Deployment",
                 DEPLOY + b"  extra:\n    ? a:\t|\n", b"invalid YAML")
    # libfyaml 0.7.12 never returns on "%" + a bad byte: the KRM and --config
    # readers check the text first, as the stream reader does
    expect_error("invalid UTF-8 in a ResourceList (KRM)",
                 b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n%\x95", b":3:2:")
    with tempfile.NamedTemporaryFile(suffix=".yaml") as cfg:
        cfg.write(b"apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\n%\x95")
        cfg.flush()
        p, _ = run(b"a: 1\n", ["--config", cfg.name], timeout=10)
        case("invalid UTF-8 in --config: exit 2 with position", p.returncode == 2 and
             (cfg.name.encode() + b":3:2: invalid UTF-8") in p.stderr, "exit %d %r" % (p.returncode, p.stderr[:300]))
    p = expect_converted("BOM then a Deployment", b"\xef\xbb\xbf" + DEPLOY)
    case("BOM kept", p.stdout.startswith(b"\xef\xbb\xbf"))
    expect_same("BOM alone passes", b"\xef\xbb\xbf# c\na: 1\n")
    crlf = DEPLOY.replace(b"\n", b"\r\n")
    p = expect_converted("CRLF Deployment", crlf)
    case("CRLF kept", b"\n" not in p.stdout.replace(b"\r\n", b""))
    expect_same("lone CR line breaks pass", b"a: 1\rb: 2\r---\rc: 3\r")
    bomb = b"x: &a [z, z, z, z, z, z, z, z, z]\n" + b"".join(
        b"x%d: &a%d [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n" % ((i, i) + (b"a" if i == 0 else b"a%d" % (i - 1),) * 9)
        for i in range(12))
    bomb_deploy = DEPLOY.replace(b"spec:\n  selector", b"  annotations:\n    bomb: |\n      x\n"
                                 b"spec:\n  selector") + b"---\n" + bomb
    p, took = run(bomb_deploy, ["-q"], timeout=10)
    case("alias bomb next to a Deployment: fast, not expanded",
         p.returncode == 0 and took < 5 and len(p.stdout) < 4 * len(bomb_deploy),
         "exit %d %.1fs" % (p.returncode, took))
    alias_in_dep = DEPLOY.replace(b"  name: web\n", b"  name: web\n  labels: &l\n    app: web\n") \
        .replace(b"      labels:\n        app: web\n", b"      labels: *l\n")
    expect_converted("aliases inside a Deployment stay aliases", alias_in_dep)
    deep = b"a: " + b"[" * 100000 + b"]" * 100000 + b"\n"
    p, took = run(deep, ["-q"], timeout=30)
    case("100000-deep nesting outside a Deployment passes", p.returncode == 0 and p.stdout == deep,
         "exit %d" % p.returncode)
    deep_dep = DEPLOY.replace(b"        image: x\n", b"        image: x\n        args: " + b"[" * 100 +
                              b"]" * 100 + b"\n")
    expect_converted("100-deep nesting inside a Deployment", deep_dep)
    deep_block = DEPLOY.replace(b"  name: web\n", b"  name: web\n  annotations:\n    deep: |\n      ok\n") + \
        b"".join(b"  " * (i + 1) + b"k%d:\n" % i for i in range(80))
    p, _ = run(deep_block, ["-q"])
    case("80-deep block nesting inside a Deployment: clear error or converted",
         (p.returncode == 0 and b"StatefulSet" in p.stdout) or (p.returncode == 1 and POS.search(p.stderr)),
         "exit %d %r" % (p.returncode, p.stderr[:200]))
    expect_error("unterminated quoted scalar", b"---\na: \"abc\n" + DEPLOY)
    expect_error("duplicate keys in a Deployment", DEPLOY.replace(b"  name: web\n", b"  name: web\n  name: x\n"),
                 b"duplicate key")
    expect_same("non-mapping documents", b"--- 1\n--- [a, b]\n--- \"s\"\n--- ~\n")
    expect_same("empty input", b"")
    expect_same("comment-only input", b"# only\n# comments\n")
    expect_error("replicas: \"three\"", DEPLOY.replace(b"spec:\n", b"spec:\n  replicas: \"three\"\n", 1),
                 b"spec.replicas")
    expect_error("containers: {}", DEPLOY.replace(b"      containers:\n      - name: c\n        image: x\n",
                                                  b"      containers: {}\n"), b"containers")
    expect_error("Deployment without spec.template",
                 b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  replicas: 1\n",
                 b"spec.template")
    for bad in ["x: y", "a\nkind: Secret", "web-headless\n", "{name}:", "UPPER"]:
        p, _ = run(DEPLOY, ["--service-name", bad])
        case("--service-name %r rejected (exit 2)" % bad, p.returncode == 2 and b"service-name" in p.stderr,
             "exit %d" % p.returncode)
    p, _ = run(DEPLOY, ["--volume-claim-template", "name=data,mountPath=/d\nx: y,size=1Gi"])
    case("--volume-claim-template with a newline rejected", p.returncode == 2)

    # a large single ConfigMap streams through in bounded memory
    with tempfile.TemporaryFile() as f:
        # many keys of 64 KB each: one scalar is held whole by any YAML parser
        f.write(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n")
        block = (b"    " + b"x" * 95 + b"\n") * 640
        for i in range(big * 1000000 // len(block)):
            f.write(b"  key-%d: |\n" % i + block)
        size = f.tell()
        f.seek(0)
        out = tempfile.TemporaryFile()
        asan = os.environ.get("D2S_ASAN")
        if os.path.exists("/usr/bin/time"):
            # GNU time: a child forked by Python starts with Python's RSS as its peak
            with tempfile.NamedTemporaryFile("r") as m:
                status = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", m.name, BIN], stdin=f,
                                        stdout=out, stderr=subprocess.DEVNULL).returncode
                lines = m.read().split()
                rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        else:
            child = subprocess.Popen([BIN], stdin=f, stdout=out, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)   # includes Python's RSS: an upper bound
            rss = usage.ru_maxrss
        out.seek(0, 2)
        same_size = out.tell() == size
        what = "RSS not checked under ASan" if asan else "peak RSS %.1f MiB < 32 MiB" % (rss / 1024.0)
        case("%d MB ConfigMap passes byte for byte, %s" % (size // 1000000, what),
             status == 0 and same_size and (asan or 0 < rss < 32 * 1024),
             "status %d size ok %s rss %d KiB" % (status, same_size, rss))
    failed = results.count(False)
    print("hostile: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
