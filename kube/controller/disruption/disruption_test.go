package disruption_test

import (
	"testing"
	"time"

	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestStatusFromMinAvailable(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 3)
	createPDB(t, env, minAvailable("web", intstr.FromInt32(2)))

	pdb := getPDB(t, c, "web")
	wantStatus(t, pdb, 3, 3, 2, 1)
	cond := condition(pdb)
	if cond == nil || cond.Status != metav1.ConditionTrue || cond.Reason != policyv1.SufficientPodsReason {
		t.Fatalf("DisruptionAllowed condition %+v, want True SufficientPods", cond)
	}
}

// Percentages are of the controllers' scale and round up, so 34% of 3
// pods is 2 and only one needs to stay healthy.
func TestStatusFromPercentages(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 3)
	createPDB(t, env, maxUnavailable("web", intstr.FromString("34%")))
	wantStatus(t, getPDB(t, c, "web"), 3, 3, 1, 2)

	deploy(t, env, "api", 3)
	createPDB(t, env, minAvailable("api", intstr.FromString("50%")))
	wantStatus(t, getPDB(t, c, "api"), 3, 3, 2, 1)
}

// A budget whose pods are not there allows nothing.
func TestStatusWithoutPods(t *testing.T) {
	env, c := start(t)
	createPDB(t, env, minAvailable("none", intstr.FromInt32(1)))
	pdb := getPDB(t, c, "none")
	wantStatus(t, pdb, 0, 0, 1, 0)
	if cond := condition(pdb); cond == nil || cond.Status != metav1.ConditionFalse || cond.Reason != policyv1.InsufficientPodsReason {
		t.Fatalf("DisruptionAllowed condition %+v, want False InsufficientPods", cond)
	}
}

// A disruption the eviction API recorded counts until the pod is seen
// going, or for two minutes if it never goes.
func TestDisruptedPodsExpire(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 3)
	createPDB(t, env, minAvailable("web", intstr.FromInt32(2)))
	pod := runningPods(t, c, "web")[0].Name

	pdb := getPDB(t, c, "web")
	pdb.Status.DisruptedPods = map[string]metav1.Time{pod: metav1.NewTime(env.Clock().Now())}
	if _, err := c.PolicyV1().PodDisruptionBudgets(ns).UpdateStatus(ctx, pdb, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	pdb = getPDB(t, c, "web")
	wantStatus(t, pdb, 3, 2, 2, 0)
	if _, ok := pdb.Status.DisruptedPods[pod]; !ok {
		t.Fatalf("disruptedPods %v lost %s", pdb.Status.DisruptedPods, pod)
	}

	env.Advance(2*time.Minute + 5*time.Second)
	pdb = getPDB(t, c, "web")
	wantStatus(t, pdb, 3, 3, 2, 1)
	if len(pdb.Status.DisruptedPods) != 0 {
		t.Fatalf("disruptedPods %v, want none after the timeout", pdb.Status.DisruptedPods)
	}
}

// Changing the spec makes the budget stale until the controller has
// seen it; the status then follows the new spec.
func TestSpecChange(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 3)
	createPDB(t, env, minAvailable("web", intstr.FromInt32(2)))
	pdb := getPDB(t, c, "web")
	pdb.Spec.MinAvailable = ptrIntStr(intstr.FromInt32(3))
	if _, err := c.PolicyV1().PodDisruptionBudgets(ns).Update(ctx, pdb, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	pdb = getPDB(t, c, "web")
	wantStatus(t, pdb, 3, 3, 3, 0)
	if err := evict(c, runningPods(t, c, "web")[0].Name); !apierrors.IsTooManyRequests(err) {
		t.Fatalf("eviction: %v, want 429", err)
	}
}

func ptrIntStr(v intstr.IntOrString) *intstr.IntOrString { return &v }
