package scheduler

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/scheduler/framework"
	"github.com/kubesim/kubesim/store"
)

// Name is the scheduler's name among the control plane's parts.
const Name = "scheduler"

// DefaultSchedulerName is the schedulerName of the pods this scheduler
// places; pods naming another scheduler are left alone.
const DefaultSchedulerName = corev1.DefaultSchedulerName

// Options configure the scheduler.
type Options struct {
	// Seed makes tie-breaking repeatable.
	Seed uint64
}

// Scheduler places pods.
type Scheduler struct {
	m        *controller.Manager
	fw       *framework.Scheduler
	snap     *framework.Snapshot
	queue    *queue
	recorder *events.Recorder
	volumes  *volumeBinder
}

// Add registers the scheduler with a manager.
func Add(m *controller.Manager, opts Options) error {
	s := &Scheduler{m: m, snap: framework.NewSnapshot(nil, nil), queue: newQueue(m.Clock, m.Activity)}
	fw, err := framework.New(framework.Options{Seed: opts.Seed, Listers: s.listers()})
	if err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	s.fw = fw
	s.volumes = newVolumeBinder(s, m)
	m.Feed.Handle("nodes", s.onNode)
	m.Feed.Handle("pods", s.onPod)
	for _, r := range []string{"persistentvolumes", "persistentvolumeclaims", "storageclasses.storage.k8s.io", "namespaces", "services"} {
		m.Feed.Handle(r, func(ev store.Event) {
			if ev.Type != watch.Deleted {
				s.queue.moveAll()
			}
			s.volumes.poke()
		})
	}
	m.AddRunnable(s.run)
	return nil
}

// run schedules one pod at a time until the manager stops.
func (s *Scheduler) run(ctx context.Context) {
	s.recorder = events.NewRecorder(s.m.Client, s.m.Clock, s.m.Activity, DefaultSchedulerName, "")
	defer s.recorder.Stop()
	go func() {
		<-ctx.Done()
		s.queue.close()
	}()
	for {
		pod, attempts, ok := s.queue.pop()
		if !ok {
			return
		}
		s.scheduleOne(ctx, pod, attempts)
		s.queue.done(pod.UID)
	}
}

// onNode keeps the cache's nodes current; a node that appears or changes
// may let unschedulable pods fit.
func (s *Scheduler) onNode(ev store.Event) {
	node, ok := ev.Object.(*corev1.Node)
	if !ok {
		return
	}
	if ev.Type == watch.Deleted {
		s.snap.RemoveNode(node.Name)
		return
	}
	s.snap.SetNode(node)
	if ev.Type == watch.Added || nodeChangedForScheduling(ev.Prev, node) {
		s.queue.moveAll()
	}
}

// nodeChangedForScheduling reports whether a node update may change a
// scheduling decision (not a heartbeat).
func nodeChangedForScheduling(prev runtime.Object, node *corev1.Node) bool {
	old, ok := prev.(*corev1.Node)
	if !ok {
		return true
	}
	return !equality.Semantic.DeepEqual(old.Labels, node.Labels) ||
		!equality.Semantic.DeepEqual(old.Spec, node.Spec) ||
		!equality.Semantic.DeepEqual(old.Status.Allocatable, node.Status.Allocatable) ||
		!sameReadiness(old, node)
}

func sameReadiness(a, b *corev1.Node) bool {
	ready := func(n *corev1.Node) corev1.ConditionStatus {
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady {
				return c.Status
			}
		}
		return ""
	}
	return ready(a) == ready(b)
}

// onPod keeps bound pods in the cache and unbound pods of this scheduler
// in the queue.
func (s *Scheduler) onPod(ev store.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	if ev.Type == watch.Deleted {
		s.queue.remove(pod.UID)
		s.snap.RemoveNominatedPod(pod.UID)
		if s.volumes.isWaiting(pod.UID) {
			s.volumes.poke()
		}
		if pod.Spec.NodeName != "" {
			_ = s.snap.RemovePod(pod.UID)
			s.queue.moveAll() // its resources are free again
		}
		return
	}
	if pod.Spec.NodeName != "" {
		s.queue.remove(pod.UID)
		s.snap.RemoveNominatedPod(pod.UID)
		_ = s.snap.UpdatePod(pod)
		if terminal(pod) {
			s.queue.moveAll()
		}
		return
	}
	if s.volumes.isWaiting(pod.UID) {
		return // assumed on a node, waiting for its volumes
	}
	if !s.responsibleFor(pod) {
		s.queue.remove(pod.UID)
		return
	}
	if ev.Type == watch.Modified && !podChangedForScheduling(ev.Prev, pod) {
		return // a status update (e.g. our own condition), nothing to retry for
	}
	s.queue.add(pod)
}

func terminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// responsibleFor reports whether an unbound pod waits for this scheduler.
func (s *Scheduler) responsibleFor(pod *corev1.Pod) bool {
	// An empty name is the default one (the API server defaults it).
	name := pod.Spec.SchedulerName
	return (name == DefaultSchedulerName || name == "") && pod.DeletionTimestamp == nil &&
		len(pod.Spec.SchedulingGates) == 0 && !terminal(pod)
}

func podChangedForScheduling(prev runtime.Object, pod *corev1.Pod) bool {
	old, ok := prev.(*corev1.Pod)
	if !ok {
		return true
	}
	return !equality.Semantic.DeepEqual(old.Spec, pod.Spec) || !equality.Semantic.DeepEqual(old.Labels, pod.Labels)
}

// listers read volumes, namespaces and workloads from the store for the
// framework's plugins.
func (s *Scheduler) listers() framework.Listers {
	view := func() *store.View { return s.m.Store.View() }
	get := func(resource, ns, name string) runtime.Object { return view().Get(resource, ns, name) }
	return framework.Listers{
		PersistentVolumeClaim: func(ns, name string) *corev1.PersistentVolumeClaim {
			o, _ := get("persistentvolumeclaims", ns, name).(*corev1.PersistentVolumeClaim)
			return o
		},
		PersistentVolume: func(name string) *corev1.PersistentVolume {
			o, _ := get("persistentvolumes", "", name).(*corev1.PersistentVolume)
			return o
		},
		PersistentVolumes: func() []*corev1.PersistentVolume {
			var out []*corev1.PersistentVolume
			view().List("persistentvolumes", "", func(o runtime.Object) bool {
				out = append(out, o.(*corev1.PersistentVolume))
				return true
			})
			return out
		},
		StorageClass: func(name string) *storagev1.StorageClass {
			o, _ := get("storageclasses.storage.k8s.io", "", name).(*storagev1.StorageClass)
			return o
		},
		Namespaces: func() []*corev1.Namespace {
			var out []*corev1.Namespace
			view().List("namespaces", "", func(o runtime.Object) bool {
				out = append(out, o.(*corev1.Namespace))
				return true
			})
			return out
		},
		Services: func(ns string) []*corev1.Service {
			var out []*corev1.Service
			view().List("services", ns, func(o runtime.Object) bool {
				out = append(out, o.(*corev1.Service))
				return true
			})
			return out
		},
		ReplicationController: func(ns, name string) *corev1.ReplicationController {
			o, _ := get("replicationcontrollers", ns, name).(*corev1.ReplicationController)
			return o
		},
		ReplicaSet: func(ns, name string) *appsv1.ReplicaSet {
			o, _ := get("replicasets.apps", ns, name).(*appsv1.ReplicaSet)
			return o
		},
		StatefulSet: func(ns, name string) *appsv1.StatefulSet {
			o, _ := get("statefulsets.apps", ns, name).(*appsv1.StatefulSet)
			return o
		},
	}
}

// pdbs lists the cluster's PodDisruptionBudgets for preemption.
func (s *Scheduler) pdbs() []*policyv1.PodDisruptionBudget {
	var out []*policyv1.PodDisruptionBudget
	s.m.Store.View().List("poddisruptionbudgets.policy", "", func(o runtime.Object) bool {
		out = append(out, o.(*policyv1.PodDisruptionBudget))
		return true
	})
	return out
}
