package admission_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/admission"
	"github.com/kubesim/kubesim/testkit"
)

func appPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "init", Image: "busybox"}},
			Containers:     []corev1.Container{{Name: "app", Image: "nginx"}},
		},
	}
}

func TestServiceAccountMountsTheToken(t *testing.T) {
	env := testkit.Start(t)
	ctx := context.Background()
	// A pod right after its namespace, before the controllers had a
	// chance to run, is admitted: upstream's plugin waits for the
	// default account.
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fresh"}}
	if _, err := env.Client().CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := env.Client().CoreV1().Pods("fresh").Create(ctx, appPod("p"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.ServiceAccountName != "default" || got.Spec.DeprecatedServiceAccount != "default" {
		t.Errorf("serviceAccountName = %q, serviceAccount = %q, want default", got.Spec.ServiceAccountName, got.Spec.DeprecatedServiceAccount)
	}
	if len(got.Spec.Volumes) != 1 || !strings.HasPrefix(got.Spec.Volumes[0].Name, "kube-api-access-") || len(got.Spec.Volumes[0].Name) != len("kube-api-access-")+5 {
		t.Fatalf("volumes = %+v, want one kube-api-access-xxxxx", got.Spec.Volumes)
	}
	vol := got.Spec.Volumes[0]
	if diff := cmp.Diff(admission.TokenVolumeSource(), vol.Projected); diff != "" {
		t.Errorf("token volume (-want +got):\n%s", diff)
	}
	want := []corev1.VolumeMount{{Name: vol.Name, ReadOnly: true, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}}
	for _, c := range append(got.Spec.InitContainers, got.Spec.Containers...) {
		if diff := cmp.Diff(want, c.VolumeMounts); diff != "" {
			t.Errorf("container %s mounts (-want +got):\n%s", c.Name, diff)
		}
	}
	// The CA the volume projects is there when the kubelet looks.
	if _, err := env.Client().CoreV1().ConfigMaps("fresh").Get(ctx, "kube-root-ca.crt", metav1.GetOptions{}); err != nil {
		t.Errorf("kube-root-ca.crt: %v", err)
	}
}

func TestServiceAccountMustExist(t *testing.T) {
	env := testkit.Start(t)
	p := appPod("p")
	p.Spec.ServiceAccountName = "missing"
	_, err := env.Client().CoreV1().Pods("default").Create(context.Background(), p, metav1.CreateOptions{})
	want := `pods "p" is forbidden: error looking up service account default/missing: serviceaccount "missing" not found`
	if !apierrors.IsForbidden(err) || err.Error() != want {
		t.Errorf("got %v, want 403 %q", err, want)
	}
}

func TestServiceAccountAutomount(t *testing.T) {
	env := testkit.Start(t)
	ctx := context.Background()
	sas := env.Client().CoreV1().ServiceAccounts("default")
	noMount := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "quiet"}, AutomountServiceAccountToken: ptr.To(false),
		ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}}}
	if _, err := sas.Create(ctx, noMount, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ownMount := appPod("own")
	ownMount.Spec.Volumes = []corev1.Volume{{Name: "mine", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	ownMount.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "mine", MountPath: admission.TokenMountPath}}
	for _, tc := range []struct {
		name        string
		sa          string
		pod         *bool
		custom      *corev1.Pod
		wantVolumes int
		wantSecrets int
	}{
		{name: "pod says no", pod: ptr.To(false)},
		{name: "account says no", sa: "quiet", wantSecrets: 1},
		{name: "pod overrides account", sa: "quiet", pod: ptr.To(true), wantVolumes: 1, wantSecrets: 1},
		// The init container still gets the token volume; app keeps its own.
		{name: "own mount", custom: ownMount, wantVolumes: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.custom
			if p == nil {
				p = appPod(strings.ReplaceAll(tc.name, " ", "-"))
				p.Spec.ServiceAccountName = tc.sa
				p.Spec.AutomountServiceAccountToken = tc.pod
			}
			got, err := env.Client().CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Spec.Volumes) != tc.wantVolumes {
				t.Errorf("volumes = %+v, want %d", got.Spec.Volumes, tc.wantVolumes)
			}
			if len(got.Spec.ImagePullSecrets) != tc.wantSecrets {
				t.Errorf("imagePullSecrets = %v, want %d", got.Spec.ImagePullSecrets, tc.wantSecrets)
			}
			if tc.custom != nil {
				if m := got.Spec.Containers[0].VolumeMounts; len(m) != 1 || m[0].Name != "mine" {
					t.Errorf("app mounts = %+v, want only its own", m)
				}
				if m := got.Spec.InitContainers[0].VolumeMounts; len(m) != 1 || !strings.HasPrefix(m[0].Name, "kube-api-access-") {
					t.Errorf("init mounts = %+v, want the token volume", m)
				}
			}
		})
	}
}

func TestMirrorPodsMayNotUseServiceAccounts(t *testing.T) {
	env := testkit.Start(t)
	p := appPod("static-node-1")
	p.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "hash"}
	p.Spec.ServiceAccountName = "default"
	_, err := env.Client().CoreV1().Pods("default").Create(context.Background(), p, metav1.CreateOptions{})
	if want := `pods "static-node-1" is forbidden: a mirror pod may not reference service accounts`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}
