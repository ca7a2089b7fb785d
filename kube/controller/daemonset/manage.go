package daemonset

import (
	"context"
	"fmt"
	"sort"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// Event reasons, as upstream's daemon_controller.go and controller_utils.go
// have them.
const (
	FailedDaemonPodReason    = "FailedDaemonPod"
	SucceededDaemonPodReason = "SucceededDaemonPod"
	SuccessfulCreateReason   = "SuccessfulCreate"
	FailedCreateReason       = "FailedCreate"
	SuccessfulDeleteReason   = "SuccessfulDelete"
	FailedDeleteReason       = "FailedDelete"
)

const (
	// burstReplicas caps the pods one sync creates or deletes (upstream's
	// BurstReplicas).
	burstReplicas = 250
	// slowStartInitialBatchSize is the first batch of pod creations.
	slowStartInitialBatchSize = 1
)

// manage creates a pod on each node that should run one and has none, and
// deletes the pods of nodes that should not run them, failed and
// succeeded pods, and surplus pods (upstream's manage). It reports
// whether it wrote anything.
func (c *Controller) manage(ctx context.Context, ds *appsv1.DaemonSet, nodes []*corev1.Node, hash string) (bool, error) {
	byNode, err := c.nodesToDaemonPods(ctx, ds, false)
	if err != nil {
		return false, fmt.Errorf("couldn't get node to daemon pod mapping for daemon set %q: %w", ds.Name, err)
	}
	p := newPlacement(ds)
	var create, del []string
	for _, node := range nodes {
		cr, dl := c.podsShouldBeOnNode(ds, p, node, byNode, hash)
		create = append(create, cr...)
		del = append(del, dl...)
	}
	// Pods never scheduled whose node is gone: nothing else deletes them.
	del = append(del, unscheduledPodsWithoutNode(nodes, byNode)...)
	return len(create)+len(del) > 0, c.syncNodes(ctx, ds, del, create, hash)
}

// podsShouldBeOnNode decides what to do on one node: create a pod, or
// delete failed, succeeded, surplus or unwanted ones (upstream's
// podsShouldBeOnNode). With surge allowed, a node may keep an old and a
// new pod until the new one is available.
func (c *Controller) podsShouldBeOnNode(ds *appsv1.DaemonSet, p *placement, node *corev1.Node, byNode map[string][]*corev1.Pod, hash string) (create, del []string) {
	shouldRun, shouldContinue := p.shouldRun(node)
	pods, exists := byNode[node.Name]
	switch {
	case shouldRun && !exists:
		return []string{node.Name}, nil
	case shouldContinue:
		running, del := c.pruneFinished(ds, node, pods)
		if !allowsSurge(ds) {
			if len(running) > 1 {
				sort.Slice(running, byCreation(running))
				for _, pod := range running[1:] {
					del = append(del, pod.Name)
				}
			}
			return nil, del
		}
		if len(running) <= 1 {
			if len(running) == 0 && shouldRun {
				create = []string{node.Name}
			}
			return create, del
		}
		return nil, append(del, c.surplusSurgePods(ds, running, hash)...)
	case exists:
		for _, pod := range pods {
			if pod.DeletionTimestamp == nil {
				del = append(del, pod.Name)
			}
		}
	}
	return nil, del
}

// pruneFinished splits the node's pods into the running ones and the
// failed and succeeded ones to delete; failed pods are deleted with a
// back-off per node, so that a pod the kubelet keeps rejecting is not
// replaced in a hot loop.
func (c *Controller) pruneFinished(ds *appsv1.DaemonSet, node *corev1.Node, pods []*corev1.Pod) (running []*corev1.Pod, del []string) {
	now := c.now()
	for _, pod := range pods {
		if pod.DeletionTimestamp != nil {
			continue
		}
		switch pod.Status.Phase {
		case corev1.PodFailed:
			key := fmt.Sprintf("%s/%d/%s", ds.UID, ds.Status.ObservedGeneration, node.Name)
			if wait, delay := c.failedPods.inBackoff(key, now); wait {
				c.queue.AddAfter(requestFor(ds), delay)
				continue
			}
			c.failedPods.next(key, now)
			c.recorder.Eventf(ds, corev1.EventTypeWarning, FailedDaemonPodReason,
				"Found failed daemon pod %s/%s on node %s, will try to kill it", pod.Namespace, pod.Name, node.Name)
			del = append(del, pod.Name)
		case corev1.PodSucceeded:
			c.recorder.Eventf(ds, corev1.EventTypeNormal, SucceededDaemonPodReason,
				"Found succeeded daemon pod %s/%s on node %s, will try to delete it", pod.Namespace, pod.Name, node.Name)
			del = append(del, pod.Name)
		default:
			running = append(running, pod)
		}
	}
	return running, del
}

// surplusSurgePods keeps, of a surging node's pods, the oldest new one and
// the oldest old one, and the old one only while it is ready and the new
// one is not yet available.
func (c *Controller) surplusSurgePods(ds *appsv1.DaemonSet, running []*corev1.Pod, hash string) []string {
	var del []string
	var oldestNew, oldestOld *corev1.Pod
	sort.Slice(running, byCreation(running))
	for _, pod := range running {
		if pod.Labels[appsv1.ControllerRevisionHashLabelKey] == hash {
			if oldestNew == nil {
				oldestNew = pod
				continue
			}
		} else if oldestOld == nil {
			oldestOld = pod
			continue
		}
		del = append(del, pod.Name)
	}
	if oldestNew != nil && oldestOld != nil &&
		(!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.Spec.MinReadySeconds, c.now())) {
		del = append(del, oldestOld.Name)
	}
	return del
}

// unscheduledPodsWithoutNode are the pods not yet bound whose target node
// does not exist.
func unscheduledPodsWithoutNode(nodes []*corev1.Node, byNode map[string][]*corev1.Pod) []string {
	exists := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		exists[n.Name] = true
	}
	var out []string
	for node, pods := range byNode {
		if exists[node] {
			continue
		}
		for _, pod := range pods {
			if pod.Spec.NodeName == "" {
				out = append(out, pod.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// syncNodes deletes the given pods and creates a pod on each given node,
// at most burstReplicas of each; creations go in slow-start batches (1,
// 2, 4, ...) that stop after a batch with a failure (upstream's syncNodes).
func (c *Controller) syncNodes(ctx context.Context, ds *appsv1.DaemonSet, del, create []string, hash string) error {
	create, del = create[:min(len(create), burstReplicas)], del[:min(len(del), burstReplicas)]
	template := podTemplate(ds, templateGeneration(ds), hash)
	var mu sync.Mutex
	var errs []error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	for pos, batch := 0, min(len(create), slowStartInitialBatchSize); pos < len(create); pos, batch = pos+batch, min(2*batch, len(create)-pos-batch) {
		before := len(errs)
		var wg sync.WaitGroup
		for _, node := range create[pos : pos+batch] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := c.createPod(ctx, ds, &template, node); err != nil && !apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
					fail(err)
				}
			}()
		}
		wg.Wait()
		if len(errs) > before {
			break // the skipped pods are retried by a later sync
		}
	}
	var wg sync.WaitGroup
	for _, name := range del {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.deletePod(ctx, ds, name); err != nil && !apierrors.IsNotFound(err) {
				fail(err)
			}
		}()
	}
	wg.Wait()
	return utilerrors.NewAggregate(errs)
}

// createPod creates a pod from the template, pinned to node (upstream's
// RealPodControl.CreatePods with GetPodFromTemplate).
func (c *Controller) createPod(ctx context.Context, ds *appsv1.DaemonSet, template *corev1.PodTemplateSpec, node string) error {
	t := template.DeepCopy()
	t.Spec.Affinity = pinToNode(t.Spec.Affinity, node)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Labels:          t.Labels,
			Annotations:     t.Annotations,
			GenerateName:    podsPrefix(ds.Name),
			Finalizers:      t.Finalizers,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(ds, controllerKind)},
		},
		Spec: t.Spec,
	}
	if len(pod.Labels) == 0 {
		return fmt.Errorf("unable to create pods, no labels")
	}
	created, err := c.client.CoreV1().Pods(ds.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		if !apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
			c.recorder.Eventf(ds, corev1.EventTypeWarning, FailedCreateReason, "Error creating: %v", err)
		}
		return err
	}
	c.recorder.Eventf(ds, corev1.EventTypeNormal, SuccessfulCreateReason, "Created pod: %v", created.Name)
	return nil
}

// deletePod deletes a pod with its default grace period (upstream's
// RealPodControl.DeletePod).
func (c *Controller) deletePod(ctx context.Context, ds *appsv1.DaemonSet, name string) error {
	err := c.client.CoreV1().Pods(ds.Namespace).Delete(ctx, name, metav1.DeleteOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return err
	case err != nil:
		c.recorder.Eventf(ds, corev1.EventTypeWarning, FailedDeleteReason, "Error deleting: %v", err)
		return fmt.Errorf("unable to delete pods: %w", err)
	}
	c.recorder.Eventf(ds, corev1.EventTypeNormal, SuccessfulDeleteReason, "Deleted pod: %v", name)
	return nil
}

// podsPrefix is "<ds>-" unless that is not a valid name prefix.
func podsPrefix(name string) string {
	prefix := name + "-"
	if len(apimachineryvalidation.NameIsDNSSubdomain(prefix, true)) != 0 {
		return name
	}
	return prefix
}
