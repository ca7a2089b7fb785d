package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// TestEnvtest runs controller-runtime's envtest, unchanged, against the
// kubesim binaries: KUBEBUILDER_ASSETS points at freshly built
// kube-apiserver and etcd, and what a suite does first (namespaces,
// ConfigMaps, a CRD and its custom resources, an extra user that RBAC
// restricts) must work as on a real control plane.
func TestEnvtest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binaries and starts processes")
	}
	assets := buildAssets(t)
	t.Setenv("KUBEBUILDER_ASSETS", assets)
	for _, k := range []string{"TEST_ASSET_KUBE_APISERVER", "TEST_ASSET_ETCD", "USE_EXISTING_CLUSTER"} {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}

	env := &envtest.Environment{CRDs: []*apiextensionsv1.CustomResourceDefinition{widgetCRD()}}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("envtest start: %v", err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = env.Stop()
		}
	})
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	ns := createNamespaceAndConfigMap(ctx, t, c)
	watchConfigMaps(ctx, t, cfg, ns)
	createWidget(ctx, t, c, ns)
	checkRestrictedUser(ctx, t, env, cfg, c, ns)

	apiURL, etcdURL := env.ControlPlane.APIServer.SecureServing.HostPort(), env.ControlPlane.Etcd.URL.Host
	if err := env.Stop(); err != nil {
		t.Fatalf("envtest stop: %v", err)
	}
	stopped = true
	// Both processes exited on SIGTERM: envtest waits for that, and
	// nothing listens any more.
	for _, addr := range []string{apiURL, etcdURL} {
		if conn, err := net.Dial("tcp", addr); err == nil {
			conn.Close()
			t.Errorf("%s still accepts connections after Stop", addr)
		}
	}
}

// buildAssets builds both binaries into a temporary directory, the layout
// KUBEBUILDER_ASSETS expects.
func buildAssets(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	// One invocation links both at once; "-o dir/" names each after its
	// package's directory.
	cmd := exec.CommandContext(t.Context(), goBin, "build", "-o", dir+string(filepath.Separator),
		"github.com/kubesim/kubesim/cmd/kube-apiserver", "github.com/kubesim/kubesim/cmd/etcd")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

func createNamespaceAndConfigMap(ctx context.Context, t *testing.T, c client.Client) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "envtest-"}}
	if err := c.Create(ctx, ns); err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: "settings"},
		Data:       map[string]string{"color": "blue"},
	}
	if err := c.Create(ctx, cm); err != nil {
		t.Fatalf("create configmap: %v", err)
	}
	var got corev1.ConfigMap
	if err := c.Get(ctx, client.ObjectKeyFromObject(cm), &got); err != nil {
		t.Fatalf("get configmap: %v", err)
	}
	if got.Data["color"] != "blue" || got.UID == "" {
		t.Errorf("configmap read back as %+v", got)
	}
	// Virtual time follows wall time from the moment the server started,
	// so timestamps compare with the suite's clock (wall-clock on purpose).
	if age := time.Since(got.CreationTimestamp.Time); age < -time.Minute || age > time.Minute {
		t.Errorf("creationTimestamp %s is %s away from wall time", got.CreationTimestamp, age)
	}
	return ns.Name
}

// watchConfigMaps checks that a watch, which informers and managers
// depend on, streams events over the binary's TLS listener.
func watchConfigMaps(ctx context.Context, t *testing.T, cfg *rest.Config, ns string) {
	t.Helper()
	c, err := client.NewWithWatch(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A guard in wall time: the server's clock follows wall time.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	w, err := c.Watch(ctx, &corev1.ConfigMapList{}, client.InNamespace(ns))
	if err != nil {
		t.Fatalf("watch configmaps: %v", err)
	}
	defer w.Stop()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "watched"}}
	if err := c.Create(ctx, cm); err != nil {
		t.Fatalf("create configmap: %v", err)
	}
	for ev := range w.ResultChan() {
		if got, ok := ev.Object.(*corev1.ConfigMap); ok && ev.Type == watch.Added && got.Name == "watched" {
			return
		}
	}
	t.Fatalf("watch ended without an ADDED event for configmap watched: %v", ctx.Err())
}

func widgetCRD() *apiextensionsv1.CustomResourceDefinition {
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets.example.kubesim.io"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "example.kubesim.io",
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList"},
			Scope: apiextensionsv1.NamespaceScoped,
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object",
					Properties: map[string]apiextensionsv1.JSONSchemaProps{
						"spec": {Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
							"size": {Type: "integer", Minimum: ptrTo(1.0)},
						}},
					},
				}},
			}},
		},
	}
}

func ptrTo[T any](v T) *T { return &v }

var widgetGVK = schema.GroupVersionKind{Group: "example.kubesim.io", Version: "v1", Kind: "Widget"}

func newWidget(ns, name string, size int64) *unstructured.Unstructured {
	w := &unstructured.Unstructured{}
	w.SetGroupVersionKind(widgetGVK)
	w.SetNamespace(ns)
	w.SetName(name)
	_ = unstructured.SetNestedField(w.Object, size, "spec", "size")
	return w
}

func createWidget(ctx context.Context, t *testing.T, c client.Client, ns string) {
	t.Helper()
	if err := c.Create(ctx, newWidget(ns, "small", 3)); err != nil {
		t.Fatalf("create widget: %v", err)
	}
	got := &unstructured.Unstructured{}
	got.SetGroupVersionKind(widgetGVK)
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "small"}, got); err != nil {
		t.Fatalf("get widget: %v", err)
	}
	if size, _, _ := unstructured.NestedInt64(got.Object, "spec", "size"); size != 3 {
		t.Errorf("widget spec.size = %d, want 3", size)
	}
	// The CRD's schema is enforced.
	err := c.Create(ctx, newWidget(ns, "none", 0))
	if !apierrors.IsInvalid(err) {
		t.Errorf("create widget with spec.size 0: got %v, want 422 Invalid", err)
	}
}

// checkRestrictedUser provisions a user with envtest's AddUser (a client
// certificate with CN=user, O=widget-viewers) and shows that RBAC judges
// it by that name and group: forbidden until a RoleBinding for its group
// grants it reading.
func checkRestrictedUser(ctx context.Context, t *testing.T, env *envtest.Environment, adminCfg *rest.Config, admin client.Client, ns string) {
	t.Helper()
	u, err := env.AddUser(envtest.User{Name: "user", Groups: []string{"widget-viewers"}}, adminCfg)
	if err != nil {
		t.Fatalf("add user: %v", err)
	}
	c, err := client.New(u.Config(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var cms corev1.ConfigMapList
	err = c.List(ctx, &cms, client.InNamespace(ns))
	if !apierrors.IsForbidden(err) {
		t.Fatalf("list configmaps as a user without roles: got %v, want 403 Forbidden", err)
	}
	if want := `User "user" cannot list resource "configmaps"`; !strings.Contains(err.Error(), want) {
		t.Errorf("forbidden message %q does not contain %q", err, want)
	}

	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "configmap-reader"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list"}}},
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "widget-viewers"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "widget-viewers"}},
	}
	for _, obj := range []client.Object{role, binding} {
		if err := admin.Create(ctx, obj); err != nil {
			t.Fatalf("create %T: %v", obj, err)
		}
	}
	if err := c.List(ctx, &cms, client.InNamespace(ns)); err != nil {
		t.Fatalf("list configmaps after binding the user's group: %v", err)
	}
	if len(cms.Items) != 2 {
		t.Errorf("user sees %d configmaps, want 2", len(cms.Items))
	}
	// Still nothing outside the binding's namespace.
	if err := c.List(ctx, &cms, client.InNamespace("default")); !apierrors.IsForbidden(err) {
		t.Errorf("list configmaps in default: got %v, want 403 Forbidden", err)
	}
}
