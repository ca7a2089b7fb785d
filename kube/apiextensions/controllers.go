package apiextensions

import (
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Add runs the server's controllers on a manager of the API server (they
// are kube-apiserver's, not kube-controller-manager's, so they run in a
// bare control plane too): names and establishment, and the finalizer
// that deletes a CRD's custom resources with it. The CRD handler, the
// discovery documents and the OpenAPI documents hear of every CRD change
// on the manager's feed.
func (s *Server) Add(m *controller.Manager) {
	names := &controller.Controller{Name: "crd-naming", Queue: m.NewQueue(), Reconciler: namer{s: s, clock: m.Clock}}
	clean := &controller.Controller{Name: "crd-finalizer", Queue: m.NewQueue(),
		Reconciler: &cleaner{s: s, clock: m.Clock, waiting: map[types.UID]time.Time{}}}
	m.Feed.Handle(crdResource, func(ev store.Event) {
		crd, ok := ev.Object.(*apiextensionsv1.CustomResourceDefinition)
		if !ok {
			return
		}
		s.changed(ev.Type, crd)
		s.informer.deliver(ev)
		names.Queue.Add(controller.Request{Name: crd.Name})
		if ev.Type == watch.Deleted {
			// Its names are free: the others of its group may take them.
			others, _ := crdLister{s.store}.List(labels.Everything())
			for _, o := range others {
				if o.Spec.Group == crd.Spec.Group {
					names.Queue.Add(controller.Request{Name: o.Name})
				}
			}
			return
		}
		if crd.DeletionTimestamp != nil {
			clean.Queue.Add(controller.Request{Name: crd.Name})
		}
	})
	m.Add(names)
	m.Add(clean)
}
