package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func template(containers ...string) corev1.PodTemplateSpec {
	var t corev1.PodTemplateSpec
	for _, c := range containers {
		t.Spec.Containers = append(t.Spec.Containers, corev1.Container{Name: c, Image: c + ":1.0"})
	}
	return t
}

var webSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}

func TestWorkloadColumns(t *testing.T) {
	tests := []struct {
		obj  runtime.Object
		want []string
	}{
		{&appsv1.Deployment{}, []string{"Name", "Ready", "Up-to-date", "Available", "Age", "Containers (wide)", "Images (wide)", "Selector (wide)"}},
		{&appsv1.ReplicaSet{}, []string{"Name", "Desired", "Current", "Ready", "Age", "Containers (wide)", "Images (wide)", "Selector (wide)"}},
		{&corev1.ReplicationController{}, []string{"Name", "Desired", "Current", "Ready", "Age", "Containers (wide)", "Images (wide)", "Selector (wide)"}},
		{&appsv1.StatefulSet{}, []string{"Name", "Ready", "Age", "Containers (wide)", "Images (wide)"}},
		{&appsv1.DaemonSet{}, []string{"Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers (wide)", "Images (wide)", "Selector (wide)"}},
		{&appsv1.ControllerRevision{}, []string{"Name", "Controller", "Revision", "Age"}},
		{&batchv1.Job{}, []string{"Name", "Status", "Completions", "Duration", "Age", "Containers (wide)", "Images (wide)", "Selector (wide)"}},
		{&batchv1.CronJob{}, []string{"Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers (wide)", "Images (wide)", "Selector (wide)"}},
		{&autoscalingv1.Scale{}, []string{"Name", "Desired", "Available", "Age"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, columnNames(tt.obj)); diff != "" {
			t.Errorf("%T columns (-want +got):\n%s", tt.obj, diff)
		}
	}
}

func TestWorkloadCells(t *testing.T) {
	deploy := &appsv1.Deployment{ObjectMeta: objectMeta("web")}
	deploy.Spec.Replicas = ptr(int32(3))
	deploy.Spec.Selector = webSelector
	deploy.Spec.Template = template("nginx", "sidecar")
	deploy.Status = appsv1.DeploymentStatus{ReadyReplicas: 2, UpdatedReplicas: 3, AvailableReplicas: 2}

	rs := &appsv1.ReplicaSet{ObjectMeta: objectMeta("web-5d9c")}
	rs.Spec.Replicas = ptr(int32(2))
	rs.Spec.Selector = webSelector
	rs.Spec.Template = template("nginx")
	rs.Status = appsv1.ReplicaSetStatus{Replicas: 2, ReadyReplicas: 1}

	rc := &corev1.ReplicationController{ObjectMeta: objectMeta("old")}
	rc.Spec.Replicas = ptr(int32(1))
	rc.Spec.Selector = map[string]string{"app": "old"}
	rcTemplate := template("app")
	rc.Spec.Template = &rcTemplate
	rc.Status = corev1.ReplicationControllerStatus{Replicas: 1, ReadyReplicas: 1}

	ss := &appsv1.StatefulSet{ObjectMeta: objectMeta("db")}
	ss.Spec.Replicas = ptr(int32(3))
	ss.Spec.Template = template("postgres")
	ss.Status.ReadyReplicas = 1

	ds := &appsv1.DaemonSet{ObjectMeta: objectMeta("agent")}
	ds.Spec.Selector = webSelector
	ds.Spec.Template = template("agent")
	ds.Spec.Template.Spec.NodeSelector = map[string]string{"kubernetes.io/os": "linux"}
	ds.Status = appsv1.DaemonSetStatus{DesiredNumberScheduled: 3, CurrentNumberScheduled: 3, NumberReady: 2, UpdatedNumberScheduled: 3, NumberAvailable: 2}

	cr := &appsv1.ControllerRevision{ObjectMeta: objectMeta("agent-7f8"), Revision: 2}
	cr.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "agent", Controller: ptr(true)}}
	orphan := &appsv1.ControllerRevision{ObjectMeta: objectMeta("orphan"), Revision: 1}
	coreOwned := &appsv1.ControllerRevision{ObjectMeta: objectMeta("core"), Revision: 1}
	coreOwned.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: "p", Controller: ptr(true)}}

	scale := &autoscalingv1.Scale{ObjectMeta: objectMeta("web"), Spec: autoscalingv1.ScaleSpec{Replicas: 3}, Status: autoscalingv1.ScaleStatus{Replicas: 2}}

	tests := []struct {
		obj  runtime.Object
		want []any
	}{
		{deploy, []any{"web", "2/3", int64(3), int64(2), "60m", "nginx,sidecar", "nginx:1.0,sidecar:1.0", "app=web"}},
		{rs, []any{"web-5d9c", int64(2), int64(2), int64(1), "60m", "nginx", "nginx:1.0", "app=web"}},
		{rc, []any{"old", int64(1), int64(1), int64(1), "60m", "app", "app:1.0", "app=old"}},
		{ss, []any{"db", "1/3", "60m", "postgres", "postgres:1.0"}},
		{ds, []any{"agent", int64(3), int64(3), int64(2), int64(3), int64(2), "kubernetes.io/os=linux", "60m", "agent", "agent:1.0", "app=web"}},
		{cr, []any{"agent-7f8", "daemonset.apps/agent", int64(2), "60m"}},
		{orphan, []any{"orphan", "<none>", int64(1), "60m"}},
		{coreOwned, []any{"core", "pod/p", int64(1), "60m"}},
		{scale, []any{"web", int64(3), int64(2), "60m"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, cells(t, tt.obj)); diff != "" {
			t.Errorf("%T cells (-want +got):\n%s", tt.obj, diff)
		}
	}
}

func TestControllerRevisionBadOwner(t *testing.T) {
	cr := &appsv1.ControllerRevision{ObjectMeta: objectMeta("bad")}
	cr.OwnerReferences = []metav1.OwnerReference{{APIVersion: "a/b/c", Kind: "X", Name: "x", Controller: ptr(true)}}
	if _, err := ToTable([]runtime.Object{cr}, now, Options{}); err == nil {
		t.Error("ToTable accepted an owner with an unparsable apiVersion")
	}
}

func TestJobCells(t *testing.T) {
	job := func(mutate func(j *batchv1.Job)) *batchv1.Job {
		j := &batchv1.Job{ObjectMeta: objectMeta("pi")}
		j.Spec.Completions = ptr(int32(1))
		j.Spec.Parallelism = ptr(int32(1))
		j.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"batch.kubernetes.io/controller-uid": "u1"}}
		j.Spec.Template = template("pi")
		mutate(j)
		return j
	}
	condition := func(t batchv1.JobConditionType) batchv1.JobCondition {
		return batchv1.JobCondition{Type: t, Status: corev1.ConditionTrue}
	}
	tests := []struct {
		name string
		job  *batchv1.Job
		want []any
	}{
		{"not started", job(func(*batchv1.Job) {}), []any{"pi", "Running", "0/1", "", "60m"}},
		{"running", job(func(j *batchv1.Job) {
			j.Status.StartTime = agoPtr(150 * time.Second)
			j.Status.Active = 1
		}), []any{"pi", "Running", "0/1", "2m30s", "60m"}},
		{"complete", job(func(j *batchv1.Job) {
			j.Status.StartTime = agoPtr(time.Minute)
			j.Status.CompletionTime = agoPtr(50 * time.Second)
			j.Status.Succeeded = 1
			j.Status.Conditions = []batchv1.JobCondition{condition(batchv1.JobSuccessCriteriaMet), condition(batchv1.JobComplete)}
		}), []any{"pi", "Complete", "1/1", "10s", "60m"}},
		{"failed", job(func(j *batchv1.Job) {
			j.Status.Conditions = []batchv1.JobCondition{condition(batchv1.JobFailureTarget), condition(batchv1.JobFailed)}
		}), []any{"pi", "Failed", "0/1", "", "60m"}},
		{"failure target", job(func(j *batchv1.Job) {
			j.Status.Conditions = []batchv1.JobCondition{condition(batchv1.JobFailureTarget)}
		}), []any{"pi", "FailureTarget", "0/1", "", "60m"}},
		{"success criteria met", job(func(j *batchv1.Job) {
			j.Status.Conditions = []batchv1.JobCondition{condition(batchv1.JobSuccessCriteriaMet)}
		}), []any{"pi", "SuccessCriteriaMet", "0/1", "", "60m"}},
		{"suspended", job(func(j *batchv1.Job) {
			j.Status.Conditions = []batchv1.JobCondition{condition(batchv1.JobSuspended)}
		}), []any{"pi", "Suspended", "0/1", "", "60m"}},
		{"suspension lifted", job(func(j *batchv1.Job) {
			j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobSuspended, Status: corev1.ConditionFalse}}
		}), []any{"pi", "Running", "0/1", "", "60m"}},
		{"terminating", job(func(j *batchv1.Job) {
			j.DeletionTimestamp = agoPtr(time.Second)
			j.Status.Conditions = []batchv1.JobCondition{condition(batchv1.JobSuspended)}
		}), []any{"pi", "Terminating", "0/1", "", "60m"}},
		{"work queue", job(func(j *batchv1.Job) {
			j.Spec.Completions = nil
			j.Spec.Parallelism = ptr(int32(3))
		}), []any{"pi", "Running", "0/1 of 3", "", "60m"}},
		{"single work item", job(func(j *batchv1.Job) { j.Spec.Completions = nil }), []any{"pi", "Running", "0/1", "", "60m"}},
		{"indexed", job(func(j *batchv1.Job) {
			j.Spec.Completions = ptr(int32(5))
			j.Status.Succeeded = 3
		}), []any{"pi", "Running", "3/5", "", "60m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cells(t, tt.job)
			if diff := cmp.Diff(tt.want, got[:5]); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]any{"pi", "pi:1.0", "batch.kubernetes.io/controller-uid=u1"}, got[5:]); diff != "" {
				t.Errorf("wide cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCronJobCells(t *testing.T) {
	cj := &batchv1.CronJob{ObjectMeta: objectMeta("nightly")}
	cj.Spec.Schedule = "0 3 * * *"
	cj.Spec.Suspend = ptr(false)
	cj.Spec.JobTemplate.Spec.Template = template("backup")
	want := []any{"nightly", "0 3 * * *", "<none>", "False", int64(0), "<none>", "60m", "backup", "backup:1.0", "<none>"}
	if diff := cmp.Diff(want, cells(t, cj)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}

	cj.Spec.TimeZone = ptr("Europe/Paris")
	cj.Spec.Suspend = nil
	cj.Status.Active = []corev1.ObjectReference{{Name: "nightly-1"}}
	cj.Status.LastScheduleTime = agoPtr(3 * time.Minute)
	want = []any{"nightly", "0 3 * * *", "Europe/Paris", "<unset>", int64(1), "3m", "60m", "backup", "backup:1.0", "<none>"}
	if diff := cmp.Diff(want, cells(t, cj)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}
