package kube_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/metadata"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

func TestImmortalNamespaces(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	err := env.Client().CoreV1().Namespaces().Delete(ctx, "default", metav1.DeleteOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "this namespace may not be deleted") {
		t.Errorf("deleting default: %v", err)
	}
	ns, err := env.Client().CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{})
	if err != nil || ns.Labels[corev1.LabelMetadataName] != "" && ns.Labels[corev1.LabelMetadataName] != "kube-system" {
		t.Errorf("get kube-system: %v %v", ns, err)
	}
}

func TestDeleteOptionsPropagation(t *testing.T) {
	// Without the garbage collector the finalizers stay, as in envtest.
	env := testkit.Start(t, testkit.Bare())
	cms := env.Client().CoreV1().ConfigMaps("default")
	for _, tc := range []struct {
		policy    metav1.DeletionPropagation
		finalizer string
	}{
		{metav1.DeletePropagationForeground, metav1.FinalizerDeleteDependents},
		{metav1.DeletePropagationOrphan, metav1.FinalizerOrphanDependents},
	} {
		name := strings.ToLower(string(tc.policy))
		if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := cms.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &tc.policy}); err != nil {
			t.Fatal(err)
		}
		got, err := cms.Get(ctx, name, metav1.GetOptions{})
		if err != nil || got.DeletionTimestamp == nil || len(got.Finalizers) != 1 || got.Finalizers[0] != tc.finalizer {
			t.Errorf("%s deletion: %+v, %v; want the %s finalizer", tc.policy, got.ObjectMeta, err, tc.finalizer)
		}
	}
	// Preconditions.
	if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "pre"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	err := cms.Delete(ctx, "pre", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: ptr.To("1")}})
	if !apierrors.IsConflict(err) {
		t.Errorf("delete with a stale resourceVersion precondition: %v", err)
	}
}

func TestDeleteCollection(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	cms := env.Client().CoreV1().ConfigMaps("default")
	for _, n := range []string{"a", "b", "c"} {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: n, Labels: map[string]string{"keep": map[bool]string{true: "yes", false: "no"}[n == "c"]}}}
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := cms.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "keep=no"}); err != nil {
		t.Fatal(err)
	}
	list, err := cms.List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 1 || list.Items[0].Name != "c" {
		t.Errorf("after deletecollection: %v, %v", list, err)
	}
}

func TestWatchListInitialEvents(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	for _, n := range []string{"a", "b"} {
		if _, err := pods.Create(ctx, pod(n), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w, err := pods.Watch(ctx, metav1.ListOptions{
		SendInitialEvents:    ptr.To(true),
		AllowWatchBookmarks:  true,
		ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var got []string
	for len(got) < 3 {
		ev := <-w.ResultChan()
		switch ev.Type {
		case watch.Added:
			got = append(got, "ADDED "+ev.Object.(*corev1.Pod).Name)
		case watch.Bookmark:
			p := ev.Object.(*corev1.Pod)
			got = append(got, "BOOKMARK "+p.Annotations[metav1.InitialEventsAnnotationKey])
		default:
			t.Fatalf("unexpected %s", ev.Type)
		}
	}
	want := []string{"ADDED a", "ADDED b", "BOOKMARK true"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestProgressBookmarks(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	list, err := pods.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := pods.Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion, AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	cm, err := env.Client().CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	env.Cluster().ControlPlane.Store.RequestProgress()
	ev := <-w.ResultChan()
	if ev.Type != watch.Bookmark || ev.Object.(*corev1.Pod).ResourceVersion != cm.ResourceVersion {
		t.Errorf("after a progress request: %s %+v, want a bookmark at %s", ev.Type, ev.Object, cm.ResourceVersion)
	}
}

func TestPartialObjectMetadata(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	if _, err := env.Client().CoreV1().Pods("default").Create(ctx, pod("web"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	mc, err := metadata.NewForConfig(env.Config())
	if err != nil {
		t.Fatal(err)
	}
	list, err := mc.Resource(schema.GroupVersionResource{Version: "v1", Resource: "pods"}).Namespace("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].Name != "web" || list.Items[0].Labels["app"] != "web" {
		t.Errorf("metadata list = %+v", list)
	}
}

func TestServiceAddresses(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	svcs := env.Client().CoreV1().Services("default")
	k, err := svcs.Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil || k.Spec.ClusterIP != "10.96.0.1" {
		t.Fatalf("kubernetes service: %v %v", k, err)
	}
	web := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: corev1.ServiceSpec{
		Type: corev1.ServiceTypeNodePort, Selector: map[string]string{"app": "web"},
		Ports: []corev1.ServicePort{{Port: 80, Protocol: corev1.ProtocolTCP}},
	}}
	got, err := svcs.Create(ctx, web, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.ClusterIP != "10.96.0.2" || got.Spec.Ports[0].NodePort != 30000 || got.Spec.IPFamilies[0] != corev1.IPv4Protocol {
		t.Errorf("allocated %s port %d families %v", got.Spec.ClusterIP, got.Spec.Ports[0].NodePort, got.Spec.IPFamilies)
	}
	clash := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "clash"}, Spec: corev1.ServiceSpec{
		ClusterIP: "10.96.0.2", Ports: []corev1.ServicePort{{Port: 80, Protocol: corev1.ProtocolTCP}},
	}}
	if _, err := svcs.Create(ctx, clash, metav1.CreateOptions{}); !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "provided IP is already allocated") {
		t.Errorf("taken IP: %v", err)
	}
	headless := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "db"}, Spec: corev1.ServiceSpec{
		ClusterIP: corev1.ClusterIPNone, Ports: []corev1.ServicePort{{Port: 5432, Protocol: corev1.ProtocolTCP}},
	}}
	if got, err := svcs.Create(ctx, headless, metav1.CreateOptions{}); err != nil || got.Spec.ClusterIP != "None" {
		t.Errorf("headless: %v %v", got.Spec.ClusterIP, err)
	}
}
