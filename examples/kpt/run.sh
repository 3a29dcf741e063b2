#!/bin/sh
# kpt runs deploy2sts as a KRM function over a copy of the package (files are rewritten in place).
cd "$(dirname "$0")"
rm -rf /tmp/deploy2sts-kpt-example && cp -r package /tmp/deploy2sts-kpt-example
kpt fn eval /tmp/deploy2sts-kpt-example --exec "$(cd ../.. && pwd)/deploy2sts" -- \
    pod-management-policy=Parallel volume-claim-template=name=data,mountPath=/data,size=1Gi
cat /tmp/deploy2sts-kpt-example/visits.yaml
