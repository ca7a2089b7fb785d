package admission_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/testkit"
)

func resources(pairs ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i+1 < len(pairs); i += 2 {
		out[corev1.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return out
}

func limitRange(t *testing.T, c kubernetes.Interface, items ...corev1.LimitRangeItem) {
	t.Helper()
	lr := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{GenerateName: "limits-"}, Spec: corev1.LimitRangeSpec{Limits: items}}
	if _, err := c.CoreV1().LimitRanges("default").Create(context.Background(), lr, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func container(name string, requests, limits corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: name, Image: "nginx", Resources: corev1.ResourceRequirements{Requests: requests, Limits: limits}}
}

func createPod(c kubernetes.Interface, name string, containers ...corev1.Container) (*corev1.Pod, error) {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{Containers: containers}}
	return c.CoreV1().Pods("default").Create(context.Background(), p, metav1.CreateOptions{})
}

func TestLimitRangeDefaults(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	c := env.Client()
	limitRange(t, c, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer,
		Default: resources("cpu", "500m", "memory", "256Mi"), DefaultRequest: resources("cpu", "100m")})
	p, err := createPod(c, "web", container("a", nil, nil), container("b", resources("memory", "128Mi"), nil))
	if err != nil {
		t.Fatal(err)
	}
	// The LimitRange's own defaulting gave defaultRequest the memory of
	// default.
	want := []corev1.ResourceRequirements{
		{Requests: resources("cpu", "100m", "memory", "256Mi"), Limits: resources("cpu", "500m", "memory", "256Mi")},
		{Requests: resources("cpu", "100m", "memory", "128Mi"), Limits: resources("cpu", "500m", "memory", "256Mi")},
	}
	for i, c := range p.Spec.Containers {
		if diff := cmp.Diff(want[i], c.Resources); diff != "" {
			t.Errorf("container %s resources (-want +got):\n%s", c.Name, diff)
		}
	}
	const note = "LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a; cpu request for container b; cpu, memory limit for container b"
	if got := p.Annotations["kubernetes.io/limit-ranger"]; got != note {
		t.Errorf("annotation = %q, want %q", got, note)
	}
	if p.Status.QOSClass != corev1.PodQOSBurstable {
		t.Errorf("qosClass = %s, want Burstable", p.Status.QOSClass)
	}
}

func TestLimitRangeBounds(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	c := env.Client()
	limitRange(t, c,
		corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, Min: resources("cpu", "100m"), Max: resources("memory", "1Gi"),
			MaxLimitRequestRatio: resources("cpu", "2")},
		corev1.LimitRangeItem{Type: corev1.LimitTypePod, Max: resources("cpu", "1")},
		corev1.LimitRangeItem{Type: corev1.LimitTypePersistentVolumeClaim, Min: resources("storage", "1Gi"), Max: resources("storage", "10Gi")})
	for _, tc := range []struct {
		name       string
		containers []corev1.Container
		want       string
	}{
		{"under-min", []corev1.Container{container("a", resources("cpu", "50m"), resources("cpu", "100m"))},
			`pods "under-min" is forbidden: minimum cpu usage per Container is 100m, but request is 50m`},
		{"over-max", []corev1.Container{container("a", resources("cpu", "200m"), resources("cpu", "200m", "memory", "2Gi"))},
			`pods "over-max" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi`},
		{"ratio", []corev1.Container{container("a", resources("cpu", "100m"), resources("cpu", "500m"))},
			`pods "ratio" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000`},
		{"pod-max", []corev1.Container{container("a", resources("cpu", "600m"), resources("cpu", "600m")), container("b", resources("cpu", "600m"), resources("cpu", "600m"))},
			`pods "pod-max" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m`},
		{"fits", []corev1.Container{container("a", resources("cpu", "300m"), resources("cpu", "500m"))}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := createPod(c, tc.name, tc.containers...)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				// max gives the default limit.
				if got := p.Spec.Containers[0].Resources.Limits.Memory().String(); got != "1Gi" {
					t.Errorf("memory limit = %s, want the max, 1Gi", got)
				}
				return
			}
			if !apierrors.IsForbidden(err) || err.Error() != tc.want {
				t.Errorf("create: %v\nwant 403 %s", err, tc.want)
			}
		})
	}
	pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "big"}, Spec: corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Resources:   corev1.VolumeResourceRequirements{Requests: resources("storage", "20Gi")}}}
	_, err := c.CoreV1().PersistentVolumeClaims("default").Create(context.Background(), pvc, metav1.CreateOptions{})
	const want = `persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi`
	if !apierrors.IsForbidden(err) || err.Error() != want {
		t.Errorf("claim: %v\nwant 403 %s", err, want)
	}
}
