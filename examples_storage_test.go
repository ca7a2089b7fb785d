package kubesim_test

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A claim of the default StorageClass ("standard", WaitForFirstConsumer)
// stays Pending until a pod uses it. Then the scheduler picks the pod's
// node and marks the claim with it, the simulated provisioner makes a
// volume on that node, the PV controller binds the two, and only then is
// the pod bound to the node and started.
func Example_waitForFirstConsumer() {
	c := newCluster()
	defer c.Close()
	ctx := context.Background()
	client := c.Client()
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "data"},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}
	if _, err := client.CoreV1().PersistentVolumeClaims("default").Create(ctx, pvc, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	if err := c.Advance(ctx, time.Minute); err != nil {
		panic(err)
	}
	pvc, _ = client.CoreV1().PersistentVolumeClaims("default").Get(ctx, "data", metav1.GetOptions{})
	fmt.Println("class:", *pvc.Spec.StorageClassName)
	fmt.Println("claim before any pod:", pvc.Status.Phase)

	mustCreate(c, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "db", Image: "postgres:17",
				VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/postgresql/data"}}}},
			Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}},
		},
	})
	if err := c.Advance(ctx, 10*time.Second); err != nil {
		panic(err)
	}
	pvc, _ = client.CoreV1().PersistentVolumeClaims("default").Get(ctx, "data", metav1.GetOptions{})
	pv, _ := client.CoreV1().PersistentVolumes().Get(ctx, pvc.Spec.VolumeName, metav1.GetOptions{})
	pod := getPod(c, "db")
	fmt.Println("claim:", pvc.Status.Phase, "selected node:", pvc.Annotations["volume.kubernetes.io/selected-node"])
	fmt.Println("volume:", pv.Status.Phase, "capacity:", pv.Spec.Capacity.Storage(), "reclaim:", pv.Spec.PersistentVolumeReclaimPolicy)
	fmt.Println("volume node:", pv.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0].Values)
	fmt.Println("pod:", pod.Status.Phase, "on", pod.Spec.NodeName)
	// Output:
	// class: standard
	// claim before any pod: Pending
	// claim: Bound selected node: node-1
	// volume: Bound capacity: 1Gi reclaim: Delete
	// volume node: [node-1]
	// pod: Running on node-1
}
