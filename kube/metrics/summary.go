package metrics

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// summary is the part of the kubelet's stats/v1alpha1 Summary that
// metrics-server reads: CPU and memory of the node and of each container.
// kube does not import the simulated kubelet (fakenode) nor
// k8s.io/kubelet, so it decodes the JSON into these types of its own.
type summary struct {
	Node nodeStats  `json:"node"`
	Pods []podStats `json:"pods"`
}

type nodeStats struct {
	NodeName string       `json:"nodeName"`
	CPU      *cpuStats    `json:"cpu,omitempty"`
	Memory   *memoryStats `json:"memory,omitempty"`
}

type podReference struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	UID       string `json:"uid"`
}

type podStats struct {
	PodRef     podReference     `json:"podRef"`
	Containers []containerStats `json:"containers"`
}

type containerStats struct {
	Name   string       `json:"name"`
	CPU    *cpuStats    `json:"cpu,omitempty"`
	Memory *memoryStats `json:"memory,omitempty"`
}

type cpuStats struct {
	Time           metav1.Time `json:"time"`
	UsageNanoCores *uint64     `json:"usageNanoCores,omitempty"`
}

type memoryStats struct {
	Time            metav1.Time `json:"time"`
	WorkingSetBytes *uint64     `json:"workingSetBytes,omitempty"`
}
