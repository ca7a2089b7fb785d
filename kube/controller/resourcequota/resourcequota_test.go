package resourcequota_test

import (
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"
)

func TestQuotaStatusFollowsSpec(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("compute", list("requests.cpu", "2", "pods", "10", "count/deployments.apps", "1")))
	q, err := c.CoreV1().ResourceQuotas(ns).Get(ctx, "compute", metav1.GetOptions{})
	check(t, err)
	if !quotav1.Equals(q.Status.Hard, q.Spec.Hard) {
		t.Errorf("status.hard = %v, want spec.hard %v", q.Status.Hard, q.Spec.Hard)
	}
	wantUsed(t, c, "compute", map[string]string{"requests.cpu": "0", "pods": "0", "count/deployments.apps": "0"})

	q.Spec.Hard = list("requests.cpu", "4")
	_, err = c.CoreV1().ResourceQuotas(ns).Update(ctx, q, metav1.UpdateOptions{})
	check(t, err)
	env.Settle()
	q, err = c.CoreV1().ResourceQuotas(ns).Get(ctx, "compute", metav1.GetOptions{})
	check(t, err)
	if len(q.Status.Hard) != 1 || q.Status.Hard.Name(corev1.ResourceRequestsCPU, "").String() != "4" || len(q.Status.Used) != 1 {
		t.Errorf("after the spec changed, status = %+v; want hard and used of requests.cpu only, hard 4", q.Status)
	}
}

func TestQuotaForbidsPodOverTheLimit(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("compute", list("requests.cpu", "2")))
	_, err := c.CoreV1().Pods(ns).Create(ctx, pod("one", "sleep 1000", list("cpu", "1"), nil), metav1.CreateOptions{})
	check(t, err)
	// Admission charged the pod before storing it: no controller run
	// is needed for the next create to see it.
	wantUsed(t, c, "compute", map[string]string{"requests.cpu": "1"})
	_, err = c.CoreV1().Pods(ns).Create(ctx, pod("two", "sleep 1000", list("cpu", "2"), nil), metav1.CreateOptions{})
	const want = `pods "two" is forbidden: exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=1, limited: requests.cpu=2`
	if !apierrors.IsForbidden(err) || err.Error() != want {
		t.Fatalf("create over quota: %v\nwant 403 %s", err, want)
	}
	_, err = c.CoreV1().Pods(ns).Create(ctx, pod("three", "sleep 1000", list("cpu", "1"), nil), metav1.CreateOptions{})
	check(t, err)
	env.Settle()
	wantUsed(t, c, "compute", map[string]string{"requests.cpu": "2"})
}

func TestQuickCreatesDoNotOvershoot(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("pods", list("pods", "3")))
	errs := make(chan error, 6)
	for i := 0; i < 6; i++ {
		go func() {
			p := pod("", "sleep 1000", nil, nil)
			p.GenerateName = "p-"
			_, err := c.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
			errs <- err
		}()
	}
	forbidden := 0
	for i := 0; i < 6; i++ {
		if err := <-errs; apierrors.IsForbidden(err) {
			forbidden++
		} else {
			check(t, err)
		}
	}
	if forbidden != 3 {
		t.Errorf("%d of 6 concurrent creates were forbidden, want 3", forbidden)
	}
	env.Settle()
	wantUsed(t, c, "pods", map[string]string{"pods": "3"})
}

func TestMustSpecifyWhatTheQuotaCovers(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("mem", list("limits.memory", "1Gi", "requests.cpu", "1")))
	_, err := c.CoreV1().Pods(ns).Create(ctx, pod("bare", "sleep 1", nil, nil), metav1.CreateOptions{})
	const want = `pods "bare" is forbidden: failed quota: mem: must specify limits.memory for: main; requests.cpu for: main`
	if !apierrors.IsForbidden(err) || err.Error() != want {
		t.Fatalf("create without limits: %v\nwant 403 %s", err, want)
	}
}

func TestUsageDropsWhenPodsFinishOrGo(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("compute", list("pods", "5", "requests.memory", "1Gi", "count/pods", "5")))
	_, err := c.CoreV1().Pods(ns).Create(ctx, pod("short", "sleep 10", list("memory", "100Mi"), nil), metav1.CreateOptions{})
	check(t, err)
	_, err = c.CoreV1().Pods(ns).Create(ctx, pod("long", "sleep 100000", list("memory", "200Mi"), nil), metav1.CreateOptions{})
	check(t, err)
	settle(env)
	wantUsed(t, c, "compute", map[string]string{"pods": "2", "requests.memory": "300Mi", "count/pods": "2"})

	// A terminal pod costs nothing but its place in storage.
	env.Advance(20 * time.Second)
	p, err := c.CoreV1().Pods(ns).Get(ctx, "short", metav1.GetOptions{})
	check(t, err)
	if p.Status.Phase != corev1.PodSucceeded {
		t.Fatalf("pod short is %s, want Succeeded", p.Status.Phase)
	}
	wantUsed(t, c, "compute", map[string]string{"pods": "1", "requests.memory": "200Mi", "count/pods": "2"})

	check(t, c.CoreV1().Pods(ns).Delete(ctx, "short", metav1.DeleteOptions{}))
	check(t, c.CoreV1().Pods(ns).Delete(ctx, "long", metav1.DeleteOptions{GracePeriodSeconds: new(int64)}))
	settle(env)
	wantUsed(t, c, "compute", map[string]string{"pods": "0", "requests.memory": "0", "count/pods": "0"})
}

func TestResyncCorrectsDrift(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("cm", list("configmaps", "5")))
	q, err := c.CoreV1().ResourceQuotas(ns).Get(ctx, "cm", metav1.GetOptions{})
	check(t, err)
	// Someone writes a wrong usage; only the periodic resync notices.
	q.Status.Used = list("configmaps", "4")
	_, err = c.CoreV1().ResourceQuotas(ns).UpdateStatus(ctx, q, metav1.UpdateOptions{})
	check(t, err)
	env.Advance(time.Minute)
	wantUsed(t, c, "cm", map[string]string{"configmaps": "4"})
	env.Advance(5 * time.Minute)
	// kube-root-ca.crt is the one configmap of the namespace, when the
	// controller that publishes it runs.
	got := used(t, c, "cm")["configmaps"]
	cms, err := c.CoreV1().ConfigMaps(ns).List(ctx, metav1.ListOptions{})
	check(t, err)
	if want := strconv.Itoa(len(cms.Items)); got != want {
		t.Errorf("after resync configmaps used = %s, want %s", got, want)
	}
}

// LimitRanger runs before ResourceQuota: its defaults satisfy a quota
// that wants every container to state its cpu.
func TestLimitRangeDefaultsSatisfyQuota(t *testing.T) {
	env, c := start(t)
	createQuota(t, env, quota("compute", list("requests.cpu", "1", "limits.cpu", "2")))
	lr := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "defaults"}, Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{
		{Type: corev1.LimitTypeContainer, Default: list("cpu", "1"), DefaultRequest: list("cpu", "500m")}}}}
	_, err := c.CoreV1().LimitRanges(ns).Create(ctx, lr, metav1.CreateOptions{})
	check(t, err)
	for _, name := range []string{"a", "b"} {
		_, err := c.CoreV1().Pods(ns).Create(ctx, pod(name, "sleep 1000", nil, nil), metav1.CreateOptions{})
		check(t, err)
	}
	_, err = c.CoreV1().Pods(ns).Create(ctx, pod("c", "sleep 1000", nil, nil), metav1.CreateOptions{})
	const want = `pods "c" is forbidden: exceeded quota: compute, requested: limits.cpu=1,requests.cpu=500m, used: limits.cpu=2,requests.cpu=1, limited: limits.cpu=2,requests.cpu=1`
	if !apierrors.IsForbidden(err) || err.Error() != want {
		t.Errorf("third pod: %v\nwant 403 %s", err, want)
	}
}
