#!/usr/bin/python3
"""docs_check.py BIN - README, `BIN --help`, the man page and the bash and zsh
completion (`BIN --completion bash|zsh`) name the same options, all derived
from the one option table (src/optable.c):

- flags: the long flags of --help are exactly those of the README flag table,
  the man page's OPTIONS and both completions (hidden ones: README and man),
  and the man page files each under the section --help shows it in;
- repeatable options (OPT_LIST, D2S_OF_REPEAT): marked "(repeatable)" in
  --help, "repeatable" in the README table row and the man entry, and listed
  as the options that take one value per line in the README "Environment"
  paragraph and the man ENVIRONMENT section; no other option is;
- config keys: the StatefulSetConversion key paths of the table (`path`,
  `path_aux`) are exactly those of the README and man --config examples
  (top-level-only keys never inside `overrides`), and both examples are
  accepted by `BIN --config`;
- environment variables: every DEPLOY2STS_* that README, man page or --help
  names is DEPLOY2STS_ + an option's long name (upper case, '-' -> '_'), an
  option's older name (env_legacy), or a documented non-option variable
  (NON_OPTION_ENV, named by README and man page both); each legacy name is
  named by all three.

Then negative controls: the same check on doctored copies (one flag, one
repeatable mark, one config key, one environment variable taken out or
misspelled) must fail, each for the reason planted.
Exit 0 when the real documents agree and every doctored copy is caught.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# environment variables that are not options (documented in README and man page)
NON_OPTION_ENV = {"DEPLOY2STS_THREADS": "src/parsepool.c: parse-ahead worker threads"}


# ---------- the option table ----------

def optable(src):
    """Options of src/optable.c: name -> {kind, flags text, paths, legacy}."""
    start = src.index("d2s_optable[] = {")
    table = src[start:src.index("\n};", start)]
    opts = {}
    entries = re.split(r"\n\tOPT_", table)[1:]
    for e in entries:
        m = re.match(r'(\w+)\(\s*"([a-z-]+)"', e)
        if not m:
            continue  # OPT_GROUP
        kind, name = m.groups()
        opts[name] = {
            "kind": kind,
            "repeat": kind == "LIST" or "D2S_OF_REPEAT" in e,
            "hidden": "D2S_OF_HIDDEN" in e,
            "top": "D2S_OF_TOP" in e,
            "paths": re.findall(r'"(spec\.[A-Za-z.]+)"', e),
            "legacy": re.findall(r'.env_legacy = "([A-Z0-9_]+)"', e),
        }
    return opts


def env_name(flag):
    return "DEPLOY2STS_" + flag.upper().replace("-", "_")


# ---------- what each document names ----------

HELP_FLAG = re.compile(r"^\s+(?:-\w, )?--([a-z][a-z-]*)")


def help_flags(text):
    return set(help_lines(text))


def help_lines(text):
    """flag -> its --help text (the line and a continuation line)."""
    out, cur = {}, None
    for ln in text.splitlines():
        m = HELP_FLAG.match(ln)
        if m:
            cur = m.group(1)
            out[cur] = ln
        elif cur and ln.startswith(" " * 31):
            out[cur] += " " + ln.strip()
        else:
            cur = None
    return out


def section(text, start_re, end_re):
    m = re.search(start_re, text, re.M)
    if not m:
        return ""
    rest = text[m.end():]
    e = re.search(end_re, rest, re.M)
    return rest[:e.start()] if e else rest


def readme_table(readme):
    """flag -> its README flag table row."""
    rows = {}
    for ln in section(readme, r"^### Flags", r"^### ").splitlines():
        if ln.startswith("| `"):
            first = ln.split("|")[1]
            for f in re.findall(r"--([a-z][a-z-]*)", first):
                rows[f] = ln
    return rows


def man_unescape(s):
    return s.replace("\\-", "-").replace("\\(aq", "'").replace("\\e", "\\").replace("\\fB", "") \
            .replace("\\fR", "").replace("\\fI", "")


def man_options(man):
    """flag -> the text of its man OPTIONS entry (from its .B line to the next .TP/.SS)."""
    entries, cur = {}, None
    for ln in section(man, r"^\.SH OPTIONS", r"^\.SH ").splitlines():
        if ln.startswith((".TP", ".SS")):
            cur = None
            continue
        if ln.startswith(".B") and cur is None:
            flags = re.findall(r"--([a-z][a-z-]*)", man_unescape(ln))
            cur = flags[-1] if flags else None
            if cur:
                entries[cur] = man_unescape(ln)
            continue
        if cur:
            entries[cur] += " " + man_unescape(ln)
    return entries


def help_groups(text):
    """flag -> its --help group title (without the colon)."""
    out, group = {}, None
    for ln in text.splitlines():
        if re.match(r"^[A-Z][^:]*:$", ln):
            group = ln[:-1]
        m = HELP_FLAG.match(ln)
        if m and group:
            out[m.group(1)] = group
    return out


def man_groups(man):
    """flag -> the .SS subsection of OPTIONS that documents it."""
    out, group = {}, None
    for ln in section(man, r"^\.SH OPTIONS", r"^\.SH ").splitlines():
        if ln.startswith(".SS "):
            group = ln[4:].strip().strip('"')
        elif ln.startswith(".B"):
            for f in re.findall(r"--([a-z][a-z-]*)", man_unescape(ln)):
                out.setdefault(f, group)
    return out


def bash_flags(text):
    m = re.findall(r'compgen -W "(-[^"]*)" -- "\$cur"\)\)$', text, re.M)
    return {w[2:] for x in m for w in x.split() if w.startswith("--")}


def zsh_flags(text):
    return {f for f in re.findall(r"--([a-z][a-z-]*)[=\[}]", text)}


def listed_repeatables(text):
    """The flags of the "Repeatable options (...)" list of a paragraph."""
    m = re.search(r"Repeatable options\s*\(([^)]*)\)", text)
    return set(re.findall(r"--([a-z][a-z-]*)", m.group(1))) if m else None


def readme_config(readme):
    sec = section(readme, r"^### `--config`", r"^## |^### ")
    m = re.search(r"```yaml\n(.*?)```", sec, re.S)
    return m.group(1) if m else ""


def man_config(man):
    sec = section(man, r"^\.SH CONFIGURATION", r"^\.SH ")
    m = re.search(r"^\.nf\n(.*?)^\.fi", sec, re.S | re.M)
    return "apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\n" + man_unescape(m.group(1)) if m else ""


def config_paths(text, opts, where, problems):
    """The key paths of a StatefulSetConversion example: (top-level, in overrides)."""
    try:
        doc = yaml.safe_load(text) if text else None
    except yaml.YAMLError as e:
        problems.append("%s: the config example is not YAML: %s" % (where, e))
        return set(), set()
    spec = (doc or {}).get("spec") if isinstance(doc, dict) else None
    if not isinstance(spec, dict):
        problems.append("%s: no StatefulSetConversion example with a spec" % where)
        return set(), set()
    known = {p for o in opts.values() for p in o["paths"]}

    def walk(m, prefix, out, in_overrides):
        for k, v in m.items():
            p = prefix + "." + str(k)
            if p in known:
                out.add(p)
            elif any(x.startswith(p + ".") for x in known) and isinstance(v, dict):
                walk(v, p, out, in_overrides)
            elif p == "spec.overrides" and not in_overrides and isinstance(v, list):
                for item in v:
                    walk({k2: v2 for k2, v2 in item.items() if k2 != "name"}, "spec", over, True)
            else:
                problems.append("%s: config key %s is not in the option table" % (where, p))
    top, over = set(), set()
    walk(spec, "spec", top, False)
    return top, over


# ---------- the check ----------

def problems_of(docs):
    """Every disagreement between the documents in `docs` (readme, man, help,
    bash, zsh, optable texts) and the option table."""
    p = []
    opts = optable(docs["optable"])
    shown = {n for n, o in opts.items() if not o["hidden"]}
    hidden = {n for n, o in opts.items() if o["hidden"]}
    names = {
        "--help": help_flags(docs["help"]),
        "README flag table": set(readme_table(docs["readme"])) - hidden,
        "man OPTIONS": set(man_options(docs["man"])) - hidden,
        "bash completion": bash_flags(docs["bash"]) - hidden,
        "zsh completion": zsh_flags(docs["zsh"]) - hidden,
    }
    for where, got in sorted(names.items()):
        for f in sorted(shown - got):
            p.append("flag --%s (option table) missing from %s" % (f, where))
        for f in sorted(got - shown):
            p.append("flag --%s in %s is not in the option table" % (f, where))
    for f in sorted(hidden):
        for where, got in (("README flag table", readme_table(docs["readme"])), ("man OPTIONS", man_options(docs["man"]))):
            if f not in got:
                p.append("hidden flag --%s is not documented in %s" % (f, where))

    # the man page files each flag under the section --help shows it in
    hg, mg = help_groups(docs["help"]), man_groups(docs["man"])
    for f in sorted(set(hg) & set(mg)):
        if hg[f] != mg[f]:
            p.append("man OPTIONS files --%s under \"%s\", --help under \"%s\"" % (f, mg[f], hg[f]))

    # repeatable options
    reps = {n for n, o in opts.items() if o["repeat"]}
    hl, rt, mo = help_lines(docs["help"]), readme_table(docs["readme"]), man_options(docs["man"])
    for n in sorted(shown):
        for where, texts in (("--help", hl), ("README flag table", rt), ("man OPTIONS", mo)):
            said = "repeatable" in texts.get(n, "")
            if n in reps and not said:
                p.append("--%s is repeatable but %s does not say so" % (n, where))
            elif n not in reps and said and where == "--help":
                p.append("--%s is not repeatable but %s says it is" % (n, where))
    for where, text in (("README Environment", section(docs["readme"], r"^#### Environment", r"^#")),
                        ("man ENVIRONMENT", man_unescape(section(docs["man"], r"^\.SH ENVIRONMENT", r"^\.SH ")))):
        got = listed_repeatables(text)
        if got is None:
            p.append("%s has no list of repeatable options" % where)
        elif got != reps:
            p.append("%s lists repeatable options %s; the option table has %s (missing %s, extra %s)"
                     % (where, sorted(got), sorted(reps), sorted(reps - got), sorted(got - reps)))

    # config keys
    paths = {x for o in opts.values() for x in o["paths"]}
    top_only = {x for o in opts.values() if o["top"] for x in o["paths"]}
    for where, text in (("README --config example", readme_config(docs["readme"])),
                        ("man CONFIGURATION example", man_config(docs["man"]))):
        top, over = config_paths(text, opts, where, p)
        for x in sorted(paths - top):
            p.append("config key %s (option table) missing from the %s" % (x, where))
        for x in sorted(over & top_only):
            p.append("config key %s is top-level only but the %s has it in overrides" % (x, where))

    # environment variables
    derived = {env_name(n) for n, o in opts.items() if o["kind"] != "ACTION"}
    legacy = {x for o in opts.values() for x in o["legacy"]}
    for where, text in (("README", docs["readme"]), ("man page", man_unescape(docs["man"])), ("--help", docs["help"])):
        for v in sorted(set(re.findall(r"DEPLOY2STS_[A-Z0-9_]*[A-Z0-9]", text))):
            if v not in derived | legacy | set(NON_OPTION_ENV):
                p.append("%s names %s, which no option reads (not DEPLOY2STS_ + a long flag)" % (where, v))
        for v in sorted(legacy):
            if not re.search(re.escape(v) + r"(?![A-Z0-9_])", text):
                p.append("%s does not name %s (the older name of an option's variable)" % (where, v))
        if where != "--help":
            for v in sorted(NON_OPTION_ENV):
                if not re.search(re.escape(v) + r"(?![A-Z0-9_])", text):
                    p.append("%s does not name %s (%s)" % (where, v, NON_OPTION_ENV[v]))
        if not re.search(r"DEPLOY2STS_`? \+ its long name|DEPLOY2STS_\s+followed by its long name|"
                         r"DEPLOY2STS_ \+ its long name", text):
            p.append("%s does not state how a variable is named (DEPLOY2STS_ + the long name)" % where)
    return p


def gather(b):
    def out(*args):
        return subprocess.run([b] + list(args), capture_output=True, text=True).stdout

    def read(rel):
        with open(os.path.join(ROOT, rel)) as f:
            return f.read()
    return {"readme": read("README.md"), "man": read("man/deploy2sts.1"), "optable": read("src/optable.c"),
            "help": out("--help"), "bash": out("--completion", "bash"), "zsh": out("--completion", "zsh")}


def examples_accepted(b, docs, fails):
    """Both config examples are real StatefulSetConversions: `BIN --config` takes them."""
    with tempfile.TemporaryDirectory() as tmp:
        for where, text in (("README", readme_config(docs["readme"])), ("man page", man_config(docs["man"]))):
            path = os.path.join(tmp, "c.yaml")
            with open(path, "w") as f:
                f.write(text)
            r = subprocess.run([b, "--config", path], input="", capture_output=True, text=True)
            if r.returncode != 0:
                fails.append("the %s config example is refused by --config: %s" % (where, r.stderr.strip()))


# doctored copies: (what, function on a copy of the documents, text the problem must contain)
def sub(key, old, new, count=1):
    def f(d):
        assert old in d[key], (key, old)
        d[key] = d[key].replace(old, new, count)
    return f


DOCTORED = [
    ("README flag table without --split-volume",
     lambda d: d.update(readme="\n".join(ln for ln in d["readme"].split("\n") if not ln.startswith("| `--split-volume"))),
     "flag --split-volume (option table) missing from README flag table"),
    ("man page filing --migrate-data under Diagnostics (issue 17)",
     lambda d: d.update(man=d["man"].replace(".SS Diagnostics\n", "").replace(
         ".BI \\-\\-migrate\\-data", ".SS Diagnostics\n.TP\n.BI \\-\\-migrate\\-data", 1)),
     "man OPTIONS files --migrate-data under \"Diagnostics\", --help under \"Storage\""),
    ("man page without --exclude", sub("man", ".BI \\-\\-exclude \" GLOB\"\n", ""),
     "flag --exclude (option table) missing from man OPTIONS"),
    ("zsh completion without --strict", sub("zsh", "--strict", "--strikt", 99),
     "flag --strict (option table) missing from zsh completion"),
    ("--help without the repeatable mark of --shared-volume",
     sub("help", "shared by all replicas (repeatable)", "shared by all replicas"),
     "--shared-volume is repeatable but --help does not say so"),
    ("man ENVIRONMENT list without --split-volume (the bug of issue 17)",
     sub("man", "\\-\\-split\\-volume, \\-\\-volume\\-claim\\-template) take", "\\-\\-volume\\-claim\\-template) take"),
     "man ENVIRONMENT lists repeatable options"),
    ("man config example without migrateData", sub("man", "  migrateData: clone\n", ""),
     "config key spec.migrateData (option table) missing from the man CONFIGURATION example"),
    ("README config example without splitVolumes",
     lambda d: d.update(readme=re.sub(r"\n  splitVolumes: .*", "", d["readme"], count=1)),
     "config key spec.splitVolumes (option table) missing from the README --config example"),
    ("README config example with a misspelt key", sub("readme", "  dropAbsorbedPVCs:", "  dropAbsorbedPvcs:"),
     "config key spec.dropAbsorbedPvcs is not in the option table"),
    ("README config example with selector inside overrides",
     sub("readme", "      podManagementPolicy: OrderedReady\n```", "      podManagementPolicy: OrderedReady\n"
         "      selector: {only: [x]}\n```"),
     "config key spec.selector.only is top-level only"),
    ("README naming DEPLOY2STS_SHARED_VOLUMES", sub("readme", "`DEPLOY2STS_QUIET=true`", "`DEPLOY2STS_SHARED_VOLUMES=a`"),
     "README names DEPLOY2STS_SHARED_VOLUMES, which no option reads"),
    ("man page without DEPLOY2STS_LOG", lambda d: d.update(man=re.sub(r"DEPLOY2STS_LOG\b(?!_)", "X", d["man"])),
     "man page does not name DEPLOY2STS_LOG"),
    ("man page without DEPLOY2STS_THREADS", sub("man", ".B DEPLOY2STS_THREADS", ".B THREADS"),
     "man page does not name DEPLOY2STS_THREADS"),
]


def main():
    b = os.path.abspath(sys.argv[1])
    docs = gather(b)
    fails = problems_of(docs)
    examples_accepted(b, docs, fails)
    passed = 0
    for f in fails:
        print("FAIL " + f)
    if not fails:
        passed += 1
        print("ok   README, --help, man page and completions agree with the option table "
              "(%d options)" % len(optable(docs["optable"])))
    for what, doctor, want in DOCTORED:
        copy = dict(docs)
        try:
            doctor(copy)
            got = problems_of(copy)
        except AssertionError as e:  # the text to doctor is not there: the documents changed
            got = ["cannot doctor: %s" % (e,)]
        ok = any(want in x for x in got)
        print("%s negative control: %s is caught%s" % ("ok  " if ok else "FAIL", what,
                                                      "" if ok else " (got: %s)" % got[:3]))
        passed += ok
        fails += [] if ok else [what]
    print("docs: %d passed, %d failed" % (passed, len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
