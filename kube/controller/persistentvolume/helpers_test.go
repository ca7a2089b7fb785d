package persistentvolume_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/persistentvolume"
	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

func start(t *testing.T, nodes int) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, testkit.WithNodes(nodes))
	return env, env.Client()
}

// claim is a ReadWriteOnce claim of size in class (nil: no class named,
// so the default class applies).
func claim(name, size string, class *string) *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			StorageClassName: class,
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceStorage: resource.MustParse(size)}},
		},
	}
}

// volume is a static hostPath volume of size in class.
func volume(name, size, class string, policy corev1.PersistentVolumeReclaimPolicy) *corev1.PersistentVolume {
	return &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			StorageClassName:              class,
			PersistentVolumeReclaimPolicy: policy,
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/data/" + name}},
		},
	}
}

// class is a StorageClass of the simulated provisioner.
func class(name string, mode storagev1.VolumeBindingMode, policy corev1.PersistentVolumeReclaimPolicy, expand bool) *storagev1.StorageClass {
	return &storagev1.StorageClass{
		ObjectMeta:           metav1.ObjectMeta{Name: name},
		Provisioner:          persistentvolume.Provisioner,
		VolumeBindingMode:    &mode,
		ReclaimPolicy:        &policy,
		AllowVolumeExpansion: ptr.To(expand),
	}
}

// podUsing is a long-running pod that mounts the claim.
func podUsing(name, claim string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "app", Image: "busybox", Command: []string{"sh", "-c", "sleep 3600"},
				VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}}},
			Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}}},
		},
	}
}

func must[T any](t *testing.T, v T, err error) T {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func getClaim(t *testing.T, c kubernetes.Interface, name string) *corev1.PersistentVolumeClaim {
	t.Helper()
	pvc, err := c.CoreV1().PersistentVolumeClaims(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return must(t, pvc, err)
}

func getVolume(t *testing.T, c kubernetes.Interface, name string) *corev1.PersistentVolume {
	t.Helper()
	pv, err := c.CoreV1().PersistentVolumes().Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return must(t, pv, err)
}

// reasons lists the reasons of the events about an object, oldest first.
func reasons(t *testing.T, c kubernetes.Interface, kind, name string) []string {
	t.Helper()
	sel := fields.Set{"involvedObject.kind": kind, "involvedObject.name": name}.AsSelector().String()
	list, err := c.CoreV1().Events("").List(ctx, metav1.ListOptions{FieldSelector: sel})
	must(t, list, err)
	var out []string
	for _, e := range list.Items {
		out = append(out, e.Reason)
	}
	return out
}

// eventMessage returns the message of the first event with the reason.
func eventMessage(t *testing.T, c kubernetes.Interface, kind, name, reason string) string {
	t.Helper()
	sel := fields.Set{"involvedObject.kind": kind, "involvedObject.name": name, "reason": reason}.AsSelector().String()
	list, err := c.CoreV1().Events("").List(ctx, metav1.ListOptions{FieldSelector: sel})
	must(t, list, err)
	if len(list.Items) == 0 {
		t.Fatalf("no %s event for %s %s; have %v", reason, kind, name, reasons(t, c, kind, name))
	}
	return list.Items[0].Message
}

// settle lets the cluster react without moving time much.
func settle(env *testkit.Env) { env.Advance(time.Second) }

func createPV(t *testing.T, c kubernetes.Interface, pv *corev1.PersistentVolume) *corev1.PersistentVolume {
	t.Helper()
	out, err := c.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{})
	return must(t, out, err)
}

func createPVC(t *testing.T, c kubernetes.Interface, pvc *corev1.PersistentVolumeClaim) *corev1.PersistentVolumeClaim {
	t.Helper()
	out, err := c.CoreV1().PersistentVolumeClaims(ns).Create(ctx, pvc, metav1.CreateOptions{})
	return must(t, out, err)
}

func createPod(t *testing.T, c kubernetes.Interface, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	out, err := c.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
	return must(t, out, err)
}

func createClass(t *testing.T, c kubernetes.Interface, sc *storagev1.StorageClass) {
	t.Helper()
	_, err := c.StorageV1().StorageClasses().Create(ctx, sc, metav1.CreateOptions{})
	must(t, sc, err)
}
