package endpointutil

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func TestFindPort(t *testing.T) {
	pod := &corev1.Pod{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "app", Ports: []corev1.ContainerPort{
			{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP},
			{Name: "http", ContainerPort: 8080},
		}}},
		InitContainers: []corev1.Container{
			{Name: "init", Ports: []corev1.ContainerPort{{Name: "setup", ContainerPort: 7000}}},
			{Name: "proxy", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways),
				Ports: []corev1.ContainerPort{{Name: "proxy", ContainerPort: 15001}}},
		},
	}}
	for _, tc := range []struct {
		port corev1.ServicePort
		want int32
		ok   bool
	}{
		{corev1.ServicePort{Port: 80, TargetPort: intstr.FromInt32(9000)}, 9000, true},
		{corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}, 8080, true},
		{corev1.ServicePort{Port: 53, TargetPort: intstr.FromString("dns"), Protocol: corev1.ProtocolUDP}, 53, true},
		{corev1.ServicePort{Port: 53, TargetPort: intstr.FromString("dns"), Protocol: corev1.ProtocolTCP}, 0, false},
		{corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("proxy"), Protocol: corev1.ProtocolTCP}, 15001, true},
		{corev1.ServicePort{Port: 80, TargetPort: intstr.FromString("setup"), Protocol: corev1.ProtocolTCP}, 0, false},
	} {
		got, err := FindPort(pod, &tc.port)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("FindPort(%v) = %d, %v; want %d (ok %v)", tc.port.TargetPort.String(), got, err, tc.want, tc.ok)
		}
	}
}

func readyPod(name string, at time.Time) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.PodStatus{Conditions: []corev1.PodCondition{
		{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(at)}}}}
}

func TestTriggerTimes(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web", CreationTimestamp: metav1.NewTime(t0)}}
	tr := NewTriggerTimes()
	a := readyPod("a", t0.Add(time.Second))
	if got := tr.Compute(svc, []*corev1.Pod{a}); !got.Equal(t0) {
		t.Errorf("first sync: %v, want the Service's creation %v", got, t0)
	}
	if got := tr.Compute(svc, []*corev1.Pod{a}); !got.IsZero() {
		t.Errorf("nothing changed: %v, want zero", got)
	}
	b, c := readyPod("b", t0.Add(5*time.Second)), readyPod("c", t0.Add(3*time.Second))
	if got := tr.Compute(svc, []*corev1.Pod{a, b, c}); !got.Equal(t0.Add(3 * time.Second)) {
		t.Errorf("two pods turned ready: %v, want the earlier transition", got)
	}
	tr.Forget("ns", "web")
	if got := tr.Compute(svc, nil); !got.Equal(t0) {
		t.Errorf("after Forget: %v, want the creation time again", got)
	}
}

func TestShouldPodBeInEndpoints(t *testing.T) {
	now := metav1.Now()
	withIP := corev1.PodStatus{PodIP: "10.0.0.1", Phase: corev1.PodRunning}
	for name, tc := range map[string]struct {
		pod                corev1.Pod
		includeTerminating bool
		want               bool
	}{
		"running":                   {corev1.Pod{Status: withIP}, false, true},
		"no address":                {corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodRunning}}, true, false},
		"succeeded":                 {corev1.Pod{Status: corev1.PodStatus{PodIP: "10.0.0.1", Phase: corev1.PodSucceeded}}, true, false},
		"terminating":               {corev1.Pod{ObjectMeta: metav1.ObjectMeta{DeletionTimestamp: &now}, Status: withIP}, false, false},
		"terminating when included": {corev1.Pod{ObjectMeta: metav1.ObjectMeta{DeletionTimestamp: &now}, Status: withIP}, true, true},
	} {
		if got := ShouldPodBeInEndpoints(&tc.pod, tc.includeTerminating); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}
