package controller

import (
	"context"
	"fmt"
	"sync"
	"time"

	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/klog/v2"
)

// Reconciler brings the world in line with one object, like
// controller-runtime's reconcile.Reconciler.
type Reconciler interface {
	Reconcile(ctx context.Context, req Request) (Result, error)
}

// ReconcilerFunc adapts a function to Reconciler.
type ReconcilerFunc func(ctx context.Context, req Request) (Result, error)

// Reconcile implements Reconciler.
func (f ReconcilerFunc) Reconcile(ctx context.Context, req Request) (Result, error) {
	return f(ctx, req)
}

// Result says whether and when to reconcile the same request again.
type Result struct {
	// RequeueAfter reconciles again after this much virtual time.
	RequeueAfter time.Duration
	// Requeue reconciles again after the request's back-off.
	Requeue bool
}

// Controller runs a Reconciler over a Queue with a number of workers.
type Controller struct {
	Name       string
	Queue      *Queue
	Reconciler Reconciler
	Workers    int
}

// Run processes requests until ctx ends, then shuts the queue down and
// waits for the workers.
func (c *Controller) Run(ctx context.Context) {
	workers := c.Workers
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c.processNext(ctx) {
			}
		}()
	}
	<-ctx.Done()
	c.Queue.ShutDown()
	wg.Wait()
}

func (c *Controller) processNext(ctx context.Context) bool {
	req, ok := c.Queue.Get()
	if !ok {
		return false
	}
	defer c.Queue.Done(req)
	res, err := c.reconcile(ctx, req)
	switch {
	case ctx.Err() != nil:
	case err != nil:
		klog.V(4).InfoS("Reconcile failed; requeuing", "controller", c.Name, "request", req.String(), "err", err)
		c.Queue.AddRateLimited(req)
	case res.RequeueAfter > 0:
		c.Queue.Forget(req)
		c.Queue.AddAfter(req, res.RequeueAfter)
	case res.Requeue:
		c.Queue.AddRateLimited(req)
	default:
		c.Queue.Forget(req)
	}
	return true
}

// reconcile calls the reconciler, turning a panic into an error so that
// one bad object cannot stop the controller.
func (c *Controller) reconcile(ctx context.Context, req Request) (res Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%s: panic reconciling %s: %v", c.Name, req, v)
			utilruntime.HandleError(err)
		}
	}()
	return c.Reconciler.Reconcile(ctx, req)
}
