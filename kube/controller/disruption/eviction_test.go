package disruption_test

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// The budget allows one eviction at a time: the second one waits for
// the first pod's replacement to be ready.
func TestEvictionHonoursBudget(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 3)
	createPDB(t, env, minAvailable("web", intstr.FromInt32(2)))
	pods := runningPods(t, c, "web")

	if err := evict(c, pods[0].Name); err != nil {
		t.Fatalf("first eviction: %v", err)
	}
	first, err := c.CoreV1().Pods(ns).Get(ctx, pods[0].Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.DeletionTimestamp == nil {
		t.Fatal("evicted pod is not terminating")
	}
	cond := podCondition(first, corev1.DisruptionTarget)
	if cond == nil || cond.Status != corev1.ConditionTrue || cond.Reason != "EvictionByEvictionAPI" || cond.Message != "Eviction API: evicting" {
		t.Fatalf("DisruptionTarget condition %+v", cond)
	}

	env.Settle()
	err = evict(c, pods[1].Name)
	if !apierrors.IsTooManyRequests(err) {
		t.Fatalf("second eviction: %v, want 429", err)
	}
	status := err.(apierrors.APIStatus).Status()
	if status.Message != "Cannot evict pod as it would violate the pod's disruption budget." {
		t.Fatalf("message %q", status.Message)
	}
	want := metav1.StatusCause{Type: policyv1.DisruptionBudgetCause, Message: "The disruption budget web needs 2 healthy pods and has 2 currently"}
	if status.Details == nil || len(status.Details.Causes) != 1 || status.Details.Causes[0] != want {
		t.Fatalf("details %+v, want cause %+v", status.Details, want)
	}

	env.Advance(time.Minute)
	if n := len(runningPods(t, c, "web")); n != 3 {
		t.Fatalf("%d running pods after the replacement, want 3", n)
	}
	wantStatus(t, getPDB(t, c, "web"), 3, 3, 2, 1)
	if err := evict(c, pods[1].Name); err != nil {
		t.Fatalf("eviction after the replacement is ready: %v", err)
	}
}

// The eviction writes the spent disruption into the budget before the
// pod goes; the controller drops the entry once it sees the pod going.
func TestEvictionRecordsDisruption(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 3)
	createPDB(t, env, maxUnavailable("web", intstr.FromInt32(2)))
	pod := runningPods(t, c, "web")[0].Name
	w, err := c.PolicyV1().PodDisruptionBudgets(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: getPDB(t, c, "web").ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := evict(c, pod); err != nil {
		t.Fatal(err)
	}
	ev := <-w.ResultChan()
	recorded := ev.Object.(*policyv1.PodDisruptionBudget)
	if _, ok := recorded.Status.DisruptedPods[pod]; !ok || recorded.Status.DisruptionsAllowed != 1 {
		t.Fatalf("first write after the eviction: disruptedPods %v allowed %d, want %s and 1",
			recorded.Status.DisruptedPods, recorded.Status.DisruptionsAllowed, pod)
	}
	env.Settle()
	if pdb := getPDB(t, c, "web"); len(pdb.Status.DisruptedPods) != 0 {
		t.Fatalf("disruptedPods %v after the pod went", pdb.Status.DisruptedPods)
	}
}

// Without a budget an eviction is a graceful delete.
func TestEvictionWithoutBudget(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 1)
	pod := runningPods(t, c, "web")[0]
	if err := evict(c, pod.Name); err != nil {
		t.Fatal(err)
	}
	got, err := c.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("pod gone at once, want graceful termination: %v", err)
	}
	if got.DeletionTimestamp == nil || got.DeletionGracePeriodSeconds == nil || *got.DeletionGracePeriodSeconds != 30 {
		t.Fatalf("deletion %v grace %v, want a 30s graceful delete", got.DeletionTimestamp, got.DeletionGracePeriodSeconds)
	}
	env.Advance(time.Minute)
	if _, err := c.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("pod after its grace period: %v", err)
	}
}

// A pod that has finished disrupts nothing: it goes at once, whatever its
// budget says.
func TestEvictionOfSucceededPod(t *testing.T) {
	env, c := start(t)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "done", Labels: labels("batch")},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "main", Image: "busybox", Command: []string{"sh", "-c", "exit 0"}}},
		},
	}
	if _, err := c.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	createPDB(t, env, minAvailable("batch", intstr.FromInt32(5)))
	env.Advance(30 * time.Second)
	got, err := c.CoreV1().Pods(ns).Get(ctx, "done", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status.Phase != corev1.PodSucceeded {
		t.Fatalf("phase %s, want Succeeded", got.Status.Phase)
	}
	if err := evict(c, "done"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Pods(ns).Get(ctx, "done", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("succeeded pod after eviction: %v, want it deleted", err)
	}
}

func TestEvictionWithTwoBudgets(t *testing.T) {
	env, c := start(t)
	createPDB(t, env, minAvailable("web", intstr.FromInt32(1)))
	other := maxUnavailable("web", intstr.FromInt32(1))
	other.Name = "web-too"
	createPDB(t, env, other)
	deploy(t, env, "web", 2)
	err := evict(c, runningPods(t, c, "web")[0].Name)
	status, ok := err.(apierrors.APIStatus)
	if !ok || status.Status().Code != 500 ||
		status.Status().Message != "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." {
		t.Fatalf("eviction: %v, want upstream's 500", err)
	}
	if !hasEvent(t, env, "MultiplePodDisruptionBudgets", `Pod "default"/"web-`) {
		t.Error("no MultiplePodDisruptionBudgets event")
	}
}

// A dry run answers as the eviction would, changing nothing.
func TestEvictionDryRun(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 3)
	createPDB(t, env, minAvailable("web", intstr.FromInt32(2)))
	pod := runningPods(t, c, "web")[0].Name
	ev := &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: pod, Namespace: ns},
		DeleteOptions: &metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}}
	if err := c.CoreV1().Pods(ns).EvictV1(ctx, ev); err != nil {
		t.Fatal(err)
	}
	got, err := c.CoreV1().Pods(ns).Get(ctx, pod, metav1.GetOptions{})
	if err != nil || got.DeletionTimestamp != nil || podCondition(got, corev1.DisruptionTarget) != nil {
		t.Fatalf("pod after a dry run: %v %+v", err, got)
	}
	wantStatus(t, getPDB(t, c, "web"), 3, 3, 2, 1)
}

// An unready pod may go without spending the budget: under
// IfHealthyBudget (the default) while the budget has its healthy pods,
// under AlwaysAllow always.
func TestEvictionOfUnreadyPod(t *testing.T) {
	for _, tc := range []struct {
		policy  policyv1.UnhealthyPodEvictionPolicyType
		min     int32 // of 3 pods, one of them unready
		allowed bool
	}{
		{policyv1.IfHealthyBudget, 1, true},
		{policyv1.IfHealthyBudget, 3, false},
		{policyv1.AlwaysAllow, 1, true},
		{policyv1.AlwaysAllow, 3, true},
	} {
		t.Run(fmt.Sprintf("%s/minAvailable=%d", tc.policy, tc.min), func(t *testing.T) {
			env, c := start(t)
			deploy(t, env, "web", 3)
			pdb := minAvailable("web", intstr.FromInt32(tc.min))
			pdb.Spec.UnhealthyPodEvictionPolicy = ptr.To(tc.policy)
			createPDB(t, env, pdb)
			pod := runningPods(t, c, "web")[0]
			markUnready(t, c, &pod)
			env.Settle()
			err := evict(c, pod.Name)
			if !tc.allowed {
				if !apierrors.IsTooManyRequests(err) {
					t.Fatalf("eviction: %v, want 429", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := getPDB(t, c, "web"); len(got.Status.DisruptedPods) != 0 {
				t.Fatalf("unready pod spent the budget: %v", got.Status.DisruptedPods)
			}
		})
	}
}

// markUnready sets a pod's Ready condition False, as a failing readiness
// probe would.
func markUnready(t *testing.T, c kubernetes.Interface, pod *corev1.Pod) {
	t.Helper()
	for i := range pod.Status.Conditions {
		if pod.Status.Conditions[i].Type == corev1.PodReady {
			pod.Status.Conditions[i].Status = corev1.ConditionFalse
		}
	}
	if _, err := c.CoreV1().Pods(ns).UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// The subresource answers bad requests as upstream does, and discovery
// announces it with its policy/v1 kind, which kubectl drain looks for.
func TestEvictionRequests(t *testing.T) {
	env, c := start(t)
	deploy(t, env, "web", 1)
	pod := runningPods(t, c, "web")[0].Name

	if err := evict(c, "missing"); !apierrors.IsNotFound(err) {
		t.Errorf("evicting a missing pod: %v, want 404", err)
	}
	err := c.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name(pod).SubResource("eviction").
		Body(&policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "other", Namespace: ns}}).Do(ctx).Error()
	if !apierrors.IsBadRequest(err) || err.Error() != "name in URL does not match name in Eviction object" {
		t.Errorf("mismatched name: %v, want 400", err)
	}

	resources, err := c.Discovery().ServerResourcesForGroupVersion("v1")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range resources.APIResources {
		if r.Name == "pods/eviction" {
			found = true
			if r.Group != "policy" || r.Version != "v1" || r.Kind != "Eviction" || len(r.Verbs) != 1 || r.Verbs[0] != "create" {
				t.Errorf("discovery of pods/eviction: %+v", r)
			}
		}
	}
	if !found {
		t.Error("discovery does not list pods/eviction")
	}
}
