package quota

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"
	"k8s.io/utils/ptr"
)

func rl(pairs ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i+1 < len(pairs); i += 2 {
		out[corev1.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return out
}

// strings renders a resource list for comparison.
func strs(l corev1.ResourceList) map[string]string {
	out := map[string]string{}
	for n, q := range l {
		out[string(n)] = q.String()
	}
	return out
}

func TestPodUsage(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	pod := &corev1.Pod{Spec: corev1.PodSpec{
		InitContainers: []corev1.Container{
			{Name: "init", Resources: corev1.ResourceRequirements{Requests: rl("cpu", "2")}},
			{Name: "sidecar", RestartPolicy: &always, Resources: corev1.ResourceRequirements{Requests: rl("cpu", "100m", "memory", "64Mi")}},
		},
		Containers: []corev1.Container{{Name: "main", Resources: corev1.ResourceRequirements{
			Requests: rl("cpu", "500m", "memory", "128Mi", "nvidia.com/gpu", "1", "hugepages-2Mi", "4Mi"),
			Limits:   rl("cpu", "1", "memory", "128Mi", "nvidia.com/gpu", "1", "hugepages-2Mi", "4Mi")}}},
	}}
	// cpu: the init container runs before the sidecar starts, so the
	// pod needs max(2, sidecar 100m + main 500m).
	want := map[string]string{"count/pods": "1", "pods": "1", "cpu": "2", "requests.cpu": "2", "limits.cpu": "1",
		"memory": "192Mi", "requests.memory": "192Mi", "limits.memory": "128Mi",
		"requests.nvidia.com/gpu": "1", "hugepages-2Mi": "4Mi", "requests.hugepages-2Mi": "4Mi"}
	if diff := cmp.Diff(want, strs(PodUsage(pod, time.Time{}))); diff != "" {
		t.Errorf("usage (-want +got):\n%s", diff)
	}
	pod.Status.Phase = corev1.PodSucceeded
	if diff := cmp.Diff(map[string]string{"count/pods": "1"}, strs(PodUsage(pod, time.Time{}))); diff != "" {
		t.Errorf("terminal pod usage (-want +got):\n%s", diff)
	}
	pod.Status.Phase = corev1.PodRunning
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pod.DeletionTimestamp = &metav1.Time{Time: now.Add(-time.Minute)}
	pod.DeletionGracePeriodSeconds = ptr.To[int64](30)
	if Counted(pod, now) || !Counted(pod, now.Add(-45*time.Second)) {
		t.Error("a pod should count until its deletion grace period is over")
	}
}

func TestPodConstraints(t *testing.T) {
	p := NewPodEvaluator(nil, nil)
	pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{
		{Name: "a", Resources: corev1.ResourceRequirements{Requests: rl("cpu", "1")}},
		{Name: "b"},
	}}}
	err := p.Constraints([]corev1.ResourceName{"requests.cpu", "limits.memory", "pods", "requests.storage"}, pod)
	const want = "must specify limits.memory for: a,b; requests.cpu for: b"
	if err == nil || err.Error() != want {
		t.Errorf("Constraints = %v, want %s", err, want)
	}
}

func TestMatchingResources(t *testing.T) {
	in := []corev1.ResourceName{"pods", "requests.cpu", "requests.nvidia.com/gpu", "services", "requests.storage",
		"gold.storageclass.storage.k8s.io/requests.storage", "count/deployments.apps", "requests.hugepages-2Mi"}
	pods := quotav1.ToSet(NewPodEvaluator(nil, nil).MatchingResources(in)).List()
	if diff := cmp.Diff([]string{"pods", "requests.cpu", "requests.hugepages-2Mi", "requests.nvidia.com/gpu"}, pods); diff != "" {
		t.Errorf("pod resources (-want +got):\n%s", diff)
	}
	pvcs := quotav1.ToSet(NewPVCEvaluator(nil).MatchingResources(in)).List()
	if diff := cmp.Diff([]string{"gold.storageclass.storage.k8s.io/requests.storage", "requests.storage"}, pvcs); diff != "" {
		t.Errorf("claim resources (-want +got):\n%s", diff)
	}
}

func TestPVCUsage(t *testing.T) {
	pvc := &corev1.PersistentVolumeClaim{Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: ptr.To("gold"),
		Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", "1500m")}}}
	pvc.Status.AllocatedResources = rl("storage", "1Gi")
	got, err := NewPVCEvaluator(nil).Usage(pvc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"persistentvolumeclaims": "1", "count/persistentvolumeclaims": "1", "requests.storage": "1Gi",
		"gold.storageclass.storage.k8s.io/persistentvolumeclaims": "1", "gold.storageclass.storage.k8s.io/requests.storage": "1Gi"}
	if diff := cmp.Diff(want, strs(got)); diff != "" {
		t.Errorf("usage (-want +got):\n%s", diff)
	}
	pvc.Status.AllocatedResources = nil
	got, _ = NewPVCEvaluator(nil).Usage(pvc)
	if s := got[corev1.ResourceRequestsStorage]; s.String() != "2" {
		t.Errorf("a request of 1500m bytes counts as %s, want it rounded up to 2", s.String())
	}
}

func TestServiceUsage(t *testing.T) {
	lb := &corev1.Service{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80}, {Port: 443, NodePort: 30443}},
		AllocateLoadBalancerNodePorts: ptr.To(false)}}
	got, err := NewServiceEvaluator(nil).Usage(lb)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"services": "1", "count/services": "1", "services.loadbalancers": "1", "services.nodeports": "1"}
	if diff := cmp.Diff(want, strs(got)); diff != "" {
		t.Errorf("usage (-want +got):\n%s", diff)
	}
}
