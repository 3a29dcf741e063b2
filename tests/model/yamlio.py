"""YAML reading and writing for the model test.

Reading: libyaml (PyYAML's CSafeLoader), timestamps kept as strings the way
Kubernetes (sigs.k8s.io/yaml) reads them; `pieces` cuts a stream at document
markers the way the README describes (a line starting `---` or `...`).

Writing: `render(docs, style)` writes parsed documents in a chosen presentation:
block or flow collections, indentation width, compact or indented sequences,
plain/single/double quoted scalars, comments, Helm's empty values, anchors and
aliases, CRLF, byte order mark, `---`/`...` markers. Every rendering is read
back with libyaml and must give the same value (checked by the generator).
"""
import json

import yaml

from test_corpus import pieces  # noqa: F401 (one stream splitter for every suite)


class Loader(yaml.CSafeLoader):
    """libyaml loader; timestamps stay strings (as Kubernetes reads them)."""


Loader.yaml_implicit_resolvers = {
    k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.CSafeLoader.yaml_implicit_resolvers.items()}



def load_all(data):
    """All documents of a byte stream (None for empty ones)."""
    return list(yaml.load_all(data, Loader=Loader))


class Shared(set):
    """The paths of one document's nodes that an alias or a merge key repeats
    (every path of each); `anchors`: the first path of each such node (where
    its anchor is); `merged`: the paths of keys a mapping has only through a
    merge key `<<` (YAML merge key type, as sigs.k8s.io/yaml reads it)."""

    def __init__(self, paths=(), anchors=(), merged=()):
        super().__init__(paths)
        self.anchors = set(anchors)
        self.merged = set(merged)


def _merged_keys(n):
    """The keys mapping node `n` has only through its merge keys."""
    own, got = set(), set()
    for k, v in n.value:
        if k.tag == "tag:yaml.org,2002:merge":
            for m in (v.value if isinstance(v, yaml.SequenceNode) else [v]):
                if isinstance(m, yaml.MappingNode):
                    got |= {mk.value for mk, _ in m.value if mk.tag != "tag:yaml.org,2002:merge"}
                    got |= _merged_keys(m)
        else:
            own.add(k.value)
    return got - own


def shared_paths(data):
    """Per document, the paths (tuples of keys and indexes) of the nodes that
    an alias or a merge key repeats: an edit inside one would change every
    copy (README "YAML as Kubernetes reads it"). A merge key's value counts
    under the key "<<". Each is a Shared (anchors, merged keys too)."""
    out = []
    for root in yaml.compose_all(data, Loader=Loader):
        paths, merged = {}, set()

        def walk(n, path):
            paths.setdefault(id(n), []).append(path)
            if len(paths[id(n)]) > 1:
                return
            if isinstance(n, yaml.MappingNode):
                merged.update(path + (k,) for k in _merged_keys(n))
                for k, v in n.value:
                    walk(v, path + ("<<" if k.tag == "tag:yaml.org,2002:merge" else k.value,))
            elif isinstance(n, yaml.SequenceNode):
                for i, v in enumerate(n.value):
                    walk(v, path + (i,))
        if root is not None:
            walk(root, ())
        many = [ps for ps in paths.values() if len(ps) > 1]
        out.append(Shared({p for ps in many for p in ps}, {ps[0] for ps in many}, merged))
    return out


def _plain_ok(s, flow):
    if not s or s != s.strip() or "\n" in s or "#" in s or ": " in s or s.endswith(":"):
        return False
    if s[0] in "!&*?|>'\"%@`{}[],-:" or (flow and any(c in s for c in ",[]{}")):
        return False
    try:
        return yaml.load("k: " + s, Loader=Loader) == {"k": s}
    except yaml.YAMLError:
        return False


class Anchored(dict):
    """A mapping written with an anchor (`&name`)."""

    def __init__(self, value, anchor):
        super().__init__(value)
        self.anchor = anchor


class Alias(dict):
    """An alias (`*name`) of an Anchored mapping; its value is the target's
    (`{"<<": Alias(a), ...}` writes a merge key)."""

    def __init__(self, target):
        super().__init__(target)
        self.anchor = target.anchor


class AnchoredStr(str):
    """A string scalar written with an anchor (`&name value`)."""

    def __new__(cls, value, anchor):
        s = super().__new__(cls, value)
        s.anchor = anchor
        return s


class AliasStr(str):
    """An alias (`*name`) of an AnchoredStr; its value is the target's."""

    def __new__(cls, target):
        s = super().__new__(cls, target)
        s.anchor = target.anchor
        return s


class TaggedInt(int):
    """An int written with an explicit tag, `!!int "3"` (YAML 1.1/1.2 core
    schema: the tag decides the type, as sigs.k8s.io/yaml reads it)."""


class Style:
    """One random presentation; `pick(n)` returns an int in [0, n) drawn by the
    generator (hypothesis `data.draw`), so failures shrink to plain YAML."""

    def __init__(self, pick, indent=2, compact_seq=False, crlf=False, comments=False,
                 flow_level=0, anchors=False):
        self.pick = pick
        self.indent = indent
        self.compact_seq = compact_seq
        self.crlf = crlf
        self.comments = comments
        self.flow_level = flow_level  # 0: never flow; n: sometimes at depth >= n
        self.anchors = anchors
        self.anchor_n = 0

    def scalar(self, v, flow=False, key=False):
        if key and v == "<<":
            return v  # a merge key only when plain (the values in this model never use "<<" otherwise)
        if v is None:
            return ["", "~", "null"][self.pick(3)] if not flow and not key else "null"
        if v is True or v is False:
            return "true" if v else "false"
        if isinstance(v, TaggedInt):
            return '!!int "%d"' % v
        if isinstance(v, AliasStr):
            return "*" + v.anchor
        if isinstance(v, AnchoredStr):
            return "&%s %s" % (v.anchor, json.dumps(str(v)))
        if isinstance(v, int):
            return str(v)
        s = str(v)
        choice = self.pick(3)
        if choice == 0 and _plain_ok(s, flow):
            return s
        if "\n" in s or not s.isprintable():
            return json.dumps(s)
        if choice == 1 or (choice == 0 and "\\" not in s):
            return "'" + s.replace("'", "''") + "'"
        return json.dumps(s)

    def comment(self):
        return "  # " + ["note", "x: y", "- item", "'q'"][self.pick(4)] if self.comments and self.pick(6) == 0 else ""

    def flow(self, v):
        if isinstance(v, Alias):
            return "*" + v.anchor
        if isinstance(v, Anchored):
            return "&%s {" % v.anchor + ", ".join("%s: %s" % (self.scalar(k, True, True), self.flow(x))
                                                  for k, x in v.items()) + "}"
        if isinstance(v, dict):
            return "{" + ", ".join("%s: %s" % (self.scalar(k, True, True), self.flow(x)) for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(self.flow(x) for x in v) + "]"
        return self.scalar(v, flow=True)

    def use_flow(self, v, depth):
        return self.flow_level and depth >= self.flow_level and self.pick(3) == 0

    def block(self, v, col, depth, out):
        """Lines for a mapping/sequence value `v` starting at column `col`."""
        pad = " " * col
        if isinstance(v, dict):
            for k, x in v.items():
                if self.comments and self.pick(10) == 0:
                    out.append(pad + "# comment about " + str(k))
                self.entry(pad + self.scalar(k, key=True) + ":", x, col, depth, out)
        else:
            for x in v:
                dash = pad + "- "
                flow = self.use_flow(x, depth + 1)
                if isinstance(x, Anchored) and x and not flow:
                    out.append(pad + "- &" + x.anchor)  # `- &a key: v` would anchor the key
                    self.block(x, col + 2, depth + 1, out)
                elif isinstance(x, dict) and x and not isinstance(x, Alias) and not flow:
                    sub = []
                    self.block(x, col + 2, depth + 1, sub)
                    out.append(dash + sub[0][col + 2:])
                    out.extend(sub[1:])
                elif isinstance(x, list) and x and not flow:
                    sub = []
                    self.block(x, col + 2, depth + 1, sub)
                    out.append(dash + sub[0][col + 2:])
                    out.extend(sub[1:])
                else:
                    out.append(dash + self.inline(x) + self.comment())

    def inline(self, x):
        if isinstance(x, (dict, list)):
            return self.flow(x)
        if x is None:
            return "null"
        return self.scalar(x)

    def entry(self, head, x, col, depth, out):
        if isinstance(x, Alias):
            out.append(head + " *" + x.anchor + self.comment())
        elif isinstance(x, (dict, list)) and x and not self.use_flow(x, depth + 1):
            out.append(head + (" &" + x.anchor if isinstance(x, Anchored) else "") + self.comment())
            if isinstance(x, list):
                sub_col = col if self.compact_seq else col + self.indent
            else:
                sub_col = col + self.indent
            self.block(x, sub_col, depth + 1, out)
        elif x is None:
            out.append(head + (" " + self.scalar(None) if self.pick(2) else "").rstrip() + self.comment())
        else:
            out.append(head + " " + self.inline(x) + self.comment())


class Raw(dict):
    """A document given as its exact text (anchors, aliases, merge keys, block
    scalars: presentation the emitter above does not write) and its value."""

    def __init__(self, text, value):
        super().__init__(value)
        self.text = text


def render_doc(doc, style):
    """Text of one document (no separator), ending in a newline."""
    if isinstance(doc, Raw):
        return doc.text
    if isinstance(doc, dict) and style.use_flow(doc, 1) and style.pick(2) == 0:
        return style.flow(doc) + "\n"
    out = []
    style.block(doc, 0, 0, out)
    return "\n".join(out) + "\n"


def render(docs, style, bom=False, leading_marker=True, end_markers=False, head_comment=None, directive=False):
    """A stream of the documents, each after a `---` line (the first one only
    when `leading_marker` or a `%YAML 1.2` directive), optionally ended by
    `...` (a directive then starts the next one); CRLF when style.crlf."""
    parts = ["%YAML 1.2\n"] if directive else []
    leading_marker = leading_marker or directive
    for i, d in enumerate(docs):
        text = ""
        if i or leading_marker:
            text += "---\n"
        if head_comment is not None and head_comment(i):
            text += "# Source: chart/templates/doc%d.yaml\n" % i
        text += render_doc(d, style)
        if end_markers and style.pick(3) == 0:
            text += "...\n"
            if directive and i + 1 < len(docs):
                text += "%YAML 1.2\n"
        parts.append(text)
    s = "".join(parts)
    if style.crlf:
        s = s.replace("\n", "\r\n")
    data = s.encode()
    if bom:
        data = b"\xef\xbb\xbf" + data
    return data
