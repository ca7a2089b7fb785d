package webhook

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
)

// liveInformer stands in for the informer upstream starts for a policy's
// paramKind: its lister asks the API server, in-process, at each call, so
// that a param written just before a request is the one the request sees.
// It reaches any resource, custom ones included, as upstream's dynamic
// informer does, and hands out unstructured objects as that one does.
type liveInformer struct {
	client dynamic.NamespaceableResourceInterface
}

var _ informers.GenericInformer = liveInformer{}

func (i liveInformer) Informer() cache.SharedIndexInformer { return alwaysSynced{} }
func (i liveInformer) Lister() cache.GenericLister         { return liveLister{all: i.client, in: i.client} }

// alwaysSynced is an informer with nothing to wait for. Only HasSynced is
// implemented: the embedded interface is nil.
type alwaysSynced struct{ cache.SharedIndexInformer }

func (alwaysSynced) HasSynced() bool { return true }

type liveLister struct {
	all dynamic.NamespaceableResourceInterface
	in  dynamic.ResourceInterface
}

func (l liveLister) List(selector labels.Selector) ([]runtime.Object, error) {
	list, err := l.in.List(context.Background(), metav1.ListOptions{LabelSelector: selector.String()})
	if err != nil {
		return nil, err
	}
	out := make([]runtime.Object, len(list.Items))
	for i := range list.Items {
		out[i] = &list.Items[i]
	}
	return out, nil
}

func (l liveLister) Get(name string) (runtime.Object, error) {
	return l.in.Get(context.Background(), name, metav1.GetOptions{})
}

func (l liveLister) ByNamespace(namespace string) cache.GenericNamespaceLister {
	return liveLister{all: l.all, in: l.all.Namespace(namespace)}
}
