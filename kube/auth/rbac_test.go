package auth_test

import (
	"context"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

func clientFor(t *testing.T, cfg *rest.Config) kubernetes.Interface {
	t.Helper()
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantForbidden checks err is a 403 with exactly kube-apiserver's message.
func wantForbidden(t *testing.T, err error, msg string) {
	t.Helper()
	if !apierrors.IsForbidden(err) {
		t.Fatalf("got %v, want 403 Forbidden", err)
	}
	if err.Error() != msg {
		t.Errorf("message\n got: %s\nwant: %s", err.Error(), msg)
	}
}

func TestRoleGrantsWhatItSaysInItsNamespace(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	alice := clientFor(t, env.UserConfig("alice"))

	_, err := alice.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	wantForbidden(t, err, `pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"`)

	admin := env.Client()
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "pod-reader"},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{""}, Resources: []string{"pods"}}}}
	if _, err := admin.RbacV1().Roles("default").Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "alice-reads-pods"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "alice"}}}
	if _, err := admin.RbacV1().RoleBindings("default").Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("list pods with pod-reader bound: %v", err)
	}
	_, err = alice.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{})
	wantForbidden(t, err, `pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "kube-system"`)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}
	_, err = alice.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{})
	wantForbidden(t, err, `pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "default"`)
	// Subresources are authorized by their own name.
	err = alice.CoreV1().Pods("default").GetLogs("p", &corev1.PodLogOptions{}).Do(ctx).Error()
	wantForbidden(t, err, `pods "p" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "default"`)

	// Discovery is open to every authenticated user (system:discovery).
	if _, err := alice.Discovery().ServerGroups(); err != nil {
		t.Errorf("discovery as alice: %v", err)
	}
}

func TestServiceAccountWithAggregatedViewRole(t *testing.T) {
	env := testkit.Start(t) // the clusterrole-aggregation controller fills in view
	admin := env.Client()
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "op-views"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "op", Namespace: "team"}}}
	if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	op := clientFor(t, env.ServiceAccountConfig("team", "op"))
	if _, err := op.AppsV1().Deployments("").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("view lists deployments: %v", err)
	}
	_, err := op.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	wantForbidden(t, err, `secrets is forbidden: User "system:serviceaccount:team:op" cannot list resource "secrets" in API group "" at the cluster scope`)

	// A role labelled aggregate-to-view extends view.
	extra := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "secret-viewer", Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
		Rules:      []rbacv1.PolicyRule{{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"secrets"}}},
	}
	if _, err := admin.RbacV1().ClusterRoles().Create(ctx, extra, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if _, err := op.CoreV1().Secrets("").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("list secrets once aggregated into view: %v", err)
	}
}

func TestBindingToMissingRoleIsReported(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "dangling"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "missing"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "devs"}}}
	if _, err := env.Client().RbacV1().RoleBindings("default").Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	bob := clientFor(t, env.UserConfig("bob", "devs"))
	_, err := bob.CoreV1().ConfigMaps("default").Get(ctx, "x", metav1.GetOptions{})
	wantForbidden(t, err, `configmaps "x" is forbidden: User "bob" cannot get resource "configmaps" in API group "" in the namespace "default": RBAC: role.rbac.authorization.k8s.io "missing" not found`)
}

func TestBadTokenAndImpersonation(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	cfg := env.Config()
	cfg.BearerToken = "not-a-token"
	_, err := clientFor(t, cfg).CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if !apierrors.IsUnauthorized(err) {
		t.Errorf("unknown token: %v, want 401 Unauthorized", err)
	}
	// The admin may impersonate; the impersonated user gets its own rights.
	cfg = env.Config()
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "carol"}
	_, err = clientFor(t, cfg).CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	wantForbidden(t, err, `namespaces is forbidden: User "carol" cannot list resource "namespaces" in API group "" at the cluster scope`)
	// A user may not impersonate without the impersonate verb.
	cfg = env.UserConfig("carol")
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "kubernetes-admin"}
	_, err = clientFor(t, cfg).CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	wantForbidden(t, err, `users "kubernetes-admin" is forbidden: User "carol" cannot impersonate resource "users" in API group "" at the cluster scope`)
}

// TestNoEscalation: a user who may manage roles and bindings can still
// grant only what it holds, unless it may escalate or bind.
func TestNoEscalation(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	admin := env.Client()
	manager := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "rbac-manager"}, Rules: []rbacv1.PolicyRule{
		{Verbs: []string{"create", "update", "get"}, APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles", "rolebindings"}},
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}},
	}}
	if _, err := admin.RbacV1().Roles("default").Create(ctx, manager, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	bind := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "dana-manages"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "rbac-manager"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "dana"}}}
	if _, err := admin.RbacV1().RoleBindings("default").Create(ctx, bind, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	dana := clientFor(t, env.UserConfig("dana", "team"))

	// Rules dana holds: fine.
	reader := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "pod-reader"},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}}}
	if _, err := dana.RbacV1().Roles("default").Create(ctx, reader, metav1.CreateOptions{}); err != nil {
		t.Errorf("role within dana's rights: %v", err)
	}
	// Rules dana does not hold: forbidden, listing what is missing.
	greedy := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "greedy"},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"get", "delete"}, APIGroups: []string{""}, Resources: []string{"pods", "secrets"}}}}
	_, err := dana.RbacV1().Roles("default").Create(ctx, greedy, metav1.CreateOptions{})
	wantForbidden(t, err, `roles.rbac.authorization.k8s.io "greedy" is forbidden: user "dana" (groups=["team" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:
{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}
{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}`)

	// Binding cluster-admin would hand out more than dana holds.
	grab := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "grab"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "dana"}}}
	if _, err := dana.RbacV1().RoleBindings("default").Create(ctx, grab, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("binding cluster-admin: %v, want Forbidden", err)
	}
	// With "bind" on cluster-admin, dana may bind it (in this namespace).
	bindRule := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "may-bind-admin"}, Rules: []rbacv1.PolicyRule{{
		Verbs: []string{"bind"}, APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"clusterroles"}, ResourceNames: []string{"cluster-admin"}}}}
	if _, err := admin.RbacV1().Roles("default").Create(ctx, bindRule, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	b2 := bind.DeepCopy()
	b2.Name, b2.RoleRef.Name = "dana-may-bind", "may-bind-admin"
	if _, err := admin.RbacV1().RoleBindings("default").Create(ctx, b2, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := dana.RbacV1().RoleBindings("default").Create(ctx, grab, metav1.CreateOptions{}); err != nil {
		t.Errorf("binding cluster-admin with the bind verb: %v", err)
	}
}

// TestAccessReviews: `kubectl auth can-i` and SubjectAccessReviews ask
// the same RBAC that guards requests.
func TestAccessReviews(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "pod-reader"},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}}}}
	if _, err := env.Client().RbacV1().Roles("default").Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "erin-reads"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "erin"}}}
	if _, err := env.Client().RbacV1().RoleBindings("default").Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	erin := clientFor(t, env.UserConfig("erin"))
	for _, tc := range []struct {
		verb, ns string
		want     bool
	}{{"list", "default", true}, {"delete", "default", false}, {"list", "kube-system", false}} {
		r, err := erin.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
				Verb: tc.verb, Resource: "pods", Namespace: tc.ns}}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Allowed != tc.want {
			t.Errorf("can erin %s pods in %s: %v, want %v", tc.verb, tc.ns, r.Status.Allowed, tc.want)
		}
	}
	// The admin asks about erin.
	sar, err := env.Client().AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
		Spec: authorizationv1.SubjectAccessReviewSpec{User: "erin", ResourceAttributes: &authorizationv1.ResourceAttributes{
			Verb: "get", Resource: "pods", Namespace: "default"}}}, metav1.CreateOptions{})
	if err != nil || !sar.Status.Allowed {
		t.Errorf("SubjectAccessReview for erin: %v %+v", err, sar)
	}
	_, err = env.Client().AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
		Spec: authorizationv1.SubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "get", Resource: "pods"}}}, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) {
		t.Errorf("review without a subject: %v, want 422", err)
	}
}
