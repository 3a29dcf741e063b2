"""clientenv.py - what the client tests share: Helm homes of a test's own
(Helm 3 cannot load a Helm 4 plugin, so each Helm gets its own; see
test_clients.py test_separate_homes) and the text of a file a run may not
have written."""
import os


def helm_homes(tmp, tag):
    """HELM_DATA_HOME, HELM_CONFIG_HOME and HELM_CACHE_HOME under tmp/tag, as a dict."""
    return {"HELM_%s_HOME" % v: os.path.join(tmp, tag, v.lower()) for v in ("DATA", "CONFIG", "CACHE")}


def read_text(path):
    """The text of file `path`, or "" when it cannot be read (not written)."""
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""
