package registry

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/generic"
	apistorage "k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/apiserver/pkg/storage/storagebackend/factory"
	"k8s.io/client-go/tools/cache"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/kube/storage"
	"github.com/kubesim/kubesim/store"
)

// RESTOptions is the generic.RESTOptionsGetter for registries built by
// upstream code (apiextensions-apiserver's, for CustomResourceDefinitions
// and custom resources): the storage they complete themselves with keeps
// its objects in the store, under the resource's store key
// ("widgets.example.com").
type RESTOptions struct {
	Store *store.Store
	Clock utilclock.PassiveClock
	// Codec is the storage codec the registry is handed; upstream wraps
	// it, e.g. with conversion to a custom resource's storage version.
	Codec runtime.Codec
	// Namespaced reports whether a resource is namespaced.
	Namespaced func(schema.GroupResource) bool
	// Transform returns the Transformer of a registry's storage from the
	// storage configuration the registry completed, whose Codec is the
	// wrapped one.
	Transform func(config *storagebackend.ConfigForResource) storage.Transformer
}

// GetRESTOptions implements generic.RESTOptionsGetter.
func (o RESTOptions) GetRESTOptions(resource schema.GroupResource, example runtime.Object) (generic.RESTOptions, error) {
	namespaced := o.Namespaced != nil && o.Namespaced(resource)
	return generic.RESTOptions{
		StorageConfig: &storagebackend.ConfigForResource{
			Config:        storagebackend.Config{Codec: o.Codec},
			GroupResource: resource,
		},
		Decorator: func(config *storagebackend.ConfigForResource, prefix string, _ func(runtime.Object) (string, error),
			newFunc, _ func() runtime.Object, _ apistorage.AttrFunc, _ apistorage.IndexerFuncs, _ *cache.Indexers) (apistorage.Interface, factory.DestroyFunc, error) {
			var transform storage.Transformer
			if o.Transform != nil {
				transform = o.Transform(config)
			}
			st, err := storage.New(storage.Config{
				Store: o.Store, Clock: o.Clock, Resource: strings.TrimPrefix(prefix, "/"),
				Namespaced: namespaced, NewFunc: newFunc, Transform: transform,
			})
			if err != nil {
				return nil, nil, fmt.Errorf("storage for %s: %w", resource, err)
			}
			return st, func() {}, nil
		},
		EnableGarbageCollection: true,
		DeleteCollectionWorkers: 1,
		ResourcePrefix:          "/" + resource.String(),
	}, nil
}
