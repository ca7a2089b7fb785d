package resourcequota_test

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestObjectCounts(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("objects", list("services", "2", "services.nodeports", "3", "services.loadbalancers", "1",
		"secrets", "10", "count/deployments.apps", "1", "persistentvolumeclaims", "1", "requests.storage", "5Gi")))
	svc := func(name string, typ corev1.ServiceType, ports ...int32) *corev1.Service {
		s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.ServiceSpec{Type: typ, Selector: map[string]string{"app": name}}}
		for _, p := range ports {
			s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Name: "p" + string(rune('a'+p%26)), Port: p})
		}
		return s
	}
	_, err := c.CoreV1().Services(ns).Create(ctx, svc("np", corev1.ServiceTypeNodePort, 80, 81), metav1.CreateOptions{})
	check(t, err)
	_, err = c.CoreV1().Services(ns).Create(ctx, svc("lb", corev1.ServiceTypeLoadBalancer, 80, 81), metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "exceeded quota: objects, requested: services.nodeports=2, used: services.nodeports=2, limited: services.nodeports=3") {
		t.Errorf("load balancer with two node ports: %v", err)
	}
	_, err = c.CoreV1().Services(ns).Create(ctx, svc("lb", corev1.ServiceTypeLoadBalancer, 80), metav1.CreateOptions{})
	check(t, err)

	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: appsv1.DeploymentSpec{
		Replicas: ptr.To[int32](0), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}}}}
	_, err = c.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
	check(t, err)
	d.Name = "web2"
	_, err = c.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("second deployment: %v, want forbidden by count/deployments.apps", err)
	}

	pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "data"}, Spec: corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Resources:   corev1.VolumeResourceRequirements{Requests: list("storage", "10Gi")}}}
	_, err = c.CoreV1().PersistentVolumeClaims(ns).Create(ctx, pvc, metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "requested: requests.storage=10Gi, used: requests.storage=0, limited: requests.storage=5Gi") {
		t.Errorf("claim of 10Gi: %v", err)
	}
	env.Settle()
	wantUsed(t, c, "objects", map[string]string{"services": "2", "services.nodeports": "3", "services.loadbalancers": "1",
		"count/deployments.apps": "1", "persistentvolumeclaims": "0", "requests.storage": "0"})

	// Deleting replenishes.
	check(t, c.CoreV1().Services(ns).Delete(ctx, "np", metav1.DeleteOptions{}))
	check(t, c.AppsV1().Deployments(ns).Delete(ctx, "web", metav1.DeleteOptions{}))
	env.Settle()
	wantUsed(t, c, "objects", map[string]string{"services": "1", "services.nodeports": "1", "count/deployments.apps": "0"})
}

func TestExtendedResources(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("gpu", list("requests.nvidia.com/gpu", "1")))
	gpu := func(name string) *corev1.Pod {
		return pod(name, "sleep 1000", list("nvidia.com/gpu", "1"), list("nvidia.com/gpu", "1"))
	}
	_, err := c.CoreV1().Pods(ns).Create(ctx, gpu("a"), metav1.CreateOptions{})
	check(t, err)
	_, err = c.CoreV1().Pods(ns).Create(ctx, gpu("b"), metav1.CreateOptions{})
	const want = `pods "b" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=1, limited: requests.nvidia.com/gpu=1`
	if err == nil || err.Error() != want {
		t.Errorf("second gpu pod: %v\nwant %s", err, want)
	}
}

// A Deployment whose pods the quota refuses shows it on its ReplicaSet,
// as upstream's replica set controller reports it.
func TestDeploymentOverQuotaReportsReplicaFailure(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("pods", list("pods", "2")))
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: appsv1.DeploymentSpec{
		Replicas: ptr.To[int32](3), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}}}}
	_, err := c.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
	check(t, err)
	settle(env)
	rss, err := c.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	check(t, err)
	if len(rss.Items) != 1 {
		t.Fatalf("%d replica sets, want 1", len(rss.Items))
	}
	rs := rss.Items[0]
	if rs.Status.Replicas != 2 {
		t.Errorf("replica set has %d replicas, want 2", rs.Status.Replicas)
	}
	var cond *appsv1.ReplicaSetCondition
	for i := range rs.Status.Conditions {
		if rs.Status.Conditions[i].Type == appsv1.ReplicaSetReplicaFailure {
			cond = &rs.Status.Conditions[i]
		}
	}
	if cond == nil || cond.Status != corev1.ConditionTrue || cond.Reason != "FailedCreate" ||
		!strings.Contains(cond.Message, "is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2") {
		t.Errorf("ReplicaFailure condition = %+v", cond)
	}
	wantUsed(t, c, "pods", map[string]string{"pods": "2"})
}
