package testkit

import (
	"context"

	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// CRClient returns a controller-runtime client for the cluster, with
// client-go's scheme (register your own types in clientgoscheme.Scheme,
// as kubebuilder's suites do, to use them).
func (e *Env) CRClient() client.Client {
	e.t.Helper()
	c, err := client.New(e.Config(), client.Options{Scheme: clientgoscheme.Scheme})
	if err != nil {
		e.t.Fatalf("testkit: %v", err)
	}
	return c
}

// Object returns a function that fetches obj afresh (by its namespace and
// name) and returns it, in the spirit of controller-runtime's komega:
//
//	env.Eventually(env.Object(pod)).Should(testkit.BeReady())
func (e *Env) Object(obj client.Object) func() (client.Object, error) {
	c := e.CRClient()
	return func() (client.Object, error) {
		err := c.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)
		return obj, err
	}
}

// List returns a function that lists into list and returns it:
//
//	env.Eventually(env.List(&pods, client.InNamespace("default"))).Should(HaveField("Items", HaveLen(3)))
func (e *Env) List(list client.ObjectList, opts ...client.ListOption) func() (client.ObjectList, error) {
	c := e.CRClient()
	return func() (client.ObjectList, error) {
		err := c.List(context.Background(), list, opts...)
		return list, err
	}
}
