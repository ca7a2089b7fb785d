package endpointslice

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// apply writes a plan: creates, then updates, then deletes, as upstream's
// finalize does, so that endpoints move between slices without a gap.
func (c *Controller) apply(ctx context.Context, svc *corev1.Service, p plan, trigger time.Time) error {
	slices := c.client.DiscoveryV1().EndpointSlices(svc.Namespace)
	for _, s := range p.create {
		setTriggerTime(s, trigger)
		if _, err := slices.Create(ctx, s, metav1.CreateOptions{}); err != nil {
			// A terminating namespace refuses new objects; the
			// namespace controller is removing the Service anyway.
			if apierrors.IsForbidden(err) {
				return nil
			}
			return fmt.Errorf("create EndpointSlice for Service %s/%s: %w", svc.Namespace, svc.Name, err)
		}
	}
	for _, s := range p.update {
		setTriggerTime(s, trigger)
		if _, err := slices.Update(ctx, s, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("update EndpointSlice %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	for _, s := range p.delete {
		err := slices.Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete EndpointSlice %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	return nil
}
