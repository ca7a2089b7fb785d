package volumeutil

import (
	"sort"

	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesim/kubesim/store"
)

// The annotations that make a StorageClass the cluster's default.
const (
	AnnDefaultClass     = "storageclass.kubernetes.io/is-default-class"
	AnnBetaDefaultClass = "storageclass.beta.kubernetes.io/is-default-class"
)

// IsDefaultClass reports whether a class carries a default annotation.
func IsDefaultClass(class *storagev1.StorageClass) bool {
	return class.Annotations[AnnDefaultClass] == "true" || class.Annotations[AnnBetaDefaultClass] == "true"
}

// DefaultClass is upstream's GetDefaultClass: of the default classes, the
// newest, then the first by name; nil when there is none.
func DefaultClass(view *store.View) *storagev1.StorageClass {
	var defaults []*storagev1.StorageClass
	view.List("storageclasses.storage.k8s.io", "", func(obj runtime.Object) bool {
		if c := obj.(*storagev1.StorageClass); IsDefaultClass(c) {
			defaults = append(defaults, c)
		}
		return true
	})
	if len(defaults) == 0 {
		return nil
	}
	sort.Slice(defaults, func(i, j int) bool {
		ti, tj := defaults[i].CreationTimestamp.UnixNano(), defaults[j].CreationTimestamp.UnixNano()
		if ti == tj {
			return defaults[i].Name < defaults[j].Name
		}
		return ti > tj
	})
	return defaults[0]
}
