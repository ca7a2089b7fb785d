package validation_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/testkit"
)

// Through client-go: what a user sees when the API server refuses an
// object.

// wantInvalid checks err is a 422 Invalid Status with exactly the given
// causes, each "field: message".
func wantInvalid(t *testing.T, err error, message string, causes ...string) {
	t.Helper()
	var status *apierrors.StatusError
	if !errors.As(err, &status) {
		t.Fatalf("got %v, want a StatusError", err)
	}
	st := status.ErrStatus
	if st.Code != http.StatusUnprocessableEntity || st.Reason != metav1.StatusReasonInvalid {
		t.Errorf("got code %d reason %q, want 422 Invalid", st.Code, st.Reason)
	}
	if st.Message != message {
		t.Errorf("message:\n got %q\nwant %q", st.Message, message)
	}
	var got []string
	for _, c := range st.Details.Causes {
		got = append(got, c.Field+": "+c.Message)
	}
	if strings.Join(got, "\n") != strings.Join(causes, "\n") {
		t.Errorf("causes:\n got %q\nwant %q", got, causes)
	}
}

func TestInvalidDeploymentIsRefused(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "api"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web"}}},
			},
		},
	}
	_, err := env.Client().AppsV1().Deployments("default").Create(context.Background(), d, metav1.CreateOptions{})
	wantInvalid(t, err,
		`Deployment.apps "web" is invalid: [spec.template.metadata.labels: Invalid value: {"app":"api"}: `+
			"`selector` does not match template `labels`, spec.template.spec.containers[0].image: Required value]",
		"spec.template.metadata.labels: Invalid value: {\"app\":\"api\"}: `selector` does not match template `labels`",
		"spec.template.spec.containers[0].image: Required value")
}

func TestJobTemplateIsImmutable(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	jobs := env.Client().BatchV1().Jobs("default")
	ctx := context.Background()
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "pi"},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "pi", Image: "perl:5.34"}},
		}}},
	}
	created, err := jobs.Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Spec.Template.Spec.Containers[0].Image = "perl:5.40"
	_, err = jobs.Update(ctx, created, metav1.UpdateOptions{})
	var status *apierrors.StatusError
	if !errors.As(err, &status) || status.ErrStatus.Code != http.StatusUnprocessableEntity || status.ErrStatus.Reason != metav1.StatusReasonInvalid {
		t.Fatalf("got %v, want 422 Invalid", err)
	}
	causes := status.ErrStatus.Details.Causes
	if len(causes) != 1 || causes[0].Field != "spec.template" || !strings.HasSuffix(causes[0].Message, ": field is immutable") {
		t.Errorf("causes = %+v, want one spec.template ...: field is immutable", causes)
	}
	if !strings.HasPrefix(status.ErrStatus.Message, `Job.batch "pi" is invalid: spec.template: Invalid value: `) {
		t.Errorf("message = %q", status.ErrStatus.Message)
	}

	// Parallelism may change.
	created.Spec.Template.Spec.Containers[0].Image = "perl:5.34"
	created.Spec.Parallelism = new(int32)
	if _, err := jobs.Update(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Errorf("scaling the job to 0: %v", err)
	}
}

func TestPodSpecIsImmutable(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	pods := env.Client().CoreV1().Pods("default")
	ctx := context.Background()
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}},
	}
	created, err := pods.Create(ctx, p, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Spec.Containers[0].Image = "nginx:2"
	updated, err := pods.Update(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("changing the image: %v", err)
	}
	updated.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80}}
	_, err = pods.Update(ctx, updated, metav1.UpdateOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`") {
		t.Errorf("changing ports: got %v, want the pod update Forbidden error", err)
	}
}
