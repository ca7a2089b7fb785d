// Package testkit is what a test imports to get a simulated Kubernetes
// cluster.
//
// Start with Start, which works like httptest.NewServer: it takes a
// testing.TB, starts a cluster in milliseconds, and stops it when the test
// ends.
//
//	env := testkit.Start(t)
//	pods := env.Client().CoreV1().Pods("default")
//	pods.Create(ctx, pod, metav1.CreateOptions{})
//	env.Advance(10 * time.Minute) // ten minutes of cluster life
//
// Config returns a *rest.Config for client-go and controller-runtime;
// Kubeconfig writes a kubeconfig for kubectl. Environment has the shape of
// controller-runtime's envtest.Environment, so a kubebuilder suite moves to
// kubesim by changing one import.
package testkit
