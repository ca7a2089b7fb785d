package history_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/history"
	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

// start runs a bare API server and returns a History on it, its client and
// a parent StatefulSet stored there.
func start(t *testing.T) (*history.History, kubernetes.Interface, *appsv1.StatefulSet) {
	t.Helper()
	env := testkit.Start(t, testkit.Bare())
	c := env.Client()
	set := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: appsv1.StatefulSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		},
	}
	set.Spec.Template.Labels = map[string]string{"app": "web"}
	set, err := c.AppsV1().StatefulSets("default").Create(ctx, set, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return history.New(env.Cluster().ControlPlane.Store, c), c, set
}

func newRev(set *appsv1.StatefulSet, data string, n int64, collisions *int32) *appsv1.ControllerRevision {
	return history.NewControllerRevision(set, parentKind, set.Spec.Template.Labels, runtime.RawExtension{Raw: []byte(data)}, n, collisions)
}

func TestCreateReturnsTheSameRevision(t *testing.T) {
	h, _, set := start(t)
	count := ptr.To[int32](0)
	first, err := h.CreateControllerRevision(ctx, set, newRev(set, `{"a":1}`, 1, count), count)
	if err != nil {
		t.Fatal(err)
	}
	again, err := h.CreateControllerRevision(ctx, set, newRev(set, `{"a":1}`, 1, count), count)
	if err != nil || again.UID != first.UID || *count != 0 {
		t.Fatalf("creating the same data again: %v, %v, collisions %d", again, err, *count)
	}
}

func TestCreateHandlesCollisions(t *testing.T) {
	h, c, set := start(t)
	count := ptr.To[int32](0)
	wanted := newRev(set, `{"a":2}`, 1, count)
	// Another revision already has the name, with other data.
	impostor := newRev(set, `{"other":true}`, 1, count)
	impostor.Name = wanted.Name
	if _, err := c.AppsV1().ControllerRevisions("default").Create(ctx, impostor, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	created, err := h.CreateControllerRevision(ctx, set, wanted, count)
	if err != nil {
		t.Fatal(err)
	}
	if *count != 1 || created.Name == impostor.Name || string(created.Data.Raw) != `{"a":2}` {
		t.Errorf("after a collision: %s with %s, collisions %d", created.Name, created.Data.Raw, *count)
	}
	if want := history.ControllerRevisionName("web", history.HashControllerRevision(wanted, ptr.To[int32](1))); created.Name != want {
		t.Errorf("name %s, want %s", created.Name, want)
	}
}

func TestListAdoptReleaseUpdate(t *testing.T) {
	h, c, set := start(t)
	count := ptr.To[int32](0)
	owned, err := h.CreateControllerRevision(ctx, set, newRev(set, `{"a":1}`, 1, count), count)
	if err != nil {
		t.Fatal(err)
	}
	orphan := newRev(set, `{"a":2}`, 2, count)
	orphan.OwnerReferences = nil
	if orphan, err = c.AppsV1().ControllerRevisions("default").Create(ctx, orphan, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	other := newRev(set, `{"a":3}`, 3, count)
	other.OwnerReferences[0].UID = "someone-else"
	if _, err = c.AppsV1().ControllerRevisions("default").Create(ctx, other, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	selector := labels.SelectorFromSet(labels.Set{"app": "web"})
	names := func() []string {
		var out []string
		for _, r := range h.ListControllerRevisions(set, selector) {
			out = append(out, r.Name)
		}
		return out
	}
	if got := names(); len(got) != 2 {
		t.Fatalf("listed %v: want the owned revision and the orphan", got)
	}

	adopted, err := h.AdoptControllerRevision(ctx, set, parentKind, orphan)
	if err != nil {
		t.Fatal(err)
	}
	if ref := metav1.GetControllerOf(adopted); ref == nil || ref.UID != set.UID {
		t.Errorf("adopted owners %v", adopted.OwnerReferences)
	}
	if _, err := h.AdoptControllerRevision(ctx, set, parentKind, adopted); err == nil {
		t.Error("adopting an owned revision succeeded")
	}
	released, err := h.ReleaseControllerRevision(ctx, set, adopted)
	if err != nil || len(released.OwnerReferences) != 0 {
		t.Errorf("released: %v, %v", released, err)
	}

	updated, err := h.UpdateControllerRevision(ctx, owned, 7)
	if err != nil || updated.Revision != 7 {
		t.Fatalf("update: %v, %v", updated, err)
	}
	// A stale copy is read again and updated all the same.
	updated, err = h.UpdateControllerRevision(ctx, owned, 9)
	if err != nil || updated.Revision != 9 {
		t.Fatalf("update from a stale copy: %v, %v", updated, err)
	}
	if err := h.DeleteControllerRevision(ctx, updated); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{orphan.Name}, names()); diff != "" {
		t.Errorf("after deleting (-want +got):\n%s", diff)
	}
}

func TestClaimControllerRevisions(t *testing.T) {
	h, c, set := start(t)
	count := ptr.To[int32](0)
	orphan := newRev(set, `{"a":1}`, 1, count)
	orphan.OwnerReferences = nil
	orphan, err := c.AppsV1().ControllerRevisions("default").Create(ctx, orphan, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mismatched := newRev(set, `{"a":2}`, 2, count)
	mismatched.Labels = map[string]string{"app": "other"}
	if mismatched, err = c.AppsV1().ControllerRevisions("default").Create(ctx, mismatched, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	selector := labels.SelectorFromSet(labels.Set{"app": "web"})
	claimed, err := h.ClaimControllerRevisions(ctx, set, parentKind, selector,
		[]*appsv1.ControllerRevision{orphan, mismatched}, func() error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(claimed) != 1 || claimed[0].Name != orphan.Name || metav1.GetControllerOf(claimed[0]) == nil {
		t.Errorf("claimed %v: want the orphan, adopted", claimed)
	}
	got, err := c.AppsV1().ControllerRevisions("default").Get(ctx, mismatched.Name, metav1.GetOptions{})
	if err != nil || len(got.OwnerReferences) != 0 {
		t.Errorf("the revision the selector no longer matches keeps owners %v (%v)", got.OwnerReferences, err)
	}
}
