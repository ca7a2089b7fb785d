package apiserver

import (
	"runtime"
	"strings"

	"k8s.io/apimachinery/pkg/version"
)

// KubernetesVersion is the Kubernetes release whose API kubesim serves: that
// of the k8s.io/api module it is built with (v0.37.2 is Kubernetes
// v1.37.2). A test checks it against go.mod, so that kubectl's version skew
// checks see a server that matches the types it is sent.
const KubernetesVersion = "v1.37.2"

func serverVersion() version.Info {
	parts := strings.SplitN(strings.TrimPrefix(KubernetesVersion, "v"), ".", 3)
	return version.Info{
		Major:      parts[0],
		Minor:      parts[1],
		GitVersion: KubernetesVersion + "+kubesim",
		GitCommit:  "kubesim",
		GoVersion:  runtime.Version(),
		Compiler:   runtime.Compiler,
		Platform:   runtime.GOOS + "/" + runtime.GOARCH,
	}
}
