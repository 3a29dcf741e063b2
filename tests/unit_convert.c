/* unit_convert.c - conversion rules (README "What the conversion does";
 * docs/architecture.md) through the pipeline. */
#include "helpers.h"

#define DEPLOY_HEAD \
	"apiVersion: apps/v1\n" \
	"kind: Deployment\n" \
	"metadata:\n" \
	"  name: web\n" \
	"  namespace: shop\n" \
	"  labels:\n" \
	"    app: web\n"

#define DEPLOY_SPEC(extra) \
	"spec:\n" \
	"  replicas: 3\n" \
	extra \
	"  selector:\n" \
	"    matchLabels:\n" \
	"      app: web\n" \
	"  template:\n" \
	"    metadata:\n" \
	"      labels:\n" \
	"        app: web\n" \
	"    spec:\n" \
	"      containers:\n" \
	"      - name: app\n" \
	"        image: nginx\n" \
	"        ports:\n" \
	"        - name: http\n" \
	"          containerPort: 8080\n"

static const char plain[] = DEPLOY_HEAD DEPLOY_SPEC("");

static void kind_and_service_name(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, plain, "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "kind: StatefulSet\n");
	assert_lacks(r.out, "kind: Deployment");
	assert_has(r.out, "spec:\n  serviceName: web-headless\n  replicas: 3\n");
	run_free(&r);
}

static void service_name_template(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, plain, "service-name={name}-{namespace}-peers");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "serviceName: web-shop-peers\n");
	assert_has(r.out, "  name: web-shop-peers\n");
	run_free(&r);
}

/* {namespace} of a Deployment without metadata.namespace is the namespace
 * -n says it is applied in (README "What the conversion does") */
static void service_name_namespace_flag(void **state)
{
	(void)state;
	static const char no_ns[] =
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n" DEPLOY_SPEC("");
	struct run r;
	RUN(&r, no_ns, "service-name={name}-{namespace}", "namespace=shop", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "serviceName: web-shop\n");
	assert_has(r.out, "  name: web-shop\n");
	run_free(&r);
}

/* with matchExpressions the Service selects on the template labels, those
 * of a merge key included (as Kubernetes reads the mapping) */
static void service_selector_merge_key(void **state)
{
	(void)state;
	static const char in[] =
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
		"  selector:\n    matchLabels: &sel\n      app: web\n"
		"    matchExpressions:\n    - {key: app, operator: Exists}\n"
		"  template:\n    metadata:\n      labels:\n        <<: *sel\n        component: server\n"
		"    spec:\n      containers:\n      - name: main\n        image: nginx\n";
	struct run r;
	RUN(&r, in, "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  selector:\n    component: server\n    app: web\n");
	run_free(&r);
}

static void headless_service_generated(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, plain, "publish-not-ready-addresses");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-headless\n"
		   "  namespace: shop\n  labels:\n    app: web\nspec:\n  clusterIP: None\n"
		   "  publishNotReadyAddresses: true\n  selector:\n    app: web\n  ports:\n"
		   "  - name: http\n    port: 8080\n    targetPort: http\n");
	run_free(&r);
}

static void no_headless_service(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, plain, "no-headless-service");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.out, "kind: Service");
	assert_has(r.out, "serviceName: web-headless");
	run_free(&r);
}

static void rolling_update_drops_surge(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n"
					"      maxSurge: 25%\n      maxUnavailable: 0\n"), "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  updateStrategy:\n    type: RollingUpdate\n  replicas: 3\n");
	assert_lacks(r.out, "maxSurge");
	assert_lacks(r.out, "maxUnavailable");
	assert_lacks(r.out, "strategy:\n    type");
	assert_true(has_info(&r, "Deployment", "web", "updates without taking a pod down (maxUnavailable 0 of 3 "
			     "replicas is 0 pods; it starts new pods first, maxSurge 25%)"));
	run_free(&r);
	/* the API default, 25% of 3 replicas, is 0 pods too */
	RUN(&r, plain, "quiet");
	assert_true(has_info(&r, "Deployment", "web", "maxUnavailable 25% (default) of 3 replicas is 0 pods"));
	run_free(&r);
	/* a surge with pods allowed down: nothing to say; --max-unavailable is the user's */
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  strategy:\n    rollingUpdate:\n      maxUnavailable: 1\n"), "quiet");
	assert_false(has_info(&r, "Deployment", "web", "without taking a pod down"));
	run_free(&r);
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  strategy:\n    rollingUpdate:\n      maxUnavailable: 0%\n"),
	    "max-unavailable=2");
	assert_has(r.out, "maxUnavailable: 2");
	assert_false(has_info(&r, "Deployment", "web", "without taking a pod down"));
	run_free(&r);
}

static void max_unavailable_and_partition(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, plain, "max-unavailable=2", "partition=1");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n"
		   "      partition: 1\n      maxUnavailable: 2\n");
	run_free(&r);
}

static void recreate_warns(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  strategy:\n    type: Recreate\n"), "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "updateStrategy:\n    type: RollingUpdate\n");
	assert_has(r.err, "warning: in.yaml:");
	assert_has(r.err, "Recreate");
	run_free(&r);
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  strategy:\n    type: Recreate\n"), "recreate-as=OnDelete");
	assert_has(r.out, "updateStrategy:\n    type: OnDelete\n");
	run_free(&r);
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  strategy:\n    type: Recreate\n"), "strict");
	assert_int_equal(r.rc, 1);
	run_free(&r);
}

static void update_strategy_flag(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, plain, "update-strategy=OnDelete", "pod-management-policy=Parallel");
	assert_has(r.out, "  podManagementPolicy: Parallel\n  updateStrategy:\n    type: OnDelete\n");
	run_free(&r);
	/* every message has a position, even one about flags (at the object) */
	RUN(&r, plain, "update-strategy=OnDelete", "partition=2");
	assert_has(r.err, "warning: in.yaml:1:1: Deployment shop/web: --partition");
	run_free(&r);
	/* OnDelete never replaces a pod by itself: the message must not say so;
	 * --recreate-as is a choice, so an info, not a warning */
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  strategy:\n    type: Recreate\n"), "recreate-as=OnDelete");
	assert_severity(&r, "only when you delete it", "info");
	assert_null(severity_of(&r, "one at a time"));
	assert_lacks(r.err, "warning");
	run_free(&r);
}

static void paused_becomes_partition(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  paused: true\n"), "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "rollingUpdate:\n      partition: 3\n");
	assert_lacks(r.out, "paused");
	run_free(&r);
	/* with OnDelete nothing is replaced by itself: no partition, no claim
	 * that a --partition (never given) was ignored */
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  paused: true\n  strategy:\n    type: Recreate\n"),
	    "recreate-as=OnDelete");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "updateStrategy:\n    type: OnDelete\n");
	assert_severity(&r, "no partition is needed", "info"); /* chosen: no warning */
	assert_null(severity_of(&r, "becomes a RollingUpdate"));
	assert_null(severity_of(&r, "ignored"));
	run_free(&r);
	/* an explicit --partition below replicas updates pods of a paused
	 * Deployment: said, not silent */
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  paused: true\n"), "partition=1");
	assert_has(r.out, "partition: 1\n");
	assert_severity(&r, "--partition 1 lets the pods from ordinal index 1 on get the new template now",
			"info"); /* said, not silent, and chosen: no warning */
	run_free(&r);
}

static void removed_fields(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n"
		"    deployment.kubernetes.io/revision: \"4\"\n"
		DEPLOY_SPEC("  progressDeadlineSeconds: 600\n  revisionHistoryLimit: 10\n")
		"status:\n  replicas: 3\n", "quiet");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.out, "progressDeadlineSeconds");
	assert_lacks(r.out, "deployment.kubernetes.io/revision");
	assert_lacks(r.out, "annotations:");
	assert_lacks(r.out, "status:");
	assert_has(r.out, "revisionHistoryLimit: 10");
	run_free(&r);
}

static void numeric_flags(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  minReadySeconds: 5\n"), "min-ready-seconds=30",
	    "revision-history-limit=4", "ordinals-start=1",
	    "pvc-retention-policy=whenDeleted=Delete,whenScaled=Retain");
	assert_has(r.out, "  minReadySeconds: 30\n");
	assert_has(r.out, "  revisionHistoryLimit: 4\n");
	assert_has(r.out, "  ordinals:\n    start: 1\n");
	assert_has(r.out, "  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n"
		   "    whenScaled: Retain\n");
	run_free(&r);
}

static void name_too_long(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		"  name: a-very-long-deployment-name-that-is-fifty-three-chars\n" DEPLOY_SPEC(""), "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "error: in.yaml:4:9: Deployment a-very-long");
	assert_has(r.err, "at most 52");
	run_free(&r);
}

static void service_name_invalid(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, plain, "service-name=9{name}");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "DNS-1035");
	run_free(&r);
}

static void vct_replaces_emptydir(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("")
		"        volumeMounts:\n        - name: data\n          mountPath: /data\n"
		"      volumes:\n      - name: data\n        emptyDir: {}\n",
		"volume-claim-template=name=data,mountPath=/data,size=2Gi,storageClassName=fast");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.out, "emptyDir");
	assert_lacks(r.out, "volumes:");
	assert_int_equal(count_of(r.out, "- name: data"), 1); /* mount kept, not duplicated */
	assert_has(r.out, "  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n"
		   "      accessModes:\n      - ReadWriteOnce\n      storageClassName: fast\n"
		   "      resources:\n        requests:\n          storage: 2Gi\n");
	run_free(&r);
}

static void vct_adds_mounts(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, plain, "volume-claim-template=name=data,mountPath=/var/data,size=1Gi");
	assert_has(r.out, "        image: nginx\n        ports:\n        - name: http\n"
		   "          containerPort: 8080\n        volumeMounts:\n        - name: data\n"
		   "          mountPath: /var/data\n");
	run_free(&r);
}

static void vct_container_filter(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("") "      - name: sidecar\n        image: busybox\n",
	    "volume-claim-template=name=data,mountPath=/d,size=1Gi,containers=sidecar");
	assert_int_equal(count_of(r.out, "mountPath: /d"), 1);
	assert_has(r.out, "image: busybox\n        volumeMounts:\n");
	run_free(&r);
}

static void other_volumes_kept(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("") "      volumes:\n      - name: config\n        configMap:\n"
		"          name: web\n      - name: data\n        emptyDir: {}\n",
	    "volume-claim-template=name=data,mountPath=/data,size=1Gi");
	assert_has(r.out, "      volumes:\n      - name: config\n        configMap:\n          name: web\n  ");
	assert_lacks(r.out, "emptyDir");
	run_free(&r);
}

static void comments_survive(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "# top comment\napiVersion: apps/v1 # api\nkind: \"Deployment\"\nmetadata:\n  name: web\n"
		"spec:\n  # replicas comment\n  replicas: 1\n  strategy:\n    # inside strategy\n"
		"    type: RollingUpdate\n  selector:\n    matchLabels: {app: web}\n  template:\n"
		"    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n"
		"      - name: a # trailing\n        image: x\n", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "# top comment\napiVersion: apps/v1 # api\nkind: \"StatefulSet\"\n");
	assert_has(r.out, "  # replicas comment\n");
	assert_has(r.out, "    # inside strategy\n");
	assert_has(r.out, "- name: a # trailing\n");
	assert_has(r.out, "matchLabels: {app: web}");
	run_free(&r);
}

/* A comment after a removed field stays, on a line of its own; a '#'
 * inside a quoted scalar is text and goes with its field. */
static void trailing_comments_of_removed_fields_survive(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("  progressDeadlineSeconds: 600 # give up after 10 min\n"
		"  strategy: # how pods roll\n    type: RollingUpdate   # rolling\n    rollingUpdate:\n"
		"      maxSurge: \"25% #text\" # surge\n      maxUnavailable: 0\n"), "quiet");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.out, "progressDeadlineSeconds");
	assert_has(r.out, "  replicas: 3\n  # give up after 10 min\n  # how pods roll\n"
		   "    # rolling\n      # surge\n  selector:\n");
	assert_lacks(r.out, "#text");
	run_free(&r);
}

static void match_expressions_selector(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  selector:\n"
		"    matchExpressions:\n    - {key: app, operator: In, values: [w]}\n  template:\n"
		"    metadata:\n      labels:\n        app: w\n        tier: x\n    spec:\n"
		"      containers:\n      - name: a\n        image: x\n", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  selector:\n    app: w\n    tier: x\n");
	run_free(&r);
	RUN(&r, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  selector:\n"
		"    matchExpressions:\n    - {key: app, operator: In, values: [z]}\n  template:\n"
		"    metadata:\n      labels:\n        app: w\n    spec:\n"
		"      containers:\n      - name: a\n        image: x\n", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "matchExpressions");
	run_free(&r);
}

static void template_hostname_warns(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("") "      hostname: fixed\n", "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.err, "hostname is overwritten");
	run_free(&r);
}

static void wrong_types_are_errors(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n"
		"  replicas: \"three\"\n  selector: {matchLabels: {a: b}}\n  template:\n    spec:\n"
		"      containers: []\n", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "spec.replicas must be a non-negative integer");
	run_free(&r);
	RUN(&r, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n"
		"  selector: {matchLabels: {a: b}}\n  template:\n    spec:\n      containers: {}\n", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "in.yaml:9:19: Deployment w: spec.template.spec.containers must be a non-empty list");
	run_free(&r);
	RUN(&r, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  replicas: 1\n", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "spec.template must be a mapping");
	run_free(&r);
}

static void flow_style_reemitted(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "{apiVersion: apps/v1, kind: Deployment, metadata: {name: w}, spec: {selector: "
		"{matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: "
		"[{name: c, image: x}]}}}}\n", "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.err, "re-emitted in block style");
	assert_has(r.out, "kind: StatefulSet\n");
	assert_has(r.out, "serviceName: w-headless\n");
	run_free(&r);
}

/* volumeMounts: [] / null and minReadySeconds: null are filled in place,
 * in the document's own layout (no re-emit, comments stay). */
static void empty_values_filled_in_place(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD "spec:\n  minReadySeconds:   # set by the flag\n  selector:\n"
		"    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n"
		"        app: web\n    spec:\n      containers:\n      - name: a\n        image: x\n"
		"        volumeMounts: []  # none yet\n      - name: b\n        image: y\n"
		"        volumeMounts: ~\n",
	    "volume-claim-template=name=data,mountPath=/d,size=1Gi", "min-ready-seconds=7",
	    "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.err, "re-emitted");
	assert_has(r.out, "  minReadySeconds: 7   # set by the flag\n");
	assert_has(r.out, "        image: x\n        volumeMounts:\n        - name: data\n"
		   "          mountPath: /d  # none yet\n      - name: b\n");
	assert_has(r.out, "        image: y\n        volumeMounts:\n        - name: data\n"
		   "          mountPath: /d\n");
	run_free(&r);
}

/* A re-emitted document keeps every value, also a run of '' that libfyaml
 * 0.7.12 would read wrongly. */
static void reemit_keeps_single_quoted_values(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "{apiVersion: apps/v1, kind: Deployment, metadata: {name: w}, spec: {selector: "
		"{matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: "
		"[{name: c, image: x, command: ['sh', '-c', 'echo ''a'''' b''']}]}}}}\n",
	    "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.err, "re-emitted in block style");
	assert_has(r.out, "\"echo 'a'' b'\"");
	run_free(&r);
}

/* ---------- claim templates from PVCs, --volume-claim-template ---------- */

#define PVC_DEPLOY \
	DEPLOY_HEAD DEPLOY_SPEC("") \
	"        volumeMounts:\n        - name: data\n          mountPath: /data\n" \
	"      volumes:\n      - name: data\n        persistentVolumeClaim:\n          claimName: web-data\n"

#define PVC_HEAD \
	"---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: web-data\n  namespace: shop\n"

/* An absorbed PVC's claim template carries its name and spec only: no label
 * or annotation a chart or values change may alter (claim templates are
 * immutable, ValidateStatefulSetUpdate). */
static void claim_template_from_pvc_is_stable(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, PVC_DEPLOY PVC_HEAD
		"  labels:\n    app: web\n    helm.sh/chart: web-1.2.3\n    chart: web-1.2.3\n"
		"    app.kubernetes.io/version: \"4.5\"\n    version: v4\n    tier: db\n"
		"  annotations:\n    postrenderer.helm.sh/postrender-filename: web/pvc.yaml\n"
		"    meta.helm.sh/release-name: web\n    team: storage\n"
		"spec:\n  accessModes: [ReadWriteOnce]\n  selector:\n    matchLabels:\n      disk: ssd\n"
		"  volumeName: pv-0001\n  resources:\n    requests:\n      storage: 8Gi\n",
	    "log-file=/dev/null", "migrate-data=none");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n"
		   "      accessModes:\n      - ReadWriteOnce\n      selector:\n        matchLabels:\n"
		   "          disk: ssd\n      resources:\n        requests:\n          storage: 8Gi\n");
	assert_int_equal(count_of(r.out, "volumeName"), 1); /* the PVC keeps its own */
	assert_int_equal(count_of(r.out, "web-1.2.3"), 2);  /* only in the PVC */
	assert_int_equal(count_of(r.out, "postrender-filename"), 1);
	assert_int_equal(count_of(r.out, "tier: db"), 1);      /* only in the PVC */
	assert_int_equal(count_of(r.out, "team: storage"), 1); /* only in the PVC */
	assert_has(r.err, "in.yaml:28:9: Deployment shop/web: PersistentVolumeClaim shop/web-data is "
		   "bound to PersistentVolume pv-0001");
	run_free(&r);
}

/* A PVC whose storage request is not a quantity > 0 is an input error. */
static void pvc_storage_must_be_a_positive_quantity(void **state)
{
	(void)state;
	static const char *const sizes[] = { "0", "\"ten\"", "-1Gi", "8GB", NULL };
	for (int i = 0; sizes[i]; i++) {
		char in[2048];
		snprintf(in, sizeof(in), "%s%sspec:\n  resources:\n    requests:\n      storage: %s\n",
			 PVC_DEPLOY, PVC_HEAD, sizes[i]);
		struct run r;
		RUN(&r, in, "quiet");
		assert_int_equal(r.rc, 1);
		assert_has(r.err, "in.yaml:28:9: Deployment shop/web: PersistentVolumeClaim shop/web-data: "
			   "spec.resources.requests.storage");
		assert_has(r.err, "not a quantity greater than zero");
		run_free(&r);
	}
	struct run r;
	RUN(&r, PVC_DEPLOY PVC_HEAD "spec:\n  accessModes: [ReadWriteOnce]\n", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "spec.resources.requests.storage is missing");
	run_free(&r);
}

/* --volume-claim-template never replaces a volume that holds something. */
static void vct_refuses_volumes_with_content(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, PVC_DEPLOY PVC_HEAD "spec:\n  resources:\n    requests:\n      storage: 8Gi\n",
	    "volume-claim-template=name=data,mountPath=/data,size=1Gi", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "in.yaml:28:9: Deployment shop/web: --volume-claim-template name=data would "
		   "replace volume data, which mounts PersistentVolumeClaim web-data");
	assert_lacks(r.out, "1Gi");
	run_free(&r);
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("")
		"        volumeMounts:\n        - name: data\n          mountPath: /etc/app\n"
		"      volumes:\n      - name: data\n        configMap:\n          name: web\n",
	    "volume-claim-template=name=data,size=1Gi", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "would replace volume data (source configMap) with an empty claim");
	run_free(&r);
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("")
		"        volumeMounts:\n        - name: data\n          mountPath: /scratch\n"
		"      volumes:\n      - name: data\n        ephemeral:\n          volumeClaimTemplate:\n"
		"            spec: {}\n",
	    "volume-claim-template=name=data,size=1Gi", "quiet");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.out, "ephemeral");
	run_free(&r);
}

/* A requested mountPath is added to a container that mounts the volume
 * elsewhere; a path another mount holds is an error. */
static void vct_mount_path_honoured_or_refused(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("")
		"        volumeMounts:\n        - name: data\n          mountPath: /old\n"
		"      volumes:\n      - name: data\n        emptyDir: {}\n",
	    "volume-claim-template=name=data,mountPath=/new,size=1Gi", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "        - name: data\n          mountPath: /old\n        - name: data\n"
		   "          mountPath: /new\n");
	run_free(&r);
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("")
		"        volumeMounts:\n        - name: cache\n          mountPath: /data\n"
		"      volumes:\n      - name: cache\n        emptyDir: {}\n",
	    "volume-claim-template=name=data,mountPath=/data,size=1Gi", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "in.yaml:25:11: Deployment shop/web: container app already mounts cache at "
		   "/data: --volume-claim-template name=data cannot mount there too");
	run_free(&r);
	RUN(&r, plain, "volume-claim-template=name=a,mountPath=/d,size=1Gi",
	    "volume-claim-template=name=b,mountPath=/d,size=1Gi", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "container app already mounts a at /d");
	run_free(&r);
}

static void vct_glob_must_match(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("") "      - name: sidecar\n        image: busybox\n",
	    "volume-claim-template=name=data,mountPath=/d,size=1Gi,containers=side;db*", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "Deployment shop/web: --volume-claim-template name=data: containers=side "
		   "matches no container (containers: app, sidecar)");
	assert_has(r.err, "containers=db* matches no container");
	run_free(&r);
}

/* ValidateService: ports unique by (port, protocol), names unique. */
static void service_ports_unique(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("") "      - name: b\n        image: y\n        ports:\n"
		"        - name: web\n          containerPort: 8080\n        - name: http\n"
		"          containerPort: 9090\n        - name: dns\n          containerPort: 8080\n"
		"          protocol: UDP\n", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  ports:\n  - name: http\n    port: 8080\n    targetPort: http\n"
		   "  - name: dns\n    port: 8080\n    targetPort: dns\n    protocol: UDP\n");
	assert_lacks(r.out, "name: web\n    port");
	assert_lacks(r.out, "port: 9090");
	run_free(&r);
}

/* `volumes:` and `volumeMounts:` with nothing after them (a template's
 * empty list) are filled like [] and null. */
static void empty_keys_filled(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("") "        volumeMounts:\n      volumes:\n",
	    "volume-claim-template=name=data,mountPath=/d,size=1Gi", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "        volumeMounts:\n        - name: data\n          mountPath: /d\n");
	run_free(&r);
}

/* Aliases and tags read as Kubernetes' decoder reads them. */
static void aliases_and_tags_resolved(void **state)
{
	(void)state;
	static const char in[] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n"
		"  labels: &labels\n    app: w\nspec:\n  replicas: !!int \"3\"\n  selector:\n"
		"    matchLabels: *labels\n  template:\n    metadata:\n      labels: *labels\n"
		"    spec:\n      containers:\n      - name: a\n        image: x\n";
	struct run r;
	RUN(&r, in, "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  replicas: !!int \"3\"\n  selector:\n    matchLabels: *labels\n");
	assert_has(r.out, "clusterIP: None\n  selector:\n    app: w\n");
	run_free(&r);
	RUN(&r, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n"
		"  replicas: !!str 3\n  selector: {matchLabels: {a: b}}\n  template:\n"
		"    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: x}]\n", "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "spec.replicas must be a non-negative integer");
	run_free(&r);
}

/* An edit that would land in an anchored node an alias repeats (or in what a
 * merge key gives) re-emits the Deployment with its aliases expanded and
 * its merge keys merged, as Kubernetes reads it, with a warning that names
 * the anchor; the edit then lands where it means to. */
static void edit_inside_alias_expanded(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEPLOY_HEAD DEPLOY_SPEC("")
		"        volumeMounts: &mounts\n        - name: cache\n          mountPath: /c\n"
		"      - name: b\n        image: y\n        volumeMounts: *mounts\n"
		"      volumes:\n      - name: cache\n        emptyDir: {}\n",
	    "volume-claim-template=name=data,mountPath=/d,size=1Gi");
	assert_int_equal(r.rc, 0);
	assert_has(r.err, "warning: in.yaml:1:1: Deployment shop/web: an edit lands in a node that an "
		   "alias repeats (&mounts)");
	assert_lacks(r.out, "&mounts");
	assert_lacks(r.out, "*mounts");
	/* both containers mounted the anchored list: each gets the claim */
	assert_int_equal(count_of(r.out, "- name: data\n          mountPath: /d\n"), 2);
	assert_int_equal(count_of(r.out, "- name: cache\n          mountPath: /c\n"), 2);
	run_free(&r);
	RUN(&r, DEPLOY_HEAD "spec:\n  strategy: &s {type: Recreate}\n  selector:\n    matchLabels:\n"
		"      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n"
		"      annotations:\n        s: *s\n    spec:\n      containers:\n      - name: a\n"
		"        image: x\n", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "kind: StatefulSet\n");
	assert_lacks(r.out, "\n  strategy:"); /* removed; the alias kept its value */
	assert_has(r.out, "        s:\n          type: Recreate\n");
	run_free(&r);
	RUN(&r, DEPLOY_HEAD "spec:\n  <<: {strategy: {type: Recreate}}\n  selector:\n    matchLabels:\n"
		"      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n"
		"    spec:\n      containers:\n      - name: a\n        image: x\n", "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.err, "merge key <<");
	assert_lacks(r.out, "<<");
	assert_lacks(r.out, "strategy");
	assert_has(r.out, "updateStrategy:\n    type: RollingUpdate\n"); /* the merged Recreate */
	run_free(&r);
	/* the revision annotation the Deployment controller owns goes, but its
	 * anchor stays used by a label: removing it would leave the alias
	 * dangling, which the API server refuses ("unknown anchor"; found by
	 * tests/test_cluster.py on model output) */
	RUN(&r, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n"
		"    deployment.kubernetes.io/revision: &rev \"3\"\n    other: x\n  labels:\n    rev: *rev\n"
		"spec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n"
		"      labels: {app: web}\n    spec:\n      containers: [{name: c, image: x}]\n", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  annotations:\n    other: x\n  labels:\n    rev: \"3\"\n");
	assert_lacks(r.out, "*rev");
	assert_lacks(r.out, "deployment.kubernetes.io/revision");
	run_free(&r);
}

static void crlf_kept(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: w\r\nspec:\r\n"
		"  selector:\r\n    matchLabels:\r\n      a: b\r\n  template:\r\n    metadata:\r\n"
		"      labels:\r\n        a: b\r\n    spec:\r\n      containers:\r\n      - name: c\r\n"
		"        image: x\r\n", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "kind: StatefulSet\r\n");
	assert_has(r.out, "spec:\r\n  serviceName: w-headless\r\n  selector:");
	assert_lacks(r.out, "headless\n");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kind_and_service_name),
		cmocka_unit_test(service_name_template),
		cmocka_unit_test(service_name_namespace_flag),
		cmocka_unit_test(service_selector_merge_key),
		cmocka_unit_test(headless_service_generated),
		cmocka_unit_test(no_headless_service),
		cmocka_unit_test(rolling_update_drops_surge),
		cmocka_unit_test(max_unavailable_and_partition),
		cmocka_unit_test(recreate_warns),
		cmocka_unit_test(update_strategy_flag),
		cmocka_unit_test(paused_becomes_partition),
		cmocka_unit_test(removed_fields),
		cmocka_unit_test(numeric_flags),
		cmocka_unit_test(name_too_long),
		cmocka_unit_test(service_name_invalid),
		cmocka_unit_test(vct_replaces_emptydir),
		cmocka_unit_test(vct_adds_mounts),
		cmocka_unit_test(vct_container_filter),
		cmocka_unit_test(other_volumes_kept),
		cmocka_unit_test(comments_survive),
		cmocka_unit_test(trailing_comments_of_removed_fields_survive),
		cmocka_unit_test(match_expressions_selector),
		cmocka_unit_test(template_hostname_warns),
		cmocka_unit_test(wrong_types_are_errors),
		cmocka_unit_test(flow_style_reemitted),
		cmocka_unit_test(empty_values_filled_in_place),
		cmocka_unit_test(reemit_keeps_single_quoted_values),
		cmocka_unit_test(crlf_kept),
		cmocka_unit_test(claim_template_from_pvc_is_stable),
		cmocka_unit_test(pvc_storage_must_be_a_positive_quantity),
		cmocka_unit_test(vct_refuses_volumes_with_content),
		cmocka_unit_test(vct_mount_path_honoured_or_refused),
		cmocka_unit_test(vct_glob_must_match),
		cmocka_unit_test(service_ports_unique),
		cmocka_unit_test(empty_keys_filled),
		cmocka_unit_test(aliases_and_tags_resolved),
		cmocka_unit_test(edit_inside_alias_expanded),
	};
	return cmocka_run_group_tests_name("convert", tests, NULL, NULL);
}
