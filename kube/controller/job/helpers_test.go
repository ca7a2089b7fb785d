package job_test

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

// newJob is a Job whose pods run busybox and, as the sim.kubesim.io
// annotations script it, exit with code after runFor.
func newJob(name string, completions, parallelism int32, code int, runFor time.Duration) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: batchv1.JobSpec{
			Completions: ptr.To(completions),
			Parallelism: ptr.To(parallelism),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: behaviour(code, runFor)},
				Spec: corev1.PodSpec{
					RestartPolicy:                 corev1.RestartPolicyNever,
					TerminationGracePeriodSeconds: ptr.To[int64](30),
					Containers:                    []corev1.Container{{Name: "work", Image: "busybox"}},
				},
			},
		},
	}
}

func behaviour(code int, runFor time.Duration) map[string]string {
	return map[string]string{
		"sim.kubesim.io/exit-code": strconv.Itoa(code),
		"sim.kubesim.io/run-for":   runFor.String(),
	}
}

func start(t testing.TB) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, testkit.WithNodes(2))
	return env, env.Client()
}

func create(t testing.TB, c kubernetes.Interface, job *batchv1.Job) *batchv1.Job {
	t.Helper()
	out, err := c.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func getJob(t testing.TB, c kubernetes.Interface, name string) *batchv1.Job {
	t.Helper()
	job, err := c.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// jobPods lists the pods of a Job, oldest first.
func jobPods(t testing.TB, c kubernetes.Interface, name string) []corev1.Pod {
	t.Helper()
	list, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: batchv1.JobNameLabel + "=" + name})
	if err != nil {
		t.Fatal(err)
	}
	pods := list.Items
	sort.SliceStable(pods, func(i, j int) bool {
		if !pods[i].CreationTimestamp.Equal(&pods[j].CreationTimestamp) {
			return pods[i].CreationTimestamp.Before(&pods[j].CreationTimestamp)
		}
		return pods[i].Name < pods[j].Name
	})
	return pods
}

// running counts the pods that are neither finished nor being deleted.
func running(pods []corev1.Pod) int {
	n := 0
	for _, p := range pods {
		if p.DeletionTimestamp == nil && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			n++
		}
	}
	return n
}

// events lists "Reason: message" of the events about a Job, in order.
func events(t testing.TB, c kubernetes.Interface, name string) []string {
	t.Helper()
	sel := fields.Set{"involvedObject.kind": "Job", "involvedObject.name": name}.AsSelector().String()
	list, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	items := list.Items
	sort.SliceStable(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	// Repeated events are folded into one with a count, as client-go's
	// recorder does; unfold them.
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

// conditions lists the Job's conditions as "Type=Status Reason: message".
func conditions(job *batchv1.Job) []string {
	var out []string
	for _, c := range job.Status.Conditions {
		out = append(out, string(c.Type)+"="+string(c.Status)+" "+c.Reason+": "+c.Message)
	}
	return out
}
