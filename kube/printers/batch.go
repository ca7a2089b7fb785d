package printers

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

func addBatchPrinters(r registry) {
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Status", "string", "Status of the job."),
		column("Completions", "string", batchv1.JobStatus{}.SwaggerDoc()["succeeded"]),
		column("Duration", "string", "Time required to complete the job."),
		ageColumn(), containersColumn(), imagesColumn(),
		wide("Selector", "string", batchv1.JobSpec{}.SwaggerDoc()["selector"]),
	}, jobCells)

	cronSpec := batchv1.CronJobSpec{}.SwaggerDoc()
	add(r, []metav1.TableColumnDefinition{
		nameColumn(),
		column("Schedule", "string", cronSpec["schedule"]),
		column("Timezone", "string", cronSpec["timeZone"]),
		column("Suspend", "boolean", cronSpec["suspend"]),
		column("Active", "integer", batchv1.CronJobStatus{}.SwaggerDoc()["active"]),
		column("Last Schedule", "string", batchv1.CronJobStatus{}.SwaggerDoc()["lastScheduleTime"]),
		ageColumn(), containersColumn(), imagesColumn(),
		wide("Selector", "string", batchv1.JobSpec{}.SwaggerDoc()["selector"]),
	}, cronJobCells)
}

func jobCells(job *batchv1.Job, e env) []any {
	names, images := containerCells(job.Spec.Template.Spec.Containers)
	return []any{job.Name, jobStatus(job), jobCompletions(job), jobDuration(job, e), e.age(job.CreationTimestamp),
		names, images, metav1.FormatLabelSelector(job.Spec.Selector)}
}

// jobCompletions reads "succeeded/completions"; a job without completions
// needs one success, shown with its parallelism when above one.
func jobCompletions(job *batchv1.Job) string {
	if job.Spec.Completions != nil {
		return fmt.Sprintf("%d/%d", job.Status.Succeeded, *job.Spec.Completions)
	}
	if p := deref(job.Spec.Parallelism); p > 1 {
		return fmt.Sprintf("%d/1 of %d", job.Status.Succeeded, p)
	}
	return fmt.Sprintf("%d/1", job.Status.Succeeded)
}

// jobDuration is empty before the job starts, then runs until completion.
func jobDuration(job *batchv1.Job, e env) string {
	switch {
	case job.Status.StartTime == nil:
		return ""
	case job.Status.CompletionTime == nil:
		return duration.HumanDuration(e.now.Sub(job.Status.StartTime.Time))
	default:
		return duration.HumanDuration(job.Status.CompletionTime.Sub(job.Status.StartTime.Time))
	}
}

// jobStatus follows upstream's precedence: final conditions first, then
// deletion, then the transitional conditions.
func jobStatus(job *batchv1.Job) string {
	switch {
	case jobCondition(job, batchv1.JobComplete):
		return "Complete"
	case jobCondition(job, batchv1.JobFailed):
		return "Failed"
	case job.DeletionTimestamp != nil:
		return "Terminating"
	case jobCondition(job, batchv1.JobSuspended):
		return "Suspended"
	case jobCondition(job, batchv1.JobFailureTarget):
		return "FailureTarget"
	case jobCondition(job, batchv1.JobSuccessCriteriaMet):
		return "SuccessCriteriaMet"
	default:
		return "Running"
	}
}

// jobCondition reports whether the first condition of type t is True.
func jobCondition(job *batchv1.Job, t batchv1.JobConditionType) bool {
	for _, c := range job.Status.Conditions {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func cronJobCells(cj *batchv1.CronJob, e env) []any {
	lastSchedule := "<none>"
	if cj.Status.LastScheduleTime != nil {
		lastSchedule = e.age(*cj.Status.LastScheduleTime)
	}
	timeZone := "<none>"
	if cj.Spec.TimeZone != nil {
		timeZone = *cj.Spec.TimeZone
	}
	tmpl := cj.Spec.JobTemplate.Spec
	names, images := containerCells(tmpl.Template.Spec.Containers)
	// SUSPEND is declared boolean but upstream fills it with a string.
	return []any{cj.Name, cj.Spec.Schedule, timeZone, boolPtr(cj.Spec.Suspend), int64(len(cj.Status.Active)),
		lastSchedule, e.age(cj.CreationTimestamp), names, images, metav1.FormatLabelSelector(tmpl.Selector)}
}
