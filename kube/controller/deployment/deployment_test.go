package deployment_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/deployment"
)

func TestCreationRollsOutRevisionOne(t *testing.T) {
	env, c := start(t)
	d := create(t, c, newDeployment("web", 3))
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)

	hash := deployment.ComputeHash(&d.Spec.Template, nil)
	rss := replicaSets(t, c, d)
	if len(rss) != 1 {
		t.Fatalf("replica sets %v, want one", rss)
	}
	rs := rss[0]
	if rs.Name != "web-"+hash || rs.Labels[appsv1.DefaultDeploymentUniqueLabelKey] != hash ||
		rs.Spec.Selector.MatchLabels[appsv1.DefaultDeploymentUniqueLabelKey] != hash ||
		rs.Spec.Template.Labels[appsv1.DefaultDeploymentUniqueLabelKey] != hash {
		t.Errorf("replica set %s labels %v selector %v, want web-%s with pod-template-hash everywhere", rs.Name, rs.Labels, rs.Spec.Selector, hash)
	}
	wantAnnotations := map[string]string{deployment.RevisionAnnotation: "1", deployment.DesiredReplicasAnnotation: "3", deployment.MaxReplicasAnnotation: "4"}
	if diff := cmp.Diff(wantAnnotations, rs.Annotations); diff != "" {
		t.Errorf("replica set annotations (-want +got):\n%s", diff)
	}
	for _, p := range pods(t, c, "app=web") {
		if p.Labels[appsv1.DefaultDeploymentUniqueLabelKey] != hash || p.GenerateName != rs.Name+"-" {
			t.Errorf("pod %s labels %v", p.Name, p.Labels)
		}
	}

	d = get(t, c, "web")
	if d.Annotations[deployment.RevisionAnnotation] != "1" {
		t.Errorf("deployment revision %q, want 1", d.Annotations[deployment.RevisionAnnotation])
	}
	wantStatus := appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 3,
		AvailableReplicas: 3, TerminatingReplicas: ptr.To[int32](0)}
	gotStatus := d.Status
	gotStatus.Conditions = nil
	if diff := cmp.Diff(wantStatus, gotStatus); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	type cond struct{ Type, Status, Reason, Message string }
	var conds []cond
	for _, c := range d.Status.Conditions {
		conds = append(conds, cond{string(c.Type), string(c.Status), c.Reason, c.Message})
	}
	wantConds := []cond{
		{"Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."},
		{"Progressing", "True", "NewReplicaSetAvailable", fmt.Sprintf("ReplicaSet %q has successfully progressed.", rs.Name)},
	}
	if diff := cmp.Diff(wantConds, conds); diff != "" {
		t.Errorf("conditions (-want +got):\n%s", diff)
	}
	wantEvents := []string{"ScalingReplicaSet: Scaled up replica set " + rs.Name + " from 0 to 3"}
	if diff := cmp.Diff(wantEvents, events(t, c, "Deployment", "web")); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestRollingUpdateStaysWithinSurgeAndUnavailability(t *testing.T) {
	env, c := start(t)
	d := newDeployment("web", 10)
	d.Spec.Strategy = rollingUpdate(intstr.FromInt32(2), intstr.FromInt32(1))
	// Terminating pods linger for 3 s, as they would with a real preStop,
	// and pods pass readiness 2 s after they start: each step of the
	// rollout takes time.
	d.Spec.Template.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 3}}}
	d.Spec.Template.Annotations = map[string]string{"sim.kubesim.io/ready-after": "2s"}
	d.Spec.Template.Spec.Containers[0].ReadinessProbe = &corev1.Probe{PeriodSeconds: 1, ProbeHandler: corev1.ProbeHandler{
		HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(80)}}}
	d = create(t, c, d)
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)

	update(t, c, "web", setImage("nginx:1.28"))
	steps, sawTerminating, minAvailable, maxLive := 0, false, 10, 0
	waitRolledOut(t, env, "web", 100*time.Millisecond, 2*time.Minute, func() {
		steps++
		n := countPods(t, c, "app=web")
		if n.live > 12 {
			t.Errorf("step %d: %d live pods, more than replicas+maxSurge = 12", steps, n.live)
		}
		if n.available < 9 {
			t.Errorf("step %d: %d available pods, fewer than replicas-maxUnavailable = 9", steps, n.available)
		}
		sawTerminating = sawTerminating || n.running["nginx:1.27"]+n.running["nginx:1.28"] > n.live
		minAvailable, maxLive = min(minAvailable, n.available), max(maxLive, n.live)
	})
	if !sawTerminating {
		t.Error("never saw a terminating pod: the surge check did not exercise them")
	}
	rss := replicaSets(t, c, d)
	if diff := cmp.Diff([]int32{0, 10}, rsSizes(rss)); diff != "" {
		t.Errorf("replica set sizes by revision (-want +got):\n%s", diff)
	}
	if got := get(t, c, "web").Annotations[deployment.RevisionAnnotation]; got != "2" {
		t.Errorf("revision %q after the update, want 2", got)
	}
	// The bounds are reached, not just respected.
	if minAvailable != 9 || maxLive != 12 {
		t.Errorf("available went down to %d and live pods up to %d, want 9 and 12", minAvailable, maxLive)
	}
	t.Logf("rolled out in %d steps of 100ms", steps)
}

func TestRecreateNeverRunsOldAndNewPodsTogether(t *testing.T) {
	env, c := start(t)
	d := newDeployment("web", 3)
	d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	d.Spec.Template.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 2}}}
	d = create(t, c, d)
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)

	update(t, c, "web", setImage("nginx:1.28"))
	sawDraining := false
	waitRolledOut(t, env, "web", 100*time.Millisecond, time.Minute, func() {
		n := countPods(t, c, "app=web")
		if n.running["nginx:1.27"] > 0 && n.running["nginx:1.28"] > 0 {
			t.Errorf("old and new pods run together: %v", n.running)
		}
		// Old pods still stopping, none live, and no new pod yet.
		sawDraining = sawDraining || (n.running["nginx:1.27"] > 0 && n.live == 0)
	})
	if !sawDraining {
		t.Error("never saw the old pods terminating with no new pod waiting for them")
	}
	if diff := cmp.Diff([]int32{0, 3}, rsSizes(replicaSets(t, c, d))); diff != "" {
		t.Errorf("replica set sizes (-want +got):\n%s", diff)
	}
}

func TestRollbackAsKubectlDoesMakesANewRevision(t *testing.T) {
	env, c := start(t)
	d := newDeployment("web", 2)
	d.Annotations = map[string]string{"kubernetes.io/change-cause": "create"}
	d = create(t, c, d)
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)
	update(t, c, "web", func(d *appsv1.Deployment) {
		setImage("nginx:1.28")(d)
		d.Annotations["kubernetes.io/change-cause"] = "upgrade"
	})
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)

	kubectlUndo(t, c, "web", 0)
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)

	got := get(t, c, "web")
	if img := got.Spec.Template.Spec.Containers[0].Image; img != "nginx:1.27" {
		t.Errorf("image %q after undo, want nginx:1.27", img)
	}
	if rev := got.Annotations[deployment.RevisionAnnotation]; rev != "3" {
		t.Errorf("deployment revision %q after undo, want 3", rev)
	}
	type rsInfo struct{ Image, Revision, History, Cause string }
	var infos []rsInfo
	for _, rs := range replicaSets(t, c, d) {
		infos = append(infos, rsInfo{rs.Spec.Template.Spec.Containers[0].Image, rs.Annotations[deployment.RevisionAnnotation],
			rs.Annotations[deployment.RevisionHistoryAnnotation], rs.Annotations["kubernetes.io/change-cause"]})
	}
	// The first ReplicaSet serves again, as revision 3, remembering it
	// was revision 1.
	want := []rsInfo{{"nginx:1.28", "2", "", "upgrade"}, {"nginx:1.27", "3", "1", "create"}}
	if diff := cmp.Diff(want, infos); diff != "" {
		t.Errorf("replica sets by revision (-want +got):\n%s", diff)
	}
}

func TestRollbackToAnnotation(t *testing.T) {
	env, c := start(t)
	d := create(t, c, newDeployment("web", 2))
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)
	update(t, c, "web", setImage("nginx:1.28"))
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)

	// What the deprecated rollback subresource of apps/v1beta1 stores.
	patch(t, c, "web", `{"metadata":{"annotations":{"`+appsv1.DeprecatedRollbackTo+`":"1"}}}`)
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)
	got := get(t, c, "web")
	if _, ok := got.Annotations[appsv1.DeprecatedRollbackTo]; ok || got.Spec.Template.Spec.Containers[0].Image != "nginx:1.27" ||
		got.Annotations[deployment.RevisionAnnotation] != "3" {
		t.Errorf("after rollbackTo 1: image %s annotations %v", got.Spec.Template.Spec.Containers[0].Image, got.Annotations)
	}
	evs := events(t, c, "Deployment", d.Name)
	want := `DeploymentRollback: Rolled back deployment "web" to revision 1`
	if !contains(evs, want) {
		t.Errorf("events %v lack %q", evs, want)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestProgressDeadlineExceeded(t *testing.T) {
	env, c := start(t)
	d := neverReady(newDeployment("web", 2))
	d.Spec.ProgressDeadlineSeconds = ptr.To[int32](30)
	create(t, c, d)

	env.Advance(20 * time.Second)
	got := get(t, c, "web")
	if p := condition(got, appsv1.DeploymentProgressing); p.Status != corev1.ConditionTrue {
		t.Fatalf("20 s in: Progressing %+v, want still True", p)
	}
	env.Advance(20 * time.Second)
	got = get(t, c, "web")
	rs := replicaSets(t, c, got)[0]
	p := condition(got, appsv1.DeploymentProgressing)
	if p.Status != corev1.ConditionFalse || p.Reason != "ProgressDeadlineExceeded" || p.Message != fmt.Sprintf("ReplicaSet %q has timed out progressing.", rs.Name) {
		t.Errorf("40 s in: Progressing %+v, want False/ProgressDeadlineExceeded", p)
	}
	a := condition(got, appsv1.DeploymentAvailable)
	if a.Status != corev1.ConditionFalse || a.Reason != "MinimumReplicasUnavailable" || a.Message != "Deployment does not have minimum availability." {
		t.Errorf("Available %+v, want False/MinimumReplicasUnavailable", a)
	}
	if _, _, err := rolloutStatus(got); err == nil || err.Error() != `deployment "web" exceeded its progress deadline` {
		t.Errorf("rollout status error %v", err)
	}
	if got.Status.UnavailableReplicas != 2 || got.Status.Replicas != 2 || got.Status.AvailableReplicas != 0 {
		t.Errorf("status %+v", got.Status)
	}
}

func TestPausedDeploymentDoesNotTimeOut(t *testing.T) {
	env, c := start(t)
	d := neverReady(newDeployment("web", 2))
	d.Spec.ProgressDeadlineSeconds = ptr.To[int32](30)
	create(t, c, d)
	env.Advance(10 * time.Second)
	patch(t, c, "web", `{"spec":{"paused":true}}`)
	env.Advance(time.Minute)
	if p := condition(get(t, c, "web"), appsv1.DeploymentProgressing); p.Reason != "DeploymentPaused" {
		t.Fatalf("paused past the deadline: Progressing %+v, want DeploymentPaused", p)
	}
	patch(t, c, "web", `{"spec":{"paused":false}}`)
	env.Advance(20 * time.Second)
	p := condition(get(t, c, "web"), appsv1.DeploymentProgressing)
	if p.Status != corev1.ConditionUnknown || p.Reason != "DeploymentResumed" || p.Message != "Deployment is resumed" {
		t.Fatalf("20 s after resuming: Progressing %+v, want Unknown/DeploymentResumed", p)
	}
	env.Advance(20 * time.Second)
	if p := condition(get(t, c, "web"), appsv1.DeploymentProgressing); p.Reason != "ProgressDeadlineExceeded" {
		t.Errorf("40 s after resuming: Progressing %+v, want ProgressDeadlineExceeded", p)
	}
}

// neverReady makes the pods of a Deployment run but never pass readiness.
func neverReady(d *appsv1.Deployment) *appsv1.Deployment {
	d.Spec.Template.Annotations = map[string]string{"sim.kubesim.io/ready": "false"}
	d.Spec.Template.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
		HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(80)}}}
	return d
}

func TestPausedDeploymentDoesNotRoll(t *testing.T) {
	env, c := start(t)
	d := create(t, c, newDeployment("web", 2))
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)

	patch(t, c, "web", `{"spec":{"paused":true}}`)
	update(t, c, "web", setImage("nginx:1.28"))
	env.Advance(30 * time.Second)
	got := get(t, c, "web")
	if p := condition(got, appsv1.DeploymentProgressing); p.Status != corev1.ConditionUnknown || p.Reason != "DeploymentPaused" || p.Message != "Deployment is paused" {
		t.Errorf("Progressing %+v, want Unknown/DeploymentPaused", p)
	}
	if rss := replicaSets(t, c, d); len(rss) != 1 {
		t.Errorf("%d replica sets while paused, want 1", len(rss))
	}
	if got.Status.ObservedGeneration != got.Generation {
		t.Errorf("observedGeneration %d, want %d", got.Status.ObservedGeneration, got.Generation)
	}
	// Scaling still works while paused.
	patch(t, c, "web", `{"spec":{"replicas":4}}`)
	env.Advance(10 * time.Second)
	if diff := cmp.Diff([]int32{4}, rsSizes(replicaSets(t, c, d))); diff != "" {
		t.Errorf("sizes after scaling while paused (-want +got):\n%s", diff)
	}

	patch(t, c, "web", `{"spec":{"paused":false}}`)
	waitRolledOut(t, env, "web", time.Second, time.Minute, nil)
	if p := condition(get(t, c, "web"), appsv1.DeploymentProgressing); p.Reason != "NewReplicaSetAvailable" {
		t.Errorf("Progressing %+v after resuming", p)
	}
	if diff := cmp.Diff([]int32{0, 4}, rsSizes(replicaSets(t, c, d))); diff != "" {
		t.Errorf("sizes after resuming (-want +got):\n%s", diff)
	}
}

func TestRevisionHistoryLimitDeletesOldReplicaSets(t *testing.T) {
	env, c := start(t)
	d := newDeployment("web", 1)
	d.Spec.RevisionHistoryLimit = ptr.To[int32](1)
	d = create(t, c, d)
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)
	for _, img := range []string{"nginx:2", "nginx:3", "nginx:4"} {
		update(t, c, "web", setImage(img))
		waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)
	}
	env.Advance(time.Second)
	var got []string
	for _, rs := range replicaSets(t, c, d) {
		got = append(got, rs.Annotations[deployment.RevisionAnnotation]+"="+rs.Spec.Template.Spec.Containers[0].Image)
	}
	if diff := cmp.Diff([]string{"3=nginx:3", "4=nginx:4"}, got); diff != "" {
		t.Errorf("replica sets left (-want +got):\n%s", diff)
	}
}

func TestProportionalScalingMidRollout(t *testing.T) {
	// Upstream's e2e "deployment should support proportional scaling".
	env, c := start(t)
	d := newDeployment("web", 10)
	d.Spec.Strategy = rollingUpdate(intstr.FromInt32(3), intstr.FromInt32(2))
	d = create(t, c, d)
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)

	// The new image cannot be pulled: the rollout stops half way.
	update(t, c, "web", func(d *appsv1.Deployment) {
		setImage("nginx:404")(d)
		d.Spec.Template.Annotations = map[string]string{"sim.kubesim.io/image-missing": "true"}
	})
	env.Advance(5 * time.Second)
	rss := replicaSets(t, c, d)
	if diff := cmp.Diff([]int32{8, 5}, rsSizes(rss)); diff != "" {
		t.Fatalf("sizes of the stuck rollout (-want +got):\n%s", diff)
	}
	if rss[0].Status.AvailableReplicas != 8 || rss[1].Status.AvailableReplicas != 0 {
		t.Errorf("available old %d new %d, want 8 and 0", rss[0].Status.AvailableReplicas, rss[1].Status.AvailableReplicas)
	}

	patch(t, c, "web", `{"spec":{"replicas":30}}`)
	env.Advance(5 * time.Second)
	// 20 more spread as 8:5 over a maximum of 13 becoming 33.
	if diff := cmp.Diff([]int32{20, 13}, rsSizes(replicaSets(t, c, d))); diff != "" {
		t.Errorf("sizes after scaling to 30 (-want +got):\n%s", diff)
	}
	if rs := replicaSets(t, c, d)[0]; rs.Annotations[deployment.DesiredReplicasAnnotation] != "30" || rs.Annotations[deployment.MaxReplicasAnnotation] != "33" {
		t.Errorf("annotations %v", rs.Annotations)
	}
}

func TestAdoptsMatchingReplicaSet(t *testing.T) {
	env, c := start(t)
	d := newDeployment("web", 2)
	orphan := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web-by-hand", Labels: map[string]string{"app": "web"}},
		Spec:       appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](2), Selector: d.Spec.Selector, Template: d.Spec.Template},
	}
	if _, err := c.AppsV1().ReplicaSets(ns).Create(ctx, orphan, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(5 * time.Second)
	d = create(t, c, d)
	env.Advance(5 * time.Second)
	rss := replicaSets(t, c, d)
	if len(rss) != 1 || rss[0].Name != "web-by-hand" {
		t.Fatalf("replica sets %v, want the adopted one only", rss)
	}
	got := get(t, c, "web")
	if p := condition(got, appsv1.DeploymentProgressing); p.Reason != "NewReplicaSetAvailable" {
		t.Errorf("Progressing %+v", p)
	}
	if rss[0].Annotations[deployment.RevisionAnnotation] != "1" || got.Status.AvailableReplicas != 2 {
		t.Errorf("adopted replica set annotations %v, status %+v", rss[0].Annotations, got.Status)
	}
}

func TestScalingUpAndDown(t *testing.T) {
	env, c := start(t)
	d := create(t, c, newDeployment("web", 2))
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)
	for _, n := range []int32{5, 1} {
		patch(t, c, "web", fmt.Sprintf(`{"spec":{"replicas":%d}}`, n))
		waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)
		if got := countPods(t, c, "app=web"); got.live != int(n) || get(t, c, "web").Status.AvailableReplicas != n {
			t.Errorf("scaled to %d: %d live pods, status %+v", n, got.live, get(t, c, "web").Status)
		}
	}
	rs := replicaSets(t, c, d)[0]
	want := []string{
		"ScalingReplicaSet: Scaled up replica set " + rs.Name + " from 0 to 2",
		"ScalingReplicaSet: Scaled up replica set " + rs.Name + " from 2 to 5",
		"ScalingReplicaSet: Scaled down replica set " + rs.Name + " from 5 to 1",
	}
	if diff := cmp.Diff(want, events(t, c, "Deployment", "web")); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestHashCollisionBumpsCollisionCount(t *testing.T) {
	env, c := start(t)
	d := newDeployment("web", 1)
	// The controller hashes the defaulted template, so ask the server for it.
	defaulted, err := c.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil {
		t.Fatal(err)
	}
	hash := deployment.ComputeHash(&defaulted.Spec.Template, nil)
	// Another owner's ReplicaSet already has the name the new ReplicaSet
	// would get, and a selector the Deployment does not match.
	squatter := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web-" + hash, Labels: map[string]string{"app": "other"}},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](0), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "other"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "other"}}, Spec: d.Spec.Template.Spec}},
	}
	if _, err := c.AppsV1().ReplicaSets(ns).Create(ctx, squatter, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	d = create(t, c, d)
	waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)
	got := get(t, c, "web")
	if ptr.Deref(got.Status.CollisionCount, 0) != 1 {
		t.Errorf("collisionCount %v, want 1", got.Status.CollisionCount)
	}
	rss := replicaSets(t, c, d)
	if want := "web-" + deployment.ComputeHash(&defaulted.Spec.Template, ptr.To[int32](1)); len(rss) != 1 || rss[0].Name != want {
		t.Errorf("replica sets %v, want only %s", rss, want)
	}
}

func TestDeletionTakesReplicaSetsAndPods(t *testing.T) {
	for _, policy := range []metav1.DeletionPropagation{metav1.DeletePropagationBackground, metav1.DeletePropagationForeground} {
		t.Run(string(policy), func(t *testing.T) {
			env, c := start(t)
			create(t, c, newDeployment("web", 3))
			waitRolledOut(t, env, "web", time.Second, 30*time.Second, nil)
			if err := c.AppsV1().Deployments(ns).Delete(ctx, "web", metav1.DeleteOptions{PropagationPolicy: &policy}); err != nil {
				t.Fatal(err)
			}
			env.Advance(time.Minute)
			rss, err := c.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(pods(t, c, "app=web")); n != 0 || len(rss.Items) != 0 {
				t.Errorf("%d pods and %d replica sets left", n, len(rss.Items))
			}
			if _, err := c.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{}); err == nil {
				t.Error("the deployment is still there")
			}
		})
	}
}
