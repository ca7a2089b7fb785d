package registry

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Labels the Job registry puts on a Job's pod template and selector
// (pkg/registry/batch/job/strategy.go generateSelector).
const (
	jobControllerUIDLabel       = "batch.kubernetes.io/controller-uid"
	jobNameLabel                = "batch.kubernetes.io/job-name"
	legacyJobControllerUIDLabel = "controller-uid"
	legacyJobNameLabel          = "job-name"
)

var jobHooks = Hooks{
	PrepareForCreate: func(ctx context.Context, obj runtime.Object) {
		job := obj.(*batchv1.Job)
		if job.Spec.ManualSelector == nil || !*job.Spec.ManualSelector {
			generateJobSelector(job)
		}
	},
}

// generateJobSelector labels the pod template with the Job's uid and name
// and selects the pods by the uid, so that the Job owns exactly its pods.
func generateJobSelector(job *batchv1.Job) {
	labels := job.Spec.Template.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	uid := string(job.UID)
	for k, v := range map[string]string{
		jobControllerUIDLabel: uid, legacyJobControllerUIDLabel: uid,
		jobNameLabel: job.Name, legacyJobNameLabel: job.Name,
	} {
		if _, ok := labels[k]; !ok {
			labels[k] = v
		}
	}
	job.Spec.Template.Labels = labels
	if job.Spec.Selector == nil {
		job.Spec.Selector = &metav1.LabelSelector{}
	}
	if job.Spec.Selector.MatchLabels == nil {
		job.Spec.Selector.MatchLabels = map[string]string{}
	}
	if _, ok := job.Spec.Selector.MatchLabels[jobControllerUIDLabel]; !ok {
		job.Spec.Selector.MatchLabels[jobControllerUIDLabel] = uid
	}
}
