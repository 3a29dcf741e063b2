"""Known disagreements where the README states a rule the C code does not
follow yet. KNOWN maps a regression file (tests/model/regressions/NAME.yaml)
to the bug; the test reports those as XFAIL and fails when one passes (strict:
remove the entry when the C code is fixed). TAGS describes the tags of
model.known_bugs(): a generated case touching one is counted, not failed."""

TAGS = {
    # C bugs against rules the README states (for src/ to fix). Earlier tags (error-leaves-stdout,
    # service-wait-cut-short, list-*, directive-*, merge-key-template-labels, claim-users-other-namespace,
    # paused-autoscaler-namespace, drop-still-mounted-by-itself, service-name-namespace-flag,
    # revision-anchor-dangling, ...) are fixed: their regressions in tests/model/regressions/ pass and are replayed as plain regressions.
    "expand-explicit-tag": "a Deployment that must be re-emitted with its aliases expanded (an edit in a node an "
                           "alias repeats, a removed key a merge key gives) and holds an explicit core tag on a "
                           "non-string scalar (replicas: !!int \"3\", !!int 5) fails: 'the aliases cannot be "
                           "expanded here (an unknown tag ...)' instead of being expanded as Kubernetes reads it "
                           "(README: explicit tags count, !!int \"3\" is 3)",
    "krm-empty-items": "in KRM function mode a ResourceList with no item (items: []) comes out with 'items:' "
                       "(null), which deploy2sts itself then rejects ('ResourceList items must be a list'): "
                       "the output is not a ResourceList it reads (not idempotent)",
    "merge-key-selector-expressions": "a selector with matchExpressions whose matchLabels come from a merge key "
                                      "(matchLabels: {<<: *labels}) is an error 'the selector cannot be written "
                                      "as a Service selector: matchExpressions need template labels that satisfy "
                                      "them' although the template labels satisfy it as Kubernetes reads it "
                                      "(merge key merged); with the labels written out it converts",
    "emptied-list-lost": "a kind: List whose every item is an absorbed PVC removed by --drop-absorbed-pvcs "
                         "disappears from the output when its 'items:' line has a trailing comment "
                         "('items:  # note'); README: an emptied List keeps items: [] (documents are lost)",
    "dropped-item-null": "--drop-absorbed-pvcs removing a kind: List item whose '-' line carries a comment "
                         "('- # the claim') leaves that line: the List gets a null item (items[0]: null), "
                         "which is no object",
}

KNOWN = {
    "min-dropped-item-dash-comment": TAGS["dropped-item-null"],
    "min-emptied-list-comment": TAGS["emptied-list-lost"],
    "min-merge-key-selector-expressions": TAGS["merge-key-selector-expressions"],
    "min-krm-empty-items": TAGS["krm-empty-items"],
    "min-expand-explicit-tag": TAGS["expand-explicit-tag"],
}

# usage cases (tests/model/usage.py, by case name) the C code gets wrong
# (entries in SANITIZER_ONLY fail only on the ASan/UBSan build: not strict)
SANITIZER_ONLY = set()
KNOWN_USAGE = {}
