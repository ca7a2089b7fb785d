package storage

import (
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// restampDeletion replaces the wall-clock deletionTimestamp that
// k8s.io/apiserver's rest.BeforeDelete computes with the same computation on
// the virtual clock: now + grace for a new deletion, and for a shortened
// grace period the old timestamp moved earlier by the difference, never
// before now.
func restampDeletion(obj, old runtime.Object, now metav1.Time) {
	m, err := apimeta.Accessor(obj)
	if err != nil || m.GetDeletionTimestamp() == nil {
		return
	}
	om, err := apimeta.Accessor(old)
	if err != nil {
		return
	}
	grace := int64(0)
	if g := m.GetDeletionGracePeriodSeconds(); g != nil {
		grace = *g
	}
	oldTS := om.GetDeletionTimestamp()
	if oldTS == nil {
		ts := metav1.NewTime(now.Add(time.Duration(grace) * time.Second).Truncate(time.Second))
		m.SetDeletionTimestamp(&ts)
		return
	}
	oldGrace := int64(0)
	if g := om.GetDeletionGracePeriodSeconds(); g != nil {
		oldGrace = *g
	}
	if grace >= oldGrace {
		ts := *oldTS // old may be the stored object itself
		m.SetDeletionTimestamp(&ts)
		return
	}
	ts := metav1.NewTime(oldTS.Add(-time.Duration(oldGrace-grace) * time.Second))
	if ts.Before(&now) {
		ts = metav1.NewTime(now.Truncate(time.Second))
	}
	m.SetDeletionTimestamp(&ts)
}

// restampManagedFields replaces the wall-clock times that the field manager
// writes into managedFields entries with virtual time. Entries carried over
// unchanged from old keep their times.
func restampManagedFields(obj, old runtime.Object, now metav1.Time) {
	m, err := apimeta.Accessor(obj)
	if err != nil {
		return
	}
	entries := m.GetManagedFields()
	if len(entries) == 0 {
		return
	}
	var oldEntries []metav1.ManagedFieldsEntry
	if old != nil {
		if om, err := apimeta.Accessor(old); err == nil {
			oldEntries = om.GetManagedFields()
		}
	}
	stamp := metav1.NewTime(now.Truncate(time.Second))
	for i := range entries {
		if !sameEntry(entries[i], oldEntries) {
			entries[i].Time = &stamp
		}
	}
	m.SetManagedFields(entries)
}

func sameEntry(e metav1.ManagedFieldsEntry, old []metav1.ManagedFieldsEntry) bool {
	for _, o := range old {
		if o.Manager == e.Manager && o.Operation == e.Operation && o.Subresource == e.Subresource &&
			o.APIVersion == e.APIVersion && timesEqual(o.Time, e.Time) {
			return true
		}
	}
	return false
}

func timesEqual(a, b *metav1.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(b)
}
