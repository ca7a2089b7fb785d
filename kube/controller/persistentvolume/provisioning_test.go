package persistentvolume_test

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/persistentvolume"
)

// TestProvisionImmediate: a claim of an Immediate class of the simulated
// provisioner gets a volume named after its UID at once, with the
// provisioner's annotations and events, and is bound to it.
func TestProvisionImmediate(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	createClass(t, c, class("fast", storagev1.VolumeBindingImmediate, corev1.PersistentVolumeReclaimDelete, false))
	pvc := createPVC(t, c, claim("data", "3Gi", ptr.To("fast")))
	settle(env)

	pvc = getClaim(t, c, "data")
	name := "pvc-" + string(pvc.UID)
	if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName != name {
		t.Fatalf("claim %s to %q, want Bound to %s", pvc.Status.Phase, pvc.Spec.VolumeName, name)
	}
	for _, ann := range []string{persistentvolume.AnnStorageProvisioner, persistentvolume.AnnBetaStorageProvisioner} {
		if pvc.Annotations[ann] != persistentvolume.Provisioner {
			t.Errorf("claim annotation %s = %q", ann, pvc.Annotations[ann])
		}
	}
	pv := getVolume(t, c, name)
	if pv.Annotations[persistentvolume.AnnDynamicallyProvisioned] != persistentvolume.Provisioner {
		t.Errorf("volume provisioned-by %q", pv.Annotations[persistentvolume.AnnDynamicallyProvisioned])
	}
	if pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete || pv.Spec.StorageClassName != "fast" || pv.Spec.NodeAffinity != nil {
		t.Errorf("volume spec: policy %s class %s affinity %v", pv.Spec.PersistentVolumeReclaimPolicy, pv.Spec.StorageClassName, pv.Spec.NodeAffinity)
	}
	if got := pv.Spec.Capacity[corev1.ResourceStorage]; got.String() != "3Gi" {
		t.Errorf("volume size %s, want 3Gi", got.String())
	}
	if msg := eventMessage(t, c, "PersistentVolumeClaim", "data", "ProvisioningSucceeded"); msg != "Successfully provisioned volume "+name {
		t.Errorf("ProvisioningSucceeded message %q", msg)
	}
	if msg := eventMessage(t, c, "PersistentVolumeClaim", "data", "ExternalProvisioning"); msg == "" {
		t.Error("no ExternalProvisioning message")
	}
	if want := []string{"kubernetes.io/pv-protection"}; len(pv.Finalizers) != 1 || pv.Finalizers[0] != want[0] {
		t.Errorf("volume finalizers %v, want %v", pv.Finalizers, want)
	}
}

// TestWaitForFirstConsumer: a claim of the default class waits, unbound,
// until a pod uses it; the scheduler picks a node and marks the claim
// with it, the volume is made on that node, the pod is bound only then,
// and runs.
func TestWaitForFirstConsumer(t *testing.T) {
	t.Parallel()
	env, c := start(t, 3)
	createPVC(t, c, claim("data", "1Gi", nil))
	env.Advance(time.Minute)
	pvc := getClaim(t, c, "data")
	if pvc.Status.Phase != corev1.ClaimPending || ptr.Deref(pvc.Spec.StorageClassName, "") != persistentvolume.DefaultClassName {
		t.Fatalf("claim %s of class %v, want Pending of the default class", pvc.Status.Phase, pvc.Spec.StorageClassName)
	}
	if msg := eventMessage(t, c, "PersistentVolumeClaim", "data", "WaitForFirstConsumer"); msg != "waiting for first consumer to be created before binding" {
		t.Errorf("WaitForFirstConsumer message %q", msg)
	}

	createPod(t, c, podUsing("app", "data"))
	env.Advance(10 * time.Second)
	pod, err := c.CoreV1().Pods(ns).Get(ctx, "app", metav1.GetOptions{})
	must(t, pod, err)
	if pod.Status.Phase != corev1.PodRunning || pod.Spec.NodeName == "" {
		t.Fatalf("pod %s on %q, want Running", pod.Status.Phase, pod.Spec.NodeName)
	}
	pvc = getClaim(t, c, "data")
	if pvc.Status.Phase != corev1.ClaimBound || pvc.Annotations[persistentvolume.AnnSelectedNode] != pod.Spec.NodeName {
		t.Fatalf("claim %s, selected node %q; pod on %q", pvc.Status.Phase, pvc.Annotations[persistentvolume.AnnSelectedNode], pod.Spec.NodeName)
	}
	pv := getVolume(t, c, pvc.Spec.VolumeName)
	terms := pv.Spec.NodeAffinity.Required.NodeSelectorTerms
	if len(terms) != 1 || terms[0].MatchExpressions[0].Key != corev1.LabelHostname || terms[0].MatchExpressions[0].Values[0] != pod.Spec.NodeName {
		t.Errorf("volume node affinity %+v, want the pod's node %s", terms, pod.Spec.NodeName)
	}
	for _, r := range reasons(t, c, "Pod", "app") {
		if r == "FailedMount" || r == "FailedScheduling" {
			t.Errorf("pod had a %s event", r)
		}
	}

	// A second pod using the claim lands on the same node: the volume is
	// local to it.
	createPod(t, c, podUsing("buddy", "data"))
	env.Advance(10 * time.Second)
	buddy, err := c.CoreV1().Pods(ns).Get(ctx, "buddy", metav1.GetOptions{})
	must(t, buddy, err)
	if buddy.Spec.NodeName != pod.Spec.NodeName {
		t.Errorf("second pod on %q, want %q", buddy.Spec.NodeName, pod.Spec.NodeName)
	}
}

// TestWaitForFirstConsumerStatic: with a WaitForFirstConsumer class that
// does not provision, the scheduler picks a node a local volume can reach
// and binds that volume to the claim.
func TestWaitForFirstConsumerStatic(t *testing.T) {
	t.Parallel()
	env, c := start(t, 2)
	local := class("local", storagev1.VolumeBindingWaitForFirstConsumer, corev1.PersistentVolumeReclaimRetain, false)
	local.Provisioner = "kubernetes.io/no-provisioner"
	createClass(t, c, local)
	nodes, err := c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	must(t, nodes, err)
	target := nodes.Items[1].Name
	pv := volume("disk", "10Gi", "local", corev1.PersistentVolumeReclaimRetain)
	pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
		MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: []string{target}}}}}}}
	createPV(t, c, pv)
	createPVC(t, c, claim("data", "1Gi", ptr.To("local")))
	settle(env)
	if got := getClaim(t, c, "data").Status.Phase; got != corev1.ClaimPending {
		t.Fatalf("claim %s before any pod, want Pending", got)
	}
	createPod(t, c, podUsing("app", "data"))
	env.Advance(10 * time.Second)
	pod, err := c.CoreV1().Pods(ns).Get(ctx, "app", metav1.GetOptions{})
	must(t, pod, err)
	if pod.Spec.NodeName != target || pod.Status.Phase != corev1.PodRunning {
		t.Fatalf("pod %s on %q, want Running on %s", pod.Status.Phase, pod.Spec.NodeName, target)
	}
	if got := getClaim(t, c, "data").Spec.VolumeName; got != "disk" {
		t.Errorf("claim bound to %q, want disk", got)
	}
}

// TestAllowedTopologies: an Immediate class limited to a zone makes
// volumes reachable only from that zone.
func TestAllowedTopologies(t *testing.T) {
	t.Parallel()
	env, c := start(t, 1)
	zonal := class("zonal", storagev1.VolumeBindingImmediate, corev1.PersistentVolumeReclaimDelete, false)
	zonal.AllowedTopologies = []corev1.TopologySelectorTerm{{MatchLabelExpressions: []corev1.TopologySelectorLabelRequirement{
		{Key: corev1.LabelTopologyZone, Values: []string{"zone-a"}}}}}
	createClass(t, c, zonal)
	createPVC(t, c, claim("data", "1Gi", ptr.To("zonal")))
	settle(env)
	pvc := getClaim(t, c, "data")
	pv := getVolume(t, c, pvc.Spec.VolumeName)
	if pv == nil || pv.Spec.NodeAffinity == nil {
		t.Fatalf("claim %s; volume %v without node affinity", pvc.Status.Phase, pv)
	}
	req := pv.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0]
	if req.Key != corev1.LabelTopologyZone || req.Values[0] != "zone-a" {
		t.Errorf("volume affinity %+v, want zone-a", req)
	}
}
