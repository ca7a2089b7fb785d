package auth

import (
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/authentication/user"
)

// Verb sets of upstream's bootstrap policy.
var (
	read      = []string{"get", "list", "watch"}
	write     = []string{"create", "delete", "deletecollection", "patch", "update"}
	readWrite = append(append([]string{}, read...), write...)
)

// aggregateLabel marks a ClusterRole whose rules join role's.
func aggregateLabel(role string) string {
	return "rbac.authorization.k8s.io/aggregate-to-" + role
}

// Bootstrap returns the default ClusterRoles and ClusterRoleBindings a
// cluster starts with: the part of kube-apiserver's bootstrap policy that
// concerns users and workloads. The admin, edit and view roles are
// aggregated, as upstream's: their rules are filled in by the
// clusterrole-aggregation controller from the system:aggregate-to-*
// roles, and a user's own roles labelled aggregate-to-view (etc.) join
// them.
func Bootstrap() ([]*rbacv1.ClusterRole, []*rbacv1.ClusterRoleBinding) {
	roles := []*rbacv1.ClusterRole{
		clusterRole("cluster-admin", nil,
			rule(rbacv1.VerbAll, rbacv1.APIGroupAll, rbacv1.ResourceAll),
			rbacv1.PolicyRule{Verbs: []string{rbacv1.VerbAll}, NonResourceURLs: []string{rbacv1.NonResourceAll}}),
		aggregated("admin", "admin"),
		aggregated("edit", "edit"),
		aggregated("view", "view"),
		clusterRole("system:aggregate-to-admin", map[string]string{aggregateLabel("admin"): "true"}, adminRules()...),
		clusterRole("system:aggregate-to-edit", map[string]string{aggregateLabel("admin"): "true", aggregateLabel("edit"): "true"}, editRules()...),
		clusterRole("system:aggregate-to-view", map[string]string{aggregateLabel("admin"): "true", aggregateLabel("edit"): "true", aggregateLabel("view"): "true"}, viewRules()...),
		// metrics-server's manifests add this role, so that whoever may
		// view pods may read their metrics; kubesim serves metrics.k8s.io
		// itself, so it is part of its bootstrap policy.
		clusterRole("system:aggregated-metrics-reader", map[string]string{aggregateLabel("admin"): "true", aggregateLabel("edit"): "true", aggregateLabel("view"): "true"},
			rules(read, "metrics.k8s.io", "pods", "nodes")),
		clusterRole("system:discovery", nil, nonResource("/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*")),
		clusterRole("system:public-info-viewer", nil, nonResource("/livez", "/readyz", "/healthz", "/version", "/version/")),
		clusterRole("system:basic-user", nil,
			rule("create", "authorization.k8s.io", "selfsubjectaccessreviews", "selfsubjectrulesreviews"),
			rule("create", "authentication.k8s.io", "selfsubjectreviews")),
	}
	bindings := []*rbacv1.ClusterRoleBinding{
		groupBinding("cluster-admin", user.SystemPrivilegedGroup),
		groupBinding("system:discovery", user.AllAuthenticated),
		groupBinding("system:basic-user", user.AllAuthenticated),
		groupBinding("system:public-info-viewer", user.AllAuthenticated, user.AllUnauthenticated),
	}
	return roles, bindings
}

func viewRules() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		rules(read, "", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status",
			"endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"),
		rules(read, "", "limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status",
			"namespaces/status", "replicationcontrollers/status", "pods/log"),
		rules(read, "", "namespaces"),
		rules(read, "discovery.k8s.io", "endpointslices"),
		rules(read, "apps", "controllerrevisions", "statefulsets", "statefulsets/scale", "statefulsets/status", "daemonsets", "daemonsets/status",
			"deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status"),
		rules(read, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
		rules(read, "batch", "jobs", "cronjobs", "cronjobs/status", "jobs/status"),
		rules(read, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
		rules(read, "networking.k8s.io", "networkpolicies", "ingresses", "ingresses/status"),
	}
}

func editRules() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		rules(read, "", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"),
		rule("impersonate", "", "serviceaccounts"),
		rules(write, "", "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
		rule("create", "", "pods/eviction"),
		rules(write, "", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy",
			"persistentvolumeclaims", "configmaps", "secrets", "events"),
		rule("create", "", "serviceaccounts/token"),
		rules(write, "apps", "statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback",
			"replicasets", "replicasets/scale"),
		rules(write, "autoscaling", "horizontalpodautoscalers"),
		rules(write, "batch", "jobs", "cronjobs"),
		rules(write, "policy", "poddisruptionbudgets"),
		rules(write, "networking.k8s.io", "networkpolicies", "ingresses"),
		rules(readWrite, "coordination.k8s.io", "leases"),
	}
}

func adminRules() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		rule("create", "authorization.k8s.io", "localsubjectaccessreviews"),
		rules(readWrite, "rbac.authorization.k8s.io", "roles", "rolebindings"),
	}
}

func rule(verb, group string, resources ...string) rbacv1.PolicyRule {
	return rules([]string{verb}, group, resources...)
}

func rules(verbs []string, group string, resources ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: []string{group}, Resources: resources}
}

func nonResource(urls ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: urls}
}

// bootstrapMeta labels and annotates objects as upstream's bootstrap
// policy does.
func bootstrapMeta(name string, labels map[string]string) metav1.ObjectMeta {
	l := map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}
	for k, v := range labels {
		l[k] = v
	}
	return metav1.ObjectMeta{Name: name, Labels: l, Annotations: map[string]string{rbacv1.AutoUpdateAnnotationKey: "true"}}
}

func clusterRole(name string, labels map[string]string, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: bootstrapMeta(name, labels), Rules: rules}
}

func aggregated(name, role string) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: bootstrapMeta(name, nil), AggregationRule: &rbacv1.AggregationRule{
		ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{aggregateLabel(role): "true"}}},
	}}
}

func groupBinding(role string, groups ...string) *rbacv1.ClusterRoleBinding {
	b := &rbacv1.ClusterRoleBinding{
		ObjectMeta: bootstrapMeta(role, nil),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
	}
	for _, g := range groups {
		b.Subjects = append(b.Subjects, rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: g})
	}
	return b
}
