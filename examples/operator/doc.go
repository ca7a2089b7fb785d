// Package operator is an example operator, laid out as kubebuilder lays
// one out, whose test suite runs on kubesim: a Website custom resource
// (api/v1) becomes a Deployment and a Service (internal/controller), a
// webhook defaults and validates Websites (internal/webhook/v1), and
// config/ holds the CRD, the webhook configuration and the operator's
// RBAC, as kubebuilder would generate them.
//
// Start with internal/controller/suite_test.go: a Ginkgo suite with
// BeforeSuite/AfterSuite around testkit.Environment, exactly where a
// kubebuilder project has envtest.Environment.
package operator
