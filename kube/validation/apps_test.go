package validation

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func podTemplate(labels map[string]string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx"}}},
	}
}

var appLabels = map[string]string{"app": "web"}

func deployment(mutate func(*appsv1.Deployment)) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: om("web", "ns"), Spec: appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: appLabels},
		Template: podTemplate(appLabels),
	}}
	if mutate != nil {
		mutate(d)
	}
	return defaulted(d)
}

func TestDeployment(t *testing.T) {
	runCreate(t, []createCase{
		{"valid", deployment(nil), nil},
		// A missing selector selects nothing, so upstream reports both.
		{"no selector", deployment(func(d *appsv1.Deployment) { d.Spec.Selector = nil }), []string{
			"spec.selector: Required value",
			"spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`",
		}},
		{"selector does not match", deployment(func(d *appsv1.Deployment) { d.Spec.Template.Labels = map[string]string{"app": "other"} }), []string{
			"spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`",
		}},
		{"empty selector", deployment(func(d *appsv1.Deployment) { d.Spec.Selector = &metav1.LabelSelector{} }), []string{
			"spec.selector: Invalid value: {}: empty selector is invalid for deployment",
		}},
		{"negative replicas", deployment(func(d *appsv1.Deployment) { d.Spec.Replicas = ptr.To[int32](-1) }), []string{
			"spec.replicas: Invalid value: -1: must be greater than or equal to 0",
		}},
		{"restart policy", deployment(func(d *appsv1.Deployment) { d.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever }), []string{
			`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`,
		}},
		{"template pod spec", deployment(func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "" }), []string{
			"spec.template.spec.containers[0].image: Required value",
		}},
		{"strategy", deployment(func(d *appsv1.Deployment) {
			d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxUnavailable: ptr.To(intstr.FromInt32(0)), MaxSurge: ptr.To(intstr.FromString("0%"))}
		}), []string{"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"}},
		{"progress deadline", deployment(func(d *appsv1.Deployment) {
			d.Spec.MinReadySeconds = 10
			d.Spec.ProgressDeadlineSeconds = ptr.To[int32](10)
		}), []string{"spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"}},
	})
	old := deployment(nil)
	runUpdate(t, []updateCase{
		{"scale and new image", deployment(func(d *appsv1.Deployment) {
			d.Spec.Replicas = ptr.To[int32](5)
			d.Spec.Template.Spec.Containers[0].Image = "nginx:2"
		}), old, nil},
		{"selector changes", deployment(func(d *appsv1.Deployment) {
			d.Spec.Selector.MatchLabels = map[string]string{"app": "web", "tier": "fe"}
			d.Spec.Template.Labels = map[string]string{"app": "web", "tier": "fe"}
		}), old, []string{
			`spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable`,
		}},
	})
	status := old.DeepCopy()
	status.Status = appsv1.DeploymentStatus{Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 2}
	runStatusUpdate(t, []updateCase{{"available above ready", status, old, []string{
		"status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas",
		"status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas",
	}}})
}

func TestReplicaSetAndDaemonSet(t *testing.T) {
	rs := defaulted(&appsv1.ReplicaSet{ObjectMeta: om("web", "ns"), Spec: appsv1.ReplicaSetSpec{
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}, Template: podTemplate(appLabels),
	}})
	ds := defaulted(&appsv1.DaemonSet{ObjectMeta: om("agent", "ns"), Spec: appsv1.DaemonSetSpec{
		Selector: &metav1.LabelSelector{MatchLabels: appLabels}, Template: podTemplate(appLabels),
	}})
	ds.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = ptr.To(intstr.FromInt32(0))
	runCreate(t, []createCase{
		{"replicaset selector", rs, []string{
			"spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`",
		}},
		{"daemonset strategy", ds, []string{"spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"}},
	})
}

func TestStatefulSet(t *testing.T) {
	ss := defaulted(&appsv1.StatefulSet{ObjectMeta: om("db", "ns"), Spec: appsv1.StatefulSetSpec{
		Selector: &metav1.LabelSelector{MatchLabels: appLabels}, Template: podTemplate(appLabels), ServiceName: "db",
	}})
	runCreate(t, []createCase{
		{"valid", ss, nil},
		{"name is a DNS label", func() *appsv1.StatefulSet { s := ss.DeepCopy(); s.Name = "db.primary"; return s }(), []string{
			`metadata.name: Invalid value: "db.primary": must not contain dots`,
		}},
	})
	changed := ss.DeepCopy()
	changed.Spec.ServiceName = "other"
	changed.Spec.Replicas = ptr.To[int32](3)
	runUpdate(t, []updateCase{{"service name", changed, ss, []string{
		"spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
	}}})
}

func TestReplicationController(t *testing.T) {
	tmpl := podTemplate(map[string]string{"app": "api"})
	rc := defaulted(&corev1.ReplicationController{ObjectMeta: om("web", "ns"), Spec: corev1.ReplicationControllerSpec{
		Selector: appLabels, Template: &tmpl,
	}})
	runCreate(t, []createCase{
		{"selector does not match", rc, []string{
			"spec.template.metadata.labels: Invalid value: {\"app\":\"api\"}: `selector` does not match template `labels`",
		}},
		{"pod template", defaulted(&corev1.PodTemplate{ObjectMeta: om("t", "ns"), Template: podTemplate(nil)}), nil},
	})
}
