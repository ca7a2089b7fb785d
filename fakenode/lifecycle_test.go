package fakenode_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode"
	"github.com/kubesim/kubesim/testkit"
)

const sim = fakenode.AnnotationPrefix

func scripted(name string, annotations map[string]string) *corev1.Pod {
	p := nginxPod(name, "node-1")
	p.Annotations = annotations
	p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](30)
	return p
}

func run(t *testing.T, env *testkit.Env, p *corev1.Pod) {
	t.Helper()
	if _, err := env.Client().CoreV1().Pods("default").Create(ctx, p, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func status(t *testing.T, env *testkit.Env, name string) *corev1.Pod {
	t.Helper()
	p, err := env.Client().CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCrashLoopBackOff(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	run(t, env, scripted("crash", map[string]string{sim + "exit-code": "1", sim + "run-for": "2s"}))
	env.Advance(4 * time.Second) // pull 1s, run 2s: exited, restarted at once
	p := status(t, env, "crash")
	if cs := p.Status.ContainerStatuses[0]; cs.RestartCount != 1 || cs.State.Running == nil {
		t.Fatalf("after the first exit: %+v", cs)
	}
	env.Advance(3 * time.Second) // second exit at ~5s: back-off 10s
	cs := status(t, env, "crash").Status.ContainerStatuses[0]
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != "CrashLoopBackOff" ||
		!strings.HasPrefix(cs.State.Waiting.Message, "back-off 10s restarting failed container=nginx pod=crash_default(") {
		t.Fatalf("after the second exit: %+v", cs.State)
	}
	if cs.LastTerminationState.Terminated == nil || cs.LastTerminationState.Terminated.ExitCode != 1 || cs.LastTerminationState.Terminated.Reason != "Error" {
		t.Errorf("last state: %+v", cs.LastTerminationState)
	}
	if p := status(t, env, "crash"); p.Status.Phase != corev1.PodRunning {
		t.Errorf("a crash-looping pod with restartPolicy Always is %s, want Running", p.Status.Phase)
	}
	env.Advance(10 * time.Second)
	if cs := status(t, env, "crash").Status.ContainerStatuses[0]; cs.RestartCount != 2 {
		t.Errorf("restart count after the back-off: %d, want 2", cs.RestartCount)
	}
}

func TestRestartPolicyNeverFails(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := scripted("once", map[string]string{sim + "exit-code": "3", sim + "run-for": "1s"})
	p.Spec.RestartPolicy = corev1.RestartPolicyNever
	run(t, env, p)
	env.Advance(5 * time.Second)
	got := status(t, env, "once")
	if got.Status.Phase != corev1.PodFailed || got.Status.ContainerStatuses[0].State.Terminated.ExitCode != 3 {
		t.Errorf("phase %s, container %+v", got.Status.Phase, got.Status.ContainerStatuses[0].State)
	}
	ok := scripted("ok", map[string]string{sim + "exit-code": "0", sim + "run-for": "1s"})
	ok.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
	run(t, env, ok)
	env.Advance(5 * time.Second)
	if got := status(t, env, "ok"); got.Status.Phase != corev1.PodSucceeded ||
		got.Status.ContainerStatuses[0].State.Terminated.Reason != "Completed" {
		t.Errorf("OnFailure pod that exited 0: %s %+v", got.Status.Phase, got.Status.ContainerStatuses[0].State)
	}
}

func TestGracefulDeletionWaitsForTheGracePeriod(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	// A process that ignores SIGTERM, as a shell script without a trap.
	run(t, env, scripted("stubborn", map[string]string{sim + "exit-code": "0", sim + "run-for": "1h"}))
	env.Advance(5 * time.Second)
	if err := env.Client().CoreV1().Pods("default").Delete(ctx, "stubborn", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(29 * time.Second)
	if p := status(t, env, "stubborn"); p.DeletionTimestamp == nil {
		t.Fatal("no deletion timestamp")
	}
	env.Advance(2 * time.Second)
	if _, err := env.Client().CoreV1().Pods("default").Get(ctx, "stubborn", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("pod still there after its grace period: %v", err)
	}
	// nginx stops at once on SIGTERM.
	run(t, env, scripted("web", nil))
	env.Advance(5 * time.Second)
	if err := env.Client().CoreV1().Pods("default").Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Settle()
	if _, err := env.Client().CoreV1().Pods("default").Get(ctx, "web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("nginx pod still there: %v", err)
	}
}

func TestReadinessAndLivenessProbes(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := scripted("probed", map[string]string{sim + "ready-after": "20s", sim + "unhealthy-after": "60s"})
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(80)}},
		PeriodSeconds: 5, FailureThreshold: 3, SuccessThreshold: 1, TimeoutSeconds: 1}
	p.Spec.Containers[0].ReadinessProbe = probe.DeepCopy()
	p.Spec.Containers[0].LivenessProbe = probe.DeepCopy()
	run(t, env, p)
	env.Advance(10 * time.Second)
	if got := status(t, env, "probed"); got.Status.ContainerStatuses[0].Ready {
		t.Error("ready before its readiness probe passed")
	}
	env.Advance(20 * time.Second)
	if got := status(t, env, "probed"); !got.Status.ContainerStatuses[0].Ready {
		t.Error("not ready after the probe passed")
	}
	env.Advance(60 * time.Second)
	got := status(t, env, "probed")
	if cs := got.Status.ContainerStatuses[0]; cs.RestartCount < 1 {
		t.Errorf("liveness failures did not restart the container: %+v", cs)
	}
	evs, _ := env.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "reason=Unhealthy"})
	if len(evs.Items) == 0 || !strings.HasPrefix(evs.Items[0].Message, "Liveness probe failed: HTTP probe failed with statuscode: 500") &&
		!strings.HasPrefix(evs.Items[0].Message, "Readiness probe failed") {
		t.Errorf("Unhealthy events: %+v", evs.Items)
	}
}

func TestImagePullFailure(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1), testkit.WithBehaviors(fakenode.Behavior{
		Match: fakenode.Match{Image: "ghcr.io/nope/*"}, ImageMissing: true,
	}))
	p := scripted("missing", nil)
	p.Spec.Containers[0].Image = "ghcr.io/nope/app:1.0"
	run(t, env, p)
	env.Advance(1500 * time.Millisecond) // the pull fails after 1s
	cs := status(t, env, "missing").Status.ContainerStatuses[0]
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != "ErrImagePull" {
		t.Fatalf("after a failed pull: %+v", cs.State)
	}
	env.Advance(3 * time.Second)
	cs = status(t, env, "missing").Status.ContainerStatuses[0]
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != "ImagePullBackOff" {
		t.Errorf("while backing off: %+v", cs.State)
	}
	// The kubelet reports each failed start with a Failed event too.
	msgs := eventTexts(t, env, "reason=Failed")
	if !slices.Contains(msgs, "Failed: Error: ErrImagePull") || !slices.Contains(msgs, "Failed: Error: ImagePullBackOff") {
		t.Errorf("Failed events %q", msgs)
	}
}

// eventTexts lists the events that selector selects as "Reason: Message".
func eventTexts(t *testing.T, env *testkit.Env, selector string) []string {
	t.Helper()
	evs, err := env.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: selector})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs.Items {
		out = append(out, e.Reason+": "+e.Message)
	}
	return out
}

// An absent image with pull policy Never is never pulled.
func TestImageNeverPulled(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := scripted("dapi-test-pod-container-vars", nil)
	p.Spec.Containers[0].Image = "registry.example/absent:1.0"
	p.Spec.Containers[0].ImagePullPolicy = corev1.PullNever
	run(t, env, p)
	env.Advance(10 * time.Second)
	cs := status(t, env, "dapi-test-pod-container-vars").Status.ContainerStatuses[0]
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != "ErrImageNeverPull" {
		t.Fatalf("container %+v", cs.State)
	}
	want := []string{`ErrImageNeverPull: Container image "registry.example/absent:1.0" is not present with pull policy of Never`, "Failed: Error: ErrImageNeverPull"}
	if diff := cmp.Diff(want, eventTexts(t, env, "type=Warning")); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// An image name that is not a valid reference (the seed's mySshImage:
// repository names are lowercase) is never pulled: the container waits
// with InvalidImageName and the pod stays Pending.
func TestInvalidImageName(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := scripted("secret-test-pod", nil)
	p.Spec.Containers[0].Image = "mySshImage"
	run(t, env, p)
	env.Advance(time.Minute)
	got := status(t, env, "secret-test-pod")
	msg := `Failed to apply default image tag "mySshImage": couldn't parse image name "mySshImage": ` +
		`invalid reference format: repository name (library/mySshImage) must be lowercase`
	cs := got.Status.ContainerStatuses[0]
	if got.Status.Phase != corev1.PodPending || cs.State.Waiting == nil || cs.State.Waiting.Reason != "InvalidImageName" || cs.State.Waiting.Message != msg {
		t.Fatalf("phase %s, container %+v", got.Status.Phase, cs.State)
	}
	want := []string{"InspectFailed: " + msg, "Failed: Error: InvalidImageName"}
	if diff := cmp.Diff(want, eventTexts(t, env, "involvedObject.name=secret-test-pod,type=Warning")); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// A container that has not started has no logs; the kubelet says why, in
// the words of its waiting reason.
func TestLogsOfAContainerWaitingToStart(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := scripted("javaweb-2", map[string]string{sim + "exit-code.war": "0", sim + "run-for.war": "1m"})
	p.Spec.InitContainers = []corev1.Container{{Name: "war", Image: "busybox"}}
	p.Spec.Containers[0].Name = "tomcat"
	run(t, env, p)
	env.Advance(10 * time.Second)
	err := env.Client().CoreV1().Pods("default").GetLogs("javaweb-2", &corev1.PodLogOptions{Container: "tomcat"}).Do(ctx).Error()
	if want := `container "tomcat" in pod "javaweb-2" is waiting to start: PodInitializing`; !apierrors.IsBadRequest(err) || err.Error() != want {
		t.Errorf("logs: %q, want a Bad Request: %s", err, want)
	}
}

// A shell container with its stdin open (the seed's shareProcessNamespace
// pod, for kubectl attach) waits at its prompt instead of exiting; as PID
// 1 it ignores SIGTERM, so deleting the pod takes the grace period.
func TestShellWithStdinWaitsAtItsPrompt(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "nginx"}, Spec: corev1.PodSpec{
		ShareProcessNamespace: ptr.To(true),
		Containers: []corev1.Container{
			{Name: "nginx", Image: "nginx"},
			{Name: "shell", Image: "busybox", Stdin: true, TTY: true},
		},
	}}
	run(t, env, p)
	env.Advance(time.Minute)
	got := status(t, env, "nginx")
	for _, cs := range got.Status.ContainerStatuses {
		if cs.State.Running == nil || cs.RestartCount != 0 || !cs.Ready {
			t.Errorf("container %s: %+v, restarts %d", cs.Name, cs.State, cs.RestartCount)
		}
	}
	if err := env.Client().CoreV1().Pods("default").Delete(ctx, "nginx", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(20 * time.Second)
	if _, err := env.Client().CoreV1().Pods("default").Get(ctx, "nginx", metav1.GetOptions{}); err != nil {
		t.Fatalf("the shell ignores SIGTERM, so the pod is still terminating: %v", err)
	}
	env.Advance(15 * time.Second)
	if _, err := env.Client().CoreV1().Pods("default").Get(ctx, "nginx", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("after the 30 s grace period: %v", err)
	}
}

// A failed postStart hook kills the container as a failed liveness probe
// does: SIGTERM, which sleep as PID 1 ignores, then SIGKILL when the
// pod's grace period is over; then the restart policy restarts it.
func TestFailedPostStartHookKillsGracefully(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := shellPod("lifecycle-demo", "sleep 3600")
	p.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{PostStart: &corev1.LifecycleHandler{
		Exec: &corev1.ExecAction{Command: []string{"/bin/sh", "-c", "echo Hello > /usr/share/message"}}}}
	run(t, env, p)
	env.Advance(20 * time.Second)
	cs := status(t, env, "lifecycle-demo").Status.ContainerStatuses[0]
	if cs.State.Running == nil || cs.RestartCount != 0 {
		t.Fatalf("within the grace period: %+v, restarts %d", cs.State, cs.RestartCount)
	}
	env.Advance(20 * time.Second)
	cs = status(t, env, "lifecycle-demo").Status.ContainerStatuses[0]
	if last := cs.LastTerminationState.Terminated; cs.RestartCount != 1 || last == nil || last.ExitCode != 137 {
		t.Errorf("after the grace period: restarts %d, last %+v", cs.RestartCount, cs.LastTerminationState)
	}
	if evs := eventTexts(t, env, "reason=Killing"); len(evs) == 0 || evs[0] != "Killing: FailedPostStartHook" {
		t.Errorf("Killing events %q", evs)
	}
}

func TestMissingConfigMapBlocksTheContainer(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := scripted("configured", nil)
	p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "LEVEL", ValueFrom: &corev1.EnvVarSource{
		ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}, Key: "level"},
	}}}
	run(t, env, p)
	env.Advance(5 * time.Second)
	cs := status(t, env, "configured").Status.ContainerStatuses[0]
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != "CreateContainerConfigError" || cs.State.Waiting.Message != `configmap "settings" not found` {
		t.Fatalf("without the ConfigMap: %+v", cs.State)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}, Data: map[string]string{"level": "debug"}}
	if _, err := env.Client().CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(15 * time.Second)
	if got := status(t, env, "configured"); got.Status.Phase != corev1.PodRunning {
		t.Errorf("after the ConfigMap appeared: %s %+v", got.Status.Phase, got.Status.ContainerStatuses[0].State)
	}
}

func TestActiveDeadline(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := scripted("deadline", nil)
	p.Spec.ActiveDeadlineSeconds = ptr.To[int64](30)
	run(t, env, p)
	env.Advance(45 * time.Second)
	got := status(t, env, "deadline")
	if got.Status.Phase != corev1.PodFailed || got.Status.Reason != "DeadlineExceeded" {
		t.Errorf("phase %s reason %q message %q", got.Status.Phase, got.Status.Reason, got.Status.Message)
	}
}

func TestInitContainersRunInOrder(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := scripted("init", map[string]string{
		sim + "exit-code.first": "0", sim + "run-for.first": "5s",
		sim + "exit-code.second": "0", sim + "run-for.second": "5s",
	})
	p.Spec.InitContainers = []corev1.Container{{Name: "first", Image: "busybox"}, {Name: "second", Image: "busybox"}}
	run(t, env, p)
	env.Advance(4 * time.Second)
	got := status(t, env, "init")
	if got.Status.Phase != corev1.PodPending || got.Status.InitContainerStatuses[0].State.Running == nil ||
		got.Status.InitContainerStatuses[1].State.Waiting == nil {
		t.Fatalf("while the first init container runs: %+v", got.Status.InitContainerStatuses)
	}
	env.Advance(20 * time.Second)
	got = status(t, env, "init")
	if got.Status.Phase != corev1.PodRunning || got.Status.InitContainerStatuses[1].State.Terminated == nil {
		t.Errorf("after both init containers: %s %+v", got.Status.Phase, got.Status.InitContainerStatuses)
	}
}

func TestStoppedNodeStopsHeartbeating(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	node := env.Cluster().Nodes.Node("node-1")
	env.Advance(10 * time.Second)
	lease, _ := env.Client().CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(ctx, "node-1", metav1.GetOptions{})
	before := lease.Spec.RenewTime.Time
	node.Stop()
	env.Advance(time.Minute)
	lease, _ = env.Client().CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(ctx, "node-1", metav1.GetOptions{})
	if !lease.Spec.RenewTime.Time.Equal(before) {
		t.Errorf("a stopped node renewed its lease: %v -> %v", before, lease.Spec.RenewTime.Time)
	}
	if err := node.Start(ctx); err != nil {
		t.Fatal(err)
	}
	env.Advance(10 * time.Second)
	lease, _ = env.Client().CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(ctx, "node-1", metav1.GetOptions{})
	if !lease.Spec.RenewTime.Time.After(before) {
		t.Error("a restarted node does not renew its lease")
	}
}
