// Command kubectl is the real kubectl, built from the k8s.io/kubectl
// module at the version of kubesim's Kubernetes libraries, so that tests
// run kubectl against kubesim exactly as users do. It is its own module,
// so that kubectl's dependencies stay out of kubesim's go.mod;
// testkit.Env.Kubectl builds it on first use.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
)

func main() {
	os.Exit(cli.Run(cmd.NewDefaultKubectlCommand()))
}
