package cronjob_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubesim/kubesim/kube"
)

// The seeds' CronJobs, as written there but for apiVersion: the seeds
// have batch/v1beta1, which Kubernetes 1.25 removed; batch/v1 is the
// same object.
const (
	// 003: "hello", every minute, prints the date and a greeting.
	helloManifest = `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox
            args:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
`
	// 002: "helloworld". Its command runs `sh -c echo` with "'hello
	// world'" as $0, so it prints an empty line, as on a real cluster.
	helloWorldManifest = `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: helloworld
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: simple
            image: busybox
            command: ["/bin/sh", "-c", "echo", "'hello world'"]
          restartPolicy: OnFailure
`
)

func decodeCronJob(t *testing.T, manifest string) *batchv1.CronJob {
	t.Helper()
	obj, _, err := scheme.Codecs.UniversalDeserializer().Decode([]byte(manifest), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return obj.(*batchv1.CronJob)
}

// TestSeedHello runs the seed's hello CronJob for 10 virtual minutes:
// a Job a minute, created on the minute and named after it, each done in
// a moment; the default history keeps the last 3 successful Jobs (never
// more, at any step) with their pods and logs, and the garbage collector
// takes the pods of the others.
func TestSeedHello(t *testing.T) {
	t.Parallel()
	env, c := start(t)
	create(t, c, decodeCronJob(t, helloManifest))
	for i := 0; i < 30; i++ {
		env.Advance(20 * time.Second)
		list, err := c.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if n := countFinished(list.Items, batchv1.JobComplete); n > 3 {
			t.Fatalf("at %v: %d successful Jobs kept, want at most 3", env.Clock().Now(), n)
		}
	}
	atTen(t, c)
	env.Advance(30 * time.Second)

	ev := events(t, c, "hello")
	if n := countPrefix(ev, "SuccessfulCreate: Created job hello-"); n != 10 {
		t.Errorf("%d Jobs created, want 10: %q", n, ev)
	}
	if n := countPrefix(ev, "SawCompletedJob: Saw completed job: hello-"); n != 10 {
		t.Errorf("%d Jobs seen completed, want 10", n)
	}
	list, err := c.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 3 {
		t.Fatalf("%d Jobs kept, want 3", len(list.Items))
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	for i, job := range list.Items { // by name, that is by minute
		m := 8 + i
		if want := jobNameAt("hello", kube.DefaultStart.Add(time.Duration(m)*time.Minute)); job.Name != want {
			t.Errorf("Job %s, want %s", job.Name, want)
		}
		if done, how := finished(job); !done || how != batchv1.JobComplete {
			t.Errorf("Job %s not complete: %+v", job.Name, job.Status)
		}
		logs := jobLogs(t, c, job.Name)
		if !strings.HasSuffix(logs, "\nHello from the Kubernetes cluster\n") || !strings.Contains(logs, " 2025\n") {
			t.Errorf("Job %s logs %q", job.Name, logs)
		}
	}
	pods, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil || len(pods.Items) != 3 {
		t.Errorf("%d pods, want the 3 of the kept Jobs (%v)", len(pods.Items), err)
	}
	cj := getCronJob(t, c, "hello")
	if last := kube.DefaultStart.Add(10 * time.Minute); cj.Status.LastScheduleTime == nil || !cj.Status.LastScheduleTime.Time.Equal(last) || len(cj.Status.Active) != 0 {
		t.Errorf("status %+v, want lastScheduleTime %v and nothing active", cj.Status, last)
	}
}

// atTen checks the hello CronJob at 00:10:00, as its tenth Job starts.
func atTen(t *testing.T, c kubernetes.Interface) {
	t.Helper()
	last := kube.DefaultStart.Add(10 * time.Minute)
	list, err := c.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	js := list.Items
	sort.Slice(js, func(i, j int) bool { return js[i].Name < js[j].Name })
	var names, want []string
	for _, j := range js {
		names = append(names, j.Name)
	}
	for m := 7; m <= 10; m++ {
		want = append(want, jobNameAt("hello", kube.DefaultStart.Add(time.Duration(m)*time.Minute)))
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("Jobs at 00:10 (-want +got):\n%s", diff)
	}
	newest := js[len(js)-1]
	if got := newest.Annotations[batchv1.CronJobScheduledTimestampAnnotation]; got != "2025-01-01T00:10:00Z" {
		t.Errorf("scheduled timestamp annotation %q", got)
	}
	if !newest.CreationTimestamp.Time.Equal(last) {
		t.Errorf("newest Job created at %v, want on the minute %v", newest.CreationTimestamp, last)
	}
	cj := getCronJob(t, c, "hello")
	if cj.Status.LastScheduleTime == nil || !cj.Status.LastScheduleTime.Time.Equal(last) {
		t.Errorf("lastScheduleTime %v, want %v", cj.Status.LastScheduleTime, last)
	}
	if len(cj.Status.Active) != 1 || cj.Status.Active[0].Name != newest.Name || cj.Status.Active[0].Kind != "Job" {
		t.Errorf("active = %+v, want the newest Job", cj.Status.Active)
	}
	if s, prev := cj.Status.LastSuccessfulTime, js[len(js)-2].Status.CompletionTime; s == nil || prev == nil || !s.Equal(prev) {
		t.Errorf("lastSuccessfulTime %v, want the 00:09 Job's completion %v", s, prev)
	}
}

// TestSeedHelloWorld: the other seed CronJob completes every minute too;
// its pod prints what `sh -c echo` prints.
func TestSeedHelloWorld(t *testing.T) {
	t.Parallel()
	env, c := start(t)
	create(t, c, decodeCronJob(t, helloWorldManifest))
	env.Advance(2*time.Minute + 30*time.Second)
	list, err := c.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 2 {
		t.Fatalf("%d Jobs, want 2 (%v)", len(list.Items), err)
	}
	for _, job := range list.Items {
		if done, how := finished(job); !done || how != batchv1.JobComplete {
			t.Errorf("Job %s not complete", job.Name)
		}
		if logs := jobLogs(t, c, job.Name); logs != "\n" {
			t.Errorf("Job %s logs %q", job.Name, logs)
		}
	}
}

// jobLogs returns the logs of the Job's only pod.
func jobLogs(t *testing.T, c kubernetes.Interface, job string) string {
	t.Helper()
	pods, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: batchv1.JobNameLabel + "=" + job})
	if err != nil || len(pods.Items) != 1 {
		t.Fatalf("Job %s: %d pods, %v", job, len(pods.Items), err)
	}
	b, err := c.CoreV1().Pods(ns).GetLogs(pods.Items[0].Name, &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
