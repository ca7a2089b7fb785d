package statefulset

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// The writes of pods and claims, with their events (upstream's
// stateful_pod_control.go).

// podUpdateAttempts bounds the retries of a pod update that meets a
// conflict (client-go's DefaultBackoff has 4 steps).
const podUpdateAttempts = 4

// createStatefulPod creates the pod's claims, then the pod, then sets the
// claims' owners for the retention policy.
func (c *Controller) createStatefulPod(ctx context.Context, set *appsv1.StatefulSet, pod *corev1.Pod) error {
	if err := c.createPersistentVolumeClaims(ctx, set, pod); err != nil {
		c.recordPodEvent("create", set, pod, err)
		return err
	}
	_, err := c.client.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return err // the next sync sees it
	}
	if err := c.updatePodClaimForRetentionPolicy(ctx, set, pod); err != nil {
		c.recordPodEvent("update", set, pod, err)
		return err
	}
	c.recordPodEvent("create", set, pod, err)
	return err
}

// updateStatefulPod fixes the pod's identity and storage (creating
// missing claims) and its claims' owners, and writes the pod if anything
// changed, reading it again after a conflict.
func (c *Controller) updateStatefulPod(ctx context.Context, set *appsv1.StatefulSet, pod *corev1.Pod) error {
	attempted := false
	var err error
	for attempt := 0; attempt < podUpdateAttempts; attempt++ {
		consistent := true
		if !identityMatches(set, pod) {
			updateIdentity(set, pod)
			consistent = false
		}
		if !storageMatches(set, pod) {
			updateStorage(set, pod)
			consistent = false
			if err = c.createPersistentVolumeClaims(ctx, set, pod); err != nil {
				c.recordPodEvent("update", set, pod, err)
				return err
			}
		}
		match, merr := c.claimsMatchRetentionPolicy(set, pod)
		if merr != nil {
			c.recordPodEvent("update", set, pod, merr)
			return merr
		}
		if !match {
			if err = c.updatePodClaimForRetentionPolicy(ctx, set, pod); err != nil {
				c.recordPodEvent("update", set, pod, err)
				return err
			}
			consistent = false
		}
		if consistent {
			return nil
		}
		attempted = true
		_, err = c.client.CoreV1().Pods(pod.Namespace).Update(ctx, pod, metav1.UpdateOptions{})
		if err == nil || !apierrors.IsConflict(err) {
			break
		}
		if fresh, ok := c.store.View().Get(podsResource, pod.Namespace, pod.Name).(*corev1.Pod); ok {
			pod = fresh.DeepCopy()
		}
	}
	if attempted {
		c.recordPodEvent("update", set, pod, err)
	}
	return err
}

// deleteStatefulPod deletes the pod with its default grace period.
func (c *Controller) deleteStatefulPod(ctx context.Context, set *appsv1.StatefulSet, pod *corev1.Pod) error {
	err := c.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{})
	c.recordPodEvent("delete", set, pod, err)
	return err
}

// createPersistentVolumeClaims creates the pod's claims that do not
// exist; a claim being deleted is an error, so that the pod waits for it
// to go.
func (c *Controller) createPersistentVolumeClaims(ctx context.Context, set *appsv1.StatefulSet, pod *corev1.Pod) error {
	var errs []error
	for _, nc := range podClaims(set, pod) {
		claim := nc.claim
		existing := c.getClaim(claim.Namespace, claim.Name)
		switch {
		case existing == nil:
			_, err := c.client.CoreV1().PersistentVolumeClaims(claim.Namespace).Create(ctx, &claim, metav1.CreateOptions{})
			if err != nil {
				errs = append(errs, fmt.Errorf("failed to create PVC %s: %w", claim.Name, err))
			}
			if err == nil || !apierrors.IsAlreadyExists(err) {
				c.recordClaimEvent("create", set, pod, &claim, err)
			}
		case existing.DeletionTimestamp != nil:
			errs = append(errs, fmt.Errorf("pvc %s is being deleted", claim.Name))
		}
	}
	return utilerrors.NewAggregate(errs)
}

// createMissingPersistentVolumeClaims creates the claims of a pending pod
// that are missing (someone deleted them) and sets their owners.
func (c *Controller) createMissingPersistentVolumeClaims(ctx context.Context, set *appsv1.StatefulSet, pod *corev1.Pod) error {
	if err := c.createPersistentVolumeClaims(ctx, set, pod); err != nil {
		return err
	}
	if err := c.updatePodClaimForRetentionPolicy(ctx, set, pod); err != nil {
		c.recordPodEvent("update", set, pod, err)
		return err
	}
	return nil
}

// getClaim reads a claim from the store; nil when there is none. The
// object is the stored one: never modify it.
func (c *Controller) getClaim(namespace, name string) *corev1.PersistentVolumeClaim {
	claim, _ := c.store.View().Get(claimsResource, namespace, name).(*corev1.PersistentVolumeClaim)
	return claim
}

// recordPodEvent records "SuccessfulCreate: create Pod web-0 in
// StatefulSet web successful", or its Failed warning.
func (c *Controller) recordPodEvent(verb string, set *appsv1.StatefulSet, pod *corev1.Pod, err error) {
	if err == nil {
		c.recorder.Eventf(set, corev1.EventTypeNormal, "Successful"+title(verb),
			"%s Pod %s in StatefulSet %s successful", strings.ToLower(verb), pod.Name, set.Name)
		return
	}
	c.recorder.Eventf(set, corev1.EventTypeWarning, "Failed"+title(verb),
		"%s Pod %s in StatefulSet %s failed error: %s", strings.ToLower(verb), pod.Name, set.Name, err)
}

// recordClaimEvent records "SuccessfulCreate: create Claim data-web-0 Pod
// web-0 in StatefulSet web success", or its Failed warning.
func (c *Controller) recordClaimEvent(verb string, set *appsv1.StatefulSet, pod *corev1.Pod, claim *corev1.PersistentVolumeClaim, err error) {
	if err == nil {
		c.recorder.Eventf(set, corev1.EventTypeNormal, "Successful"+title(verb),
			"%s Claim %s Pod %s in StatefulSet %s success", strings.ToLower(verb), claim.Name, pod.Name, set.Name)
		return
	}
	c.recorder.Eventf(set, corev1.EventTypeWarning, "Failed"+title(verb),
		"%s Claim %s for Pod %s in StatefulSet %s failed error: %s", strings.ToLower(verb), claim.Name, pod.Name, set.Name, err)
}

// title capitalises an ASCII verb, as strings.Title did upstream.
func title(verb string) string {
	if verb == "" {
		return verb
	}
	return strings.ToUpper(verb[:1]) + verb[1:]
}
