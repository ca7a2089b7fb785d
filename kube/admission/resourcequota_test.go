package admission_test

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/testkit"
)

// Without the resourcequota controller (a bare API server, as envtest
// runs), quota admission goes by whatever status the quota has, as
// upstream's: a quota nobody has counted (no status.hard) limits nothing,
// one with a hard limit but no usage for it refuses what it covers, and
// whoever writes its status takes the controller's place.
func TestResourceQuotaWithoutController(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	c := env.Client()
	bg := context.Background()
	q := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q"}, Spec: corev1.ResourceQuotaSpec{Hard: resources("pods", "1")}}
	q, err := c.CoreV1().ResourceQuotas("default").Create(bg, q, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := createPod(c, "uncounted", container("a", nil, nil)); err != nil {
		t.Fatalf("create under a quota without status: %v", err)
	}
	q.Status = corev1.ResourceQuotaStatus{Hard: resources("pods", "1")}
	if q, err = c.CoreV1().ResourceQuotas("default").UpdateStatus(bg, q, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = createPod(c, "a", container("a", nil, nil))
	const unknown = `pods "a" is forbidden: status unknown for quota: q, resources: pods`
	if !apierrors.IsForbidden(err) || err.Error() != unknown {
		t.Fatalf("create before the quota was counted: %v\nwant 403 %s", err, unknown)
	}

	q.Status.Used = resources("pods", "0")
	if _, err := c.CoreV1().ResourceQuotas("default").UpdateStatus(bg, q, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A dry run is checked but not charged.
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "dry"}, Spec: corev1.PodSpec{Containers: []corev1.Container{container("a", nil, nil)}}}
	if _, err := c.CoreV1().Pods("default").Create(bg, p, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Fatal(err)
	}
	if _, err := createPod(c, "a", container("a", nil, nil)); err != nil {
		t.Fatal(err)
	}
	got, err := c.CoreV1().ResourceQuotas("default").Get(bg, "q", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if used := got.Status.Used[corev1.ResourcePods]; used.String() != "1" {
		t.Errorf("used pods = %s, want 1", used.String())
	}
	_, err = createPod(c, "b", container("a", nil, nil))
	const exceeded = `pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1`
	if !apierrors.IsForbidden(err) || err.Error() != exceeded {
		t.Errorf("second pod: %v\nwant 403 %s", err, exceeded)
	}
}
