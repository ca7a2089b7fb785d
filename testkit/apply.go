package testkit

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

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

// Apply applies manifests to the cluster with server-side apply, as
// `kubectl apply --server-side` does, and settles, failing the test on
// error. A manifest is a path (a YAML or JSON file, or a directory of
// them), YAML text (a string or []byte, multi-document allowed), or an
// object (typed, such as *corev1.Pod, or unstructured).
func (e *Env) Apply(manifests ...any) {
	e.t.Helper()
	objs, err := toObjects(manifests)
	if err == nil {
		err = cluster.ApplyObjects(context.Background(), e.Config(), objs...)
	}
	if err != nil {
		e.t.Fatalf("testkit: apply: %v", err)
	}
	e.Settle()
}

// Delete deletes what manifests (as Apply takes them) describe, in the
// background as kubectl delete does, and settles; what is already gone is
// no error.
func (e *Env) Delete(manifests ...any) {
	e.t.Helper()
	objs, err := toObjects(manifests)
	if err == nil {
		err = cluster.DeleteObjects(context.Background(), e.Config(), objs...)
	}
	if err != nil {
		e.t.Fatalf("testkit: delete: %v", err)
	}
	e.Settle()
}

// WaitFor advances the cluster until obj satisfies matcher (see
// Eventually for the timeout and polling), failing the test otherwise:
//
//	env.WaitFor(deploy, testkit.BeAvailable())
func (e *Env) WaitFor(obj client.Object, matcher types.GomegaMatcher, intervals ...time.Duration) {
	e.t.Helper()
	e.Eventually(e.Object(obj), intervals...).WithOffset(1).Should(matcher)
}

// WaitForDeletion advances the cluster until obj is gone.
func (e *Env) WaitForDeletion(obj client.Object, intervals ...time.Duration) {
	e.t.Helper()
	c := e.CRClient()
	gone := func() bool {
		err := c.Get(context.Background(), client.ObjectKeyFromObject(obj), obj.DeepCopyObject().(client.Object))
		return apierrors.IsNotFound(err)
	}
	e.Eventually(gone, intervals...).WithOffset(1).Should(gomega.BeTrue(), describe(obj)+" still exists")
}

// toObjects turns what Apply takes into objects.
func toObjects(manifests []any) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, m := range manifests {
		var objs []*unstructured.Unstructured
		var err error
		switch v := m.(type) {
		case string:
			if _, statErr := os.Stat(v); statErr == nil {
				var docs [][]byte
				if docs, err = cluster.Documents(v); err == nil {
					objs, err = parseAll(docs)
				}
			} else {
				objs, err = cluster.ParseManifests([]byte(v))
			}
		case []byte:
			objs, err = cluster.ParseManifests(v)
		case *unstructured.Unstructured:
			objs = []*unstructured.Unstructured{cluster.Manifest(v)}
		case runtime.Object:
			var u *unstructured.Unstructured
			u, err = typedToUnstructured(v)
			objs = []*unstructured.Unstructured{u}
		default:
			err = fmt.Errorf("a manifest must be a path, YAML or an object, not %T", m)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

func parseAll(docs [][]byte) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, d := range docs {
		objs, err := cluster.ParseManifests(d)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

// typedToUnstructured converts a typed object, filling in its kind from
// client-go's scheme when the object does not say, and leaving out what
// the server sets, so that an object read back can be applied again.
func typedToUnstructured(obj runtime.Object) (*unstructured.Unstructured, error) {
	gvks, _, err := clientgoscheme.Scheme.ObjectKinds(obj)
	if err != nil {
		return nil, err
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	if u.GetKind() == "" {
		u.SetGroupVersionKind(gvks[0])
	}
	return cluster.Manifest(u), nil
}

// ServiceAccount is the identity a service account's token carries, for
// Environment.AddUser: system:serviceaccount:<namespace>:<name> in the
// system:serviceaccounts groups.
func ServiceAccount(namespace, name string) User {
	u := auth.ServiceAccount(namespace, name)
	return User{Name: u.GetName(), Groups: u.GetGroups()}
}
