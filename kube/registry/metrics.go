package registry

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"

	"github.com/kubesim/kubesim/kube/metrics"
)

// addMetrics adds the resource metrics API, metrics.k8s.io/v1beta1 nodes
// and pods, which a real cluster gets from metrics-server through API
// aggregation: package metrics scrapes the kubelets through c.Kubelets.
// The resources have no list kind in the catalog sense (NewList is nil),
// as they are not stored: the namespace controller has nothing to delete.
func (r *Registry) addMetrics(c Config) error {
	pods, ok := r.Lookup(corev1.SchemeGroupVersion.WithResource("pods"))
	if !ok {
		return fmt.Errorf("registry: no pods resource")
	}
	nodes, ok := r.Lookup(corev1.SchemeGroupVersion.WithResource("nodes"))
	if !ok {
		return fmt.Errorf("registry: no nodes resource")
	}
	podSource, ok1 := pods.Main.(metrics.Source)
	nodeSource, ok2 := nodes.Main.(metrics.Source)
	if !ok1 || !ok2 {
		return fmt.Errorf("registry: pods and nodes cannot be listed for metrics")
	}
	if c.Clock == nil {
		return fmt.Errorf("registry: the metrics API needs a clock")
	}
	clk := c.Clock
	scraper := metrics.NewScraper(c.Kubelets, clk)
	gv := metricsv1beta1.SchemeGroupVersion
	for _, res := range []struct {
		plural, kind string
		namespaced   bool
		storage      rest.Storage
	}{
		{"nodes", "NodeMetrics", false, metrics.NewNodeREST(nodeSource, scraper, clk)},
		{"pods", "PodMetrics", true, metrics.NewPodREST(podSource, scraper, clk)},
	} {
		storage := res.storage
		resource := &Resource{GroupVersionResource: gv.WithResource(res.plural), Kind: res.kind,
			Singular: strings.ToLower(res.kind), Namespaced: res.namespaced, New: func() runtime.Object { return storage.New() }, Verbs: []string{"get", "list"}}
		e := &Entry{Resource: resource, Main: storage, Subresources: map[string]rest.Storage{}}
		r.entries = append(r.entries, e)
		r.byGVR[resource.GroupVersionResource] = e
	}
	return nil
}
