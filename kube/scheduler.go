package kube

import (
	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/scheduler"
)

// The scheduler runs on the controller manager's feed and clock, switched
// off like a controller, by its name "scheduler".
func init() {
	controllers[scheduler.Name] = func(cp *ControlPlane, m *controller.Manager) error {
		return scheduler.Add(m, scheduler.Options{Seed: cp.schedulerSeed})
	}
}
