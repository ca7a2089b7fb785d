package fakenode_test

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

func shellPod(name string, script string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			NodeName:                      "node-1",
			TerminationGracePeriodSeconds: ptr.To[int64](30),
			Containers: []corev1.Container{{
				Name: "main", Image: "busybox", Command: []string{"/bin/sh", "-c", script},
				TerminationMessagePath: "/dev/termination-log",
			}},
		},
	}
}

func logs(t *testing.T, env *testkit.Env, pod string, opts *corev1.PodLogOptions) string {
	t.Helper()
	b, err := env.Client().CoreV1().Pods("default").GetLogs(pod, opts).DoRaw(ctx)
	if err != nil {
		t.Fatalf("logs of %s: %v", pod, err)
	}
	return string(b)
}

// The liveness example of the seed documents (000, section on probes),
// unchanged: the file disappears after 30 s, the probe fails three times,
// and the kubelet restarts the container. busybox's sh, as PID 1, ignores
// the SIGTERM, so the restart comes after the 30 s grace period, as on a
// real cluster.
func TestSeedLivenessExample(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := shellPod("test-liveness-exec", "")
	p.Spec.Containers[0] = corev1.Container{
		Name: "liveness", Image: "busybox",
		Args: []string{"/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600"},
		LivenessProbe: &corev1.Probe{
			ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}},
			InitialDelaySeconds: 5, PeriodSeconds: 5, TimeoutSeconds: 1, SuccessThreshold: 1, FailureThreshold: 3,
		},
	}
	run(t, env, p)
	env.Advance(10 * time.Second)
	if got := status(t, env, p.Name); got.Status.Phase != corev1.PodRunning || got.Status.ContainerStatuses[0].RestartCount != 0 {
		t.Fatalf("at 10s: %s, restarts %d", got.Status.Phase, got.Status.ContainerStatuses[0].RestartCount)
	}
	env.Advance(35 * time.Second)
	evs, _ := env.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "reason=Unhealthy"})
	if len(evs.Items) == 0 || evs.Items[0].Message != "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory" {
		t.Fatalf("Unhealthy events: %+v", evs.Items)
	}
	env.Advance(40 * time.Second)
	got := status(t, env, p.Name)
	if got.Status.Phase != corev1.PodRunning || got.Status.ContainerStatuses[0].RestartCount != 1 {
		t.Errorf("after the liveness kill: %s, restarts %d", got.Status.Phase, got.Status.ContainerStatuses[0].RestartCount)
	}
}

func TestScriptOutputAndExitCode(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := shellPod("hello", "date; echo Hello from the Kubernetes cluster; echo oops >&2; echo bye > /dev/termination-log; exit 3")
	p.Spec.RestartPolicy = corev1.RestartPolicyNever
	run(t, env, p)
	env.Advance(5 * time.Second)
	got := status(t, env, "hello")
	term := got.Status.ContainerStatuses[0].State.Terminated
	if got.Status.Phase != corev1.PodFailed || term == nil || term.ExitCode != 3 || term.Message != "bye\n" {
		t.Fatalf("phase %s terminated %+v", got.Status.Phase, term)
	}
	out := logs(t, env, "hello", &corev1.PodLogOptions{})
	if !strings.Contains(out, "Hello from the Kubernetes cluster\noops\n") || !strings.HasPrefix(out, "Wed Jan  1 00:00:01 UTC 2025\n") {
		t.Errorf("logs:\n%s", out)
	}
	if tail := logs(t, env, "hello", &corev1.PodLogOptions{TailLines: ptr.To[int64](1)}); tail != "oops\n" {
		t.Errorf("tailLines 1: %q", tail)
	}
}

func TestTrapMakesTerminationQuick(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	run(t, env, shellPod("trapper", "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done"))
	env.Advance(5 * time.Second)
	if err := env.Client().CoreV1().Pods("default").Delete(ctx, "trapper", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(3 * time.Second)
	if _, err := env.Client().CoreV1().Pods("default").Get(ctx, "trapper", metav1.GetOptions{}); err == nil {
		t.Error("a pod that traps SIGTERM and exits is still there 3s after deletion")
	}
}

func TestVolumesAndDownwardAPI(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}, Data: map[string]string{"level": "debug"}}
	if _, err := env.Client().CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := shellPod("vols", "cat /config/level; echo; cat /podinfo/labels; echo; echo from-writer > /shared/msg; sleep 3600")
	p.Labels = map[string]string{"app": "demo"}
	p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "config", MountPath: "/config"}, {Name: "shared", MountPath: "/shared"}, {Name: "podinfo", MountPath: "/podinfo"}}
	p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "MY_POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}
	p.Spec.Containers = append(p.Spec.Containers, corev1.Container{
		Name: "reader", Image: "busybox", Command: []string{"sh", "-c", "sleep 2; cat /data/msg; printenv MY_POD_NAME; sleep 3600"},
		VolumeMounts: []corev1.VolumeMount{{Name: "shared", MountPath: "/data"}},
		Env:          []corev1.EnvVar{{Name: "MY_POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
	})
	p.Spec.Volumes = []corev1.Volume{
		{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}},
		{Name: "shared", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		{Name: "podinfo", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{Items: []corev1.DownwardAPIVolumeFile{
			{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
		}}}},
	}
	run(t, env, p)
	env.Advance(10 * time.Second)
	if out := logs(t, env, "vols", &corev1.PodLogOptions{Container: "main"}); out != "debug\napp=\"demo\"\n" {
		t.Errorf("main's log: %q", out)
	}
	if out := logs(t, env, "vols", &corev1.PodLogOptions{Container: "reader"}); out != "from-writer\nvols\n" {
		t.Errorf("reader's log: %q", out)
	}
}

// A configMap volume follows the ConfigMap within the kubelet's sync
// period, and is rewritten (a new timestamped directory behind ..data)
// only when its content changed; an environment variable taken from the
// ConfigMap keeps the value the container started with.
func TestConfigMapVolumeFollowsUpdates(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	cms := env.Client().CoreV1().ConfigMaps("default")
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}, Data: map[string]string{"level": "debug"}}
	if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := shellPod("watcher", `while true; do echo "$(cat /config/level) $(readlink /config/..data) $LEVEL"; sleep 40; done`)
	p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "config", MountPath: "/config"}}
	p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "LEVEL", ValueFrom: &corev1.EnvVarSource{
		ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}, Key: "level"}}}}
	p.Spec.Volumes = []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
		ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}}}
	run(t, env, p)
	env.Advance(150 * time.Second) // four lines, past two volume syncs
	cm.Data["level"] = "info"
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(100 * time.Second) // the next sync brings the change
	lines := strings.Fields(strings.ReplaceAll(logs(t, env, "watcher", &corev1.PodLogOptions{}), "\n", " | "))
	var got [][]string
	for _, l := range strings.Split(strings.Join(lines, " "), " | ") {
		if f := strings.Fields(l); len(f) == 3 {
			got = append(got, f)
		}
	}
	if len(got) < 6 {
		t.Fatalf("log lines: %q", got)
	}
	first, last := got[0], got[len(got)-1]
	for _, l := range got[:4] {
		if l[0] != "debug" || l[1] != first[1] {
			t.Errorf("before the update, %q; want the first content and directory %q", l, first[:2])
		}
	}
	if last[0] != "info" || last[1] == first[1] || !strings.HasPrefix(last[1], "..20") {
		t.Errorf("after the update: %q, want info from a new directory", last)
	}
	for _, l := range got {
		if l[2] != "debug" {
			t.Errorf("environment changed: %q", l)
		}
	}
}

// TestConfigMapVolumeOutlivesItsSource: a mounted ConfigMap volume keeps
// its files after the ConfigMap is deleted; each later sync reports the
// failed remount, and the container still restarts when it exits.
func TestConfigMapVolumeOutlivesItsSource(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	cms := env.Client().CoreV1().ConfigMaps("default")
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}, Data: map[string]string{"level": "debug"}}
	if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := shellPod("reader", `echo "$(cat /config/level)"; sleep 100; exit 1`)
	p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "config", MountPath: "/config"}}
	p.Spec.Volumes = []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
		ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}}}
	run(t, env, p)
	env.Advance(5 * time.Second) // pulled, mounted, running
	if err := cms.Delete(ctx, "cfg", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(125 * time.Second) // past a volume sync and the first exit
	got, err := env.Client().CoreV1().Pods("default").Get(ctx, "reader", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cs := got.Status.ContainerStatuses; len(cs) != 1 || cs[0].RestartCount != 1 || cs[0].State.Running == nil {
		t.Fatalf("container status %+v, want running again after one restart", cs)
	}
	prev := logs(t, env, "reader", &corev1.PodLogOptions{Previous: true})
	if out := logs(t, env, "reader", &corev1.PodLogOptions{}); strings.TrimSpace(out) != "debug" {
		t.Errorf("the restarted container read %q (the first: %q), want the kept content debug", out, prev)
	}
	evs, err := env.Client().CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "reason=FailedMount"})
	if err != nil {
		t.Fatal(err)
	}
	want := `MountVolume.SetUp failed for volume "config" : configmap "cfg" not found`
	if len(evs.Items) != 1 || evs.Items[0].Message != want {
		t.Errorf("FailedMount events %+v, want one: %s", evs.Items, want)
	}
}

// Every key a secret volume's items name must be in the Secret, or the
// volume is not set up and the pod waits in ContainerCreating, reporting
// the key; once the Secret has it, the pod starts. An optional volume
// goes without the missing file.
func TestSecretVolumeNeedsItsItemsKeys(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	secrets := env.Client().CoreV1().Secrets("default")
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "mysecret"}, Data: map[string][]byte{"username": []byte("admin")}}
	if _, err := secrets.Create(ctx, s, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	withItems := func(name string, optional bool) *corev1.Pod {
		p := shellPod(name, `echo "user=$(cat /v/user)"; echo "pass=$(cat /v/pass)"; sleep 1000`)
		p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "v", MountPath: "/v"}}
		p.Spec.Volumes = []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: "mysecret", Optional: &optional,
			Items: []corev1.KeyToPath{{Key: "username", Path: "user"}, {Key: "password", Path: "pass"}},
		}}}}
		return p
	}
	run(t, env, withItems("strict", false))
	run(t, env, withItems("lenient", true))
	env.Advance(time.Minute)
	pods := env.Client().CoreV1().Pods("default")
	strict, err := pods.Get(ctx, "strict", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cs := strict.Status.ContainerStatuses; len(cs) != 1 || cs[0].State.Waiting == nil || cs[0].State.Waiting.Reason != "ContainerCreating" {
		t.Errorf("strict container %+v, want waiting in ContainerCreating", cs)
	}
	want := `FailedMount: MountVolume.SetUp failed for volume "v" : references non-existent secret key: password`
	if evs := eventTexts(t, env, "reason=FailedMount,involvedObject.name=strict"); len(evs) == 0 || evs[0] != want {
		t.Errorf("FailedMount events %q, want: %s", evs, want)
	}
	if out := logs(t, env, "lenient", &corev1.PodLogOptions{}); !strings.Contains(out, "user=admin\n") || !strings.Contains(out, "pass=\n") {
		t.Errorf("the optional volume's pod printed %q, want the user and no pass file", out)
	}

	s.Data["password"] = []byte("t0p-Secret")
	if _, err := secrets.Update(ctx, s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(3 * time.Minute) // the mount retry backs off to two minutes
	if out := logs(t, env, "strict", &corev1.PodLogOptions{}); out != "user=admin\npass=t0p-Secret\n" {
		t.Errorf("once the key exists the pod printed %q", out)
	}
}

// envFrom makes a variable of every key of the Secret, with the prefix:
// the kubelet no longer skips keys that are not C identifiers, such as
// the seed's 1badkey, since environment variable names were relaxed.
func TestEnvFromTakesEveryKey(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "test-secret"}, Data: map[string][]byte{
		"USER_NAME": []byte("admin"), "1badkey": []byte("one"), "2alsobad": []byte("two"),
	}}
	if _, err := env.Client().CoreV1().Secrets("default").Create(ctx, s, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := shellPod("secret-test-pod", `env | grep -e USER -e bad | sort; sleep 1000`)
	p.Spec.Containers[0].EnvFrom = []corev1.EnvFromSource{
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "test-secret"}}},
		{Prefix: "X_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "test-secret"}}},
	}
	run(t, env, p)
	env.Advance(10 * time.Second)
	want := "1badkey=one\n2alsobad=two\nUSER_NAME=admin\nX_1badkey=one\nX_2alsobad=two\nX_USER_NAME=admin\n"
	if out := logs(t, env, "secret-test-pod", &corev1.PodLogOptions{}); out != want {
		t.Errorf("environment:\n%s\nwant:\n%s", out, want)
	}
	if evs := eventTexts(t, env, "type=Warning"); len(evs) != 0 {
		t.Errorf("warnings: %q", evs)
	}
}

// The downward API reads the kubelet's copy of the pod, whose annotations
// also say where the kubelet got it and when it first saw it.
func TestDownwardAnnotationsAreTheKubeletsCopy(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	p := shellPod("dapi", `echo "$(cat /podinfo/annotations)"; echo "source=$SOURCE"; sleep 1000`)
	p.Annotations = map[string]string{"team": "web"}
	p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "SOURCE", ValueFrom: &corev1.EnvVarSource{
		FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.annotations['kubernetes.io/config.source']"}}}}
	p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "podinfo", MountPath: "/podinfo"}}
	p.Spec.Volumes = []corev1.Volume{{Name: "podinfo", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{
		Items: []corev1.DownwardAPIVolumeFile{{Path: "annotations", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.annotations"}}},
	}}}}
	seen := env.Clock().Now().UTC().Format(time.RFC3339Nano)
	run(t, env, p)
	env.Advance(10 * time.Second)
	want := "kubernetes.io/config.seen=\"" + seen + "\"\nkubernetes.io/config.source=\"api\"\nteam=\"web\"\nsource=api\n"
	if out := logs(t, env, "dapi", &corev1.PodLogOptions{}); out != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out, want)
	}
}

// The runtime gives a container HOME when neither image nor pod does.
func TestContainerHasAHome(t *testing.T) {
	env := testkit.Start(t, testkit.WithNodes(1))
	run(t, env, shellPod("home", `echo "home=$HOME"; cd; pwd; sleep 1000`))
	p := shellPod("elsewhere", `echo "home=$HOME"; sleep 1000`)
	p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "HOME", Value: "/data"}}
	run(t, env, p)
	env.Advance(10 * time.Second)
	if out := logs(t, env, "home", &corev1.PodLogOptions{}); out != "home=/root\n/root\n" {
		t.Errorf("printed %q", out)
	}
	if out := logs(t, env, "elsewhere", &corev1.PodLogOptions{}); out != "home=/data\n" {
		t.Errorf("with HOME set in the pod: %q", out)
	}
}
