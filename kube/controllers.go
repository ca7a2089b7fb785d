package kube

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/kubesim/kubesim/kube/controller"
	"github.com/kubesim/kubesim/kube/controller/clusterroleaggregation"
	"github.com/kubesim/kubesim/kube/controller/cronjob"
	"github.com/kubesim/kubesim/kube/controller/daemonset"
	"github.com/kubesim/kubesim/kube/controller/deployment"
	"github.com/kubesim/kubesim/kube/controller/disruption"
	"github.com/kubesim/kubesim/kube/controller/endpoint"
	"github.com/kubesim/kubesim/kube/controller/endpointslice"
	"github.com/kubesim/kubesim/kube/controller/garbagecollector"
	"github.com/kubesim/kubesim/kube/controller/job"
	"github.com/kubesim/kubesim/kube/controller/namespace"
	"github.com/kubesim/kubesim/kube/controller/nodelifecycle"
	"github.com/kubesim/kubesim/kube/controller/persistentvolume"
	"github.com/kubesim/kubesim/kube/controller/podautoscaler"
	"github.com/kubesim/kubesim/kube/controller/podgc"
	"github.com/kubesim/kubesim/kube/controller/replicaset"
	"github.com/kubesim/kubesim/kube/controller/resourcequota"
	"github.com/kubesim/kubesim/kube/controller/serviceaccount"
	"github.com/kubesim/kubesim/kube/controller/servicelb"
	"github.com/kubesim/kubesim/kube/controller/statefulset"
	"github.com/kubesim/kubesim/kube/controller/tainteviction"
	"github.com/kubesim/kubesim/kube/controller/ttlafterfinished"
	"github.com/kubesim/kubesim/kube/registry"
)

// controllerSetup adds one controller to the manager.
type controllerSetup func(cp *ControlPlane, m *controller.Manager) error

// controllers are the built-in controllers, by the names
// kube-controller-manager's --controllers flag uses.
var controllers = map[string]controllerSetup{
	job.Name: func(cp *ControlPlane, m *controller.Manager) error {
		job.Add(m)
		return nil
	},
	cronjob.Name: func(cp *ControlPlane, m *controller.Manager) error {
		cronjob.Add(m)
		return nil
	},
	ttlafterfinished.Name: func(cp *ControlPlane, m *controller.Manager) error {
		ttlafterfinished.Add(m)
		return nil
	},
	clusterroleaggregation.Name: func(cp *ControlPlane, m *controller.Manager) error {
		clusterroleaggregation.Add(m)
		return nil
	},
	deployment.Name: func(cp *ControlPlane, m *controller.Manager) error {
		deployment.Add(m)
		return nil
	},
	replicaset.Name: func(cp *ControlPlane, m *controller.Manager) error {
		replicaset.Add(m)
		return nil
	},
	replicaset.RCName: func(cp *ControlPlane, m *controller.Manager) error {
		replicaset.AddReplicationController(m)
		return nil
	},
	statefulset.Name: func(cp *ControlPlane, m *controller.Manager) error {
		statefulset.Add(m)
		return nil
	},
	daemonset.Name: func(cp *ControlPlane, m *controller.Manager) error {
		daemonset.Add(m)
		return nil
	},
	resourcequota.Name: func(cp *ControlPlane, m *controller.Manager) error {
		resourcequota.Add(m)
		return nil
	},
	disruption.Name: func(cp *ControlPlane, m *controller.Manager) error {
		disruption.Add(m)
		return nil
	},
	endpointslice.Name: func(cp *ControlPlane, m *controller.Manager) error {
		endpointslice.Add(m)
		return nil
	},
	endpoint.Name: func(cp *ControlPlane, m *controller.Manager) error {
		endpoint.Add(m)
		return nil
	},
	garbagecollector.Name: func(cp *ControlPlane, m *controller.Manager) error {
		dyn, err := dynamic.NewForConfig(cp.ComponentConfig("generic-garbage-collector"))
		if err != nil {
			return err
		}
		garbagecollector.Add(m, dyn, cp.resourceFor)
		return nil
	},
	nodelifecycle.Name: func(cp *ControlPlane, m *controller.Manager) error {
		nodelifecycle.Add(m)
		return nil
	},
	tainteviction.Name: func(cp *ControlPlane, m *controller.Manager) error {
		tainteviction.Add(m)
		return nil
	},
	servicelb.Name: func(cp *ControlPlane, m *controller.Manager) error {
		servicelb.Add(m)
		return nil
	},
	podgc.Name: func(cp *ControlPlane, m *controller.Manager) error {
		podgc.Add(m, podgc.DefaultThreshold)
		return nil
	},
	serviceaccount.Name: func(cp *ControlPlane, m *controller.Manager) error {
		// The ServiceAccount admission plugin is on while this runs.
		cp.defaultAccounts.Set(serviceaccount.Add(m))
		return nil
	},
	serviceaccount.PublisherName: func(cp *ControlPlane, m *controller.Manager) error {
		cp.defaultAccounts.SetPublisher(serviceaccount.AddPublisher(m, cp.CA.CertPEM))
		return nil
	},
	persistentvolume.Name: func(cp *ControlPlane, m *controller.Manager) error {
		persistentvolume.Add(m)
		return persistentvolume.EnsureDefaultClass(m.Client)
	},
	persistentvolume.ExpanderName: func(cp *ControlPlane, m *controller.Manager) error {
		persistentvolume.AddExpander(m)
		return nil
	},
	persistentvolume.PVCProtectionName: func(cp *ControlPlane, m *controller.Manager) error {
		persistentvolume.AddPVCProtection(m)
		return nil
	},
	persistentvolume.EphemeralName: func(cp *ControlPlane, m *controller.Manager) error {
		persistentvolume.AddEphemeral(m)
		return nil
	},
	persistentvolume.PVProtectionName: func(cp *ControlPlane, m *controller.Manager) error {
		persistentvolume.AddPVProtection(m)
		return nil
	},
	podautoscaler.Name: func(cp *ControlPlane, m *controller.Manager) error {
		_, err := podautoscaler.Add(m, cp.ComponentConfig("horizontal-pod-autoscaler"))
		return err
	},
	namespace.Name: func(cp *ControlPlane, m *controller.Manager) error {
		dyn, err := dynamic.NewForConfig(cp.ComponentConfig("namespace-controller"))
		if err != nil {
			return err
		}
		namespace.Add(m, dyn, cp.namespacedResources)
		return nil
	},
}

// Controllers lists the names of the built-in controllers.
func Controllers() []string {
	names := make([]string, 0, len(controllers))
	for n := range controllers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// startControllers starts the controllers not switched off.
func (cp *ControlPlane) startControllers(disabled map[string]bool) error {
	client, err := kubernetes.NewForConfig(cp.ComponentConfig("kube-controller-manager"))
	if err != nil {
		return err
	}
	m := controller.NewManager("kube-controller-manager", cp.Store, cp.Clock, cp.Activity, client)
	for _, name := range Controllers() {
		if disabled[name] {
			continue
		}
		if err := controllers[name](cp, m); err != nil {
			return fmt.Errorf("controller %s: %w", name, err)
		}
	}
	m.Start()
	cp.manager = m
	return nil
}

// namespacedResources lists the namespaced resources that can be listed,
// for the namespace controller to empty.
func (cp *ControlPlane) namespacedResources() []namespace.Resource {
	var out []namespace.Resource
	for _, e := range cp.Registry.Entries() {
		if e.Namespaced && e.NewList != nil {
			out = append(out, namespace.Resource{StoreKey: e.StoreKey(), GVR: e.GroupVersionResource})
		}
	}
	for _, e := range cp.customResourceEntries() {
		if e.Namespaced {
			out = append(out, namespace.Resource{StoreKey: e.StoreKey(), GVR: e.GroupVersionResource})
		}
	}
	return out
}

// customResourceEntries lists each established custom resource once, at
// its preferred served version.
func (cp *ControlPlane) customResourceEntries() []*registry.Entry {
	seen := map[string]bool{}
	var out []*registry.Entry
	for _, e := range cp.customResources.Entries() {
		if !seen[e.StoreKey()] {
			seen[e.StoreKey()] = true
			out = append(out, e)
		}
	}
	return out
}

// resourceFor maps a store resource name ("deployments.apps") to the
// resource that serves it.
func (cp *ControlPlane) resourceFor(storeKey string) (schema.GroupVersionResource, bool) {
	for _, e := range cp.Registry.Entries() {
		if e.StoreKey() == storeKey {
			return e.GroupVersionResource, true
		}
	}
	for _, e := range cp.customResourceEntries() {
		if e.StoreKey() == storeKey {
			return e.GroupVersionResource, true
		}
	}
	return schema.GroupVersionResource{}, false
}
