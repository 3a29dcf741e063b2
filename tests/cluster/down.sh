#!/bin/sh
# down.sh - stop the test control plane that tests/cluster/up.sh started in
# ${D2S_CLUSTER_DIR:-.tools/cluster} (make cluster-down): exactly the processes
# named by its pid files, controller manager first, etcd last; SIGTERM, then
# SIGKILL after 20 s. A pid whose process is gone, or now runs something that
# is not this cluster's (the pid was reused), is only forgotten. Idempotent:
# nothing to stop is success. The directory (certificates, logs) stays.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${D2S_CLUSTER_DIR:-$ROOT/.tools/cluster}
[ -d "$DIR/pids" ] || { echo "cluster-down: nothing to stop in $DIR"; exit 0; }
DIR=$(cd "$DIR" && pwd)
stopped=""
for name in kube-controller-manager kube-apiserver etcd; do
	f=$DIR/pids/$name.pid
	[ -f "$f" ] || continue
	pid=$(cat "$f")
	# ours: the process runs the component's binary and its arguments name this directory
	if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$name .*$DIR/"; then
		kill -TERM "$pid" 2>/dev/null || true
		n=0
		while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done
		if kill -0 "$pid" 2>/dev/null; then
			echo "cluster-down: $name (pid $pid) ignored SIGTERM for 20 s: SIGKILL" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
		stopped="$stopped $name"
	fi
	rm -f "$f"
done
echo "cluster-down: stopped${stopped:- nothing} in $DIR"
