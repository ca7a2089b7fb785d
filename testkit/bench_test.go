package testkit_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kubesim/kubesim/testkit"
)

const webhookYAML = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: widgets
webhooks:
- name: vwidget.example.com
  admissionReviewVersions: [v1]
  clientConfig:
    service: {name: webhook-service, namespace: system, path: /validate-widget}
  failurePolicy: Fail
  sideEffects: None
  rules:
  - {apiGroups: [example.com], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [widgets]}
`

// BenchmarkSuiteStart is what a kubebuilder suite's BeforeSuite and
// AfterSuite cost: an Environment with a CRD and a webhook configuration
// installed, then stopped. envtest takes seconds for the same.
func BenchmarkSuiteStart(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "crd.yaml"), []byte(crdYAML), 0o644); err != nil {
		b.Fatal(err)
	}
	hooks := filepath.Join(b.TempDir(), "webhooks.yaml")
	if err := os.WriteFile(hooks, []byte(webhookYAML), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		env := &testkit.Environment{
			CRDDirectoryPaths:     []string{dir},
			WebhookInstallOptions: testkit.WebhookInstallOptions{Paths: []string{hooks}},
		}
		if _, err := env.Start(); err != nil {
			b.Fatal(err)
		}
		if err := env.Stop(); err != nil {
			b.Fatal(err)
		}
	}
}
