package metrics

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	utilclock "k8s.io/utils/clock"
)

// Source is where the metrics REST reads the objects it reports on: the
// API server's own REST storage of nodes or of pods.
type Source interface {
	rest.Getter
	rest.Lister
}

// NodeREST serves metrics.k8s.io/v1beta1 nodes: get and list, with label
// and field selectors over the nodes, as metrics-server's nodeMetrics.
type NodeREST struct {
	nodes   Source
	scraper *Scraper
	clock   utilclock.PassiveClock
}

// PodREST serves metrics.k8s.io/v1beta1 pods: get, and list in a
// namespace or across all, with label and field selectors over the pods,
// as metrics-server's podMetrics.
type PodREST struct {
	pods    Source
	scraper *Scraper
	clock   utilclock.PassiveClock
}

var (
	_ rest.Getter         = (*NodeREST)(nil)
	_ rest.Lister         = (*NodeREST)(nil)
	_ rest.Scoper         = (*NodeREST)(nil)
	_ rest.Getter         = (*PodREST)(nil)
	_ rest.Lister         = (*PodREST)(nil)
	_ rest.Scoper         = (*PodREST)(nil)
	_ rest.TableConvertor = (*PodREST)(nil)
)

// NewNodeREST serves node metrics of nodes, scraped by scraper.
func NewNodeREST(nodes Source, scraper *Scraper, clock utilclock.PassiveClock) *NodeREST {
	return &NodeREST{nodes: nodes, scraper: scraper, clock: clock}
}

// NewPodREST serves pod metrics of pods, scraped by scraper.
func NewPodREST(pods Source, scraper *Scraper, clock utilclock.PassiveClock) *PodREST {
	return &PodREST{pods: pods, scraper: scraper, clock: clock}
}

func (r *NodeREST) New() runtime.Object     { return &metricsv1beta1.NodeMetrics{} }
func (r *NodeREST) NewList() runtime.Object { return &metricsv1beta1.NodeMetricsList{} }
func (r *NodeREST) Destroy()                {}
func (r *NodeREST) NamespaceScoped() bool   { return false }
func (r *PodREST) New() runtime.Object      { return &metricsv1beta1.PodMetrics{} }
func (r *PodREST) NewList() runtime.Object  { return &metricsv1beta1.PodMetricsList{} }
func (r *PodREST) Destroy()                 {}
func (r *PodREST) NamespaceScoped() bool    { return true }

// Get returns one node's metrics: the node's own NotFound when there is
// no such node, metrics-server's when its kubelet reported nothing.
func (r *NodeREST) Get(ctx context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	obj, err := r.nodes.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	node, ok := obj.(*corev1.Node)
	if !ok {
		return nil, apierrors.NewInternalError(fmt.Errorf("node source returned %T", obj))
	}
	m, ok := r.nodeMetrics(ctx, node)
	if !ok {
		return nil, apierrors.NewNotFound(metricsv1beta1.Resource("nodes"), name)
	}
	return m, nil
}

// List returns the metrics of the selected nodes that have any.
func (r *NodeREST) List(ctx context.Context, opts *metainternalversion.ListOptions) (runtime.Object, error) {
	obj, err := r.nodes.List(ctx, selectorsOnly(opts))
	if err != nil {
		return nil, err
	}
	nodes, ok := obj.(*corev1.NodeList)
	if !ok {
		return nil, apierrors.NewInternalError(fmt.Errorf("node source listed %T", obj))
	}
	out := &metricsv1beta1.NodeMetricsList{Items: []metricsv1beta1.NodeMetrics{}}
	for i := range nodes.Items {
		if m, ok := r.nodeMetrics(ctx, &nodes.Items[i]); ok {
			out.Items = append(out.Items, *m)
		}
	}
	return out, nil
}

func (r *NodeREST) nodeMetrics(ctx context.Context, node *corev1.Node) (*metricsv1beta1.NodeMetrics, bool) {
	p, ok := r.scraper.nodePoint(ctx, node.Name)
	if !ok {
		return nil, false
	}
	return &metricsv1beta1.NodeMetrics{
		ObjectMeta: metav1.ObjectMeta{Name: node.Name, Labels: node.Labels, CreationTimestamp: metav1.NewTime(r.clock.Now())},
		Timestamp:  metav1.NewTime(p.at),
		Window:     metav1.Duration{Duration: r.scraper.Resolution()},
		Usage:      p.usage,
	}, true
}

// Get returns one pod's metrics: the pod's own NotFound when there is no
// such pod, metrics-server's when its kubelet reported nothing (it has
// not started yet, or has finished).
func (r *PodREST) Get(ctx context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	obj, err := r.pods.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return nil, apierrors.NewInternalError(fmt.Errorf("pod source returned %T", obj))
	}
	m, ok := r.podMetrics(ctx, pod)
	if !ok {
		return nil, apierrors.NewNotFound(metricsv1beta1.Resource("pods"), name)
	}
	return m, nil
}

// List returns the metrics of the selected pods that have any, in the
// request's namespace or in all.
func (r *PodREST) List(ctx context.Context, opts *metainternalversion.ListOptions) (runtime.Object, error) {
	obj, err := r.pods.List(ctx, selectorsOnly(opts))
	if err != nil {
		return nil, err
	}
	pods, ok := obj.(*corev1.PodList)
	if !ok {
		return nil, apierrors.NewInternalError(fmt.Errorf("pod source listed %T", obj))
	}
	out := &metricsv1beta1.PodMetricsList{Items: []metricsv1beta1.PodMetrics{}}
	for i := range pods.Items {
		if m, ok := r.podMetrics(ctx, &pods.Items[i]); ok {
			out.Items = append(out.Items, *m)
		}
	}
	return out, nil
}

func (r *PodREST) podMetrics(ctx context.Context, pod *corev1.Pod) (*metricsv1beta1.PodMetrics, bool) {
	names, points, ok := r.scraper.containerPoints(ctx, pod)
	if !ok {
		return nil, false
	}
	m := &metricsv1beta1.PodMetrics{
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, Labels: pod.Labels, CreationTimestamp: metav1.NewTime(r.clock.Now())},
		Timestamp:  metav1.NewTime(points[0].at),
		Window:     metav1.Duration{Duration: r.scraper.Resolution()},
	}
	for i, p := range points {
		m.Containers = append(m.Containers, metricsv1beta1.ContainerMetrics{Name: names[i], Usage: p.usage})
	}
	return m, true
}

// selectorsOnly keeps what a metrics list passes on to its source: the
// label and field selectors. Resource versions, limits and watches do not
// apply to metrics.
func selectorsOnly(opts *metainternalversion.ListOptions) *metainternalversion.ListOptions {
	out := &metainternalversion.ListOptions{}
	if opts != nil {
		out.LabelSelector, out.FieldSelector = opts.LabelSelector, opts.FieldSelector
	}
	return out
}
