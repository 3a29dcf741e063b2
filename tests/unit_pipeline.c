/* unit_pipeline.c - cross-document rules and selection (README "What the
 * conversion does"; docs/architecture.md "The cross-document index"). */
#include "helpers.h"
#include "buf.h"

#define DEP(name, extra_meta, volumes) \
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " name "\n" extra_meta \
	"spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: " name "\n  template:\n" \
	"    metadata:\n      labels:\n        app: " name "\n    spec:\n      containers:\n" \
	"      - name: c\n        image: x\n        volumeMounts:\n        - name: store\n" \
	"          mountPath: /s\n" volumes

#define PVC_VOL "      volumes:\n      - name: store\n        persistentVolumeClaim:\n" \
	"          claimName: store-pvc\n"

#define PVC "---\n" PVC_DOC
#define PVC_DOC "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: store-pvc\n" \
	"  labels:\n    tier: db\nspec:\n  accessModes:\n  - ReadWriteOnce\n  storageClassName: ssd\n" \
	"  resources:\n    requests:\n      storage: 5Gi\n"

#define HPA(target) "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n" \
	"  name: h\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n" \
	"    name: " target "\n  minReplicas: 1\n  maxReplicas: 3\n"

#define CM "---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n" \
	"  name: cm   # keep me\ndata:\n  a: 'x'\n"

static void check_pvc_absorbed(const char *out)
{
	assert_has(out, "  volumeClaimTemplates:\n  - metadata:\n      name: store\n    spec:\n      accessModes:\n      - ReadWriteOnce\n"
		   "      resources:\n        requests:\n          storage: 5Gi\n"
		   "      storageClassName: ssd\n");
	assert_lacks(out, "claimName: store-pvc");
	assert_has(out, "  name: store-pvc\n  labels:\n    tier: db\n  annotations:\n"
		   "    helm.sh/resource-policy: keep\n");
}

static void pvc_before_deployment(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, PVC DEP("db", "", PVC_VOL), "quiet", "migrate-data=none");
	assert_int_equal(r.rc, 0);
	check_pvc_absorbed(r.out);
	/* order kept: PVC first */
	assert_true(strstr(r.out, "PersistentVolumeClaim") < strstr(r.out, "StatefulSet"));
	run_free(&r);
}

static void pvc_after_deployment(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEP("db", "", PVC_VOL) CM PVC, "quiet", "migrate-data=none");
	assert_int_equal(r.rc, 0);
	check_pvc_absorbed(r.out);
	assert_true(strstr(r.out, "StatefulSet") < strstr(r.out, "kind: ConfigMap"));
	assert_true(strstr(r.out, "kind: Service") < strstr(r.out, "kind: ConfigMap"));
	assert_true(strstr(r.out, "kind: ConfigMap") < strstr(r.out, "PersistentVolumeClaim"));
	run_free(&r);
}

static void pvc_warning_and_drop(void **state)
{
	(void)state;
	struct run r;
	/* absorbing a PVC needs a choice about its data: an error that names
	 * each choice, and nothing is written */
	RUN(&r, PVC DEP("db", "", PVC_VOL), "log-file=/dev/null");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "error: in.yaml:2:1: PersistentVolumeClaim store-pvc: mounted by Deployment db "
		   "as volume store: its StatefulSet gives each replica a claim of its own, which starts EMPTY");
	assert_has(r.err, "--migrate-data clone");
	assert_has(r.err, "--migrate-data none");
	assert_has(r.err, "--shared-volume store");
	assert_has(r.err, "--drop-absorbed-pvcs");
	assert_has(r.err, "--post-renderer-args=--migrate-data=clone");
	run_free(&r);
	/* a choice is not warned about, but never silent: an info */
	RUN(&r, PVC DEP("db", "", PVC_VOL), "log-file=/dev/null", "migrate-data=none");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.err, "warning");
	assert_severity(&r, "which start empty (--migrate-data none)", "info");
	run_free(&r);
	RUN(&r, PVC DEP("db", "", PVC_VOL), "drop-absorbed-pvcs", "quiet");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.out, "kind: PersistentVolumeClaim");
	assert_has(r.out, "name: store\n");
	run_free(&r);
}

static void shared_volume_kept(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, PVC DEP("db", "", PVC_VOL), "shared-volume=store", "quiet");
	assert_has(r.out, "claimName: store-pvc");
	assert_lacks(r.out, "volumeClaimTemplates");
	assert_lacks(r.out, "resource-policy");
	run_free(&r);
}

static void external_pvc_warns(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEP("db", "", PVC_VOL), "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "claimName: store-pvc");
	assert_has(r.err, "not in the input");
	run_free(&r);
}

static void hpa_after_and_before(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEP("web", "", "") HPA("web"), "quiet");
	assert_has(r.out, "    apiVersion: apps/v1\n    kind: StatefulSet\n    name: web\n");
	run_free(&r);
	RUN(&r, HPA("web") CM DEP("web", "", ""), "quiet");
	assert_has(r.out, "    kind: StatefulSet\n    name: web\n");
	assert_true(strstr(r.out, "HorizontalPodAutoscaler") < strstr(r.out, "ConfigMap"));
	run_free(&r);
	/* an HPA of something else is untouched */
	RUN(&r, HPA("other") DEP("web", "", ""), "quiet");
	assert_has(r.out, "    kind: Deployment\n    name: other\n");
	run_free(&r);
	/* converted without a generated Service: still retargeted */
	RUN(&r, DEP("web", "", "") HPA("web"), "quiet", "no-headless-service");
	assert_has(r.out, "    kind: StatefulSet\n    name: web\n");
	run_free(&r);
	RUN(&r, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-headless\nspec:\n"
		"  clusterIP: None\n" DEP("web", "", "") HPA("web"), "quiet");
	assert_has(r.out, "    kind: StatefulSet\n    name: web\n");
	run_free(&r);
	/* an excluded Deployment keeps its HPA */
	RUN(&r, HPA("web") DEP("web", "", ""), "exclude=w*");
	assert_has(r.out, "    kind: Deployment\n    name: web\n");
	assert_lacks(r.out, "StatefulSet");
	run_free(&r);
}

static void keda_and_vpa(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEP("web", "", "") "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\n"
		"metadata:\n  name: s\nspec:\n  scaleTargetRef:\n    name: web\n  triggers: []\n"
		"---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n"
		"  name: v\nspec:\n  targetRef:\n    apiVersion: \"apps/v1\"\n    kind: \"Deployment\"\n"
		"    name: web\n", "quiet");
	assert_has(r.out, "  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: StatefulSet\n    name: web\n");
	assert_has(r.out, "    kind: \"StatefulSet\"\n    name: web\n");
	run_free(&r);
}

/* An empty `annotations: {}` (what toYaml of an empty map renders) still
 * gets the keep annotation, in place. */
static void pvc_empty_annotations(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: store-pvc\n"
		"  annotations: {}\nspec:\n  accessModes:\n  - ReadWriteOnce\n  resources:\n"
		"    requests:\n      storage: 5Gi\n" DEP("db", "", PVC_VOL), "log-file=/dev/null",
	    "migrate-data=none");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  name: store-pvc\n  annotations:\n    helm.sh/resource-policy: keep\nspec:\n");
	assert_lacks(r.err, "re-emitted");
	run_free(&r);
}

/* A reference written in flow style that needs keys added is re-emitted
 * (with a warning), never left pointing at the Deployment. */
static void flow_reference_reemitted(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: s}\n"
		"spec:\n  scaleTargetRef: {name: web}\n" DEP("web", "", ""), "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.err, "ScaledObject s: written in flow style where edits are needed");
	assert_has(r.out, "  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: StatefulSet\n"
		   "    name: web\n");
	run_free(&r);
}

static void rollout_is_error(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: ro\nspec:\n"
		"  workloadRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n"
		DEP("web", "", ""), "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "Rollout ro: points at Deployment web,");
	run_free(&r);
	RUN(&r, DEP("web", "", "") "---\napiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata:\n"
		"  name: ca\nspec:\n  targetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n",
	    "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "Canary ca: points at Deployment web,");
	run_free(&r);
}

/* --drop-absorbed-pvcs keeps a PVC that the StatefulSet still mounts
 * through a volume left shared while another volume of it is split */
static void drop_keeps_claim_still_mounted(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: files\nspec:\n"
		"  accessModes:\n  - ReadWriteMany\n  resources:\n    requests:\n      storage: 1Gi\n"
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
		"  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n"
		"      labels:\n        app: web\n    spec:\n      containers:\n      - name: c\n"
		"        image: x\n      volumes:\n      - name: shared\n        persistentVolumeClaim:\n"
		"          claimName: files\n      - name: own\n        persistentVolumeClaim:\n"
		"          claimName: files\n", "split-volume=own", "drop-absorbed-pvcs", "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "kind: PersistentVolumeClaim\nmetadata:\n  name: files\n  annotations:\n"
		   "    helm.sh/resource-policy: keep\n");
	assert_has(r.err, "but still mounted by StatefulSet web: kept");
	assert_has(r.out, "      - name: shared\n        persistentVolumeClaim:\n          claimName: files\n");
	run_free(&r);
}

/* without -n, a workload of namespace ns1 mounting a claim named like a
 * PVC of ns2 mounts another claim: not a second user of the PVC */
static void claim_users_in_pvc_namespace(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: store-pvc\n"
		"  namespace: ns2\nspec:\n  accessModes:\n  - ReadWriteOnce\n  resources:\n    requests:\n"
		"      storage: 1Gi\n" DEP("web", "", PVC_VOL)
		"---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: backup\n  namespace: ns1\nspec:\n"
		"  template:\n    spec:\n      containers:\n      - name: c\n        image: x\n" PVC_VOL,
	    "log-file=/dev/null", "migrate-data=none");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  volumeClaimTemplates:\n  - metadata:\n      name: store\n");
	assert_lacks(r.err, "Job ns1/backup");
	run_free(&r);
}

/* without -n, a paused Deployment's partition counts every autoscaler
 * retargeted to it, those matched through the missing namespace too */
static void paused_partition_every_autoscaler(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEP("web", "", "") "  paused: true\n"
		"---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: s\n  namespace: ns1\n"
		"spec:\n  scaleTargetRef:\n    name: web\n  maxReplicaCount: 7\n" HPA("web"),
	    "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "      partition: 7\n");
	run_free(&r);
}

/* a Rollout inside a kind: List is checked as a standalone one, reported
 * once, whether the List is converted at once or waits for a PVC */
static void rollout_in_list_is_error(void **state)
{
	(void)state;
	static const char *const vols[] = { "", "        volumes:\n        - name: s\n"
					    "          persistentVolumeClaim: {claimName: s}\n" };
	for (int i = 0; i < 2; i++) {
		char in[2048];
		snprintf(in, sizeof(in), "apiVersion: v1\nkind: List\nitems:\n"
			 "- apiVersion: argoproj.io/v1alpha1\n  kind: Rollout\n  metadata:\n    name: ro\n"
			 "  spec:\n    workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
			 "- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n  spec:\n"
			 "    selector:\n      matchLabels: {app: web}\n    template:\n      metadata:\n"
			 "        labels: {app: web}\n      spec:\n        containers:\n"
			 "        - {name: c, image: x}\n%s", vols[i]);
		struct run r;
		RUN(&r, in, "quiet");
		assert_int_equal(r.rc, 1);
		const char *e = strstr(r.err, "Rollout ro: points at Deployment web,");
		assert_non_null(e);
		assert_null(strstr(e + 1, "Rollout ro: points at"));
		run_free(&r);
	}
}

static void existing_services(void **state)
{
	(void)state;
	struct run r;
	const char *headless = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-headless\n"
			       "spec:\n  clusterIP: None\n  selector:\n    app: web\n";
	const char *plain = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-headless\n"
			    "spec:\n  selector:\n    app: web\n";
	char in[4096];
	snprintf(in, sizeof(in), "%s%s", headless, DEP("web", "", ""));
	RUN(&r, in, "quiet");
	assert_int_equal(r.rc, 0);
	assert_int_equal(count_of(r.out, "kind: Service"), 1);
	run_free(&r);
	snprintf(in, sizeof(in), "%s%s", DEP("web", "", ""), headless);
	RUN(&r, in, "quiet");
	assert_int_equal(r.rc, 0);
	assert_int_equal(count_of(r.out, "kind: Service"), 1);
	assert_has(r.out, "clusterIP: None\n  selector:\n    app: web\n");
	run_free(&r);
	snprintf(in, sizeof(in), "%s%s", plain, DEP("web", "", ""));
	RUN(&r, in, "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "not headless");
	run_free(&r);
	snprintf(in, sizeof(in), "%s%s", DEP("web", "", ""), plain);
	RUN(&r, in, "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "not headless");
	run_free(&r);
}

static void service_after_the_window(void **state)
{
	(void)state;
	/* more than 1 MiB of output between the Deployment and a headless Service
	 * of its generated name: the index knows every Service before anything is
	 * written, so the later one is reused however far it is (no duplicate) */
	struct d2s_buf in = {0};
	d2s_buf_puts(&in, DEP("web", "", ""));
	for (int i = 0; i < 300; i++) {
		d2s_buf_printf(&in, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\ndata:\n"
			       "  blob: \"", i);
		d2s_buf_fill(&in, 'x', 4000);
		d2s_buf_puts(&in, "\"\n");
	}
	d2s_buf_puts(&in, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-headless\n"
		     "spec:\n  clusterIP: None\n");
	struct run r;
	RUN(&r, in.data, "quiet");
	assert_int_equal(r.rc, 0);
	assert_int_equal(count_of(r.out, "kind: Service"), 1);
	assert_int_equal(count_of(r.out, "name: web-headless"), 1);
	assert_has(r.out, "serviceName: web-headless");
	run_free(&r);
	/* a non-headless one is reported too */
	char *at = strstr(in.data, "  clusterIP: None\n");
	memcpy(at, "  type: ClusterIP\n", 18);
	RUN(&r, in.data, "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "not headless");
	run_free(&r);
	/* a Service whose name no template gives is none of our business */
	at = strstr(in.data, "name: web-headless");
	memcpy(at, "name: web-hxadless", 18);
	RUN(&r, in.data, "quiet");
	assert_int_equal(r.rc, 0);
	run_free(&r);
	d2s_buf_free(&in);
}

#define LIST_SVC(clusterip) "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n" \
	"  kind: Service\n  metadata:\n    name: web-headless\n  spec:\n" clusterip \
	"    selector:\n      app: web\n"

/* Services inside a kind: List count like standalone ones (README "What the
 * conversion does": an existing headless Service is reused, a non-headless
 * one is an error); a Deployment that waits for the end of the input (it
 * mounts a PVC) reuses a headless Service that comes after it. */
static void services_in_lists(void **state)
{
	(void)state;
	struct run r;
	const char *in[] = { DEP("web", "", "") LIST_SVC("    clusterIP: None\n"),
			     LIST_SVC("    clusterIP: None\n") DEP("web", "", ""),
			     DEP("web", "", PVC_VOL) "---\napiVersion: v1\nkind: Service\nmetadata:\n"
			     "  name: web-headless\nspec:\n  clusterIP: None\n" };
	for (size_t i = 0; i < 3; i++) {
		RUN(&r, in[i], "quiet");
		assert_int_equal(r.rc, 0);
		assert_int_equal(count_of(r.out, "kind: Service"), 1);
		assert_int_equal(count_of(r.out, "kind: StatefulSet"), 1);
		run_free(&r);
	}
	RUN(&r, DEP("web", "", "") LIST_SVC(""), "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "error: in.yaml:2:1: Deployment web: Service web-headless exists in the input "
		   "and is not headless");
	run_free(&r);
	RUN(&r, LIST_SVC("") DEP("web", "", ""), "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "not headless");
	run_free(&r);
	/* a headless Service later in the same List as its Deployment is reused */
	const char *list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n"
			   "  metadata: {name: web}\n  spec:\n    selector:\n      matchLabels: {app: web}\n"
			   "    template:\n      metadata:\n        labels: {app: web}\n      spec:\n"
			   "        containers: [{name: main, image: nginx}]\n- apiVersion: v1\n"
			   "  kind: Service\n  metadata: {name: web-headless}\n  spec:\n    clusterIP: None\n";
	RUN(&r, list, "quiet", "migrate-data=none");
	assert_int_equal(r.rc, 0);
	assert_int_equal(count_of(r.out, "kind: Service"), 1);
	assert_has(r.out, "serviceName: web-headless");
	run_free(&r);
}

#define LIST_PVC "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n" \
	"  kind: PersistentVolumeClaim\n  metadata:\n    name: store-pvc\n    labels:\n" \
	"      tier: db\n  spec:\n    accessModes:\n    - ReadWriteOnce\n" \
	"    resources:\n      requests:\n        storage: 5Gi\n"

/* A PVC inside a kind: List is absorbed like a standalone one: kept inside
 * the List with helm.sh/resource-policy: keep, or removed from it with
 * --drop-absorbed-pvcs (README "Storage"). */
static void list_pvc_absorbed(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, LIST_PVC DEP("db", "", PVC_VOL), "quiet", "migrate-data=none");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "items:\n- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata:\n"
		   "    name: store-pvc\n    labels:\n      tier: db\n    annotations:\n"
		   "      helm.sh/resource-policy: keep\n");
	assert_has(r.out, "  volumeClaimTemplates:\n  - metadata:\n      name: store\n");
	assert_lacks(r.out, "claimName: store-pvc");
	run_free(&r);
	RUN(&r, DEP("db", "", PVC_VOL) LIST_PVC, "drop-absorbed-pvcs", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "kind: List\nitems: []\n");
	assert_lacks(r.out, "PersistentVolumeClaim");
	assert_has(r.out, "  volumeClaimTemplates:\n");
	run_free(&r);
	/* the Deployment in the same List, the PVC after it */
	RUN(&r, "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n"
	    "  metadata:\n    name: db\n  spec:\n    selector:\n      matchLabels:\n        app: db\n"
	    "    template:\n      metadata:\n        labels:\n          app: db\n      spec:\n"
	    "        containers:\n        - name: c\n          image: x\n        volumes:\n"
	    "        - name: store\n          persistentVolumeClaim:\n            claimName: store-pvc\n"
	    "- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata:\n    name: store-pvc\n"
	    "  spec:\n    resources:\n      requests:\n        storage: 5Gi\n",
	    "drop-absorbed-pvcs", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  kind: StatefulSet\n");
	assert_has(r.out, "    volumeClaimTemplates:\n");
	assert_lacks(r.out, "PersistentVolumeClaim");
	assert_int_equal(count_of(r.out, "kind: Service"), 1);
	run_free(&r);
}

static void selection(void **state)
{
	(void)state;
	struct run r;
	const char *in = DEP("web", "  labels:\n    tier: front\n", "") DEP("db", "  labels:\n    tier: back\n", "")
		DEP("job", "  annotations:\n    deploy2sts.io/convert: \"false\"\n", "")
		DEP("cache", "  annotations:\n    deploy2sts.io/convert: \"true\"\n", "");
	RUN(&r, in, "quiet");
	assert_int_equal(count_of(r.out, "kind: StatefulSet"), 3);
	assert_has(r.out, "kind: Deployment\nmetadata:\n  name: job\n");
	run_free(&r);
	RUN(&r, in, "only=w*", "only=db");
	assert_int_equal(count_of(r.out, "kind: StatefulSet"), 2);
	run_free(&r);
	RUN(&r, in, "exclude=web");
	assert_has(r.out, "kind: Deployment\nmetadata:\n  name: web\n");
	assert_int_equal(count_of(r.out, "kind: StatefulSet"), 2);
	run_free(&r);
	RUN(&r, in, "selector=tier in (back, middle)");
	assert_int_equal(count_of(r.out, "kind: StatefulSet"), 1);
	assert_has(r.out, "kind: StatefulSet\nmetadata:\n  name: db\n");
	run_free(&r);
	RUN(&r, in, "selector=tier!=back,!missing");
	assert_int_equal(count_of(r.out, "kind: StatefulSet"), 2);
	run_free(&r);
	RUN(&r, in, "opt-in");
	assert_int_equal(count_of(r.out, "kind: StatefulSet"), 1);
	assert_has(r.out, "kind: StatefulSet\nmetadata:\n  name: cache\n");
	run_free(&r);
}

static void unsupported_api_version(void **state)
{
	(void)state;
	struct run r;
	const char *in = "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: old\nspec: {}\n";
	RUN(&r, in, "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "error: in.yaml:1:1: Deployment old: apiVersion extensions/v1beta1 is not supported");
	run_free(&r);
	RUN(&r, in, "skip-unsupported", "quiet");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, in);
	run_free(&r);
	/* the same inside a kind: List */
	const char *list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: extensions/v1beta1\n"
			   "  kind: Deployment\n  metadata:\n    name: old\n  spec: {}\n";
	RUN(&r, list, "quiet");
	assert_int_equal(r.rc, 1);
	assert_has(r.err, "error: in.yaml:4:3: Deployment old: apiVersion extensions/v1beta1 is not supported");
	run_free(&r);
	RUN(&r, list, "skip-unsupported", "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.err, "warning: in.yaml:4:3: Deployment old: apiVersion extensions/v1beta1 is not supported");
	assert_string_equal(r.out, list);
	run_free(&r);
}

/* --volume-claim-template storageClassName= must be a DNS-1123 subdomain
 * (pkg/apis/core/validation ValidateClassName), or empty for no class. */
static void vct_storage_class_name(void **state)
{
	(void)state;
	struct d2s_options o;
	d2s_options_init(&o);
	char err[512];
	assert_int_not_equal(d2s_options_set(&o, "volume-claim-template",
			     "name=d,mountPath=/d,size=1Gi,storageClassName=Not_A_Name", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "storageClassName= must be a DNS-1123 subdomain"));
	assert_int_not_equal(d2s_options_set(&o, "volume-claim-template",
			     "name=d,mountPath=/d,size=1Gi,storageClassName=a..b", err, sizeof(err)), 0);
	assert_int_equal(d2s_options_set(&o, "volume-claim-template",
			 "name=d,mountPath=/d,size=1Gi,storageClassName=fast.ssd-1", err, sizeof(err)), 0);
	assert_int_equal(d2s_options_set(&o, "volume-claim-template",
			 "name=e,mountPath=/e,size=1Gi,storageClassName=", err, sizeof(err)), 0);
	d2s_options_free(&o);
}

static void passthrough_bytes(void **state)
{
	(void)state;
	struct run r;
	const char *in = "# leading\n%YAML 1.2\n---\na: 1 # x\n...\n# between\n--- !!str\nfoo\n---\n"
			 "[1, 2]\n---\n" CM "\n\n# trailing comment";
	RUN(&r, in, "quiet");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.len, strlen(in));
	assert_memory_equal(r.out, in, r.len);
	run_free(&r);
	RUN(&r, "", "quiet");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.len, 0);
	run_free(&r);
}

static void idempotent(void **state)
{
	(void)state;
	struct run a, b;
	RUN(&a, PVC HPA("db") DEP("db", "", PVC_VOL) CM, "quiet",
	    "volume-claim-template=name=data,mountPath=/data,size=1Gi", "pod-management-policy=Parallel",
	    "migrate-data=none");
	assert_int_equal(a.rc, 0);
	RUN(&b, a.out, "quiet", "volume-claim-template=name=data,mountPath=/data,size=1Gi",
	    "pod-management-policy=Parallel");
	assert_int_equal(b.rc, 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.out, b.out, a.len);
	run_free(&a);
	run_free(&b);
}

static void list_items(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n"
		"  metadata:\n    name: web\n  spec:\n    selector:\n      matchLabels:\n        a: b\n"
		"    template:\n      metadata:\n        labels:\n          a: b\n      spec:\n"
		"        containers:\n        - name: c\n          image: x\n- apiVersion: v1\n"
		"  kind: ConfigMap\n  metadata:\n    name: cm\n", "quiet", "migrate-data=none");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "- apiVersion: apps/v1\n  kind: StatefulSet\n  metadata:\n    name: web\n"
		   "  spec:\n    serviceName: web-headless\n");
	assert_has(r.out, "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web-headless\n");
	assert_has(r.out, "- apiVersion: v1\n  kind: ConfigMap\n");
	run_free(&r);
}

#define LIST_DEP "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n" \
	"  kind: Deployment\n  metadata:\n    name: db\n  spec:\n    selector:\n      matchLabels:\n" \
	"        app: db\n    template:\n      metadata:\n        labels:\n          app: db\n" \
	"      spec:\n        containers:\n        - name: c\n          image: x\n" \
	"          volumeMounts:\n          - name: store\n            mountPath: /s\n" \
	"        volumes:\n        - name: store\n          persistentVolumeClaim:\n" \
	"            claimName: store-pvc\n"

/* A Deployment inside a List absorbs its PVC like a standalone one: the PVC
 * is kept with helm.sh/resource-policy: keep and warned about, whether it
 * comes before or after the List; a reference to it is retargeted. */
static void list_item_absorbs_pvc(void **state)
{
	(void)state;
	const char *inputs[] = { PVC LIST_DEP HPA("db"), LIST_DEP HPA("db") PVC };
	for (size_t i = 0; i < 2; i++) {
		struct run r;
		RUN(&r, inputs[i], "log-file=/dev/null", "migrate-data=none");
		assert_int_equal(r.rc, 0);
		assert_has(r.out, "    volumeClaimTemplates:\n    - metadata:\n        name: store\n");
		assert_lacks(r.out, "claimName: store-pvc");
		assert_has(r.out, "  annotations:\n    helm.sh/resource-policy: keep\n");
		assert_severity(&r, "now replaced by per-pod claims of StatefulSet db", "info");
		assert_has(r.out, "    kind: StatefulSet\n    name: db\n");
		run_free(&r);
	}
}

static void generated_service_keeps_source(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, "---\n# Source: chart/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\n"
		"metadata:\n  name: w\n  annotations:\n    postrenderer.helm.sh/postrender-filename: t/d.yaml\n"
		"spec:\n  selector:\n    matchLabels:\n      a: b\n  template:\n    metadata:\n"
		"      labels:\n        a: b\n    spec:\n      containers:\n      - name: c\n        image: x\n",
	    "quiet", "migrate-data=none");
	assert_has(r.out, "---\n# Source: chart/templates/deployment.yaml\napiVersion: v1\nkind: Service\n");
	assert_has(r.out, "  annotations:\n    postrenderer.helm.sh/postrender-filename: t/d.yaml\nspec:\n"
		   "  clusterIP: None\n");
	run_free(&r);
}

#define NS_DEFAULT "  namespace: default\n"

/* An object without metadata.namespace lands in the client's namespace:
 * matched with one that has a namespace (with a warning naming the
 * assumption), or put in -n/--namespace when given. */
static void namespace_matching(void **state)
{
	(void)state;
	const char *inputs[] = { HPA("web") PVC DEP("web", NS_DEFAULT, PVC_VOL),
				 DEP("web", NS_DEFAULT, PVC_VOL) PVC HPA("web") };
	for (size_t i = 0; i < 2; i++) {
		struct run r;
		RUN(&r, inputs[i], "log-file=/dev/null", "migrate-data=none");
		assert_int_equal(r.rc, 0);
		assert_has(r.out, "    kind: StatefulSet\n    name: web\n");
		check_pvc_absorbed(r.out);
		assert_lacks(r.err, "not in the input");
		assert_has(r.err, "HorizontalPodAutoscaler h: matched with Deployment default/web by "
			   "assuming that the object without metadata.namespace is applied in namespace "
			   "default: pass -n/--namespace NS");
		assert_has(r.err, "PersistentVolumeClaim store-pvc: matched with Deployment default/web");
		run_free(&r);
		RUN(&r, inputs[i], "namespace=default", "log-file=/dev/null");
		assert_has(r.out, "    kind: StatefulSet\n    name: web\n");
		check_pvc_absorbed(r.out);
		assert_lacks(r.err, "assuming");
		run_free(&r);
		/* another namespace: not the same objects */
		RUN(&r, inputs[i], "namespace=other", "log-file=/dev/null");
		assert_has(r.out, "    kind: Deployment\n    name: web\n");
		assert_has(r.err, "not in the input");
		assert_lacks(r.out, "resource-policy");
		run_free(&r);
	}
}

#define RWX_PVC "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: store-pvc\n" \
	"spec:\n  accessModes:\n  - ReadWriteMany\n  resources:\n    requests:\n      storage: 5Gi\n"

#define POD_USER(kind, path) "---\napiVersion: v1\nkind: " kind "\nmetadata:\n  name: u\n" path \
	"volumes:\n  - name: x\n    persistentVolumeClaim:\n      claimName: store-pvc\n"

/* A ReadWriteMany claim, or one mounted by two workloads anywhere in the
 * input, stays shared with a warning naming every user and both flags;
 * --split-volume splits it. */
static void shared_claims_stay_shared(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, RWX_PVC DEP("db", "", PVC_VOL), "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "claimName: store-pvc");
	assert_lacks(r.out, "volumeClaimTemplates");
	assert_lacks(r.out, "resource-policy");
	assert_has(r.err, "Deployment db: volume store mounts PersistentVolumeClaim store-pvc, which is "
		   "shared (accessModes ReadWriteMany; mounted by Deployment db)");
	assert_has(r.err, "--shared-volume store");
	assert_has(r.err, "--split-volume store");
	run_free(&r);
	RUN(&r, RWX_PVC DEP("db", "", PVC_VOL), "split-volume=store", "quiet");
	assert_has(r.out, "  volumeClaimTemplates:\n  - metadata:\n      name: store\n");
	assert_lacks(r.out, "claimName: store-pvc");
	run_free(&r);
	/* RWO, but two Deployments (one excluded) and a CronJob after them */
	const char *cron = "---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: bk\nspec:\n"
			   "  jobTemplate:\n    spec:\n      template:\n        spec:\n"
			   "          volumes:\n          - name: v\n            persistentVolumeClaim:\n"
			   "              claimName: store-pvc\n";
	char in[8192];
	snprintf(in, sizeof(in), "%s%s%s%s", DEP("db", "", PVC_VOL), PVC, DEP("db2", "", PVC_VOL), cron);
	RUN(&r, in, "exclude=db2", "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.out, "volumeClaimTemplates");
	assert_has(r.out, "kind: StatefulSet\nmetadata:\n  name: db\n");
	assert_has(r.err, "(mounted by Deployment db, Deployment db2, CronJob bk): every replica keeps "
		   "sharing it");
	run_free(&r);
	/* a single Pod user after the Deployment is enough */
	snprintf(in, sizeof(in), "%s%s%s", PVC, DEP("db", "", PVC_VOL), POD_USER("Pod", "spec:\n  "));
	RUN(&r, in, "log-file=/dev/null");
	assert_has(r.err, "(mounted by Deployment db, Pod u)");
	assert_lacks(r.out, "volumeClaimTemplates");
	run_free(&r);
}

/* --drop-absorbed-pvcs keeps a PVC that another object still mounts. */
static void drop_keeps_used_pvc(void **state)
{
	(void)state;
	struct run r;
	char in[8192];
	snprintf(in, sizeof(in), "%s%s%s", PVC, DEP("db", "", PVC_VOL), POD_USER("Pod", "spec:\n  "));
	RUN(&r, in, "split-volume=store", "drop-absorbed-pvcs", "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "  volumeClaimTemplates:\n  - metadata:\n      name: store\n");
	assert_has(r.out, "    helm.sh/resource-policy: keep\n");
	assert_has(r.err, "warning: in.yaml:2:1: PersistentVolumeClaim store-pvc: now replaced by per-pod "
		   "claims of StatefulSet db, but still mounted by Pod u: kept (helm.sh/resource-policy: "
		   "keep; not removed by --drop-absorbed-pvcs)");
	run_free(&r);
	/* no other user: dropped */
	RUN(&r, PVC DEP("db", "", PVC_VOL), "drop-absorbed-pvcs", "quiet");
	assert_lacks(r.out, "kind: PersistentVolumeClaim");
	run_free(&r);
}

#define HOOK "  annotations:\n    helm.sh/hook: pre-install\n"

/* Helm hooks are never converted, absorbed, retargeted or dropped, and a
 * hook workload does not make a claim shared (Helm 3 does not send hooks). */
static void hooks_pass_through(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEP("web", HOOK, "") HPA("web"), "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_lacks(r.out, "StatefulSet");
	assert_true(has_info(&r, "Deployment", "web", "Helm hook (helm.sh/hook): passed through unchanged"));
	run_free(&r);
	/* a hook PVC: the volume stays a shared PVC, with a warning */
	const char *hook_pvc = "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n"
			       "  name: store-pvc\n" HOOK "spec:\n  accessModes:\n  - ReadWriteOnce\n";
	char in[8192];
	snprintf(in, sizeof(in), "%s%s", hook_pvc, DEP("db", "", PVC_VOL));
	RUN(&r, in, "drop-absorbed-pvcs", "log-file=/dev/null");
	assert_has(r.out, "claimName: store-pvc");
	assert_has(r.out, "kind: PersistentVolumeClaim");
	assert_lacks(r.out, "volumeClaimTemplates");
	assert_has(r.err, "volume store mounts PersistentVolumeClaim store-pvc, which is a Helm hook");
	run_free(&r);
	/* a hook HPA is not retargeted; a hook Job does not share the claim */
	snprintf(in, sizeof(in), "%s%s%s", PVC, DEP("db", "", PVC_VOL),
		 POD_USER("Pod", HOOK "spec:\n  "));
	RUN(&r, in, "quiet");
	assert_has(r.out, "  volumeClaimTemplates:\n  - metadata:\n      name: store\n");
	run_free(&r);
	RUN(&r, DEP("web", "", "") "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
		"metadata:\n  name: h\n" HOOK "spec:\n  scaleTargetRef:\n    kind: Deployment\n"
		"    name: web\n", "log-file=/dev/null");
	assert_has(r.out, "    kind: Deployment\n    name: web\n");
	assert_true(has_info(&r, "HorizontalPodAutoscaler", "h", "Helm hook"));
	run_free(&r);
}

/* paused: true under an HPA: the partition holds every pod the HPA can
 * create (the largest maxReplicas of the autoscalers that target it),
 * whether they come before or after the Deployment. */
static void paused_under_hpa(void **state)
{
	(void)state;
	const char *paused = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
			     "spec:\n  paused: true\n  replicas: 2\n  selector:\n    matchLabels:\n"
			     "      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n"
			     "    spec:\n      containers:\n      - name: c\n        image: x\n";
	const char *hpa9 = "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n"
			   "  name: h9\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n"
			   "    name: web\n  maxReplicas: 9\n";
	char in[8192];
	for (int order = 0; order < 2; order++) {
		snprintf(in, sizeof(in), "%s%s%s", order ? HPA("web") : paused, hpa9,
			 order ? paused : HPA("web"));
		struct run r;
		RUN(&r, in, "log-file=/dev/null");
		assert_int_equal(r.rc, 0);
		assert_has(r.out, "    rollingUpdate:\n      partition: 9\n");
		assert_has(r.err, "paused: true becomes a RollingUpdate with partition 9, the largest "
			   "maxReplicas of the autoscalers that target it");
		assert_has(r.out, "    kind: StatefulSet\n    name: web\n");
		run_free(&r);
	}
	struct run r;
	RUN(&r, paused, "quiet");
	assert_has(r.out, "    rollingUpdate:\n      partition: 2\n");
	run_free(&r);
	/* a paused Deployment inside a List waits for the HPA too */
	RUN(&r, "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n"
		"  metadata:\n    name: web\n  spec:\n    paused: true\n    selector:\n      matchLabels:\n"
		"        a: b\n    template:\n      metadata:\n        labels:\n          a: b\n      spec:\n"
		"        containers:\n        - name: c\n          image: x\n" HPA("web"), "quiet");
	assert_has(r.out, "      rollingUpdate:\n        partition: 3\n");
	run_free(&r);
}

#define LIST_HPA "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: autoscaling/v2\n" \
	"  kind: HorizontalPodAutoscaler\n  metadata:\n    name: h\n  spec:\n    scaleTargetRef:\n" \
	"      apiVersion: apps/v1\n      kind: Deployment\n      name: web\n    maxReplicas: 3\n"
#define LIST_FLOW "---\n{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"apiVersion\": " \
	"\"keda.sh/v1alpha1\", \"kind\": \"ScaledObject\", \"metadata\": {\"name\": \"s\"}, " \
	"\"spec\": {\"scaleTargetRef\": {\"name\": \"web\"}}}]}\n"

/* References inside a kind: List (block or flow, before or after the
 * Deployment, or in the same List) are retargeted like standalone ones. */
static void list_references(void **state)
{
	(void)state;
	const char *inputs[] = { LIST_HPA LIST_FLOW DEP("web", "", ""), DEP("web", "", "") LIST_HPA LIST_FLOW };
	for (size_t i = 0; i < 2; i++) {
		struct run r;
		RUN(&r, inputs[i], "log-file=/dev/null");
		assert_int_equal(r.rc, 0);
		assert_has(r.out, "  spec:\n    scaleTargetRef:\n      apiVersion: apps/v1\n"
			   "      kind: StatefulSet\n      name: web\n");
		assert_has(r.out, "    \"scaleTargetRef\":\n      apiVersion: apps/v1\n      kind: StatefulSet\n");
		assert_lacks(r.out, "Deployment");
		assert_has(r.err, "re-emitted in block style");
		run_free(&r);
	}
	/* the HPA item before the Deployment item of the same List */
	struct run r;
	RUN(&r, LIST_HPA "- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n"
		"  spec:\n    selector:\n      matchLabels:\n        a: b\n    template:\n      metadata:\n"
		"        labels:\n          a: b\n      spec:\n        containers:\n        - name: c\n"
		"          image: x\n", "quiet");
	assert_int_equal(r.rc, 0);
	assert_has(r.out, "      kind: StatefulSet\n      name: web\n");
	assert_lacks(r.out, "kind: Deployment");
	run_free(&r);
	/* an excluded Deployment keeps its List HPA */
	RUN(&r, LIST_HPA DEP("web", "", ""), "exclude=web", "quiet");
	assert_has(r.out, "      kind: Deployment\n      name: web\n");
	run_free(&r);
}

/* A workload too big to hold (over 1 MiB) is streamed, and the claims it
 * mounts still count (read from the parser's events). */
static void big_workload_counts(void **state)
{
	(void)state;
	struct d2s_buf in = {0};
	d2s_buf_puts(&in, PVC DEP("db", "", PVC_VOL) "---\napiVersion: batch/v1\nkind: Job\n"
		     "metadata:\n  name: big\n  annotations:\n");
	for (int i = 0; i < 6000; i++) {
		char line[300];
		snprintf(line, sizeof(line), "    k%d: %0200d\n", i, i);
		d2s_buf_puts(&in, line);
	}
	d2s_buf_puts(&in, "spec:\n  template:\n    spec:\n      volumes:\n      - name: v\n"
		     "        persistentVolumeClaim:\n          claimName: store-pvc\n");
	d2s_buf_add(&in, "", 1);
	struct run r;
	RUN(&r, in.data, "log-file=/dev/null");
	assert_int_equal(r.rc, 0);
	assert_has(r.err, "(mounted by Deployment db, Job big)");
	assert_lacks(r.out, "volumeClaimTemplates");
	run_free(&r);
	d2s_buf_free(&in);
}

#define SOURCE(t) "---\n# Source: web/templates/" t "\n"
#define NO_CHOICE "PersistentVolumeClaim store-pvc: mounted by Deployment db"

/* Under Helm, positions name the chart template. Helm 3 leaves the
 * "# Source:" comment of a template that renders a second "---" in a piece
 * of its own; the next piece is that template's, and nothing else is. */
static void template_positions(void **state)
{
	(void)state;
	struct run r;
	RUN(&r, DEP("db", "", PVC_VOL) SOURCE("pvc.yaml") PVC, "by-template", "log-file=/dev/null");
	assert_has(r.err, "error: web/templates/pvc.yaml:1:1: " NO_CHOICE);
	run_free(&r);
	/* a piece with a comment of its own keeps it */
	RUN(&r, DEP("db", "", PVC_VOL) SOURCE("a.yaml") SOURCE("pvc.yaml") PVC_DOC, "by-template",
	    "log-file=/dev/null");
	assert_has(r.err, "error: web/templates/pvc.yaml:1:1: " NO_CHOICE);
	run_free(&r);
	/* "--- {...}" is content, not a bare marker */
	RUN(&r, DEP("db", "", PVC_VOL) SOURCE("pvc.yaml") "--- {apiVersion: v1, kind: PersistentVolumeClaim, "
	    "metadata: {name: store-pvc}, spec: {resources: {requests: {storage: 1Gi}}}}\n", "by-template",
	    "log-file=/dev/null");
	assert_has(r.err, "error: web/templates/pvc.yaml:");
	run_free(&r);
	/* (a big piece streamed past ends it too: only a pipe streams, so
	 * tests/test_output_files.py checks that) */
	/* it does not pass to the next input */
	static const char *const texts[] = { DEP("db", "", PVC_VOL) SOURCE("a.yaml"), PVC };
	static const char *const names[] = { "a", "b" };
	static const char *const args[] = { "by-template", "log-file=/dev/null", NULL };
	assert_int_equal(run_inputs(&r, texts, names, 2, args), 0);
	assert_has(r.err, "error: b:2:1: " NO_CHOICE);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pvc_before_deployment),
		cmocka_unit_test(pvc_after_deployment),
		cmocka_unit_test(pvc_warning_and_drop),
		cmocka_unit_test(shared_volume_kept),
		cmocka_unit_test(external_pvc_warns),
		cmocka_unit_test(hpa_after_and_before),
		cmocka_unit_test(keda_and_vpa),
		cmocka_unit_test(pvc_empty_annotations),
		cmocka_unit_test(flow_reference_reemitted),
		cmocka_unit_test(rollout_is_error),
		cmocka_unit_test(rollout_in_list_is_error),
		cmocka_unit_test(drop_keeps_claim_still_mounted),
		cmocka_unit_test(claim_users_in_pvc_namespace),
		cmocka_unit_test(paused_partition_every_autoscaler),
		cmocka_unit_test(existing_services),
		cmocka_unit_test(service_after_the_window),
		cmocka_unit_test(services_in_lists),
		cmocka_unit_test(list_pvc_absorbed),
		cmocka_unit_test(selection),
		cmocka_unit_test(unsupported_api_version),
		cmocka_unit_test(vct_storage_class_name),
		cmocka_unit_test(passthrough_bytes),
		cmocka_unit_test(idempotent),
		cmocka_unit_test(list_items),
		cmocka_unit_test(list_item_absorbs_pvc),
		cmocka_unit_test(generated_service_keeps_source),
		cmocka_unit_test(namespace_matching),
		cmocka_unit_test(shared_claims_stay_shared),
		cmocka_unit_test(drop_keeps_used_pvc),
		cmocka_unit_test(hooks_pass_through),
		cmocka_unit_test(paused_under_hpa),
		cmocka_unit_test(list_references),
		cmocka_unit_test(big_workload_counts),
		cmocka_unit_test(template_positions),
	};
	return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}
