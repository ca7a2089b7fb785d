package testkit_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubesim/kubesim/testkit"
)

const nginxDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.7.9
        ports:
        - containerPort: 80
`

// kubectl runs the real kubectl and checks its output has every want.
func kubectl(t *testing.T, env *testkit.Env, want []string, args ...string) string {
	t.Helper()
	out, err := env.Kubectl(args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("kubectl %s: output lacks %q:\n%s", strings.Join(args, " "), w, out)
		}
	}
	return out
}

// TestKubectl drives a cluster with the real kubectl, built from the
// k8s.io/kubectl module, as a user at a terminal would.
func TestKubectl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kubectl")
	}
	env := testkit.Start(t, testkit.WithNodes(2))
	manifest := filepath.Join(t.TempDir(), "nginx.yaml")
	if err := os.WriteFile(manifest, []byte(nginxDeployment), 0o644); err != nil {
		t.Fatal(err)
	}
	kubectl(t, env, []string{"deployment.apps/nginx-deployment created"}, "apply", "-f", manifest)
	env.Advance(time.Minute)
	kubectl(t, env, []string{`deployment "nginx-deployment" successfully rolled out`}, "rollout", "status", "deployment/nginx-deployment")
	kubectl(t, env, []string{"condition met"}, "wait", "--for=condition=Available", "deployment/nginx-deployment", "--timeout=5s")
	wide := kubectl(t, env, []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "Running", "1/1"}, "get", "pods", "-o", "wide")
	if n := strings.Count(wide, "Running"); n != 3 {
		t.Errorf("get pods -o wide shows %d running pods, want 3:\n%s", n, wide)
	}
	kubectl(t, env, []string{"nginx-deployment", "3/3"}, "get", "deployments")
	pod := strings.Fields(strings.Split(wide, "\n")[1])[0]
	kubectl(t, env, []string{"Status:", "Running", "Events:", "Scheduled", "Successfully assigned default/" + pod, "Started"}, "describe", "pod", pod)

	kubectl(t, env, []string{"image updated"}, "set", "image", "deployment/nginx-deployment", "nginx=nginx:1.9.1")
	env.Advance(time.Minute)
	kubectl(t, env, []string{"REVISION", "1", "2"}, "rollout", "history", "deployment/nginx-deployment")
	kubectl(t, env, []string{"rolled back"}, "rollout", "undo", "deployment/nginx-deployment")
	env.Advance(time.Minute)
	kubectl(t, env, []string{"nginx:1.7.9"}, "get", "deployment", "nginx-deployment", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
	kubectl(t, env, []string{"scaled"}, "scale", "deployment/nginx-deployment", "--replicas=1")
	env.Advance(time.Minute)
	kubectl(t, env, []string{"1/1"}, "get", "deployment", "nginx-deployment")

	kubectl(t, env, []string{"pod/hello created"}, "run", "hello", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo hello from kubesim")
	env.Advance(time.Minute)
	kubectl(t, env, []string{"hello from kubesim"}, "logs", "hello")
	kubectl(t, env, []string{"Completed"}, "get", "pod", "hello")

	kubectl(t, env, []string{"pod/crasher created"}, "run", "crasher", "--image=busybox:1.36", "--", "sh", "-c", "date; exit 1")
	env.Advance(30 * time.Second)
	kubectl(t, env, []string{"CrashLoopBackOff"}, "get", "pod", "crasher")
	kubectl(t, env, []string{"2025"}, "logs", "crasher", "--previous")

	kubectl(t, env, []string{"node/node-1 cordoned"}, "cordon", "node-1")
	kubectl(t, env, []string{"SchedulingDisabled"}, "get", "nodes")
	kubectl(t, env, []string{"FIELD: replicas", "<integer>"}, "explain", "deployment.spec.replicas")
	kubectl(t, env, []string{"yes"}, "auth", "can-i", "delete", "pods")
	if out, _ := env.Kubectl("auth", "can-i", "delete", "pods", "--as=nobody"); !strings.Contains(out, "no") {
		t.Errorf("kubectl auth can-i as nobody: %q", out)
	}
	kubectl(t, env, []string{`deployment.apps "nginx-deployment" deleted`}, "delete", "deployment", "nginx-deployment")
}

// TestKubectlGetWatch: kubectl get -w streams a pod's progress while the
// cluster's clock runs on its own, a minute of cluster life per second.
func TestKubectlGetWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kubectl")
	}
	env := testkit.Start(t, testkit.WithNodes(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // wall-clock: kubectl streams in real time
	defer cancel()
	watch, err := env.KubectlCommand(ctx, "get", "pods", "-w", "--output-watch-events")
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := watch.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	// Read the stream: first the marker pod, which says kubectl's watch is
	// established, then until hello is seen Completed.
	kubectl(t, env, []string{"pod/marker created"}, "run", "marker", "--image=busybox:1.36", "--", "sleep", "3600")
	var lines []string
	watching, completed := make(chan struct{}), make(chan struct{})
	go func() {
		scanner := bufio.NewScanner(stdout)
		seenMarker := false
		for scanner.Scan() {
			lines = append(lines, scanner.Text())
			if !seenMarker && strings.Contains(scanner.Text(), "marker") {
				seenMarker = true
				close(watching)
			}
			if strings.Contains(scanner.Text(), "hello") && strings.Contains(scanner.Text(), "Completed") {
				close(completed)
				return
			}
		}
	}()
	select {
	case <-watching:
	case <-ctx.Done():
		t.Fatalf("kubectl get -w never listed the marker pod")
	}
	// The clock stands still until hello exists, so every step is seen.
	kubectl(t, env, []string{"pod/hello created"}, "run", "hello", "--image=busybox:1.36", "--restart=Never", "--", "sh", "-c", "sleep 5")
	running := make(chan error, 1)
	go func() { running <- env.Cluster().Run(ctx, 60) }()
	select {
	case <-completed:
	case <-ctx.Done():
		t.Fatalf("kubectl get -w never showed the pod Completed")
	}
	cancel()
	_ = watch.Wait()
	<-running
	out := strings.Join(lines, "\n")
	for _, want := range []string{"ADDED", "MODIFIED", "hello", "Pending", "ContainerCreating", "Running", "Completed"} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl get -w output lacks %q:\n%s", want, out)
		}
	}
}
