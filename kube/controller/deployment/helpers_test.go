package deployment_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/kube/controller/deployment"
	"github.com/kubesim/kubesim/testkit"
)

var ctx = context.Background()

const ns = "default"

// newDeployment is a Deployment of nginx pods labelled app=<name>, on
// node-1 (there is no scheduler yet), with the grace period spelled out
// because defaulting may not be wired in yet.
func newDeployment(name string, n int32) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(n),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: corev1.PodSpec{
					NodeName:                      "node-1",
					TerminationGracePeriodSeconds: ptr.To[int64](30),
					Containers:                    []corev1.Container{{Name: "web", Image: "nginx:1.27"}},
				},
			},
		},
	}
}

func rollingUpdate(surge, unavailable intstr.IntOrString) appsv1.DeploymentStrategy {
	return appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavailable}}
}

func start(t testing.TB) (*testkit.Env, kubernetes.Interface) {
	t.Helper()
	env := testkit.Start(t, testkit.WithNodes(1))
	return env, env.Client()
}

func create(t testing.TB, c kubernetes.Interface, d *appsv1.Deployment) *appsv1.Deployment {
	t.Helper()
	out, err := c.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func get(t testing.TB, c kubernetes.Interface, name string) *appsv1.Deployment {
	t.Helper()
	d, err := c.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// update changes a Deployment, retrying on conflicts with the controller.
func update(t testing.TB, c kubernetes.Interface, name string, change func(*appsv1.Deployment)) {
	t.Helper()
	for i := 0; ; i++ {
		d := get(t, c, name)
		change(d)
		_, err := c.AppsV1().Deployments(ns).Update(ctx, d, metav1.UpdateOptions{})
		if err == nil {
			return
		}
		if i == 5 {
			t.Fatal(err)
		}
	}
}

func setImage(image string) func(*appsv1.Deployment) {
	return func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = image }
}

func patch(t testing.TB, c kubernetes.Interface, name, body string) {
	t.Helper()
	if _, err := c.AppsV1().Deployments(ns).Patch(ctx, name, types.StrategicMergePatchType, []byte(body), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}

// replicaSets lists a Deployment's ReplicaSets, oldest revision first.
func replicaSets(t testing.TB, c kubernetes.Interface, d *appsv1.Deployment) []appsv1.ReplicaSet {
	t.Helper()
	list, err := c.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []appsv1.ReplicaSet
	for _, rs := range list.Items {
		if ref := metav1.GetControllerOf(&rs); ref != nil && ref.UID == d.UID {
			out = append(out, rs)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := strconv.Atoi(out[i].Annotations[deployment.RevisionAnnotation])
		b, _ := strconv.Atoi(out[j].Annotations[deployment.RevisionAnnotation])
		return a < b
	})
	return out
}

// rsSummary is "<name-suffix>:<replicas>" per ReplicaSet, by revision.
func rsSizes(rss []appsv1.ReplicaSet) []int32 {
	var out []int32
	for _, rs := range rss {
		out = append(out, *rs.Spec.Replicas)
	}
	return out
}

func pods(t testing.TB, c kubernetes.Interface, selector string) []corev1.Pod {
	t.Helper()
	list, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// counts are what the invariants of a rollout look at.
type counts struct {
	live      int // pods not being deleted (upstream counts no others)
	available int // live and ready
	running   map[string]int
}

// countPods counts the live, available and (by image) running pods.
func countPods(t testing.TB, c kubernetes.Interface, selector string) counts {
	t.Helper()
	out := counts{running: map[string]int{}}
	for _, p := range pods(t, c, selector) {
		if p.Status.Phase != corev1.PodFailed && p.Status.Phase != corev1.PodSucceeded {
			out.running[p.Spec.Containers[0].Image]++
		}
		if p.DeletionTimestamp != nil {
			continue
		}
		out.live++
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				out.available++
			}
		}
	}
	return out
}

// rolloutStatus reads a Deployment's status the way kubectl rollout
// status does (kubectl's DeploymentStatusViewer).
func rolloutStatus(d *appsv1.Deployment) (string, bool, error) {
	if d.Generation > d.Status.ObservedGeneration {
		return "Waiting for deployment spec update to be observed...\n", false, nil
	}
	for _, cond := range d.Status.Conditions {
		if cond.Type == appsv1.DeploymentProgressing && cond.Reason == deployment.ReasonTimedOut {
			return "", false, fmt.Errorf("deployment %q exceeded its progress deadline", d.Name)
		}
	}
	switch {
	case d.Spec.Replicas != nil && d.Status.UpdatedReplicas < *d.Spec.Replicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...\n", d.Name, d.Status.UpdatedReplicas, *d.Spec.Replicas), false, nil
	case d.Status.Replicas > d.Status.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...\n", d.Name, d.Status.Replicas-d.Status.UpdatedReplicas), false, nil
	case d.Status.AvailableReplicas < d.Status.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...\n", d.Name, d.Status.AvailableReplicas, d.Status.UpdatedReplicas), false, nil
	}
	return fmt.Sprintf("deployment %q successfully rolled out\n", d.Name), true, nil
}

// waitRolledOut advances the clock in steps until kubectl rollout status
// would say the rollout is done, calling check after every step.
func waitRolledOut(t testing.TB, env *testkit.Env, name string, step, limit time.Duration, check func()) {
	t.Helper()
	for waited := time.Duration(0); waited <= limit; waited += step {
		env.Advance(step)
		if check != nil {
			check()
		}
		msg, done, err := rolloutStatus(get(t, env.Client(), name))
		if err != nil {
			t.Fatal(err)
		}
		if done {
			return
		}
		if waited+step > limit {
			t.Fatalf("not rolled out after %v: %s", limit, msg)
		}
	}
}

func condition(d *appsv1.Deployment, ct appsv1.DeploymentConditionType) appsv1.DeploymentCondition {
	for _, cond := range d.Status.Conditions {
		if cond.Type == ct {
			return cond
		}
	}
	return appsv1.DeploymentCondition{}
}

// events lists "<reason>: <message>" of the events about an object, in
// the order they were recorded.
func events(t testing.TB, c kubernetes.Interface, kind, name string) []string {
	t.Helper()
	sel := fields.Set{"involvedObject.kind": kind, "involvedObject.name": name}.AsSelector().String()
	list, err := c.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	var out []string
	for _, e := range list.Items {
		out = append(out, e.Reason+": "+e.Message)
	}
	return out
}

// kubectlUndo does what kubectl rollout undo does for apps/v1 (kubectl's
// DeploymentRollbacker): it finds the ReplicaSet of the revision (0: the
// one before the current), and replaces the Deployment's template and
// annotations with that ReplicaSet's in one JSON patch. The controller
// then sees an ordinary template change.
func kubectlUndo(t testing.TB, c kubernetes.Interface, name string, toRevision int64) {
	t.Helper()
	d := get(t, c, name)
	rss := replicaSets(t, c, d)
	var target *appsv1.ReplicaSet
	if toRevision == 0 {
		if len(rss) < 2 {
			t.Fatal("no revision to roll back to")
		}
		target = &rss[len(rss)-2]
	}
	for i := range rss {
		if rss[i].Annotations[deployment.RevisionAnnotation] == strconv.FormatInt(toRevision, 10) {
			target = &rss[i]
		}
	}
	if target == nil {
		t.Fatalf("unable to find specified revision %d in history", toRevision)
	}
	tmpl := target.Spec.Template.DeepCopy()
	delete(tmpl.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	skip := map[string]bool{corev1.LastAppliedConfigAnnotation: true, deployment.RevisionAnnotation: true,
		deployment.RevisionHistoryAnnotation: true, deployment.DesiredReplicasAnnotation: true,
		deployment.MaxReplicasAnnotation: true, appsv1.DeprecatedRollbackTo: true}
	annotations := map[string]string{}
	for k := range skip {
		if v, ok := d.Annotations[k]; ok {
			annotations[k] = v
		}
	}
	for k, v := range target.Annotations {
		if !skip[k] {
			annotations[k] = v
		}
	}
	body, err := json.Marshal([]map[string]any{
		{"op": "replace", "path": "/spec/template", "value": tmpl},
		{"op": "replace", "path": "/metadata/annotations", "value": annotations},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppsV1().Deployments(ns).Patch(ctx, name, types.JSONPatchType, body, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
}
