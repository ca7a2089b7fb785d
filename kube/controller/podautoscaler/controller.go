package podautoscaler

import (
	"context"
	"fmt"
	"sync"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	restclient "k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/scale"
	"k8s.io/klog/v2"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned/typed/metrics/v1beta1"
	utilclock "k8s.io/utils/clock"

	"github.com/kubesim/kubesim/events"
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/store"
)

// Name is the controller's name, as kube-controller-manager's --controllers
// flag has it.
const Name = "horizontalpodautoscaling"

const (
	// syncPeriod is --horizontal-pod-autoscaler-sync-period.
	syncPeriod = 15 * time.Second
	// downscaleStabilisationWindow is
	// --horizontal-pod-autoscaler-downscale-stabilization.
	downscaleStabilisationWindow = 5 * time.Minute
	// tolerance is --horizontal-pod-autoscaler-tolerance: a usage ratio
	// within 10% of 1 does not scale.
	tolerance = 0.1
	// cpuInitializationPeriod and delayOfInitialReadinessStatus are
	// --horizontal-pod-autoscaler-cpu-initialization-period and
	// --horizontal-pod-autoscaler-initial-readiness-delay.
	cpuInitializationPeriod       = 5 * time.Minute
	delayOfInitialReadinessStatus = 30 * time.Second
	// workers is --concurrent-horizontal-pod-autoscaler-syncs.
	workers = 5
)

const hpaResource = "horizontalpodautoscalers.autoscaling"

// Controller syncs HorizontalPodAutoscalers.
type Controller struct {
	store    *store.Store
	client   kubernetes.Interface
	metrics  metricsclient.MetricsV1beta1Interface
	scales   scale.ScalesGetter
	mapper   *restmapper.DeferredDiscoveryRESTMapper
	clock    utilclock.PassiveClock
	queue    *controller.Queue
	recorder *events.Recorder

	// mu guards the per-HPA history upstream keeps in memory: the
	// recommendations of the stabilisation windows and the scale events
	// the behaviour policies count.
	mu              sync.Mutex
	recommendations map[string][]timestampedRecommendation
	scaleUpEvents   map[string][]timestampedScaleEvent
	scaleDownEvents map[string][]timestampedScaleEvent
	selectors       map[string]namespacedSelector
}

// Add registers the controller with a manager; cfg reaches the API server
// for the metrics API and the scale subresources, whose kinds it learns
// from discovery.
func Add(m *controller.Manager, cfg *restclient.Config) (*Controller, error) {
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("podautoscaler: discovery client: %w", err)
	}
	mc, err := metricsclient.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("podautoscaler: metrics client: %w", err)
	}
	cached := memory.NewMemCacheClient(disc)
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(cached)
	scales, err := scale.NewForConfig(cfg, mapper, dynamic.LegacyAPIPathResolverFunc, scale.NewDiscoveryScaleKindResolver(cached))
	if err != nil {
		return nil, fmt.Errorf("podautoscaler: scale client: %w", err)
	}
	c := &Controller{
		store: m.Store, client: m.Client, metrics: mc, scales: scales, mapper: mapper, clock: m.Clock,
		queue: m.NewQueue(), recorder: m.NewRecorder("horizontal-pod-autoscaler"),
		recommendations: map[string][]timestampedRecommendation{},
		scaleUpEvents:   map[string][]timestampedScaleEvent{},
		scaleDownEvents: map[string][]timestampedScaleEvent{},
		selectors:       map[string]namespacedSelector{},
	}
	m.Feed.Handle(hpaResource, c.onHPA)
	m.Add(&controller.Controller{Name: Name, Queue: c.queue, Reconciler: c, Workers: workers})
	return c, nil
}

// onHPA queues an HPA one sync period on, as upstream's enqueueHPA does
// with its fixed-interval rate limiter: a request already waiting is not
// moved, so that each HPA is synced once per period whatever changes.
func (c *Controller) onHPA(ev store.Event) {
	hpa, ok := ev.Object.(*autoscalingv2.HorizontalPodAutoscaler)
	if !ok {
		return
	}
	key := controller.Request{Namespace: hpa.Namespace, Name: hpa.Name}
	if ev.Type == watch.Deleted {
		c.forget(key.String())
		return
	}
	c.queue.AddAfter(key, syncPeriod)
}

// forget drops the history of a deleted HPA.
func (c *Controller) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.recommendations, key)
	delete(c.scaleUpEvents, key)
	delete(c.scaleDownEvents, key)
	delete(c.selectors, key)
}

// Reconcile syncs one HPA and looks at it again a sync period later,
// whether or not the sync worked, as upstream's worker does.
func (c *Controller) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	stored, ok := c.store.View().Get(hpaResource, req.Namespace, req.Name).(*autoscalingv2.HorizontalPodAutoscaler)
	if !ok {
		c.forget(req.String())
		return controller.Result{}, nil
	}
	if stored.DeletionTimestamp != nil {
		return controller.Result{}, nil
	}
	hpa := stored.DeepCopy()
	if err := c.reconcileAutoscaler(ctx, hpa, req.String()); err != nil {
		klog.V(2).InfoS("Failed to sync HPA", "hpa", req.String(), "err", err)
	}
	if err := c.updateStatusIfNeeded(ctx, &stored.Status, hpa); err != nil {
		klog.V(2).InfoS("Failed to update HPA status", "hpa", req.String(), "err", err)
	}
	return controller.Result{RequeueAfter: syncPeriod}, nil
}

// updateStatusIfNeeded writes the status when it changed.
func (c *Controller) updateStatusIfNeeded(ctx context.Context, old *autoscalingv2.HorizontalPodAutoscalerStatus, hpa *autoscalingv2.HorizontalPodAutoscaler) error {
	if equality.Semantic.DeepEqual(old, &hpa.Status) {
		return nil
	}
	_, err := c.client.AutoscalingV2().HorizontalPodAutoscalers(hpa.Namespace).UpdateStatus(ctx, hpa, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		c.recorder.Event(hpa, "Warning", "FailedUpdateStatus", err.Error())
		return fmt.Errorf("failed to update status for %s: %w", hpa.Name, err)
	}
	return nil
}
