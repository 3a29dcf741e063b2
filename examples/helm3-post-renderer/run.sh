#!/bin/sh
# Helm 3: the post-renderer is the binary's path; one flag per --post-renderer-args.
cd "$(dirname "$0")"
helm template demo ../chart --post-renderer "$(cd ../.. && pwd)/deploy2sts" \
    --post-renderer-args=--pod-management-policy=Parallel \
    --post-renderer-args=--volume-claim-template=name=data,mountPath=/data,size=1Gi
