package ginkgo_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

var _ = Describe("the seed scenarios", func() {
	var env *testkit.Env
	ctx := context.Background()

	BeforeEach(func() {
		env = testkit.Start(GinkgoT(), testkit.WithNodes(2))
	})
	// A failed spec writes what happened to testdata/reports/<spec>.html.
	ReportAfterEach(testkit.ReportOnFailure(func() *testkit.Env { return env }))

	It("restarts a container whose liveness probe fails, and the pod stays Running", func() {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "test-liveness-exec", Namespace: "default"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "liveness", Image: "busybox",
				Args: []string{"/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600"},
				LivenessProbe: &corev1.Probe{
					ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}},
					InitialDelaySeconds: 5, PeriodSeconds: 5,
				},
			}}},
		}
		env.Apply(pod)
		env.Eventually(env.Object(pod)).Should(testkit.BeReady())
		env.Eventually(env.Object(pod), 3*time.Minute).Should(testkit.HaveRestartCount(1))
		Expect(pod).To(testkit.HavePhase(corev1.PodRunning))
	})

	It("backs a crashing container off into CrashLoopBackOff", func() {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "crasher", Namespace: "default"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "app", Image: "busybox:1.36", Command: []string{"sh", "-c", "sleep 2; exit 1"},
			}}},
		}
		env.Apply(pod)
		env.Eventually(env.Object(pod)).Should(testkit.HaveContainerState("app", "CrashLoopBackOff"))
		Expect(pod).NotTo(testkit.BeReady())
	})

	It("rolls a Deployment out and keeps it available", func() {
		labels := map[string]string{"app": "nginx"}
		deploy := &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "nginx-deployment", Namespace: "default"},
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](3), Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.7.9"}}}}},
		}
		env.Apply(deploy)
		env.WaitFor(deploy, testkit.BeAvailable())
		deploy.Spec.Template.Spec.Containers[0].Image = "nginx:1.9.1"
		env.Apply(deploy)
		env.WaitFor(deploy, testkit.BeAvailable())
		Expect(deploy).To(testkit.HaveCondition("Progressing", "True", "NewReplicaSetAvailable"))
	})

	It("fails a Job after its backoffLimit", func() {
		job := &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{Name: "flaky", Namespace: "default"},
			Spec: batchv1.JobSpec{BackoffLimit: ptr.To[int32](2), Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers:    []corev1.Container{{Name: "work", Image: "busybox:1.36", Command: []string{"sh", "-c", "exit 1"}}},
			}}},
		}
		env.Apply(job)
		env.WaitFor(job, testkit.BeFailed("BackoffLimitExceeded"))
		pods, err := env.Client().CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: "job-name=flaky"})
		Expect(err).NotTo(HaveOccurred())
		Expect(pods.Items).To(HaveLen(3))
	})
})
