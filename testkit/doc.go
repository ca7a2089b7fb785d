// Package testkit is what a test imports to get a simulated Kubernetes
// cluster.
//
// Start with Start, which works like httptest.NewServer: it takes a
// test (testing.TB, or GinkgoT() in a Ginkgo spec), starts a cluster in
// milliseconds, and stops it when the test ends.
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
//
// Every Env records a timeline (package testkit/timeline) from Start on.
// When a test fails, its cleanup writes the story and an HTML timeline to
// $KUBESIM_REPORT_DIR, or else testdata/reports in the test's package, and
// logs their paths; Env.Timeline gives the same on demand, and Ginkgo
// suites add ReportAfterEach(ReportOnFailure(...)) to name reports after
// their specs.
package testkit
