package kubesim_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubesim/kubesim/cluster"
	"github.com/kubesim/kubesim/kube"
)

// The seed's nginx-deployment, rolled to a new image and back, as
// `kubectl set image` and `kubectl rollout undo` do it: the old
// ReplicaSet scales up again and becomes the newest revision.
func Example_deploymentRollingUpdateAndRollback() {
	c := newCluster()
	defer c.Close()
	ctx := context.Background()
	d := mustDecode[appsv1.Deployment](`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.7.9
        ports:
        - containerPort: 80
`)
	deployments := c.Client().AppsV1().Deployments("default")
	if _, err := deployments.Create(ctx, d, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	step := func(what string, change func(*appsv1.Deployment)) {
		if change != nil {
			d, err := deployments.Get(ctx, "nginx-deployment", metav1.GetOptions{})
			if err != nil {
				panic(err)
			}
			change(d)
			if _, err := deployments.Update(ctx, d, metav1.UpdateOptions{}); err != nil {
				panic(err)
			}
		}
		if err := c.Advance(ctx, time.Minute); err != nil {
			panic(err)
		}
		fmt.Println(what + ":")
		printReplicaSets(c)
	}
	step("created", nil)
	step("kubectl set image deployment/nginx-deployment nginx=nginx:1.9.1", func(d *appsv1.Deployment) {
		d.Spec.Template.Spec.Containers[0].Image = "nginx:1.9.1"
	})
	step("kubectl rollout undo deployment/nginx-deployment", func(d *appsv1.Deployment) { rollbackTemplate(c, d) })
	// Output:
	// created:
	//   revision 1  nginx:1.7.9  3 ready of 3
	// kubectl set image deployment/nginx-deployment nginx=nginx:1.9.1:
	//   revision 1  nginx:1.7.9  0 ready of 0
	//   revision 2  nginx:1.9.1  3 ready of 3
	// kubectl rollout undo deployment/nginx-deployment:
	//   revision 2  nginx:1.9.1  0 ready of 0
	//   revision 3  nginx:1.7.9  3 ready of 3
}

// rollbackTemplate does what kubectl rollout undo does: it copies the
// template of the previous revision's ReplicaSet, without its
// pod-template-hash label, into the Deployment.
func rollbackTemplate(c *cluster.Cluster, d *appsv1.Deployment) {
	current, _ := strconv.Atoi(d.Annotations["deployment.kubernetes.io/revision"])
	var previous *appsv1.ReplicaSet
	best := 0
	for _, rs := range replicaSets(c) {
		if r, _ := strconv.Atoi(rs.Annotations["deployment.kubernetes.io/revision"]); r < current && r > best {
			best, previous = r, rs.DeepCopy()
		}
	}
	delete(previous.Spec.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	d.Spec.Template = previous.Spec.Template
}

func replicaSets(c *cluster.Cluster) []appsv1.ReplicaSet {
	list, err := c.Client().AppsV1().ReplicaSets("default").List(context.Background(), metav1.ListOptions{LabelSelector: "app=nginx"})
	if err != nil {
		panic(err)
	}
	return list.Items
}

func printReplicaSets(c *cluster.Cluster) {
	var lines []string
	for _, rs := range replicaSets(c) {
		lines = append(lines, fmt.Sprintf("  revision %s  %s  %d ready of %d", rs.Annotations["deployment.kubernetes.io/revision"],
			rs.Spec.Template.Spec.Containers[0].Image, rs.Status.ReadyReplicas, *rs.Spec.Replicas))
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
}

// The seed's pi Job: bc computes pi to 10,000 places and the Job
// completes; its pod's log holds the digits.
func Example_jobComputesPi() {
	c := newCluster()
	defer c.Close()
	ctx := context.Background()
	job := mustDecode[batchv1.Job](`
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: resouer/ubuntu-bc
        command: ["sh", "-c", "echo 'scale=10000; 4*a(1)' | bc -l "]
      restartPolicy: Never
  backoffLimit: 4
`)
	if _, err := c.Client().BatchV1().Jobs("default").Create(ctx, job, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	if err := c.Advance(ctx, time.Minute); err != nil {
		panic(err)
	}
	job, err := c.Client().BatchV1().Jobs("default").Get(ctx, "pi", metav1.GetOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("succeeded %d, failed %d, complete %v\n", job.Status.Succeeded, job.Status.Failed, jobCondition(job, batchv1.JobComplete))
	pods, err := c.Client().CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "job-name=pi"})
	if err != nil {
		panic(err)
	}
	log, err := c.Client().CoreV1().Pods("default").GetLogs(pods.Items[0].Name, &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(log[:40]))
	// Output:
	// succeeded 1, failed 0, complete true
	// 3.14159265358979323846264338327950288419
}

func jobCondition(j *batchv1.Job, t batchv1.JobConditionType) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// The seed's hello CronJob (batch/v1 now: v1beta1 is gone upstream) over
// ten virtual minutes: a Job every minute, named after its scheduled
// minute, and the three most recent successful ones kept.
func Example_cronJob() {
	c := newCluster()
	defer c.Close()
	ctx := context.Background()
	cj := mustDecode[batchv1.CronJob](`
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
`)
	if _, err := c.Client().BatchV1().CronJobs("default").Create(ctx, cj, metav1.CreateOptions{}); err != nil {
		panic(err)
	}
	if err := c.Advance(ctx, 10*time.Minute+30*time.Second); err != nil {
		panic(err)
	}
	jobs, err := c.Client().BatchV1().Jobs("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		panic(err)
	}
	for _, j := range jobs.Items {
		fmt.Printf("%s scheduled %s, complete %v\n", j.Name,
			j.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"], jobCondition(&j, batchv1.JobComplete))
	}
	got, err := c.Client().BatchV1().CronJobs("default").Get(ctx, "hello", metav1.GetOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println("last schedule", got.Status.LastScheduleTime.Sub(kube.DefaultStart))
	// Output:
	// hello-28928168 scheduled 2025-01-01T00:08:00Z, complete true
	// hello-28928169 scheduled 2025-01-01T00:09:00Z, complete true
	// hello-28928170 scheduled 2025-01-01T00:10:00Z, complete true
	// last schedule 10m0s
}

// mustDecode reads a manifest as the seeds write it.
func mustDecode[T any](manifest string) *T {
	obj := new(T)
	if err := yaml.UnmarshalStrict([]byte(manifest), obj); err != nil {
		panic(err)
	}
	return obj
}
