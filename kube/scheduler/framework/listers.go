package framework

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
)

// Listers give the framework the objects beyond nodes and pods that some
// plugins read. Every field is optional; a nil function means no such
// objects exist (for example, a pod using a PVC is then rejected with
// `persistentvolumeclaim "x" not found`). The functions are called during
// Schedule and Preempt and must not call back into the Snapshot. Returned
// objects are read, never changed.
type Listers struct {
	// PersistentVolumeClaim returns a claim, or nil.
	PersistentVolumeClaim func(namespace, name string) *corev1.PersistentVolumeClaim
	// PersistentVolume returns a volume, or nil.
	PersistentVolume func(name string) *corev1.PersistentVolume
	// PersistentVolumes lists all volumes, to find one an unbound
	// WaitForFirstConsumer claim could bind to.
	PersistentVolumes func() []*corev1.PersistentVolume
	// StorageClass returns a class, or nil.
	StorageClass func(name string) *storagev1.StorageClass
	// Namespaces lists namespaces, for affinity terms with a
	// namespaceSelector.
	Namespaces func() []*corev1.Namespace

	// The workload listers below feed PodTopologySpread's system default
	// constraints, which spread the pods of a Service, ReplicationController,
	// ReplicaSet or StatefulSet over hostnames (maxSkew 3) and zones
	// (maxSkew 5) when the pod has no constraints of its own. Without them
	// the default spreading is off.

	// Services lists the services of a namespace.
	Services func(namespace string) []*corev1.Service
	// ReplicationController returns a controller, or nil.
	ReplicationController func(namespace, name string) *corev1.ReplicationController
	// ReplicaSet returns a replica set, or nil.
	ReplicaSet func(namespace, name string) *appsv1.ReplicaSet
	// StatefulSet returns a stateful set, or nil.
	StatefulSet func(namespace, name string) *appsv1.StatefulSet
}

func (l *Listers) pvc(namespace, name string) *corev1.PersistentVolumeClaim {
	if l.PersistentVolumeClaim == nil {
		return nil
	}
	return l.PersistentVolumeClaim(namespace, name)
}

func (l *Listers) pv(name string) *corev1.PersistentVolume {
	if l.PersistentVolume == nil {
		return nil
	}
	return l.PersistentVolume(name)
}

func (l *Listers) storageClass(name string) *storagev1.StorageClass {
	if l.StorageClass == nil {
		return nil
	}
	return l.StorageClass(name)
}

func (l *Listers) namespaceLabels(name string) map[string]string {
	if l.Namespaces == nil {
		return nil
	}
	for _, ns := range l.Namespaces() {
		if ns.Name == name {
			return ns.Labels
		}
	}
	return nil
}
