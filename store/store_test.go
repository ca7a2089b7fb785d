package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/clock"
)

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func newStore(t *testing.T, opts ...Option) (*Store, *clock.Clock) {
	t.Helper()
	c := clock.New(epoch)
	s, err := New(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	s.Register("pods", Resource{
		Generation: SpecChanged,
		Indexes: map[string]IndexFunc{"spec.nodeName": func(o runtime.Object) string {
			return o.(*corev1.Pod).Spec.NodeName
		}},
	})
	return s, c
}

func pod(ns, name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
	}
}

func mustCreate(t *testing.T, s *Store, p *corev1.Pod) *corev1.Pod {
	t.Helper()
	out, err := s.Create("pods", p)
	if err != nil {
		t.Fatal(err)
	}
	return out.(*corev1.Pod)
}

func TestCreateSetsSystemFields(t *testing.T) {
	s, c := newStore(t)
	c.Step(1500 * time.Millisecond)
	in := pod("default", "a")
	got := mustCreate(t, s, in)
	if got.UID == "" || got.ResourceVersion != "1" || got.Generation != 1 {
		t.Errorf("uid=%q rv=%q generation=%d; want a uid, rv 1, generation 1", got.UID, got.ResourceVersion, got.Generation)
	}
	if want := epoch.Add(time.Second); !got.CreationTimestamp.Time.Equal(want) {
		t.Errorf("creationTimestamp = %v, want %v (virtual time at second precision)", got.CreationTimestamp, want)
	}
	if in.ResourceVersion != "" {
		t.Error("Create modified its argument")
	}
	if _, err := s.Create("pods", pod("default", "a")); !apierrors.IsAlreadyExists(err) {
		t.Errorf("second create: err = %v, want AlreadyExists", err)
	}
	if s.ResourceVersion() != 1 {
		t.Errorf("a failed create took a resourceVersion: %d", s.ResourceVersion())
	}
}

func TestUpdateConflictsAndGeneration(t *testing.T) {
	s, _ := newStore(t)
	p := mustCreate(t, s, pod("default", "a"))

	p.Labels["tier"] = "front"
	out, err := s.Update("pods", p)
	if err != nil {
		t.Fatal(err)
	}
	p2 := out.(*corev1.Pod)
	if p2.Generation != 1 || p2.ResourceVersion != "2" {
		t.Errorf("label change: generation=%d rv=%s; want 1, 2", p2.Generation, p2.ResourceVersion)
	}

	if _, err := s.Update("pods", p); !apierrors.IsConflict(err) {
		t.Fatalf("stale update: err = %v, want Conflict", err)
	} else if want := `Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again`; err.Error() != want {
		t.Errorf("conflict message = %q, want %q", err.Error(), want)
	}

	p2.Spec.Containers[0].Image = "nginx:1.25"
	out, err = s.Update("pods", p2)
	if err != nil {
		t.Fatal(err)
	}
	if g := out.(*corev1.Pod).Generation; g != 2 {
		t.Errorf("spec change: generation = %d, want 2", g)
	}

	same := out.(*corev1.Pod)
	again, err := s.Update("pods", same)
	if err != nil {
		t.Fatal(err)
	}
	if again.(*corev1.Pod).ResourceVersion != same.ResourceVersion || s.ResourceVersion() != 3 {
		t.Error("a no-op update wrote a new resourceVersion")
	}

	p3 := same.DeepCopy()
	p3.ResourceVersion = ""
	p3.UID = ""
	p3.Annotations = map[string]string{"x": "y"}
	if _, err := s.Update("pods", p3); err != nil {
		t.Errorf("unconditional update: %v", err)
	}
	if _, err := s.Update("pods", pod("default", "missing")); !apierrors.IsNotFound(err) {
		t.Errorf("update of a missing object: err = %v, want NotFound", err)
	}
}

func TestDeletePreconditions(t *testing.T) {
	s, _ := newStore(t)
	p := mustCreate(t, s, pod("default", "a"))
	wrong := types.UID("nope")
	if _, err := s.Delete("pods", "default", "a", Preconditions{UID: &wrong}); !apierrors.IsConflict(err) {
		t.Fatalf("err = %v, want Conflict", err)
	}
	out, err := s.Delete("pods", "default", "a", Preconditions{UID: &p.UID})
	if err != nil {
		t.Fatal(err)
	}
	if rv := out.(*corev1.Pod).ResourceVersion; rv != "2" {
		t.Errorf("deleted object rv = %s, want the deletion's rv 2", rv)
	}
	if _, err := s.Get("pods", "default", "a"); !apierrors.IsNotFound(err) {
		t.Errorf("get after delete: %v", err)
	}
}

func TestListPagesFromOneSnapshot(t *testing.T) {
	s, _ := newStore(t)
	for i := 0; i < 5; i++ {
		mustCreate(t, s, pod("ns1", fmt.Sprintf("p%d", i)))
	}
	mustCreate(t, s, pod("ns2", "other"))

	page1, err := s.List("pods", ListOptions{Namespace: "ns1", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page1.Items) != 2 || page1.Continue == "" || *page1.RemainingItemCount != 3 {
		t.Fatalf("page1: %d items, continue %q, remaining %v", len(page1.Items), page1.Continue, page1.RemainingItemCount)
	}
	// A write between pages does not show up in the rest of the list.
	mustCreate(t, s, pod("ns1", "p9"))
	page2, err := s.List("pods", ListOptions{Namespace: "ns1", Continue: page1.Continue})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range append(page1.Items, page2.Items...) {
		names = append(names, o.(*corev1.Pod).Name)
	}
	if diff := cmp.Diff([]string{"p0", "p1", "p2", "p3", "p4"}, names); diff != "" {
		t.Errorf("paged list (-want +got):\n%s", diff)
	}
	if page2.ResourceVersion != page1.ResourceVersion {
		t.Errorf("page2 rv %d != page1 rv %d", page2.ResourceVersion, page1.ResourceVersion)
	}
	if _, err := s.List("pods", ListOptions{Continue: "garbage"}); !apierrors.IsBadRequest(err) {
		t.Errorf("bad continue token: err = %v, want BadRequest", err)
	}
}

func TestListPredicateAndIndex(t *testing.T) {
	s, _ := newStore(t)
	a := pod("default", "a")
	a.Spec.NodeName = "n1"
	mustCreate(t, s, a)
	b := pod("default", "b")
	b.Labels["app"] = "db"
	mustCreate(t, s, b)

	res, err := s.List("pods", ListOptions{Predicate: func(o runtime.Object) bool {
		return o.(*corev1.Pod).Labels["app"] == "db"
	}})
	if err != nil || len(res.Items) != 1 || res.Items[0].(*corev1.Pod).Name != "b" {
		t.Errorf("predicate list = %v, %v", res, err)
	}
	on, err := s.ByIndex("pods", "spec.nodeName", "n1")
	if err != nil || len(on) != 1 || on[0].(*corev1.Pod).Name != "a" {
		t.Errorf("ByIndex = %v, %v", on, err)
	}
}

func TestWatchFromResourceVersion(t *testing.T) {
	s, _ := newStore(t)
	p := mustCreate(t, s, pod("default", "a"))
	w, err := s.Watch("pods", WatchOptions{ResourceVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	p.Labels["x"] = "y"
	if _, err := s.Update("pods", p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete("pods", "default", "a", Preconditions{}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var got []string
	for i := 0; i < 2; i++ {
		ev, err := w.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s@%d", ev.Type, ev.RV))
	}
	if diff := cmp.Diff([]string{"MODIFIED@2", "DELETED@3"}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if w.Progress() != 3 {
		t.Errorf("Progress = %d, want 3", w.Progress())
	}
}

func TestWatchTooOldIsGone(t *testing.T) {
	s, _ := newStore(t, WithHistory(3))
	for i := 0; i < 6; i++ {
		mustCreate(t, s, pod("default", fmt.Sprintf("p%d", i)))
	}
	_, err := s.Watch("pods", WatchOptions{ResourceVersion: 1})
	if !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
		t.Fatalf("err = %v, want 410 Gone", err)
	}
	if want := "too old resource version: 1 (3)"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	if _, err := s.Watch("pods", WatchOptions{ResourceVersion: 3}); err != nil {
		t.Errorf("watch from the oldest kept rv: %v", err)
	}
}

// History lasts as long as etcd's under kube-apiserver's compaction every
// five minutes: a watch can resume from a version five minutes old, not
// from one ten minutes old, and a list's continue token expires with it.
func TestHistoryIsCompactedEveryFiveMinutes(t *testing.T) {
	s, c := newStore(t)
	write := func(name string) uint64 {
		t.Helper()
		p := mustCreate(t, s, pod("default", name))
		rv, err := ParseRV(p.ResourceVersion)
		if err != nil {
			t.Fatal(err)
		}
		return rv
	}
	first := write("a")
	write("b")
	page, err := s.List("pods", ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.Continue == "" {
		t.Fatal("the first page of two has no continue token")
	}
	write("b2")
	c.Step(5 * time.Minute)
	kept := write("c") // the first compaction runs: up to the start's history, nothing yet
	if _, err := s.Watch("pods", WatchOptions{ResourceVersion: first}); err != nil {
		t.Fatalf("watch from five minutes ago: %v", err)
	}
	c.Step(5 * time.Minute)
	write("d") // compacts up to c's resourceVersion, which stays readable
	_, err = s.Watch("pods", WatchOptions{ResourceVersion: first})
	if !apierrors.IsResourceExpired(err) {
		t.Errorf("watch from ten minutes ago: err = %v, want 410 Gone", err)
	}
	if _, err := s.Watch("pods", WatchOptions{ResourceVersion: kept - 1}); err != nil {
		t.Errorf("watch from the compacted revision: %v", err)
	}
	_, err = s.List("pods", ListOptions{Limit: 1, Continue: page.Continue})
	if !apierrors.IsResourceExpired(err) {
		t.Errorf("continue after the compaction: err = %v, want 410 Gone", err)
	}
}

func TestWatchSelectorTransitions(t *testing.T) {
	s, _ := newStore(t)
	isWeb := func(o runtime.Object) bool { return o.(*corev1.Pod).Labels["app"] == "web" }
	w, err := s.Watch("pods", WatchOptions{Predicate: isWeb, SendInitial: true})
	if err != nil {
		t.Fatal(err)
	}
	p := mustCreate(t, s, pod("default", "a"))
	p.Labels["app"] = "db"
	p2, _ := s.Update("pods", p)
	p = p2.(*corev1.Pod)
	p.Labels["app"] = "web"
	if _, err := s.Update("pods", p); err != nil {
		t.Fatal(err)
	}
	var got []watch.EventType
	for i := 0; i < 3; i++ {
		ev, err := w.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Type)
	}
	if diff := cmp.Diff([]watch.EventType{watch.Added, watch.Deleted, watch.Added}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestWatchInitialEvents(t *testing.T) {
	s, _ := newStore(t)
	mustCreate(t, s, pod("default", "a"))
	mustCreate(t, s, pod("default", "b"))
	w, err := s.Watch("pods", WatchOptions{SendInitial: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a", "b"} {
		ev, _, _, err := w.TryNext()
		if err != nil || ev.Type != watch.Added || ev.Name != "" && ev.Object.(*corev1.Pod).Name != want {
			t.Fatalf("initial event = %+v, %v", ev, err)
		}
	}
	if _, ok, more, _ := w.TryNext(); ok || more == nil {
		t.Fatal("watcher not caught up after the initial events")
	}
	if w.Progress() != 2 {
		t.Errorf("Progress = %d, want 2", w.Progress())
	}
}

func TestConcurrentWritersKeepOrder(t *testing.T) {
	s, _ := newStore(t)
	w, _ := s.Watch("pods", WatchOptions{})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if _, err := s.Create("pods", pod("default", fmt.Sprintf("g%d-%d", g, i))); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	wg.Wait()
	for want := uint64(1); want <= 400; want++ {
		ev, err := w.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ev.RV != want {
			t.Fatalf("event rv %d, want %d", ev.RV, want)
		}
	}
}
