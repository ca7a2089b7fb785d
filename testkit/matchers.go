package testkit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onsi/gomega/types"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// statusMatcher is a Gomega matcher over an object's status whose failure
// message shows the part of the status that decided, not the whole
// object.
type statusMatcher struct {
	want string
	// check reports whether obj matches, and what was seen.
	check func(obj any) (ok bool, seen string, err error)
	seen  string
}

var _ types.GomegaMatcher = (*statusMatcher)(nil)

func (m *statusMatcher) Match(actual any) (bool, error) {
	ok, seen, err := m.check(actual)
	m.seen = seen
	return ok, err
}

func (m *statusMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("expected %s to %s, but %s", describe(actual), m.want, m.seen)
}

func (m *statusMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("expected %s not to %s, but %s", describe(actual), m.want, m.seen)
}

// describe names an object as kubectl does: kind/namespace/name.
func describe(obj any) string {
	o, ok := obj.(interface {
		GetNamespace() string
		GetName() string
	})
	if !ok {
		return fmt.Sprintf("%T", obj)
	}
	kind := strings.TrimPrefix(fmt.Sprintf("%T", obj), "*")
	if i := strings.LastIndex(kind, "."); i >= 0 {
		kind = kind[i+1:]
	}
	if o.GetNamespace() == "" {
		return kind + "/" + o.GetName()
	}
	return kind + " " + o.GetNamespace() + "/" + o.GetName()
}

func asPod(obj any) (*corev1.Pod, error) {
	if p, ok := obj.(*corev1.Pod); ok && p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("expected a *v1.Pod, got %T", obj)
}

// HavePhase matches a Pod in phase.
func HavePhase(phase corev1.PodPhase) types.GomegaMatcher {
	return &statusMatcher{want: "be " + string(phase), check: func(obj any) (bool, string, error) {
		p, err := asPod(obj)
		if err != nil {
			return false, "", err
		}
		seen := "it is " + string(p.Status.Phase)
		if p.Status.Reason != "" {
			seen += fmt.Sprintf(" (%s: %s)", p.Status.Reason, p.Status.Message)
		}
		return p.Status.Phase == phase, seen + "; " + containerSummary(p), nil
	}}
}

// BeReady matches a Pod or Node whose Ready condition is True.
func BeReady() types.GomegaMatcher {
	return &statusMatcher{want: "be Ready", check: func(obj any) (bool, string, error) {
		switch o := obj.(type) {
		case *corev1.Pod:
			ok, seen, err := conditionIs(o, string(corev1.PodReady), "True", "")
			return ok, seen + "; " + containerSummary(o), err
		case *corev1.Node:
			return conditionIs(o, string(corev1.NodeReady), "True", "")
		}
		return false, "", fmt.Errorf("BeReady: expected a *v1.Pod or *v1.Node, got %T", obj)
	}}
}

// HaveCondition matches any object whose status has a condition of type
// with status, and reason when one is given.
func HaveCondition(condType string, status string, reason ...string) types.GomegaMatcher {
	want := fmt.Sprintf("have condition %s=%s", condType, status)
	r := ""
	if len(reason) > 0 {
		r = reason[0]
		want += " (" + r + ")"
	}
	return &statusMatcher{want: want, check: func(obj any) (bool, string, error) { return conditionIs(obj, condType, status, r) }}
}

// conditionIs looks status.conditions up generically, so that it works
// for every kind, custom resources included.
func conditionIs(obj any, condType, status, reason string) (bool, string, error) {
	ro, ok := obj.(runtime.Object)
	if !ok {
		return false, "", fmt.Errorf("expected a Kubernetes object, got %T", obj)
	}
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ro)
	if err != nil {
		return false, "", err
	}
	status0, _ := u["status"].(map[string]any)
	conds, _ := status0["conditions"].([]any)
	var seen []string
	for _, c := range conds {
		cm, _ := c.(map[string]any)
		t, s, r := cm["type"], cm["status"], cm["reason"]
		c := fmt.Sprintf("%v=%v", t, s)
		if r != nil {
			c += fmt.Sprintf(" (%v: %v)", r, cm["message"])
		}
		seen = append(seen, c)
		if t == condType {
			ok := s == status && (reason == "" || r == reason)
			return ok, fmt.Sprintf("condition %s", seen[len(seen)-1]), nil
		}
	}
	if len(seen) == 0 {
		return false, "it has no conditions", nil
	}
	return false, "it has no " + condType + " condition, only " + strings.Join(seen, ", "), nil
}

// HaveRestartCount matches a Pod whose containers have restarted n times
// in all.
func HaveRestartCount(n int32) types.GomegaMatcher {
	return &statusMatcher{want: fmt.Sprintf("have restarted %d times", n), check: func(obj any) (bool, string, error) {
		p, err := asPod(obj)
		if err != nil {
			return false, "", err
		}
		var total int32
		for _, s := range p.Status.ContainerStatuses {
			total += s.RestartCount
		}
		return total == n, fmt.Sprintf("restarts are %d: %s", total, containerSummary(p)), nil
	}}
}

// HaveContainerState matches a Pod whose container (init and sidecar
// containers too) is in state: "Waiting", "Running" or "Terminated", or a
// waiting or terminated reason such as "CrashLoopBackOff", "Completed" or
// "OOMKilled".
func HaveContainerState(container, state string) types.GomegaMatcher {
	return &statusMatcher{want: fmt.Sprintf("have container %s %s", container, state), check: func(obj any) (bool, string, error) {
		p, err := asPod(obj)
		if err != nil {
			return false, "", err
		}
		for _, s := range allStatuses(p) {
			if s.Name == container {
				st, reason := stateOf(s.State)
				return state == st || (reason != "" && state == reason), "it is " + describeState(s.State), nil
			}
		}
		return false, "there is no status for container " + container + "; " + containerSummary(p), nil
	}}
}

func allStatuses(p *corev1.Pod) []corev1.ContainerStatus {
	return append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...)
}

func stateOf(s corev1.ContainerState) (state, reason string) {
	switch {
	case s.Running != nil:
		return "Running", ""
	case s.Terminated != nil:
		return "Terminated", s.Terminated.Reason
	case s.Waiting != nil:
		return "Waiting", s.Waiting.Reason
	}
	return "Unknown", ""
}

func describeState(s corev1.ContainerState) string {
	st, reason := stateOf(s)
	if s.Terminated != nil {
		return fmt.Sprintf("%s (%s, exit code %d)", st, reason, s.Terminated.ExitCode)
	}
	if reason != "" {
		return st + " (" + reason + ")"
	}
	return st
}

// containerSummary is one line per container: name, state, restarts.
func containerSummary(p *corev1.Pod) string {
	var parts []string
	for _, s := range allStatuses(p) {
		parts = append(parts, fmt.Sprintf("%s %s, ready=%t, restarts=%d", s.Name, describeState(s.State), s.Ready, s.RestartCount))
	}
	if len(parts) == 0 {
		return "no container statuses yet"
	}
	sort.Strings(parts)
	return "containers: " + strings.Join(parts, "; ")
}

// BeAvailable matches a Deployment, StatefulSet or DaemonSet that has
// rolled out its current spec and has every replica available.
func BeAvailable() types.GomegaMatcher {
	return &statusMatcher{want: "be available", check: func(obj any) (bool, string, error) {
		switch o := obj.(type) {
		case *appsv1.Deployment:
			want := replicas(o.Spec.Replicas)
			s := o.Status
			seen := fmt.Sprintf("observedGeneration %d of %d, %d replicas, %d updated, %d available of %d wanted",
				s.ObservedGeneration, o.Generation, s.Replicas, s.UpdatedReplicas, s.AvailableReplicas, want)
			return s.ObservedGeneration >= o.Generation && s.UpdatedReplicas == want && s.AvailableReplicas == want && s.Replicas == want, seen, nil
		case *appsv1.StatefulSet:
			want := replicas(o.Spec.Replicas)
			s := o.Status
			seen := fmt.Sprintf("observedGeneration %d of %d, %d updated, %d available of %d wanted, revision %s of %s",
				s.ObservedGeneration, o.Generation, s.UpdatedReplicas, s.AvailableReplicas, want, s.CurrentRevision, s.UpdateRevision)
			return s.ObservedGeneration >= o.Generation && s.AvailableReplicas == want && s.UpdatedReplicas == want && s.CurrentRevision == s.UpdateRevision, seen, nil
		case *appsv1.DaemonSet:
			s := o.Status
			seen := fmt.Sprintf("observedGeneration %d of %d, %d updated, %d available of %d desired",
				s.ObservedGeneration, o.Generation, s.UpdatedNumberScheduled, s.NumberAvailable, s.DesiredNumberScheduled)
			return s.ObservedGeneration >= o.Generation && s.UpdatedNumberScheduled == s.DesiredNumberScheduled && s.NumberAvailable == s.DesiredNumberScheduled, seen, nil
		}
		return false, "", fmt.Errorf("BeAvailable: expected a Deployment, StatefulSet or DaemonSet, got %T", obj)
	}}
}

func replicas(r *int32) int32 {
	if r == nil {
		return 1
	}
	return *r
}

// BeComplete matches a Job whose Complete condition is True.
func BeComplete() types.GomegaMatcher {
	return &statusMatcher{want: "be complete", check: func(obj any) (bool, string, error) {
		j, ok := obj.(*batchv1.Job)
		if !ok {
			return false, "", fmt.Errorf("BeComplete: expected a *v1.Job, got %T", obj)
		}
		ok, seen, err := conditionIs(j, string(batchv1.JobComplete), "True", "")
		return ok, seen + "; " + jobSummary(j), err
	}}
}

// BeFailed matches a Job whose Failed condition is True, with reason
// (such as "BackoffLimitExceeded" or "DeadlineExceeded") when given.
func BeFailed(reason ...string) types.GomegaMatcher {
	r := ""
	want := "have failed"
	if len(reason) > 0 {
		r = reason[0]
		want += " with " + r
	}
	return &statusMatcher{want: want, check: func(obj any) (bool, string, error) {
		j, ok := obj.(*batchv1.Job)
		if !ok {
			return false, "", fmt.Errorf("BeFailed: expected a *v1.Job, got %T", obj)
		}
		ok, seen, err := conditionIs(j, string(batchv1.JobFailed), "True", r)
		return ok, seen + "; " + jobSummary(j), err
	}}
}

func jobSummary(j *batchv1.Job) string {
	return fmt.Sprintf("%d active, %d succeeded, %d failed", j.Status.Active, j.Status.Succeeded, j.Status.Failed)
}
