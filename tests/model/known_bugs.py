"""Known disagreements where the product design states a rule the C code does
not follow yet. KNOWN maps a regression file (tests/model/regressions/NAME.yaml)
to the bug; the test reports those as XFAIL and fails when one passes (strict:
remove the entry when the C code is fixed). TAGS describes the tags of
model.known_bugs(): a generated case touching one is counted, not failed."""

TAGS = {
    "claim-template-stable-metadata": "an absorbed PVC's claim template copies helm.sh/*, meta.helm.sh/*, "
                                      "postrenderer.helm.sh/* and version-bearing labels (helm.sh/chart, chart, "
                                      "app.kubernetes.io/version, version); claim templates are immutable",
    "claim-template-selector": "an absorbed PVC's spec.selector is not copied into the claim template",
    "rwx-stays-shared": "a ReadWriteMany/ReadOnlyMany PVC is absorbed instead of staying shared",
    "multi-workload-claim-shared": "a PVC mounted by several workloads is absorbed instead of staying shared",
    "hook-untouched": "a Helm hook document (helm.sh/hook) is converted, absorbed or retargeted "
                      "instead of passing through untouched",
    "namespace-absent-is-same": "an object without metadata.namespace is not taken to be in the same "
                                "namespace as the Deployment (HPA not retargeted, PVC not absorbed, ...)",
    # C bugs against rules the README or design already state (for src/ to fix)
    "error-leaves-stdout": "on an error (exit 1) stdout is not empty: the documents read so far, the failing "
                           "one included, are written (a pipe into kubectl apply sees a partial stream)",
    "vct-replaces-non-emptydir": "--volume-claim-template silently replaces a pod volume of the same name that "
                                 "holds data (configMap, secret, projected, hostPath, PVC...) instead of an error",
    "list-flow-item": "a kind: List holding a Deployment, written in flow style, is an error instead of "
                      "being re-emitted in block style with a warning",
    "service-wait-cut-short": "a headless Service a few lines after its Deployment (well within 1 MiB) is an "
                              "error 'already generated and written' when a held-back document (e.g. a PVC) "
                              "stands between them",
    "list-ref-not-retargeted": "an HPA/VPA/ScaledObject inside a kind: List that names a converted Deployment "
                               "is not retargeted to the StatefulSet",
    "list-unsupported-silent": "a non-apps/v1 Deployment inside a kind: List passes silently (exit 0, no "
                               "message) where a standalone one is an error",
    "list-service-ignored": "a non-headless Service named like the serviceName inside a kind: List is not "
                            "seen: a second Service of that name is generated (duplicate) instead of an error",
    "error-without-position": "the error for an existing non-headless Service has no LINE:COL",
}

KNOWN = {
}
