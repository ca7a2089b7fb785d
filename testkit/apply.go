package testkit

import (
	"context"

	"k8s.io/client-go/rest"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/kube/auth"
)

// Apply applies the manifests at paths (YAML or JSON files, or directories
// of them, multi-document YAML allowed) with server-side apply, as
// `kubectl apply --server-side --force-conflicts` does. Namespaced objects
// without a namespace go to "default".
func Apply(ctx context.Context, cfg *rest.Config, paths ...string) error {
	return cluster.Apply(ctx, cfg, paths...)
}

// Apply applies manifests to the cluster (see the package function) and
// settles, failing the test on error.
func (e *Env) Apply(paths ...string) {
	e.t.Helper()
	if err := Apply(context.Background(), e.Config(), paths...); err != nil {
		e.t.Fatalf("testkit: %v", err)
	}
	e.Settle()
}

// ServiceAccount is the identity a service account's token carries, for
// Environment.AddUser: system:serviceaccount:<namespace>:<name> in the
// system:serviceaccounts groups.
func ServiceAccount(namespace, name string) User {
	u := auth.ServiceAccount(namespace, name)
	return User{Name: u.GetName(), Groups: u.GetGroups()}
}
