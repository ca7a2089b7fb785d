package history_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/history"
)

var parentKind = appsv1.SchemeGroupVersion.WithKind("StatefulSet")

func parent(name string) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID("uid-" + name)}}
}

func rev(data string, revision int64) *appsv1.ControllerRevision {
	return history.NewControllerRevision(parent("web"), parentKind, map[string]string{"app": "web"},
		runtime.RawExtension{Raw: []byte(data)}, revision, nil)
}

func TestNewControllerRevision(t *testing.T) {
	cr := history.NewControllerRevision(parent("web"), parentKind, map[string]string{"app": "web"},
		runtime.RawExtension{Raw: []byte(`{"a":1}`)}, 3, ptr.To[int32](0))
	hash := history.HashControllerRevision(cr, ptr.To[int32](0))
	if cr.Name != "web-"+hash || cr.Labels[history.ControllerRevisionHashLabel] != hash || cr.Labels["app"] != "web" || cr.Revision != 3 {
		t.Errorf("revision %+v", cr.ObjectMeta)
	}
	yes := true
	want := []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "web", UID: "uid-web", Controller: &yes, BlockOwnerDeletion: &yes}}
	if diff := cmp.Diff(want, cr.OwnerReferences); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
}

func TestHashControllerRevision(t *testing.T) {
	a, b := rev(`{"a":1}`, 1), rev(`{"a":2}`, 1)
	for _, tc := range []struct {
		name  string
		x, y  string
		equal bool
	}{
		{"same data", history.HashControllerRevision(a, nil), history.HashControllerRevision(rev(`{"a":1}`, 7), nil), true},
		{"other data", history.HashControllerRevision(a, nil), history.HashControllerRevision(b, nil), false},
		{"probe changes it", history.HashControllerRevision(a, nil), history.HashControllerRevision(a, ptr.To[int32](1)), false},
		{"probes differ", history.HashControllerRevision(a, ptr.To[int32](1)), history.HashControllerRevision(a, ptr.To[int32](2)), false},
	} {
		if (tc.x == tc.y) != tc.equal {
			t.Errorf("%s: %q vs %q", tc.name, tc.x, tc.y)
		}
	}
}

func TestControllerRevisionName(t *testing.T) {
	long := strings.Repeat("x", 300)
	if got := history.ControllerRevisionName(long, "abc"); len(got) != 227 || !strings.HasSuffix(got, "-abc") {
		t.Errorf("name of length %d: %q", len(got), got)
	}
	if got := history.ControllerRevisionName("web", "abc"); got != "web-abc" {
		t.Errorf("got %q", got)
	}
}

func TestSortControllerRevisions(t *testing.T) {
	t0 := metav1.NewTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	t1 := metav1.NewTime(t0.Add(time.Second))
	mk := func(name string, r int64, at metav1.Time) *appsv1.ControllerRevision {
		return &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: at}, Revision: r}
	}
	revs := []*appsv1.ControllerRevision{mk("c", 2, t0), mk("b", 1, t1), mk("a", 1, t1), mk("d", 1, t0)}
	history.SortControllerRevisions(revs)
	var got []string
	for _, r := range revs {
		got = append(got, r.Name)
	}
	if diff := cmp.Diff([]string{"d", "a", "b", "c"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestEqualRevision(t *testing.T) {
	a := rev(`{"a":1}`, 1)
	for _, tc := range []struct {
		name string
		x, y *appsv1.ControllerRevision
		want bool
	}{
		{"both nil", nil, nil, true},
		{"one nil", a, nil, false},
		{"same data, other number", a, rev(`{"a":1}`, 5), true},
		{"other data", a, rev(`{"a":2}`, 1), false},
	} {
		if got := history.EqualRevision(tc.x, tc.y); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	found := history.FindEqualRevisions([]*appsv1.ControllerRevision{rev(`{"a":2}`, 1), rev(`{"a":1}`, 2), rev(`{"a":1}`, 3)}, a)
	if len(found) != 2 || found[0].Revision != 2 || found[1].Revision != 3 {
		t.Errorf("found %v", found)
	}
}
