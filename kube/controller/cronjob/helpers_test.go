package cronjob_test

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

// newCronJob runs, on schedule, a Job whose pod exits with code after
// runFor (as the sim.kubesim.io annotations script it).
func newCronJob(name, schedule string, code int, runFor time.Duration) *batchv1.CronJob {
	return &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: batchv1.CronJobSpec{
			Schedule: schedule,
			JobTemplate: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"cron": name}},
				Spec: batchv1.JobSpec{
					BackoffLimit: ptr.To[int32](0),
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{
							"sim.kubesim.io/exit-code": strconv.Itoa(code),
							"sim.kubesim.io/run-for":   runFor.String(),
						}},
						Spec: corev1.PodSpec{
							RestartPolicy:                 corev1.RestartPolicyNever,
							TerminationGracePeriodSeconds: ptr.To[int64](1),
							Containers:                    []corev1.Container{{Name: "work", Image: "busybox"}},
						},
					},
				},
			},
		},
	}
}

func start(t testing.TB, opts ...testkit.Option) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, append([]testkit.Option{testkit.WithNodes(1)}, opts...)...)
	return env, env.Client()
}

// startIdle starts a cluster without nodes: Jobs are created and stay
// active, their pods pending, and long spans of virtual time cost
// little (no node heartbeats).
func startIdle(t testing.TB, opts ...testkit.Option) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, opts...)
	return env, env.Client()
}

func create(t testing.TB, c kubernetes.Interface, cj *batchv1.CronJob) *batchv1.CronJob {
	t.Helper()
	out, err := c.BatchV1().CronJobs(ns).Create(ctx, cj, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func getCronJob(t testing.TB, c kubernetes.Interface, name string) *batchv1.CronJob {
	t.Helper()
	cj, err := c.BatchV1().CronJobs(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cj
}

func update(t testing.TB, c kubernetes.Interface, name string, change func(*batchv1.CronJob)) {
	t.Helper()
	cj := getCronJob(t, c, name)
	change(cj)
	if _, err := c.BatchV1().CronJobs(ns).Update(ctx, cj, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// jobs lists the Jobs of a CronJob, by name (that is, by schedule time).
func jobs(t testing.TB, c kubernetes.Interface, cronJob string) []batchv1.Job {
	t.Helper()
	list, err := c.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{LabelSelector: "cron=" + cronJob})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	return list.Items
}

func finished(j batchv1.Job) (bool, batchv1.JobConditionType) {
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return true, c.Type
		}
	}
	return false, ""
}

// unfinished counts the Jobs that are running: not finished, not being
// deleted.
func unfinished(js []batchv1.Job) int {
	n := 0
	for _, j := range js {
		if done, _ := finished(j); !done && j.DeletionTimestamp == nil {
			n++
		}
	}
	return n
}

func countFinished(js []batchv1.Job, how batchv1.JobConditionType) int {
	n := 0
	for _, j := range js {
		if done, t := finished(j); done && t == how && j.DeletionTimestamp == nil {
			n++
		}
	}
	return n
}

// events lists "Reason: message" of the events about a CronJob, repeated
// events unfolded.
func events(t testing.TB, c kubernetes.Interface, name string) []string {
	t.Helper()
	sel := fields.Set{"involvedObject.kind": "CronJob", "involvedObject.name": name}.AsSelector().String()
	list, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	items := list.Items
	sort.SliceStable(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	var out []string
	for _, e := range items {
		for i := int32(0); i < max(e.Count, 1); i++ {
			out = append(out, e.Reason+": "+e.Message)
		}
	}
	return out
}

func countPrefix(list []string, prefix string) int {
	n := 0
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// jobNameAt is the name of the Job of the firing at t.
func jobNameAt(cronJob string, t time.Time) string {
	return cronJob + "-" + strconv.FormatInt(t.Unix()/60, 10)
}

// scheduledTime reads a Job's batch.kubernetes.io/cronjob-scheduled-timestamp.
func scheduledTime(t testing.TB, j batchv1.Job) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, j.Annotations[batchv1.CronJobScheduledTimestampAnnotation])
	if err != nil {
		t.Fatalf("Job %s: %v", j.Name, err)
	}
	return at
}

// lastFiringBefore is the last "*/1 * * * *" firing at or before t.
func lastFiringBefore(t time.Time) time.Time { return t.Truncate(time.Minute) }
