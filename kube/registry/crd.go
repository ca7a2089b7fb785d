package registry

import (
	"fmt"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsapiserver "k8s.io/apiextensions-apiserver/pkg/apiserver"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresourcedefinition"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage/storagebackend"

	"github.com/kubesim/kubesim/kube/storage"
)

// Serving is how the handlers of a resource served by upstream registry
// code decode, convert and default its objects, when that differs from
// kube/scheme: the registry works on a hub version of its own.
type Serving struct {
	Scheme         *runtime.Scheme
	Codecs         serializer.CodecFactory
	ParameterCodec runtime.ParameterCodec
	// Hub is the version the registry's objects are in, often internal.
	Hub schema.GroupVersion
}

// crdServing serves CustomResourceDefinitions as kube-apiserver does:
// with apiextensions-apiserver's scheme and its internal version.
var crdServing = &Serving{
	Scheme:         apiextensionsapiserver.Scheme,
	Codecs:         apiextensionsapiserver.Codecs,
	ParameterCodec: metav1.ParameterCodec,
	Hub:            schema.GroupVersion{Group: apiextensions.GroupName, Version: runtime.APIVersionInternal},
}

// newCRDEntry serves customresourcedefinitions with apiextensions-
// apiserver's own registry (its strategy, validation, warnings and the
// deletion that waits for the custom resources to go), keeping v1 objects
// in the store for everything else in kubesim to read.
func newCRDEntry(c Config, res *Resource) (*Entry, error) {
	opts := RESTOptions{
		Store: c.Store, Clock: c.Clock,
		Codec: apiextensionsapiserver.Codecs.LegacyCodec(apiextensionsv1.SchemeGroupVersion),
		Transform: func(*storagebackend.ConfigForResource) storage.Transformer {
			return storage.SchemeTransformer{Scheme: apiextensionsapiserver.Scheme, Version: apiextensionsv1.SchemeGroupVersion}
		},
	}
	main, err := customresourcedefinition.NewREST(apiextensionsapiserver.Scheme, opts)
	if err != nil {
		return nil, fmt.Errorf("registry for %s: %w", res.GroupResource(), err)
	}
	return &Entry{
		Resource: res,
		Main:     main,
		Subresources: map[string]rest.Storage{
			"status": customresourcedefinition.NewStatusREST(apiextensionsapiserver.Scheme, main),
		},
		Serving: crdServing,
	}, nil
}
