package metrics_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

func pod(name, node string, labels, annotations map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: annotations},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{
			{Name: "app", Image: "nginx"}, {Name: "sidecar", Image: "busybox", Command: []string{"sleep", "3600"}},
		}},
	}
}

func start(t *testing.T) (*testkit.Env, metricsclient.Interface) {
	t.Helper()
	env := testkit.Start(t, testkit.WithNodes(2))
	mc, err := metricsclient.NewForConfig(env.Config())
	if err != nil {
		t.Fatal(err)
	}
	pods := []*corev1.Pod{
		pod("web", "node-1", map[string]string{"app": "web"}, map[string]string{"sim.kubesim.io/cpu.app": "300m", "sim.kubesim.io/memory.app": "100Mi"}),
		pod("db", "node-2", map[string]string{"app": "db"}, map[string]string{"sim.kubesim.io/cpu": "1", "sim.kubesim.io/memory": "1Gi"}),
	}
	for _, p := range pods {
		if _, err := env.Client().CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	env.Advance(10 * time.Second)
	return env, mc
}

func TestPodMetrics(t *testing.T) {
	env, mc := start(t)
	m, err := mc.MetricsV1beta1().PodMetricses("default").Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Containers) != 2 || m.Containers[0].Name != "app" || m.Containers[1].Name != "sidecar" {
		t.Fatalf("containers %+v", m.Containers)
	}
	if cpu, mem := m.Containers[0].Usage.Cpu(), m.Containers[0].Usage.Memory(); cpu.MilliValue() != 300 || mem.Value() != 100<<20 {
		t.Errorf("app uses %s CPU and %s memory, want 300m and 100Mi", cpu, mem)
	}
	if cpu := m.Containers[1].Usage.Cpu(); cpu.MilliValue() != 1 {
		t.Errorf("sidecar uses %s CPU, want the idle 1m", cpu)
	}
	if m.Labels["app"] != "web" || m.Window.Duration != 15*time.Second || !m.Timestamp.Time.Equal(env.Clock().Now()) {
		t.Errorf("labels %v window %v timestamp %v (now %v)", m.Labels, m.Window, m.Timestamp, env.Clock().Now())
	}

	list, err := mc.MetricsV1beta1().PodMetricses(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 2 {
		t.Fatalf("list in all namespaces: %v, %d items, want 2", err, len(list.Items))
	}
	selected, err := mc.MetricsV1beta1().PodMetricses("default").List(ctx, metav1.ListOptions{LabelSelector: "app=db"})
	if err != nil || len(selected.Items) != 1 || selected.Items[0].Name != "db" {
		t.Fatalf("list app=db: %v %+v", err, selected)
	}
	if other, err := mc.MetricsV1beta1().PodMetricses("kube-system").List(ctx, metav1.ListOptions{}); err != nil || len(other.Items) != 0 {
		t.Errorf("kube-system has metrics of %d pods (%v), want none", len(other.Items), err)
	}
	_, err = mc.MetricsV1beta1().PodMetricses("default").Get(ctx, "nope", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("metrics of a missing pod: %v, want NotFound", err)
	}
}

func TestPodMetricsFollowAnnotationsAtTheNextScrape(t *testing.T) {
	env, mc := start(t)
	get := func() int64 {
		m, err := mc.MetricsV1beta1().PodMetricses("default").Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return m.Containers[0].Usage.Cpu().MilliValue()
	}
	if got := get(); got != 300 {
		t.Fatalf("app uses %dm, want 300m", got)
	}
	patch := []byte(`{"metadata":{"annotations":{"sim.kubesim.io/cpu.app":"900m"}}}`)
	if _, err := env.Client().CoreV1().Pods("default").Patch(ctx, "web", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if got := get(); got != 300 {
		t.Errorf("before the next scrape the app uses %dm, want the scraped 300m", got)
	}
	env.Advance(15 * time.Second)
	if got := get(); got != 900 {
		t.Errorf("after the next scrape the app uses %dm, want 900m", got)
	}
}

func TestPodMetricsOfAPendingPodAreNotFound(t *testing.T) {
	env, mc := start(t)
	p := pod("unscheduled", "", nil, nil)
	if _, err := env.Client().CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := mc.MetricsV1beta1().PodMetricses("default").Get(ctx, "unscheduled", metav1.GetOptions{})
	if status, ok := err.(apierrors.APIStatus); !ok || status.Status().Details == nil || status.Status().Details.Group != "metrics.k8s.io" {
		t.Errorf("metrics of a pod that is not running: %v, want metrics.k8s.io NotFound", err)
	}
}

func TestNodeMetrics(t *testing.T) {
	_, mc := start(t)
	list, err := mc.MetricsV1beta1().NodeMetricses().List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 2 {
		t.Fatalf("list nodes: %v, %+v", err, list)
	}
	n1 := list.Items[0]
	// 100m system + 300m app + 1m sidecar; 512Mi + 100Mi + 4Mi.
	if cpu, mem := n1.Usage.Cpu(), n1.Usage.Memory(); n1.Name != "node-1" || cpu.MilliValue() != 401 || mem.Value() != 616<<20 {
		t.Errorf("%s uses %s CPU and %s memory, want node-1 with 401m and 616Mi", n1.Name, cpu, mem)
	}
	one, err := mc.MetricsV1beta1().NodeMetricses().Get(ctx, "node-2", metav1.GetOptions{})
	if cpu := one.Usage.Cpu(); err != nil || cpu.MilliValue() != 2100 {
		t.Errorf("node-2: %v, cpu %s, want 2100m (100m system, 1 core each for two containers)", err, cpu)
	}
	sel, err := mc.MetricsV1beta1().NodeMetricses().List(ctx, metav1.ListOptions{LabelSelector: "kubernetes.io/hostname=node-2"})
	if err != nil || len(sel.Items) != 1 || sel.Items[0].Name != "node-2" {
		t.Errorf("select node-2 by label: %v %+v", err, sel)
	}
	if _, err := mc.MetricsV1beta1().NodeMetricses().Get(ctx, "node-9", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("a missing node: %v, want NotFound", err)
	}
}

func TestDiscoveryListsMetrics(t *testing.T) {
	env, _ := start(t)
	res, err := env.Client().Discovery().ServerResourcesForGroupVersion("metrics.k8s.io/v1beta1")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range res.APIResources {
		got[r.Name] = r.Namespaced
	}
	if ns, ok := got["pods"]; !ok || !ns {
		t.Errorf("pods missing or not namespaced: %+v", res.APIResources)
	}
	if ns, ok := got["nodes"]; !ok || ns {
		t.Errorf("nodes missing or namespaced: %+v", res.APIResources)
	}
}

func TestViewersMayReadMetrics(t *testing.T) {
	env, _ := start(t)
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "alice-view", Namespace: "default"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "alice"}},
	}
	if _, err := env.Client().RbacV1().RoleBindings("default").Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle() // the view role aggregates system:aggregated-metrics-reader
	alice, err := metricsclient.NewForConfig(env.UserConfig("alice"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.MetricsV1beta1().PodMetricses("default").Get(ctx, "web", metav1.GetOptions{}); err != nil {
		t.Errorf("a viewer reads pod metrics: %v", err)
	}
	if _, err := alice.MetricsV1beta1().PodMetricses("kube-system").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("a viewer of default lists kube-system's metrics: %v, want Forbidden", err)
	}
}
