package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"

	"github.com/kubesim/kubesim/kube/scheduler/framework"
)

// scheduleOne makes one scheduling attempt for a pod: place it and bind
// it, or record why it cannot be placed and, if preemption can help,
// evict lower-priority pods to make room.
func (s *Scheduler) scheduleOne(ctx context.Context, queued *corev1.Pod, attempts int) {
	obj := s.m.Store.View().Get("pods", queued.Namespace, queued.Name)
	pod, _ := obj.(*corev1.Pod)
	if pod == nil || pod.UID != queued.UID || pod.Spec.NodeName != "" || !s.responsibleFor(pod) {
		s.queue.remove(queued.UID)
		return
	}
	res, err := s.fw.Schedule(ctx, s.snap, pod)
	var fitErr *framework.FitError
	switch {
	case err == nil:
		s.bind(ctx, pod, res.SuggestedHost)
	case errors.As(err, &fitErr):
		nominated := s.preempt(ctx, pod, fitErr)
		s.fail(ctx, pod, corev1.PodReasonUnschedulable, fitErr.Error(), nominated)
		s.queue.failed(pod.UID, true)
	case errors.Is(err, framework.ErrNoNodesAvailable):
		s.fail(ctx, pod, corev1.PodReasonUnschedulable, err.Error(), nil)
		s.queue.failed(pod.UID, true)
	default:
		s.fail(ctx, pod, corev1.PodReasonSchedulerError, err.Error(), nil)
		s.queue.failed(pod.UID, false)
	}
}

// bind assumes the pod on the node, so the next decision counts it,
// writes its volume decisions (PreBind), and binds it through
// pods/binding, at once or, when its claims are still being bound, once
// the volume binder sees them bound.
func (s *Scheduler) bind(ctx context.Context, pod *corev1.Pod, node string) {
	if err := s.snap.AssumePod(pod, node); err != nil {
		s.fail(ctx, pod, corev1.PodReasonSchedulerError, err.Error(), nil)
		s.queue.failed(pod.UID, false)
		return
	}
	wait, err := s.volumes.preBind(ctx, pod, node)
	if err != nil {
		_ = s.snap.RemovePod(pod.UID)
		s.fail(ctx, pod, corev1.PodReasonSchedulerError, err.Error(), nil)
		s.queue.failed(pod.UID, false)
		return
	}
	if wait {
		s.queue.scheduled(pod.UID)
		return
	}
	s.bindPod(ctx, pod, node, func() { s.queue.failed(pod.UID, false) })
}

// bindPod binds an assumed pod through pods/binding; requeue puts it back
// in the queue if the API server refuses.
func (s *Scheduler) bindPod(ctx context.Context, pod *corev1.Pod, node string, requeue func()) {
	b := &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: node},
	}
	if err := s.m.Client.CoreV1().Pods(pod.Namespace).Bind(ctx, b, metav1.CreateOptions{}); err != nil {
		_ = s.snap.RemovePod(pod.UID)
		if apierrors.IsNotFound(err) {
			s.queue.remove(pod.UID)
			return
		}
		s.fail(ctx, pod, corev1.PodReasonSchedulerError, "Binding rejected: "+err.Error(), nil)
		requeue()
		return
	}
	s.queue.scheduled(pod.UID)
	s.recorder.Eventf(pod, corev1.EventTypeNormal, "Scheduled", "Successfully assigned %v/%v to %v", pod.Namespace, pod.Name, node)
}

// fail records a failed attempt: the FailedScheduling event, and the
// PodScheduled=False condition (with the nominated node, if any) when it
// changed.
func (s *Scheduler) fail(ctx context.Context, pod *corev1.Pod, reason, message string, nominated *string) {
	s.recorder.Event(pod, corev1.EventTypeWarning, "FailedScheduling", message)
	cond := corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: reason, Message: message}
	old := podCondition(pod, corev1.PodScheduled)
	sameCond := old != nil && old.Status == cond.Status && old.Reason == cond.Reason && old.Message == cond.Message
	sameNomination := nominated == nil || *nominated == pod.Status.NominatedNodeName
	if sameCond && sameNomination {
		return
	}
	cond.LastTransitionTime = metav1.NewTime(s.m.Clock.Now().Truncate(time.Second))
	if old != nil && old.Status == cond.Status {
		cond.LastTransitionTime = old.LastTransitionTime
	}
	status := map[string]any{"conditions": []corev1.PodCondition{cond}}
	if nominated != nil {
		status["nominatedNodeName"] = *nominated
	}
	s.patchStatus(ctx, pod, status)
}

func (s *Scheduler) patchStatus(ctx context.Context, pod *corev1.Pod, status map[string]any) {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"uid": pod.UID}, "status": status})
	if err != nil {
		return
	}
	_, err = s.m.Client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
	if err != nil && !apierrors.IsNotFound(err) {
		klog.V(2).InfoS("Could not update pod status", "pod", klog.KObj(pod), "err", err)
	}
}

func podCondition(pod *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range pod.Status.Conditions {
		if pod.Status.Conditions[i].Type == t {
			return &pod.Status.Conditions[i]
		}
	}
	return nil
}

// preempt runs DefaultPreemption for a pod that does not fit: the victims
// get the DisruptionTarget condition and are deleted (gracefully), lower
// priority pods nominated to the node lose their nomination, and the pod is
// nominated to the node. It returns the nomination to record, if any.
func (s *Scheduler) preempt(ctx context.Context, pod *corev1.Pod, fitErr *framework.FitError) *string {
	if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy == corev1.PreemptNever {
		return nil
	}
	res, err := s.fw.Preempt(ctx, s.snap, pod, fitErr, framework.PreemptOptions{PodDisruptionBudgets: s.pdbs(), Now: s.m.Clock.Now()})
	if err != nil || res == nil {
		return nil
	}
	if res.ClearNominatedNodeName && pod.Status.NominatedNodeName != "" {
		s.snap.RemoveNominatedPod(pod.UID)
		empty := ""
		return &empty
	}
	if res.NominatedNodeName == "" {
		return nil
	}
	for _, v := range res.Victims {
		s.evict(ctx, pod, v, res.NominatedNodeName)
	}
	for _, p := range res.LowerPriorityNominatedPods {
		s.snap.RemoveNominatedPod(p.UID)
		s.patchStatus(ctx, p, map[string]any{"nominatedNodeName": nil})
	}
	s.snap.AddNominatedPod(pod, res.NominatedNodeName)
	node := res.NominatedNodeName
	return &node
}

// evict removes a preemption victim as kube-scheduler does: mark it with
// DisruptionTarget, delete it with its own grace period, and say so.
func (s *Scheduler) evict(ctx context.Context, preemptor, victim *corev1.Pod, node string) {
	cond := corev1.PodCondition{
		Type:               corev1.DisruptionTarget,
		Status:             corev1.ConditionTrue,
		Reason:             corev1.PodReasonPreemptionByScheduler,
		Message:            fmt.Sprintf("%s: preempting to accommodate a higher priority pod", DefaultSchedulerName),
		LastTransitionTime: metav1.NewTime(s.m.Clock.Now().Truncate(time.Second)),
	}
	s.patchStatus(ctx, victim, map[string]any{"conditions": []corev1.PodCondition{cond}})
	uid := victim.UID
	err := s.m.Client.CoreV1().Pods(victim.Namespace).Delete(ctx, victim.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) {
		klog.V(2).InfoS("Could not delete preemption victim", "pod", klog.KObj(victim), "err", err)
		return
	}
	s.recorder.Eventf(victim, corev1.EventTypeNormal, "Preempted", "Preempted by pod %v on node %v", preemptor.UID, node)
}
