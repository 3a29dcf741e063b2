#!/bin/sh
# up.sh - start the test control plane (make cluster-up): etcd, kube-apiserver
# and kube-controller-manager from .tools/bin (tests/cluster/build.sh), on
# 127.0.0.1 with free ports, in the cluster directory
#   ${D2S_CLUSTER_DIR:-.tools/cluster}
# (another directory = another, independent cluster). Writes there:
#   pki/        CA, API server serving certificate, client certificates (admin:
#               O=system:masters; controller manager: the bootstrap RBAC user
#               system:kube-controller-manager), service-account key pair
#   kubeconfig  the admin's kubeconfig (give it to kubectl and helm)
#   logs/       one log per component      pids/  one pid file per component
#   env         the ports and URLs, as sh variable assignments
# Returns when /readyz of the API server answers ok, the controller manager's
# /healthz answers ok and the service-account controller has made the
# ServiceAccount default/default; otherwise it stops what it started and fails
# with the failing component's log tail. A running cluster in the directory is
# kept (exit 0). The etcd data starts empty on every start. No kubelet and no
# scheduler: pods stay Pending. Stop it with tests/cluster/down.sh.
# Flags: a subset of envtest's (sigs.k8s.io/controller-runtime
# pkg/internal/testing/controlplane), plus RBAC with client certificates and a
# controller manager run the way kubeadm runs it (one service account per controller).
# D2S_CLUSTER_BIN: another directory of the three binaries; D2S_CLUSTER_TIMEOUT:
# seconds each component may take to be ready (default 120).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${D2S_CLUSTER_BIN:-$ROOT/.tools/bin}
DIR=${D2S_CLUSTER_DIR:-$ROOT/.tools/cluster}
TIMEOUT=${D2S_CLUSTER_TIMEOUT:-120}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

die() { echo "cluster-up: $*" >&2; exit 1; }
for b in etcd kube-apiserver kube-controller-manager; do
	[ -x "$BIN/$b" ] || die "$BIN/$b is missing: run sh tests/cluster/build.sh (make cluster-build) first"
done
command -v openssl >/dev/null 2>&1 || die "openssl is missing (apt-get install openssl): it makes the cluster's certificates"
command -v curl >/dev/null 2>&1 || die "curl is missing (apt-get install curl): it asks the components whether they are ready"

alive() { [ -f "$DIR/pids/$1.pid" ] && kill -0 "$(cat "$DIR/pids/$1.pid")" 2>/dev/null; }

if alive etcd && alive kube-apiserver && alive kube-controller-manager && [ -f "$DIR/env" ]; then
	. "$DIR/env"
	if curl -fsS --max-time 5 --cacert "$DIR/pki/ca.crt" --cert "$DIR/pki/admin.crt" --key "$DIR/pki/admin.key" \
		"$D2S_APISERVER_URL/readyz" >/dev/null 2>&1; then
		echo "cluster-up: already running in $DIR (API server $D2S_APISERVER_URL); KUBECONFIG=$DIR/kubeconfig"
		exit 0
	fi
fi
# a half-started or dead cluster in this directory: stop what is left of it first
sh "$HERE/down.sh" >/dev/null

mkdir -p "$DIR/pki" "$DIR/logs" "$DIR/pids"
rm -rf "$DIR/etcd-data"

# --- free ports (bind to port 0, read the port the kernel chose, release it)
ports=$(python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
')
set -- $ports
ETCD_PORT=$1 ETCD_PEER_PORT=$2 API_PORT=$3 KCM_PORT=$4

# --- certificates and service-account keys (OpenSSL)
P=$DIR/pki
ssl() { openssl "$@" 2>>"$DIR/logs/openssl.log" || die "openssl $1 failed: $(tail -3 "$DIR/logs/openssl.log")"; }
newkey() { ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$P/$1.key"; }
if [ ! -f "$P/ca.crt" ]; then
	newkey ca
	ssl req -x509 -new -key "$P/ca.key" -out "$P/ca.crt" -days 3650 -subj "/CN=deploy2sts-test-ca" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi
# sign NAME SUBJECT EXTENSIONS: a certificate for NAME.key signed by the CA
sign() {
	newkey "$1"
	ssl req -new -key "$P/$1.key" -out "$P/$1.csr" -subj "$2"
	printf '%s\n' "$3" >"$P/$1.ext"
	ssl x509 -req -in "$P/$1.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial \
		-out "$P/$1.crt" -days 3650 -extfile "$P/$1.ext"
	rm -f "$P/$1.csr" "$P/$1.ext"
}
if [ ! -f "$P/apiserver.crt" ]; then
	# 10.0.0.1: the ClusterIP of Service default/kubernetes (first address of the service range)
	sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
	# O=system:masters: the group the bootstrap RBAC policy binds to cluster-admin
	sign admin "/O=system:masters/CN=deploy2sts-admin" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
	# the user the bootstrap RBAC policy gives the controller manager's role
	sign controller-manager "/CN=system:kube-controller-manager" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
	# the aggregation layer's client (front proxy): without a request-header CA the
	# controller manager's delegated authentication logs an error every second
	sign front-proxy-client "/CN=front-proxy-client" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
fi
if [ ! -f "$P/sa.key" ]; then
	ssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$P/sa.key"
	ssl pkey -in "$P/sa.key" -pubout -out "$P/sa.pub"
fi

API_URL=https://127.0.0.1:$API_PORT
kubeconfig() { # kubeconfig FILE USER
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: deploy2sts-test
  cluster:
    server: $API_URL
    certificate-authority: $P/ca.crt
users:
- name: $2
  user:
    client-certificate: $P/$2.crt
    client-key: $P/$2.key
contexts:
- name: deploy2sts-test
  context: {cluster: deploy2sts-test, user: $2, namespace: default}
current-context: deploy2sts-test
EOF
	chmod 600 "$1"
}
kubeconfig "$DIR/kubeconfig" admin
kubeconfig "$DIR/controller-manager.kubeconfig" controller-manager
cat >"$DIR/env" <<EOF
D2S_ETCD_URL=http://127.0.0.1:$ETCD_PORT
D2S_APISERVER_URL=$API_URL
D2S_CONTROLLER_MANAGER_URL=https://127.0.0.1:$KCM_PORT
KUBECONFIG=$DIR/kubeconfig
EOF

# start NAME ARGS...: run .tools/bin/NAME in the background, log and pid file
start() {
	name=$1; shift
	nohup "$BIN/$name" "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
	echo $! >"$DIR/pids/$name.pid"
}
fail() { # fail NAME WHY: the log tail, stop everything, exit 1
	echo "cluster-up: $1 $2; last lines of $DIR/logs/$1.log:" >&2
	tail -n 25 "$DIR/logs/$1.log" >&2 || true
	sh "$HERE/down.sh" >/dev/null 2>&1 || true
	exit 1
}
# wait_ok NAME CURL-ARGS...: poll until the URL answers "ok"-ish (curl -f), the
# process ends (fail at once) or TIMEOUT seconds pass
wait_ok() {
	name=$1; shift
	end=$(($(date +%s) + TIMEOUT))
	while :; do
		alive "$name" || fail "$name" "exited while starting"
		curl -fsS --max-time 5 "$@" >"$DIR/logs/$name.ready" 2>&1 && return 0
		[ "$(date +%s)" -lt "$end" ] || fail "$name" "not ready after $TIMEOUT s ($(cat "$DIR/logs/$name.ready"))"
		sleep 0.2
	done
}

start etcd --name=default --data-dir="$DIR/etcd-data" \
	--listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
	--listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
	--initial-cluster="default=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync=true
wait_ok etcd "http://127.0.0.1:$ETCD_PORT/health"

start kube-apiserver --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
	--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
	--tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" --cert-dir="$P/apiserver" \
	--client-ca-file="$P/ca.crt" --authorization-mode=RBAC \
	--requestheader-client-ca-file="$P/ca.crt" --requestheader-allowed-names=front-proxy-client \
	--requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
	--requestheader-extra-headers-prefix=X-Remote-Extra- \
	--proxy-client-cert-file="$P/front-proxy-client.crt" --proxy-client-key-file="$P/front-proxy-client.key" \
	--service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$P/sa.pub" \
	--service-account-signing-key-file="$P/sa.key" \
	--service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true --profiling=false
wait_ok kube-apiserver --cacert "$P/ca.crt" --cert "$P/admin.crt" --key "$P/admin.key" "$API_URL/readyz"

# the controllers the tests need: workloads (statefulset, deployment, replicaset),
# the garbage collector (cascading deletes), namespaces, service accounts and
# their tokens (pods need the ServiceAccount of their namespace), the root CA
# ConfigMap, volume binding (a PersistentVolume made by hand binds its claim),
# and the protection finalizers' controllers (without them a deleted PVC stays
# Terminating for ever)
start kube-controller-manager --kubeconfig="$DIR/controller-manager.kubeconfig" \
	--authentication-kubeconfig="$DIR/controller-manager.kubeconfig" \
	--authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
	--bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$P/controller-manager" \
	--leader-elect=false --use-service-account-credentials=true \
	--service-account-private-key-file="$P/sa.key" --root-ca-file="$P/ca.crt" \
	--controllers=statefulset-controller,deployment-controller,replicaset-controller,garbage-collector-controller,namespace-controller,serviceaccount-controller,serviceaccount-token-controller,root-ca-certificate-publisher-controller,persistentvolume-binder-controller,persistentvolume-expander-controller,persistentvolumeclaim-protection-controller,persistentvolume-protection-controller
# /healthz is on the controller manager's always-allowed paths (no credentials
# needed); its serving certificate is self-signed (--cert-dir), hence -k
wait_ok kube-controller-manager -k "https://127.0.0.1:$KCM_PORT/healthz"
# the service-account controller has run: ServiceAccount default/default exists
wait_ok kube-controller-manager --cacert "$P/ca.crt" --cert "$P/admin.crt" --key "$P/admin.key" \
	"$API_URL/api/v1/namespaces/default/serviceaccounts/default"
echo "cluster-up: etcd, kube-apiserver, kube-controller-manager ($("$BIN/kube-apiserver" --version)) running in $DIR"
echo "cluster-up: API server $API_URL; export KUBECONFIG=$DIR/kubeconfig"
