package deployment

import (
	"context"
	"fmt"
	"reflect"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/kube/controller"
)

// syncRolloutStatus writes the status during a rollout, with the
// Progressing condition: NewReplicaSetAvailable once complete,
// ReplicaSetUpdated while it progresses (refreshing lastUpdateTime), and
// ProgressDeadlineExceeded when it has not progressed for
// progressDeadlineSeconds; and the ReplicaFailure condition of its
// ReplicaSets (upstream's progress.go).
func (c *Controller) syncRolloutStatus(ctx context.Context, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet, d *appsv1.Deployment) error {
	now := c.now()
	st := calculateStatus(all, newRS, d, now)
	if !hasProgressDeadline(d) {
		removeCondition(&st, appsv1.DeploymentProgressing)
	}
	cur := getCondition(d.Status, appsv1.DeploymentProgressing)
	complete := st.Replicas == st.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewRSAvailable
	if hasProgressDeadline(d) && !complete {
		c.setProgressing(&st, cur, newRS, d, now)
	}
	if failures := replicaFailures(all, newRS); len(failures) > 0 {
		setCondition(&st, failures[0])
	} else {
		removeCondition(&st, appsv1.DeploymentReplicaFailure)
	}
	if reflect.DeepEqual(d.Status, st) {
		c.requeueStuckDeployment(d, st, now)
		return nil
	}
	d.Status = st
	return c.updateStatus(ctx, d)
}

func (c *Controller) setProgressing(st *appsv1.DeploymentStatus, cur *appsv1.DeploymentCondition, newRS *appsv1.ReplicaSet, d *appsv1.Deployment, now time.Time) {
	subject := fmt.Sprintf("Deployment %q", d.Name)
	if newRS != nil {
		subject = fmt.Sprintf("ReplicaSet %q", newRS.Name)
	}
	switch {
	case deploymentComplete(d, st):
		setCondition(st, newCondition(now, appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonNewRSAvailable, subject+" has successfully progressed."))
	case deploymentProgressing(d, st):
		// Progress refreshes lastUpdateTime even with the same reason,
		// which setCondition would not do.
		cond := newCondition(now, appsv1.DeploymentProgressing, corev1.ConditionTrue, ReasonReplicaSetUpdated, subject+" is progressing.")
		if cur != nil {
			if cur.Status == corev1.ConditionTrue {
				cond.LastTransitionTime = cur.LastTransitionTime
			}
			removeCondition(st, appsv1.DeploymentProgressing)
		}
		setCondition(st, cond)
	case deploymentTimedOut(d, st, now):
		setCondition(st, newCondition(now, appsv1.DeploymentProgressing, corev1.ConditionFalse, ReasonTimedOut, subject+" has timed out progressing."))
	}
}

// replicaFailures turns the ReplicaFailure conditions of the new
// ReplicaSet, else of the others, into Deployment conditions.
func replicaFailures(all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) []appsv1.DeploymentCondition {
	collect := func(rss []*appsv1.ReplicaSet) []appsv1.DeploymentCondition {
		var out []appsv1.DeploymentCondition
		for _, rs := range rss {
			if rs == nil {
				continue
			}
			for _, c := range rs.Status.Conditions {
				if c.Type == appsv1.ReplicaSetReplicaFailure {
					out = append(out, appsv1.DeploymentCondition{
						Type: appsv1.DeploymentConditionType(c.Type), Status: c.Status, Reason: c.Reason, Message: c.Message,
						LastTransitionTime: c.LastTransitionTime, LastUpdateTime: c.LastTransitionTime,
					})
				}
			}
		}
		return out
	}
	if out := collect([]*appsv1.ReplicaSet{newRS}); len(out) > 0 {
		return out
	}
	return collect(all)
}

// requeueStuckDeployment looks at a Deployment again when its progress
// deadline passes, if nothing else happens before.
func (c *Controller) requeueStuckDeployment(d *appsv1.Deployment, st appsv1.DeploymentStatus, now time.Time) {
	cur := getCondition(d.Status, appsv1.DeploymentProgressing)
	if !hasProgressDeadline(d) || cur == nil {
		return
	}
	if deploymentComplete(d, &st) || cur.Reason == ReasonTimedOut {
		return
	}
	req := controller.Request{Namespace: d.Namespace, Name: d.Name}
	after := cur.LastUpdateTime.Add(time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second).Sub(now)
	if after < time.Second {
		klog.V(4).InfoS("Queueing up deployment for a progress check now", "deployment", klog.KObj(d))
		c.queue.AddRateLimited(req)
		return
	}
	// A second more, as upstream, so that the deadline has passed.
	c.queue.AddAfter(req, after+time.Second)
}

// deploymentComplete: every replica updated and available, and the
// latest spec observed.
func deploymentComplete(d *appsv1.Deployment, st *appsv1.DeploymentStatus) bool {
	return st.UpdatedReplicas == replicas(d) && st.Replicas == replicas(d) &&
		st.AvailableReplicas == replicas(d) && st.ObservedGeneration >= d.Generation
}

// deploymentProgressing: compared with the last status, more pods were
// updated, ready or available, or old ones went away.
func deploymentProgressing(d *appsv1.Deployment, st *appsv1.DeploymentStatus) bool {
	old := d.Status
	return st.UpdatedReplicas > old.UpdatedReplicas ||
		st.Replicas-st.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		st.ReadyReplicas > old.ReadyReplicas ||
		st.AvailableReplicas > old.AvailableReplicas
}

// deploymentTimedOut: the last progress (or creation, or resumption) is
// more than progressDeadlineSeconds ago.
func deploymentTimedOut(d *appsv1.Deployment, st *appsv1.DeploymentStatus, now time.Time) bool {
	if !hasProgressDeadline(d) {
		return false
	}
	cond := getCondition(*st, appsv1.DeploymentProgressing)
	if cond == nil || cond.Reason == ReasonNewRSAvailable {
		return false
	}
	if cond.Reason == ReasonTimedOut {
		return true
	}
	deadline := time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second
	return cond.LastUpdateTime.Add(deadline).Before(now)
}
