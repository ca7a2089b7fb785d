package statefulset_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

// newSet is a StatefulSet of nginx pods labelled app=<name>, behind the
// headless service "<name>-svc"; readyAfter delays each pod's readiness
// (the image pull takes about a second more). The scheduler places the
// pods. The grace period is spelled out because defaulting may not be
// wired in yet.
func newSet(name string, replicas int32, readyAfter time.Duration) *appsv1.StatefulSet {
	ann := map[string]string{}
	if readyAfter > 0 {
		ann["sim.kubesim.io/ready-after"] = readyAfter.String()
	}
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.StatefulSetSpec{
			Replicas:    ptr.To(replicas),
			ServiceName: name + "-svc",
			Selector:    &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}, Annotations: ann},
				Spec: corev1.PodSpec{
					TerminationGracePeriodSeconds: ptr.To[int64](30),
					Containers:                    []corev1.Container{{Name: "web", Image: "nginx:1.27"}},
				},
			},
		},
	}
}

// withClaims adds a volumeClaimTemplate "data" of 1Gi, mounted at /data.
func withClaims(set *appsv1.StatefulSet) *appsv1.StatefulSet {
	set.Spec.VolumeClaimTemplates = []corev1.PersistentVolumeClaim{{
		ObjectMeta: metav1.ObjectMeta{Name: "data"},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}}
	set.Spec.Template.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
	return set
}

func start(t *testing.T, opts ...testkit.Option) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, append([]testkit.Option{testkit.WithNodes(2)}, opts...)...)
	return env, env.Client()
}

func create(t *testing.T, c kubernetes.Interface, set *appsv1.StatefulSet) *appsv1.StatefulSet {
	t.Helper()
	out, err := c.AppsV1().StatefulSets(ns).Create(ctx, set, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func getSet(t *testing.T, c kubernetes.Interface, name string) *appsv1.StatefulSet {
	t.Helper()
	set, err := c.AppsV1().StatefulSets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// modify reads the set, applies fn and writes it back, again if the
// controller wrote the status in between.
func modify(t *testing.T, c kubernetes.Interface, name string, fn func(*appsv1.StatefulSet)) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		set := getSet(t, c, name)
		fn(set)
		_, err := c.AppsV1().StatefulSets(ns).Update(ctx, set, metav1.UpdateOptions{})
		if err == nil {
			return
		}
		if !apierrors.IsConflict(err) || attempt == 5 {
			t.Fatal(err)
		}
	}
}

func scale(t *testing.T, c kubernetes.Interface, name string, n int32) {
	t.Helper()
	modify(t, c, name, func(s *appsv1.StatefulSet) { s.Spec.Replicas = ptr.To(n) })
}

// pods lists the set's pods by ordinal.
func pods(t *testing.T, c kubernetes.Interface, app string) []corev1.Pod {
	t.Helper()
	list, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	out := list.Items
	sort.Slice(out, func(i, j int) bool { return ordinal(out[i].Name) < ordinal(out[j].Name) })
	return out
}

func ordinal(name string) int {
	n, err := strconv.Atoi(name[strings.LastIndex(name, "-")+1:])
	if err != nil {
		return -1
	}
	return n
}

// summary is "web-0:R web-1:P web-2:T": each pod with R when running and
// ready, T when terminating, P otherwise.
func summary(ps []corev1.Pod) string {
	var parts []string
	for _, p := range ps {
		state := "P"
		switch {
		case p.DeletionTimestamp != nil:
			state = "T"
		case runningAndReady(&p):
			state = "R"
		}
		parts = append(parts, p.Name+":"+state)
	}
	return strings.Join(parts, " ")
}

func runningAndReady(p *corev1.Pod) bool {
	if p.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func names(ps []corev1.Pod) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

// events lists "Reason: message" of the events about an object, in the
// order they were recorded.
func events(t *testing.T, c kubernetes.Interface, kind, name string) []string {
	t.Helper()
	sel := fields.Set{"involvedObject.kind": kind, "involvedObject.name": name}.AsSelector().String()
	list, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	sort.SliceStable(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	var out []string
	for _, e := range list.Items {
		out = append(out, e.Reason+": "+e.Message)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// updateClaim reads the claim and applies write to it, again while it
// conflicts with the controller's own updates of the claim's owners.
func updateClaim(t *testing.T, c kubernetes.Interface, name string, write func(*corev1.PersistentVolumeClaim) error) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		claim, err := c.CoreV1().PersistentVolumeClaims(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		err = write(claim)
		if err == nil {
			return
		}
		if !apierrors.IsConflict(err) || attempt == 5 {
			t.Fatal(fmt.Errorf("bind claim %s: %w", name, err))
		}
	}
}

// podLog records the watch events of a set's pods while a test runs, so
// that an invariant can be checked at every single change.
type podLog struct {
	mu     sync.Mutex
	events []watch.Event
	more   chan struct{} // signalled after each event
	done   chan struct{}
}

func watchPods(t *testing.T, c kubernetes.Interface, app string) *podLog {
	t.Helper()
	w, err := c.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	l := &podLog{more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for ev := range w.ResultChan() {
			l.mu.Lock()
			l.events = append(l.events, ev)
			l.mu.Unlock()
			select {
			case l.more <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(w.Stop)
	return l
}

// until waits (ten wall-clock seconds at most) for the watch to deliver
// the current state of every pod in final, then returns every event seen.
func (l *podLog) until(t *testing.T, final []corev1.Pod) []watch.Event {
	t.Helper()
	want := map[string]string{}
	for _, p := range final {
		want[p.Name] = p.ResourceVersion
	}
	deadline, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		l.mu.Lock()
		seen := map[string]string{}
		for _, ev := range l.events {
			if p, ok := ev.Object.(*corev1.Pod); ok {
				seen[p.Name] = p.ResourceVersion
			}
		}
		caughtUp := true
		for name, rv := range want {
			if seen[name] != rv {
				caughtUp = false
			}
		}
		events := append([]watch.Event(nil), l.events...)
		l.mu.Unlock()
		if caughtUp {
			return events
		}
		select {
		case <-deadline.Done():
			t.Fatalf("the pod watch did not catch up with %v", want)
		case <-l.done:
			t.Fatalf("the pod watch ended")
		case <-l.more:
		}
	}
}
