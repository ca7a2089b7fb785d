package deployment

import (
	"context"
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Rollback event reasons.
const (
	ReasonRollbackRevisionNotFound  = "DeploymentRollbackRevisionNotFound"
	ReasonRollbackTemplateUnchanged = "DeploymentRollbackTemplateUnchanged"
	ReasonRollbackDone              = "DeploymentRollback"
)

// rollbackTo reads the deprecated rollbackTo revision from its
// annotation; nil when there is none or it is not a number.
func rollbackTo(d *appsv1.Deployment) *int64 {
	v := d.Annotations[RollbackToAnnotation]
	if v == "" {
		return nil
	}
	rev, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil
	}
	return &rev
}

// rollback copies the template of the ReplicaSet of the requested
// revision (0: the previous one) into the Deployment and clears the
// request; the next sync rolls that template out as a new revision
// (upstream's rollback.go). kubectl rollout undo does the copy itself,
// with a patch, and never gets here.
func (c *Controller) rollback(ctx context.Context, d *appsv1.Deployment, rsList []*appsv1.ReplicaSet) error {
	newRS, oldRSs, err := c.getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true)
	if err != nil {
		return err
	}
	all := append(oldRSs, newRS)
	to := *rollbackTo(d)
	if to == 0 {
		if to = lastRevision(all); to == 0 {
			c.recorder.Eventf(d, corev1.EventTypeWarning, ReasonRollbackRevisionNotFound, "Unable to find last revision.")
			return c.clearRollbackTo(ctx, d)
		}
	}
	for _, rs := range all {
		if rs == nil {
			continue
		}
		if v, err := revision(rs.Annotations); err != nil || v != to {
			continue
		}
		done, err := c.rollbackToTemplate(ctx, d, rs)
		if done && err == nil {
			c.recorder.Eventf(d, corev1.EventTypeNormal, ReasonRollbackDone, "Rolled back deployment %q to revision %d", d.Name, to)
		}
		return err
	}
	c.recorder.Eventf(d, corev1.EventTypeWarning, ReasonRollbackRevisionNotFound, "Unable to find the revision to rollback to.")
	return c.clearRollbackTo(ctx, d)
}

// rollbackToTemplate sets the Deployment's template and annotations to
// the ReplicaSet's, unless they are the same already.
func (c *Controller) rollbackToTemplate(ctx context.Context, d *appsv1.Deployment, rs *appsv1.ReplicaSet) (bool, error) {
	done := false
	if !equalIgnoreHash(&d.Spec.Template, &rs.Spec.Template) {
		d.Spec.Template = *rs.Spec.Template.DeepCopy()
		delete(d.Spec.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
		// The annotations go back too, or the current ones (the new
		// ReplicaSet's) would be copied onto the rolled-back ReplicaSet.
		setDeploymentAnnotationsTo(d, rs)
		done = true
	} else {
		c.recorder.Event(d, corev1.EventTypeWarning, ReasonRollbackTemplateUnchanged,
			fmt.Sprintf("The rollback revision contains the same template as current deployment %q", d.Name))
	}
	return done, c.clearRollbackTo(ctx, d)
}

func (c *Controller) clearRollbackTo(ctx context.Context, d *appsv1.Deployment) error {
	delete(d.Annotations, RollbackToAnnotation)
	_, err := c.client.AppsV1().Deployments(d.Namespace).Update(ctx, d, metav1.UpdateOptions{})
	return err
}
