package statefulset_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

func claims(t *testing.T, c kubernetes.Interface, app string) map[string]corev1.PersistentVolumeClaim {
	t.Helper()
	list, err := c.CoreV1().PersistentVolumeClaims(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]corev1.PersistentVolumeClaim{}
	for _, pvc := range list.Items {
		if pvc.DeletionTimestamp == nil {
			out[pvc.Name] = pvc
		}
	}
	return out
}

func claimNames(m map[string]corev1.PersistentVolumeClaim) []string {
	var out []string
	for i := 0; i < 10; i++ {
		if _, ok := m["data-web-"+strconv.Itoa(i)]; ok {
			out = append(out, "data-web-"+strconv.Itoa(i))
		}
	}
	return out
}

func rv(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestClaimsFromTemplates: each pod's claim is created before the pod,
// named <claim>-<set>-<ordinal>, and mounted by it; the default storage
// class provisions it once the pod is scheduled, and the next pod follows.
func TestClaimsFromTemplates(t *testing.T) {
	env, c := start(t)
	create(t, c, withClaims(newSet("web", 2, 0)))
	env.Advance(5 * time.Second)

	got := claims(t, c, "web")
	claim, ok := got["data-web-0"]
	if !ok {
		t.Fatalf("no claim data-web-0 in %v", claimNames(got))
	}
	if claim.Labels["app"] != "web" || len(claim.OwnerReferences) != 0 {
		t.Errorf("claim %+v", claim)
	}
	pod := pods(t, c, "web")[0]
	if rv(t, claim.ResourceVersion) > rv(t, pod.ResourceVersion) || claim.CreationTimestamp.After(pod.CreationTimestamp.Time) {
		t.Errorf("claim created after its pod")
	}
	wantVol := corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-web-0"}}}
	if len(pod.Spec.Volumes) == 0 || !cmp.Equal(wantVol, pod.Spec.Volumes[0]) {
		t.Errorf("pod volumes %+v, want %+v first", pod.Spec.Volumes, wantVol)
	}

	env.Advance(10 * time.Second)
	if s := summary(pods(t, c, "web")); s != "web-0:R web-1:R" {
		t.Fatalf("pods once claims are bound: %s", s)
	}
	for name, cl := range claims(t, c, "web") {
		if cl.Status.Phase != corev1.ClaimBound {
			t.Errorf("claim %s is %s, want Bound", name, cl.Status.Phase)
		}
	}
	if diff := cmp.Diff([]string{"data-web-0", "data-web-1"}, claimNames(claims(t, c, "web"))); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	evs := events(t, c, "StatefulSet", "web")
	if e := "SuccessfulCreate: create Claim data-web-1 Pod web-1 in StatefulSet web success"; !contains(evs, e) {
		t.Errorf("no event %q in %v", e, evs)
	}

	// The default policy retains claims when scaling down.
	scale(t, c, "web", 1)
	env.Advance(35 * time.Second)
	if diff := cmp.Diff([]string{"data-web-0", "data-web-1"}, claimNames(claims(t, c, "web"))); diff != "" {
		t.Errorf("claims after scaling down with Retain (-want +got):\n%s", diff)
	}
}

// TestRetentionPolicyDeletes: whenScaled Delete gives the claim of a
// scaled-down pod to that pod, so it goes with it; whenDeleted Delete
// gives the others to the set, so they go with the set.
func TestRetentionPolicyDeletes(t *testing.T) {
	env, c := start(t)
	set := withClaims(newSet("web", 2, 0))
	set.Spec.PersistentVolumeClaimRetentionPolicy = &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
		WhenDeleted: appsv1.DeletePersistentVolumeClaimRetentionPolicyType,
		WhenScaled:  appsv1.DeletePersistentVolumeClaimRetentionPolicyType,
	}
	set = create(t, c, set)
	env.Advance(10 * time.Second)
	got := claims(t, c, "web")
	if diff := cmp.Diff([]string{"data-web-0", "data-web-1"}, claimNames(got)); diff != "" {
		t.Fatalf("claims (-want +got):\n%s", diff)
	}
	for name, claim := range got {
		if ref := metav1.GetControllerOf(&claim); ref == nil || ref.Kind != "StatefulSet" || ref.UID != set.UID {
			t.Errorf("%s owners %+v, want the set", name, claim.OwnerReferences)
		}
	}

	scale(t, c, "web", 1)
	env.Advance(40 * time.Second)
	if diff := cmp.Diff([]string{"data-web-0"}, claimNames(claims(t, c, "web"))); diff != "" {
		t.Errorf("claims after scaling down (-want +got):\n%s", diff)
	}

	// Scaling up again makes a new claim for web-1.
	scale(t, c, "web", 2)
	env.Advance(10 * time.Second)
	if s := summary(pods(t, c, "web")); s != "web-0:R web-1:R" {
		t.Errorf("pods after scaling up: %s", s)
	}

	if err := c.AppsV1().StatefulSets(ns).Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(40 * time.Second)
	if left := claimNames(claims(t, c, "web")); len(left) != 0 {
		t.Errorf("claims left after deleting the set: %v", left)
	}
}
