// Package webhook runs kube-apiserver's dynamic admission on kubesim's
// API server: upstream's MutatingAdmissionWebhook,
// ValidatingAdmissionWebhook and ValidatingAdmissionPolicy plugins
// (k8s.io/apiserver/pkg/admission/plugin/...), configured by the
// admissionregistration.k8s.io/v1 objects users create.
//
// Start with New and Plugins (plugins.go); lazy.go builds each upstream
// plugin at the first request that finds a configuration for it, so a
// cluster that never uses them pays nothing. The rest adapts upstream's
// plugins to a simulated cluster:
//   - informers.go: the informer factory the plugins read webhook
//     configurations and namespaces from is the store itself, caught up
//     before every request, so that a configuration created by a test
//     applies to the very next write (upstream's informers lag);
//   - policy.go, compile.go, params.go: the policy source reads bound
//     policies from the store at each request (upstream's recompiles on a
//     one-second wall-clock tick) and their params from the API server;
//   - resolver.go: webhooks that name a Service reach it through its
//     EndpointSlices, there being no pod network.
//
// Webhooks are called over real HTTPS with the upstream client: a test
// serves one with httptest.NewTLSServer and gives its URL and CA bundle
// in the webhook's clientConfig, as envtest users do.
package webhook
