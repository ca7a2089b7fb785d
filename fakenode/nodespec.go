package fakenode

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// NodeSpec describes a simulated node. Zero fields take the defaults of a
// typical small node: 4 CPUs, 16 GiB of memory, 110 pods, 100 GiB of
// ephemeral storage.
type NodeSpec struct {
	Name string
	// Capacity overrides or extends the default capacity, e.g.
	// {"cpu": "8", "nvidia.com/gpu": "2"}.
	Capacity map[corev1.ResourceName]string
	Labels   map[string]string
	Taints   []corev1.Taint
	// Zone and Region set the topology.kubernetes.io labels.
	Zone, Region string
	// Unschedulable registers the node cordoned.
	Unschedulable bool
}

var defaultCapacity = map[corev1.ResourceName]string{
	corev1.ResourceCPU:              "4",
	corev1.ResourceMemory:           "16Gi",
	corev1.ResourcePods:             "110",
	corev1.ResourceEphemeralStorage: "100Gi",
}

// capacity parses the spec's capacity over the defaults.
func (s NodeSpec) capacity() (corev1.ResourceList, error) {
	out := corev1.ResourceList{}
	for name, v := range defaultCapacity {
		out[name] = resource.MustParse(v)
	}
	for name, v := range s.Capacity {
		q, err := resource.ParseQuantity(v)
		if err != nil {
			return nil, fmt.Errorf("node %s: capacity %s=%q: %w", s.Name, name, v, err)
		}
		out[name] = q
	}
	return out, nil
}
