package disruption

import (
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubesim/kubesim/store"
)

// expectedCounts computes how many pods a budget expects and how many of
// them must be healthy (upstream's getExpectedPodCount). A minAvailable
// number needs no controller: the pods found are the pods expected.
func expectedCounts(view *store.View, pdb *policyv1.PodDisruptionBudget, pods []*corev1.Pod) (expected, desired int32, unmanaged []string, err error) {
	switch {
	case pdb.Spec.MaxUnavailable != nil:
		expected, unmanaged, err = expectedScale(view, pods)
		if err != nil {
			return 0, 0, nil, err
		}
		maxUnavailable, err := intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MaxUnavailable, int(expected), true)
		if err != nil {
			return 0, 0, nil, err
		}
		desired = max(expected-int32(maxUnavailable), 0)
	case pdb.Spec.MinAvailable != nil && pdb.Spec.MinAvailable.Type == intstr.Int:
		desired = pdb.Spec.MinAvailable.IntVal
		expected = int32(len(pods))
	case pdb.Spec.MinAvailable != nil:
		expected, unmanaged, err = expectedScale(view, pods)
		if err != nil {
			return 0, 0, nil, err
		}
		minAvailable, err := intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MinAvailable, int(expected), true)
		if err != nil {
			return 0, 0, nil, err
		}
		desired = int32(minAvailable)
	}
	return expected, desired, unmanaged, nil
}

// expectedScale adds up the scale of the controllers of the pods, each
// controller once (upstream's getExpectedScale). Pods without a
// controller are returned as unmanaged rather than failing the sync.
func expectedScale(view *store.View, pods []*corev1.Pod) (int32, []string, error) {
	scales := map[types.UID]int32{}
	var unmanaged []string
	for _, pod := range pods {
		ref := metav1.GetControllerOfNoCopy(pod)
		if ref == nil {
			unmanaged = append(unmanaged, pod.Name)
			continue
		}
		if _, seen := scales[ref.UID]; seen {
			continue
		}
		uid, scale, err := controllerScale(view, ref, pod.Namespace)
		if err != nil {
			return 0, nil, err
		}
		if uid == "" {
			return 0, nil, fmt.Errorf("found no controllers for pod %q", pod.Name)
		}
		scales[uid] = scale
	}
	var total int32
	for _, n := range scales {
		total += n
	}
	return total, unmanaged, nil
}

// controllerScale finds the controller a pod's controllerRef names and
// its spec.replicas, trying upstream's finders in order: a
// ReplicationController, a Deployment through its ReplicaSet, a
// ReplicaSet of its own, a StatefulSet. An empty UID means none matched.
func controllerScale(view *store.View, ref *metav1.OwnerReference, ns string) (types.UID, int32, error) {
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return "", 0, err
	}
	is := func(kind string, groups ...string) bool { return ref.Kind == kind && slices.Contains(groups, gv.Group) }
	switch {
	case is("ReplicationController", ""):
		if rc, ok := view.Get(rcsResource, ns, ref.Name).(*corev1.ReplicationController); ok && rc.UID == ref.UID {
			return rc.UID, replicas(rc.Spec.Replicas), nil
		}
	case is("ReplicaSet", "apps", "extensions"):
		rs, ok := view.Get(replicaSetsResource, ns, ref.Name).(*appsv1.ReplicaSet)
		if !ok || rs.UID != ref.UID {
			return "", 0, nil
		}
		owner := metav1.GetControllerOfNoCopy(rs)
		if owner == nil {
			return rs.UID, replicas(rs.Spec.Replicas), nil
		}
		if owner.Kind != "Deployment" {
			return rs.UID, replicas(rs.Spec.Replicas), nil
		}
		if d, ok := view.Get(deploymentsResource, ns, owner.Name).(*appsv1.Deployment); ok && d.UID == owner.UID {
			return d.UID, replicas(d.Spec.Replicas), nil
		}
	case is("StatefulSet", "apps"):
		if ss, ok := view.Get(statefulSetsResource, ns, ref.Name).(*appsv1.StatefulSet); ok && ss.UID == ref.UID {
			return ss.UID, replicas(ss.Spec.Replicas), nil
		}
	case is("DaemonSet", "apps"):
		return "", 0, fmt.Errorf("daemonsets.apps does not implement the scale subresource")
	case is("Job", "batch"):
		return "", 0, fmt.Errorf("jobs.batch does not implement the scale subresource")
	}
	return "", 0, nil
}

func replicas(n *int32) int32 {
	if n == nil {
		return 1
	}
	return *n
}
