#!/bin/sh
# Render the chart with helm, convert with a pipe.
cd "$(dirname "$0")"
helm template demo ../chart | ../../deploy2sts --pod-management-policy Parallel \
    --volume-claim-template name=data,mountPath=/data,size=1Gi
