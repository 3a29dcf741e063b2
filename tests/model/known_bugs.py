"""Known disagreements where the README states a rule the C code does not
follow yet. KNOWN maps a regression file (tests/model/regressions/NAME.yaml)
to the bug; the test reports those as XFAIL and fails when one passes (strict:
remove the entry when the C code is fixed). TAGS describes the tags of
model.known_bugs(): a generated case touching one is counted, not failed."""

TAGS = {
    # C bugs against rules the README states (for src/ to fix). Earlier tags (error-leaves-stdout,
    # service-wait-cut-short, list-*, directive-*, merge-key-template-labels, claim-users-other-namespace,
    # paused-autoscaler-namespace, drop-still-mounted-by-itself, service-name-namespace-flag,
    # revision-anchor-dangling, expand-explicit-tag, krm-empty-items, merge-key-selector-expressions,
    # emptied-list-lost, dropped-item-null, ...) are fixed: their regressions in tests/model/regressions/ pass and are replayed as plain regressions.
}

KNOWN = {}

# usage cases (tests/model/usage.py, by case name) the C code gets wrong
# (entries in SANITIZER_ONLY fail only on the ASan/UBSan build: not strict)
SANITIZER_ONLY = set()
KNOWN_USAGE = {}
