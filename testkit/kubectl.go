package testkit

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

// kubectlVersion is the version the kubectl built from testkit/kubectl
// reports: that of kubesim's Kubernetes libraries.
const kubectlVersion = "v1.37.2"

var (
	kubectlOnce sync.Once
	kubectlPath string
	kubectlErr  error
)

// Kubectl runs kubectl against the cluster, through its Kubeconfig, and
// returns what kubectl printed (stdout, then stderr). kubectl is
// $KUBESIM_KUBECTL when set; else the real kubectl built once from this
// repository's testkit/kubectl module (cached in the user cache
// directory; the first build takes a minute or two); else kubectl on PATH.
// Time is the cluster's: advance it before asking kubectl to wait for
// something.
func (e *Env) Kubectl(args ...string) (string, error) {
	e.t.Helper()
	cmd, err := e.KubectlCommand(context.Background(), args...)
	if err != nil {
		return "", err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	out := stdout.String() + stderr.String()
	if err != nil {
		return out, fmt.Errorf("kubectl %v: %w: %s", args, err, stderr.String())
	}
	return out, nil
}

// KubectlCommand returns kubectl, set up as Kubectl runs it, for commands
// that stream (get -w, logs -f): start it, let the cluster run (e.g.
// Cluster().Run at a rate), and cancel ctx to stop it.
func (e *Env) KubectlCommand(ctx context.Context, args ...string) (*exec.Cmd, error) {
	e.t.Helper()
	kubectlOnce.Do(func() { kubectlPath, kubectlErr = findKubectl() })
	if kubectlErr != nil {
		return nil, kubectlErr
	}
	full := append([]string{"--kubeconfig=" + e.Kubeconfig(), "--cache-dir=" + filepath.Join(filepath.Dir(e.Kubeconfig()), "kubectl-cache")}, args...)
	return exec.CommandContext(ctx, kubectlPath, full...), nil
}

func findKubectl() (string, error) {
	if p := os.Getenv("KUBESIM_KUBECTL"); p != "" {
		return p, nil
	}
	_, file, _, ok := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "kubectl")
	if _, err := os.Stat(filepath.Join(src, "go.mod")); ok && err == nil {
		return buildKubectl(src)
	}
	return exec.LookPath("kubectl")
}

// buildKubectl builds kubectl from the module in src, once per version:
// into a temporary name first, so that concurrent test processes never
// run a half-written binary.
func buildKubectl(src string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "kubesim")
	bin := filepath.Join(dir, "kubectl-"+kubectlVersion)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, "kubectl-build-")
	if err != nil {
		return "", err
	}
	tmp.Close()
	ldflags := fmt.Sprintf("-X k8s.io/component-base/version.gitVersion=%[1]s -X k8s.io/client-go/pkg/version.gitVersion=%[1]s", kubectlVersion)
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-ldflags", ldflags, "-o", tmp.Name(), ".")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("build kubectl: %w: %s", err, out)
	}
	if err := os.Rename(tmp.Name(), bin); err != nil {
		return "", err
	}
	return bin, nil
}
