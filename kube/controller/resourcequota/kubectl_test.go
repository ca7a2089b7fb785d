package resourcequota_test

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// kubectl describe quota reads status.used and status.hard.
func TestKubectlDescribeQuota(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kubectl")
	}
	env, c := start(t)
	createQuota(t, env, quota("compute", list("requests.cpu", "2", "pods", "4")))
	_, err := c.CoreV1().Pods(ns).Create(ctx, pod("one", "sleep 1000", list("cpu", "500m"), nil), metav1.CreateOptions{})
	check(t, err)
	env.Settle()
	out, err := env.Kubectl("describe", "quota", "compute", "-n", ns)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"Name:", "compute", "Resource", "Used", "Hard", "pods", "requests.cpu  500m  2"} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl describe quota lacks %q:\n%s", want, out)
		}
	}
	var pods string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "pods ") {
			pods = strings.Join(strings.Fields(line), " ")
		}
	}
	if pods != "pods 1 4" {
		t.Errorf("pods line = %q, want %q:\n%s", pods, "pods 1 4", out)
	}
}
