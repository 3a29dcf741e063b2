"""Known disagreements where the README states a rule the C code does not
follow yet. KNOWN maps a regression file (tests/model/regressions/NAME.yaml)
to the bug; the test reports those as XFAIL and fails when one passes (strict:
remove the entry when the C code is fixed). TAGS describes the tags of
model.known_bugs(): a generated case touching one is counted, not failed."""

TAGS = {
    # C bugs against rules the README already states (for src/ to fix)
    "error-leaves-stdout": "on an error (exit 1) stdout is not empty: the documents read so far, the failing "
                           "one included, are written (a pipe into kubectl apply sees a partial stream)",
    "service-wait-cut-short": "a Deployment held back because it mounts a PVC not read yet (later in the input, "
                              "or not in it at all) makes a headless Service of its serviceName that follows it "
                              "an error ('already generated and written') instead of being reused",
    "list-later-service-duplicate": "a headless Service after a kind: List holding its Deployment: reused when the "
                                    "List waited for the end of the input (README), an error otherwise; the model "
                                    "does not decide which, so such generated cases are counted, not checked",
    "list-pvc-not-seen": "a PersistentVolumeClaim inside a kind: List is not seen by the Deployment that mounts "
                         "it: the claim stays shared (warning 'not in the input') instead of becoming a claim "
                         "template",
    "directive-after-service": "a generated Service is written after a converted document's '...' and right "
                               "before the next document's %YAML directive, so the output has a directive "
                               "without the '...' it needs: invalid YAML that deploy2sts itself rejects",
    "directive-flow-reemit": "a flow-style Deployment (or List item) in a document that has a %YAML directive "
                             "cannot be re-emitted in block style: error 'nested deeper than 64 levels?' (without "
                             "the directive it converts)",
    "list-forbidden-ref-silent": "an Argo Rollout workloadRef / Flagger Canary targetRef inside a kind: List "
                                 "that names a converted Deployment is not an error (a standalone one is; "
                                 "HPA/VPA/ScaledObject references inside a List are retargeted)",
    "list-unsupported-silent": "a non-apps/v1 Deployment inside a kind: List passes silently (exit 0, no "
                               "message) where a standalone one is an error",
    "list-service-ignored": "a Service named like a standalone Deployment's serviceName inside a kind: List "
                            "(before or after it) is not seen: a second Service of that name is generated "
                            "(duplicate) instead of reusing the headless one or failing on a non-headless one",
    "error-without-position": "the error for an existing non-headless Service has no LINE:COL",
    "list-item-nested-flow": "a block-style kind: List item (Deployment) whose spec (or a part of it that needs "
                             "an edit) is written in flow style is an error ('a Deployment inside a List must be "
                             "written in block style') instead of being re-emitted in block style with a warning "
                             "as a standalone one is",
    "merge-key-template-labels": "a selector with matchExpressions takes the Service selector from the template "
                                 "labels, and there labels that come from a merge key (<<: *anchor) are left out: "
                                 "the Service selects on the other labels only (pods of other workloads too)",
    "claim-users-other-namespace": "without -n, a Deployment without metadata.namespace that mounts a PVC of "
                                   "namespace B counts a workload of namespace A mounting a claim of that name as "
                                   "a second user (it mounts A's claim, not B's): the PVC stays shared (warning "
                                   "'mounted by ..., Job A/...') instead of becoming a claim template",
    "paused-autoscaler-namespace": "without -n, a paused Deployment's partition leaves out the autoscalers matched "
                                   "only through the missing namespace (ScaledObject ns1/x at a Deployment without "
                                   "one) when another matches exactly (an HPA without namespace) or they are in "
                                   "different namespaces, although they are retargeted to the StatefulSet: "
                                   "partition 2 (or replicas) instead of 100",
    "drop-still-mounted-by-itself": "--drop-absorbed-pvcs removes a PVC that the converted StatefulSet itself "
                                    "still mounts through another volume (one volume split with --split-volume, "
                                    "another kept shared): the StatefulSet's pods then wait for a deleted claim",
    "service-name-namespace-flag": "--service-name '{name}-{namespace}' with -n/--namespace NS expands {namespace} "
                                   "to '' for a Deployment without metadata.namespace instead of NS (the namespace "
                                   "-n says it is applied in): 'service name \"web-\" is not a DNS-1035 label'",
    "expand-explicit-tag": "a Deployment that must be re-emitted with its aliases expanded (an edit in a node an "
                           "alias repeats, a removed key a merge key gives) and holds an explicit core tag on a "
                           "non-string scalar (replicas: !!int \"3\", !!int 5) fails: 'the aliases cannot be "
                           "expanded here (an unknown tag ...)' instead of being expanded as Kubernetes reads it "
                           "(README: explicit tags count, !!int \"3\" is 3)",
}

KNOWN = {
    "min-expand-explicit-tag": TAGS["expand-explicit-tag"],
}

# usage cases (tests/model/usage.py, by case name) the C code gets wrong
# (entries in SANITIZER_ONLY fail only on the ASan/UBSan build: not strict)
SANITIZER_ONLY = set()
KNOWN_USAGE = {}
