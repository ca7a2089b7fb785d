package kube_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

func pod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx:1.25"}}},
	}
}

func TestSystemNamespacesExist(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	list, err := env.Client().CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ns := range list.Items {
		got = append(got, fmt.Sprintf("%s=%s", ns.Name, ns.Status.Phase))
	}
	want := []string{"default=Active", "kube-node-lease=Active", "kube-public=Active", "kube-system=Active"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("namespaces (-want +got):\n%s", diff)
	}
}

func TestCreateGetUpdateConflict(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	env.Advance(90 * time.Second)
	created, err := pods.Create(ctx, pod("web"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if created.UID == "" || created.ResourceVersion == "" {
		t.Fatalf("created pod lacks uid or resourceVersion: %+v", created.ObjectMeta)
	}
	if want := env.Clock().Now().Truncate(time.Second); !created.CreationTimestamp.Time.Equal(want) {
		t.Errorf("creationTimestamp %v, want the virtual time %v", created.CreationTimestamp, want)
	}
	if created.Status.Phase != corev1.PodPending || created.Status.QOSClass != corev1.PodQOSBestEffort {
		t.Errorf("new pod status = %s/%s, want Pending/BestEffort", created.Status.Phase, created.Status.QOSClass)
	}

	got, err := pods.Get(ctx, "web", metav1.GetOptions{})
	if err != nil || got.UID != created.UID {
		t.Fatalf("get: %v, %v", got, err)
	}
	got.Labels["tier"] = "front"
	updated, err := pods.Update(ctx, got, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if updated.ResourceVersion == got.ResourceVersion {
		t.Error("update did not change the resourceVersion")
	}
	_, err = pods.Update(ctx, got, metav1.UpdateOptions{}) // stale resourceVersion
	if !apierrors.IsConflict(err) {
		t.Fatalf("stale update: %v, want 409 Conflict", err)
	}
	want := `Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again`
	if err.Error() != want {
		t.Errorf("conflict message:\n got %q\nwant %q", err.Error(), want)
	}
	if _, err := pods.Create(ctx, pod("web"), metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) || err.Error() != `pods "web" already exists` {
		t.Errorf("duplicate create: %v", err)
	}
	if _, err := pods.Get(ctx, "nope", metav1.GetOptions{}); !apierrors.IsNotFound(err) || err.Error() != `pods "nope" not found` {
		t.Errorf("get missing: %v", err)
	}
}

func TestCreateInMissingNamespace(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	_, err := env.Client().CoreV1().Pods("nope").Create(ctx, pod("web"), metav1.CreateOptions{})
	if !apierrors.IsNotFound(err) || err.Error() != `namespaces "nope" not found` {
		t.Fatalf("err = %v, want namespaces \"nope\" not found", err)
	}
}

func TestGenerateNameAndDryRun(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	p := pod("")
	p.GenerateName = "web-"
	got, err := pods.Create(ctx, p, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Name, "web-") || len(got.Name) != len("web-")+5 {
		t.Errorf("generated name %q, want web- and five characters", got.Name)
	}
	dry, err := pods.Create(ctx, pod("dry"), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil || dry.Name != "dry" {
		t.Fatalf("dry run create: %v, %v", dry, err)
	}
	if _, err := pods.Get(ctx, "dry", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("a dry-run create was stored: %v", err)
	}
}

func TestSelectorsAndPaging(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	for i := 0; i < 5; i++ {
		p := pod(fmt.Sprintf("p%d", i))
		if i%2 == 0 {
			p.Labels["app"] = "db"
			p.Spec.NodeName = "node-1"
		}
		if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	names := func(l *corev1.PodList) []string {
		var out []string
		for _, p := range l.Items {
			out = append(out, p.Name)
		}
		return out
	}
	byLabel, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "app=db"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"p0", "p2", "p4"}, names(byLabel)); diff != "" {
		t.Errorf("label selector (-want +got):\n%s", diff)
	}
	byField, err := pods.List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=node-1,metadata.name!=p2"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"p0", "p4"}, names(byField)); diff != "" {
		t.Errorf("field selector (-want +got):\n%s", diff)
	}
	_, err = pods.List(ctx, metav1.ListOptions{FieldSelector: "spec.foo=bar"})
	if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), "field label not supported: spec.foo") {
		t.Errorf("unsupported field label: %v", err)
	}
	_, err = pods.List(ctx, metav1.ListOptions{LabelSelector: "app in (a"})
	if !apierrors.IsBadRequest(err) {
		t.Errorf("invalid label selector: %v, want 400", err)
	}

	page1, err := pods.List(ctx, metav1.ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page1.Items) != 2 || page1.Continue == "" || ptr.Deref(page1.RemainingItemCount, 0) != 3 {
		t.Fatalf("page1 = %v continue=%q remaining=%v", names(page1), page1.Continue, page1.RemainingItemCount)
	}
	page2, err := pods.List(ctx, metav1.ListOptions{Limit: 10, Continue: page1.Continue})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"p2", "p3", "p4"}, names(page2)); diff != "" || page2.Continue != "" {
		t.Errorf("page2 (-want +got):\n%s continue=%q", diff, page2.Continue)
	}
}

func TestWatchFromListResourceVersion(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	list, err := pods.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := pods.Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	p, err := pods.Create(ctx, pod("a"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Labels["x"] = "y"
	if _, err := pods.Update(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := pods.Delete(ctx, "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	var got []watch.EventType
	for len(got) < 4 {
		ev, ok := <-w.ResultChan()
		if !ok {
			t.Fatal("watch closed early")
		}
		got = append(got, ev.Type)
	}
	// As upstream, deleting a pod first records its deletionTimestamp (even
	// with a zero grace period), then removes it.
	if diff := cmp.Diff([]watch.EventType{watch.Added, watch.Modified, watch.Modified, watch.Deleted}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestPatches(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	p := pod("web")
	p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "sidecar", Image: "busybox"})
	if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Strategic merge: containers merge by name.
	got, err := pods.Patch(ctx, "web", types.StrategicMergePatchType,
		[]byte(`{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}`), metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Spec.Containers) != 2 || got.Spec.Containers[1].Image != "busybox:1.36" {
		t.Errorf("strategic merge patch: containers = %+v", got.Spec.Containers)
	}
	// Merge patch.
	got, err = pods.Patch(ctx, "web", types.MergePatchType, []byte(`{"metadata":{"labels":{"tier":"front"}}}`), metav1.PatchOptions{})
	if err != nil || got.Labels["tier"] != "front" || got.Labels["app"] != "web" {
		t.Errorf("merge patch: %v, %v", got.Labels, err)
	}
	// JSON patch, and one that does not apply.
	got, err = pods.Patch(ctx, "web", types.JSONPatchType, []byte(`[{"op":"remove","path":"/metadata/labels/tier"}]`), metav1.PatchOptions{})
	if err != nil || got.Labels["tier"] != "" {
		t.Errorf("json patch: %v, %v", got.Labels, err)
	}
	before := got.ResourceVersion
	_, err = pods.Patch(ctx, "web", types.JSONPatchType, []byte(`[{"op":"test","path":"/metadata/name","value":"other"}]`), metav1.PatchOptions{})
	if err == nil {
		t.Error("a failing json patch test op succeeded")
	}
	if after, _ := pods.Get(ctx, "web", metav1.GetOptions{}); after.ResourceVersion != before {
		t.Error("a failed patch changed the stored object")
	}
}

func TestServerSideApplyConflicts(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	cms := env.Client().CoreV1().ConfigMaps("default")
	apply := func(manager, value string, force bool) error {
		body := fmt.Sprintf(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"key":%q}}`, value)
		_, err := cms.Patch(ctx, "cfg", types.ApplyPatchType, []byte(body), metav1.PatchOptions{FieldManager: manager, Force: &force})
		return err
	}
	if err := apply("alice", "1", false); err != nil {
		t.Fatal(err)
	}
	err := apply("bob", "2", false)
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `conflict with "alice"`) {
		t.Fatalf("conflicting apply: %v", err)
	}
	if err := apply("bob", "2", true); err != nil {
		t.Fatalf("forced apply: %v", err)
	}
	cm, err := cms.Get(ctx, "cfg", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cm.Data["key"] != "2" {
		t.Errorf("data = %v", cm.Data)
	}
	var managers []string
	for _, mf := range cm.ManagedFields {
		managers = append(managers, mf.Manager+"/"+string(mf.Operation))
		if mf.Time == nil || !mf.Time.Time.Equal(env.Clock().Now().Truncate(time.Second)) {
			t.Errorf("managedFields time %v, want the virtual time", mf.Time)
		}
	}
	if diff := cmp.Diff([]string{"bob/Apply"}, managers); diff != "" {
		t.Errorf("managers (-want +got):\n%s", diff)
	}
}

// Updates track fields as server-side apply sees them: what a manager set
// with a PUT or a patch conflicts with another manager's apply, field by
// field, also inside associative lists (containers by name).
func TestUpdatesTrackManagedFields(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	deps := env.Client().AppsV1().Deployments("default")
	d := deployment("web", 1)
	d.Spec.Template.Spec.Containers[0] = corev1.Container{Name: "nginx", Image: "nginx:1.27"}
	d, err := deps.Create(ctx, d, metav1.CreateOptions{FieldManager: "creator"})
	if err != nil {
		t.Fatal(err)
	}
	d.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
	if _, err := deps.Update(ctx, d, metav1.UpdateOptions{FieldManager: "updater"}); err != nil {
		t.Fatal(err)
	}
	patch := `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","args":["-g","daemon off;"]}]}}}}`
	if _, err := deps.Patch(ctx, "web", types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: "patcher"}); err != nil {
		t.Fatal(err)
	}
	apply := func(container string) error {
		body := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[` + container + `]}}}}`
		_, err := deps.Patch(ctx, "web", types.ApplyPatchType, []byte(body), metav1.PatchOptions{FieldManager: "applier"})
		return err
	}
	err = apply(`{"name":"nginx","image":"nginx:1.29"}`)
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `conflict with "updater" using apps/v1: .spec.template.spec.containers[name="nginx"].image`) {
		t.Errorf("apply over an updated image: %v", err)
	}
	err = apply(`{"name":"nginx","args":["-v"]}`)
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `conflict with "patcher" using apps/v1: .spec.template.spec.containers[name="nginx"].args`) {
		t.Errorf("apply over patched args: %v", err)
	}
	err = apply(`{"name":"nginx","imagePullPolicy":"Always"}`)
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `conflict with "creator"`) {
		t.Errorf("apply over the creator's defaulted pull policy: %v", err)
	}
	if err := apply(`{"name":"nginx","imagePullPolicy":"IfNotPresent"}`); err != nil {
		t.Errorf("apply of the creator's own value, which they then share: %v", err)
	}
	got, err := deps.Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var managers []string
	for _, mf := range got.ManagedFields {
		managers = append(managers, mf.Manager+"/"+string(mf.Operation))
	}
	sort.Strings(managers)
	if diff := cmp.Diff([]string{"applier/Apply", "creator/Update", "patcher/Update", "updater/Update"}, managers); diff != "" {
		t.Errorf("managers (-want +got):\n%s", diff)
	}
}

// A status write owns exactly the status fields it changed, and a later
// spec update by another manager takes nothing from it.
func TestStatusWriteOwnsWhatItChanged(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	deps := env.Client().AppsV1().Deployments("default")
	d, err := deps.Create(ctx, deployment("web", 2), metav1.CreateOptions{FieldManager: "creator"})
	if err != nil {
		t.Fatal(err)
	}
	d.Status.Replicas, d.Status.ObservedGeneration = 2, 1
	if d, err = deps.UpdateStatus(ctx, d, metav1.UpdateOptions{FieldManager: "controller"}); err != nil {
		t.Fatal(err)
	}
	d.Spec.Replicas = ptr.To[int32](3)
	if _, err := deps.Update(ctx, d, metav1.UpdateOptions{FieldManager: "scaler"}); err != nil {
		t.Fatal(err)
	}
	got, err := deps.Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, mf := range got.ManagedFields {
		fields[mf.Manager+"/"+mf.Subresource] = string(mf.FieldsV1.Raw)
	}
	want := map[string]string{
		"controller/status": `{"f:status":{"f:observedGeneration":{},"f:replicas":{}}}`,
		"scaler/":           `{"f:spec":{"f:replicas":{}}}`,
	}
	for k, w := range want {
		if fields[k] != w {
			t.Errorf("fields of %s = %s, want %s", k, fields[k], w)
		}
	}
	if c := fields["creator/"]; strings.Contains(c, "f:status") || strings.Contains(c, `"f:replicas"`) {
		t.Errorf("the creator still owns fields others took: %s", c)
	}
}

func TestGracefulDeletionOnVirtualTime(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	p := pod("web")
	p.Spec.NodeName = "node-1"
	p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](30)
	if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(time.Minute)
	if err := pods.Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := pods.Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("a pod on a node was deleted at once: %v", err)
	}
	want := env.Clock().Now().Add(30 * time.Second).Truncate(time.Second)
	if got.DeletionTimestamp == nil || !got.DeletionTimestamp.Time.Equal(want) || ptr.Deref(got.DeletionGracePeriodSeconds, -1) != 30 {
		t.Errorf("deletionTimestamp=%v grace=%v, want %v and 30", got.DeletionTimestamp, got.DeletionGracePeriodSeconds, want)
	}
	if err := pods.Delete(ctx, "web", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("pod still there after a delete with grace 0: %v", err)
	}
	// An unscheduled pod goes at once.
	if _, err := pods.Create(ctx, pod("pending"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := pods.Delete(ctx, "pending", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "pending", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("unscheduled pod survived deletion: %v", err)
	}
}

func TestFinalizersHoldDeletion(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	cms := env.Client().CoreV1().ConfigMaps("default")
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg", Finalizers: []string{"example.com/hold"}}}
	if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cms.Delete(ctx, "cfg", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := cms.Get(ctx, "cfg", metav1.GetOptions{})
	if err != nil || got.DeletionTimestamp == nil {
		t.Fatalf("object with a finalizer: %v, %v; want it kept with a deletionTimestamp", got, err)
	}
	got.Finalizers = nil
	if _, err := cms.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Get(ctx, "cfg", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("object not removed with its last finalizer: %v", err)
	}
}

func TestStatusSubresource(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	deps := env.Client().AppsV1().Deployments("default")
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
			},
		},
		Status: appsv1.DeploymentStatus{Replicas: 99},
	}
	got, err := deps.Create(ctx, d, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status.Replicas != 0 || got.Generation != 1 {
		t.Errorf("create kept status %d / generation %d; want 0 / 1", got.Status.Replicas, got.Generation)
	}
	got.Status.Replicas = 2
	got.Spec.Replicas = ptr.To[int32](5)
	st, err := deps.UpdateStatus(ctx, got, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Status.Replicas != 2 || *st.Spec.Replicas != 2 || st.Generation != 1 {
		t.Errorf("status update: status=%d spec=%d generation=%d; want 2, 2, 1", st.Status.Replicas, *st.Spec.Replicas, st.Generation)
	}
	st.Spec.Replicas = ptr.To[int32](3)
	st.Status.Replicas = 7
	up, err := deps.Update(ctx, st, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if up.Status.Replicas != 2 || *up.Spec.Replicas != 3 || up.Generation != 2 {
		t.Errorf("spec update: status=%d spec=%d generation=%d; want 2, 3, 2", up.Status.Replicas, *up.Spec.Replicas, up.Generation)
	}
}

func TestTableOutput(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	if _, err := env.Client().CoreV1().Pods("default").Create(ctx, pod("web"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	body, err := env.Client().CoreV1().RESTClient().Get().
		AbsPath("/api/v1/namespaces/default/pods").
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").
		DoRaw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var table metav1.Table
	if err := json.Unmarshal(body, &table); err != nil {
		t.Fatal(err)
	}
	if table.Kind != "Table" || len(table.Rows) != 1 || len(table.ColumnDefinitions) == 0 || table.Rows[0].Cells[0] != "web" {
		t.Errorf("table = %s", body)
	}
}

func TestBadRequestBodies(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	rc := env.Client().CoreV1().RESTClient()
	post := func(body string, params map[string]string) error {
		req := rc.Post().AbsPath("/api/v1/namespaces/default/configmaps").
			SetHeader("Content-Type", "application/json").Body([]byte(body))
		for k, v := range params {
			req = req.Param(k, v)
		}
		return req.Do(ctx).Error()
	}
	tests := []struct {
		name, body string
		params     map[string]string
		code       int32
		contains   string
	}{
		{"malformed json", `{"apiVersion":`, nil, http.StatusBadRequest, ""},
		{"wrong kind", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"}}`, nil, http.StatusBadRequest, ""},
		{"unknown field, strict", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"bogus":1}`,
			map[string]string{"fieldValidation": "Strict"}, http.StatusBadRequest, `unknown field "bogus"`},
		{"duplicate field, strict", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","name":"y"}}`,
			map[string]string{"fieldValidation": "Strict"}, http.StatusBadRequest, `duplicate field "metadata.name"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := post(tc.body, tc.params)
			var status apierrors.APIStatus
			if err == nil || !asStatus(err, &status) || status.Status().Code != tc.code {
				t.Fatalf("err = %v, want code %d", err, tc.code)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("err = %q, want it to contain %q", err, tc.contains)
			}
		})
	}
	list, err := env.Client().CoreV1().ConfigMaps("default").List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 0 {
		t.Errorf("bad requests stored objects: %v, %v", list, err)
	}
}

func asStatus(err error, out *apierrors.APIStatus) bool {
	s, ok := err.(apierrors.APIStatus)
	if ok {
		*out = s
	}
	return ok
}

func TestKubeconfigOverLoopbackHTTPS(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	cfg, err := clientcmd.BuildConfigFromFlags("", env.Kubeconfig())
	if err != nil {
		t.Fatal(err)
	}
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Pods("default").Create(ctx, pod("web"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Client().CoreV1().Pods("default").Get(ctx, "web", metav1.GetOptions{}); err != nil {
		t.Errorf("object created over HTTPS not visible in-process: %v", err)
	}
	if !strings.HasPrefix(cfg.Host, "https://127.0.0.1:") {
		t.Errorf("kubeconfig server %q, want a loopback HTTPS address", cfg.Host)
	}
}
