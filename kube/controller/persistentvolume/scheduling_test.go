package persistentvolume_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/persistentvolume"
)

// TestProvisionerAbsent: with a WaitForFirstConsumer class whose external
// provisioner does not run, the scheduler marks the claim with the node
// but holds the pod off it; after the 10-minute bind timeout the attempt
// fails with upstream's PreBind error and the pod is tried again.
func TestProvisionerAbsent(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	ext := class("external", storagev1.VolumeBindingWaitForFirstConsumer, corev1.PersistentVolumeReclaimDelete, false)
	ext.Provisioner = "example.com/not-running"
	createClass(t, c, ext)
	createPVC(t, c, claim("data", "1Gi", ptr.To("external")))
	createPod(t, c, podUsing("app", "data"))
	env.Advance(time.Minute)

	pvc := getClaim(t, c, "data")
	if pvc.Annotations[persistentvolume.AnnSelectedNode] == "" || pvc.Annotations[persistentvolume.AnnStorageProvisioner] != ext.Provisioner {
		t.Fatalf("claim annotations %v, want a selected node and the provisioner", pvc.Annotations)
	}
	if msg := eventMessage(t, c, "PersistentVolumeClaim", "data", "ExternalProvisioning"); !strings.Contains(msg, "'example.com/not-running'") {
		t.Errorf("ExternalProvisioning message %q", msg)
	}
	pod, err := c.CoreV1().Pods(ns).Get(ctx, "app", metav1.GetOptions{})
	must(t, pod, err)
	if pod.Spec.NodeName != "" {
		t.Fatalf("pod bound to %s before its claim", pod.Spec.NodeName)
	}

	env.Advance(10 * time.Minute)
	msg := eventMessage(t, c, "Pod", "app", "FailedScheduling")
	if want := `running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded`; msg != want {
		t.Errorf("FailedScheduling message %q, want %q", msg, want)
	}
	pod, err = c.CoreV1().Pods(ns).Get(ctx, "app", metav1.GetOptions{})
	must(t, pod, err)
	if pod.Spec.NodeName != "" {
		t.Errorf("pod bound to %s with its claim unbound", pod.Spec.NodeName)
	}

	// Tried again: it waits on the same node, and times out again.
	env.Advance(11 * time.Minute)
	sel := fields.Set{"involvedObject.name": "app", "reason": "FailedScheduling"}.AsSelector().String()
	list, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel})
	must(t, list, err)
	count := int32(0)
	for _, e := range list.Items {
		count += max(e.Count, 1)
	}
	if count < 2 {
		t.Errorf("%d FailedScheduling events after two timeouts, want 2", count)
	}
}

// TestPodStartsOnceClaimBound: a pod put on a node by hand, whose claim
// is not bound yet, waits in ContainerCreating with FailedMount events,
// and starts once the claim is bound, at the kubelet's next volume check.
func TestPodStartsOnceClaimBound(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	must(t, nodes, err)
	createPVC(t, c, claim("late", "1Gi", ptr.To("manual")))
	pod := podUsing("app", "late")
	pod.Spec.NodeName = nodes.Items[0].Name
	createPod(t, c, pod)
	env.Advance(30 * time.Second)
	if got := reasons(t, c, "Pod", "app"); !slices.Contains(got, "FailedMount") {
		t.Fatalf("pod events %v, want FailedMount", got)
	}
	createPV(t, c, volume("disk", "1Gi", "manual", corev1.PersistentVolumeReclaimRetain))
	env.Advance(3 * time.Minute)
	pod, err = c.CoreV1().Pods(ns).Get(ctx, "app", metav1.GetOptions{})
	must(t, pod, err)
	if pod.Status.Phase != corev1.PodRunning {
		t.Errorf("pod %s after its claim was bound, want Running", pod.Status.Phase)
	}
}
