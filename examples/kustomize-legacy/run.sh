#!/bin/sh
# Legacy exec plugin: kustomize finds it at $KUSTOMIZE_PLUGIN_HOME/<group>/<version>/<lowercase kind>/<Kind>.
cd "$(dirname "$0")"
mkdir -p plugins/deploy2sts.io/v1alpha1/statefulsetconversion
cp ../../deploy2sts plugins/deploy2sts.io/v1alpha1/statefulsetconversion/StatefulSetConversion
KUSTOMIZE_PLUGIN_HOME="$PWD/plugins" kubectl kustomize --enable-alpha-plugins base
