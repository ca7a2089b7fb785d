package replicaset

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
)

// kind is what differs between the two resources the controller serves.
type kind struct {
	name      string // the controller's name in --controllers
	resource  string // the store's resource name
	gvk       schema.GroupVersionKind
	component string // the source of its events
	// terminating says whether the status has terminatingReplicas
	// (ReplicaSets have it; ReplicationControllers do not).
	terminating bool
	// asReplicaSet views a stored object as a ReplicaSet. The result may
	// share memory with obj: never modify it.
	asReplicaSet func(obj runtime.Object) *appsv1.ReplicaSet
	// writeStatus writes status onto a copy of obj through the API server.
	writeStatus func(ctx context.Context, c kubernetes.Interface, obj runtime.Object, st appsv1.ReplicaSetStatus) (runtime.Object, error)
	// get reads the object through the API server (for a retry after a
	// conflict).
	get func(ctx context.Context, c kubernetes.Interface, namespace, name string) (runtime.Object, error)
}

var replicaSetKind = &kind{
	name:        Name,
	resource:    "replicasets.apps",
	gvk:         appsv1.SchemeGroupVersion.WithKind("ReplicaSet"),
	component:   "replicaset-controller",
	terminating: true,
	asReplicaSet: func(obj runtime.Object) *appsv1.ReplicaSet {
		rs, _ := obj.(*appsv1.ReplicaSet)
		return rs
	},
	writeStatus: func(ctx context.Context, c kubernetes.Interface, obj runtime.Object, st appsv1.ReplicaSetStatus) (runtime.Object, error) {
		rs := obj.(*appsv1.ReplicaSet).DeepCopy()
		rs.Status = st
		return c.AppsV1().ReplicaSets(rs.Namespace).UpdateStatus(ctx, rs, metav1.UpdateOptions{})
	},
	get: func(ctx context.Context, c kubernetes.Interface, namespace, name string) (runtime.Object, error) {
		return c.AppsV1().ReplicaSets(namespace).Get(ctx, name, metav1.GetOptions{})
	},
}

var replicationControllerKind = &kind{
	name:         RCName,
	resource:     "replicationcontrollers",
	gvk:          corev1.SchemeGroupVersion.WithKind("ReplicationController"),
	component:    "replication-controller",
	asReplicaSet: rcAsReplicaSet,
	writeStatus: func(ctx context.Context, c kubernetes.Interface, obj runtime.Object, st appsv1.ReplicaSetStatus) (runtime.Object, error) {
		rc := obj.(*corev1.ReplicationController).DeepCopy()
		rc.Status = rcStatus(st)
		return c.CoreV1().ReplicationControllers(rc.Namespace).UpdateStatus(ctx, rc, metav1.UpdateOptions{})
	},
	get: func(ctx context.Context, c kubernetes.Interface, namespace, name string) (runtime.Object, error) {
		return c.CoreV1().ReplicationControllers(namespace).Get(ctx, name, metav1.GetOptions{})
	},
}

// rcAsReplicaSet converts a ReplicationController the way upstream's
// pkg/controller/replication/conversion.go does: the selector map becomes
// matchLabels, the template pointer a value. An empty selector is the
// template's labels, as defaulting would have made it.
func rcAsReplicaSet(obj runtime.Object) *appsv1.ReplicaSet {
	rc, ok := obj.(*corev1.ReplicationController)
	if !ok {
		return nil
	}
	rs := &appsv1.ReplicaSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ReplicationController"},
		ObjectMeta: rc.ObjectMeta,
		Spec: appsv1.ReplicaSetSpec{
			Replicas:        rc.Spec.Replicas,
			MinReadySeconds: rc.Spec.MinReadySeconds,
		},
		Status: appsv1.ReplicaSetStatus{
			Replicas:             rc.Status.Replicas,
			FullyLabeledReplicas: rc.Status.FullyLabeledReplicas,
			ReadyReplicas:        rc.Status.ReadyReplicas,
			AvailableReplicas:    rc.Status.AvailableReplicas,
			ObservedGeneration:   rc.Status.ObservedGeneration,
		},
	}
	if rc.Spec.Template != nil {
		rs.Spec.Template = *rc.Spec.Template
	}
	selector := rc.Spec.Selector
	if len(selector) == 0 {
		selector = rs.Spec.Template.Labels
	}
	rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: selector}
	for _, c := range rc.Status.Conditions {
		rs.Status.Conditions = append(rs.Status.Conditions, appsv1.ReplicaSetCondition{
			Type: appsv1.ReplicaSetConditionType(c.Type), Status: c.Status,
			LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message,
		})
	}
	return rs
}

// rcStatus converts a computed ReplicaSet status back.
func rcStatus(st appsv1.ReplicaSetStatus) corev1.ReplicationControllerStatus {
	out := corev1.ReplicationControllerStatus{
		Replicas:             st.Replicas,
		FullyLabeledReplicas: st.FullyLabeledReplicas,
		ReadyReplicas:        st.ReadyReplicas,
		AvailableReplicas:    st.AvailableReplicas,
		ObservedGeneration:   st.ObservedGeneration,
	}
	for _, c := range st.Conditions {
		out.Conditions = append(out.Conditions, corev1.ReplicationControllerCondition{
			Type: corev1.ReplicationControllerConditionType(c.Type), Status: c.Status,
			LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message,
		})
	}
	return out
}

// owns reports whether a controller reference points at this kind. Like
// upstream's resolveControllerRef it looks at the kind only; the sync
// checks the UID.
func (k *kind) owns(ref *metav1.OwnerReference) bool {
	return ref != nil && ref.Kind == k.gvk.Kind
}

// replicas is spec.replicas, defaulted to 1 as the API server defaults it.
func replicas(rs *appsv1.ReplicaSet) int32 {
	if rs.Spec.Replicas == nil {
		return 1
	}
	return *rs.Spec.Replicas
}
