package validation

import (
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// job is a defaulted Job whose selector the registry generated.
func job(mutate func(*batchv1.Job)) *batchv1.Job {
	labels := map[string]string{"batch.kubernetes.io/controller-uid": "u1"}
	tmpl := podTemplate(labels)
	tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
	j := &batchv1.Job{ObjectMeta: om("pi", "ns"), Spec: batchv1.JobSpec{
		Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl,
	}}
	if mutate != nil {
		mutate(j)
	}
	return defaulted(j)
}

func TestJob(t *testing.T) {
	runCreate(t, []createCase{
		{"valid", job(nil), nil},
		{"restart always", job(func(j *batchv1.Job) { j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways }), []string{
			`spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`,
		}},
		{"negative counts", job(func(j *batchv1.Job) {
			j.Spec.Parallelism = ptr.To[int32](-1)
			j.Spec.BackoffLimit = ptr.To[int32](-2)
		}), []string{
			"spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
			"spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0",
		}},
		// Completions default to 1 only when parallelism is unset too.
		{"indexed without completions", job(func(j *batchv1.Job) {
			j.Spec.CompletionMode = ptr.To(batchv1.IndexedCompletion)
			j.Spec.Parallelism = ptr.To[int32](2)
		}), []string{
			"spec.completions: Required value: when completion mode is Indexed",
		}},
		{"pod failure policy", job(func(j *batchv1.Job) {
			j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
			j.Spec.PodFailurePolicy = &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{{
				Action:      batchv1.PodFailurePolicyActionFailJob,
				OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{3, 0}},
			}}}
		}), []string{
			"spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator",
			"spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0]: must be ordered",
			`spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified`,
		}},
	})
	old := job(nil)
	newImage := old.DeepCopy()
	newImage.Spec.Template.Spec.Containers[0].Image = "perl:2"
	errs := ValidateUpdate(newImage, old)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "spec.template: Invalid value: ") || !strings.HasSuffix(errs[0].Error(), ": field is immutable") {
		t.Errorf("template change: got %v, want spec.template: Invalid value: ...: field is immutable", errs)
	}
	suspended := job(func(j *batchv1.Job) { j.Spec.Suspend = ptr.To(true) })
	moved := suspended.DeepCopy()
	moved.Spec.Template.Spec.NodeSelector = map[string]string{"zone": "b"}
	runUpdate(t, []updateCase{
		{"suspended job may move", moved, suspended, nil},
		{"completions", job(func(j *batchv1.Job) { j.Spec.Completions = ptr.To[int32](3) }), old, []string{
			"spec.completions: Invalid value: 3: field is immutable",
		}},
	})
}

func cronJob(mutate func(*batchv1.CronJob)) *batchv1.CronJob {
	tmpl := podTemplate(nil)
	tmpl.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
	c := &batchv1.CronJob{ObjectMeta: om("nightly", "ns"), Spec: batchv1.CronJobSpec{
		Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmpl}},
	}}
	if mutate != nil {
		mutate(c)
	}
	return defaulted(c)
}

func TestCronJob(t *testing.T) {
	runCreate(t, []createCase{
		{"valid", cronJob(nil), nil},
		{"descriptor", cronJob(func(c *batchv1.CronJob) { c.Spec.Schedule = "@hourly" }), nil},
		{"bad schedule", cronJob(func(c *batchv1.CronJob) { c.Spec.Schedule = "* * *" }), []string{
			`spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]`,
		}},
		{"TZ in schedule", cronJob(func(c *batchv1.CronJob) { c.Spec.Schedule = "TZ=UTC 0 3 * * *" }), []string{
			`spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead`,
		}},
		{"time zone", cronJob(func(c *batchv1.CronJob) { c.Spec.TimeZone = ptr.To("Mars/Olympus") }), []string{
			`spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus`,
		}},
		{"concurrency and history", cronJob(func(c *batchv1.CronJob) {
			c.Spec.ConcurrencyPolicy = "Sometimes"
			c.Spec.FailedJobsHistoryLimit = ptr.To[int32](-1)
		}), []string{
			`spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"`,
			"spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
		}},
		{"long name", cronJob(func(c *batchv1.CronJob) { c.Name = strings.Repeat("a", 53) }), []string{
			`metadata.name: Invalid value: "` + strings.Repeat("a", 53) + `": must be no more than 52 characters`,
		}},
	})
}
