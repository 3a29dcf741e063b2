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
}

KNOWN = {
}
