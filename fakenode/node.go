package fakenode

import (
	"context"
	"fmt"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"
	utilclock "k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/fakenode/memfs"
)

// Kubelet timings, as upstream's defaults: the Lease is renewed every
// quarter of its 40 s duration; the node status is checked every 10 s and
// written when it changed or every 5 minutes.
const (
	leaseDuration       = 40 * time.Second
	leaseRenewInterval  = 10 * time.Second
	statusCheckInterval = 10 * time.Second
	statusReportEvery   = 5 * time.Minute
)

// Node is one simulated node.
type Node struct {
	fleet *Fleet
	spec  NodeSpec
	index int

	mu          sync.Mutex
	running     bool
	timers      []utilclock.Timer
	lease       *coordinationv1.Lease
	lastStatus  *corev1.NodeStatus
	lastReport  time.Time
	overrides   map[corev1.NodeConditionType]corev1.NodeCondition
	pods        map[string]*podWorker // by pod UID
	nextPodIP   int
	pulled      map[string]bool // images present on the node
	hostPaths   map[string]*memfs.Volume
	ephemeralGB int64
	// pressureSeen is when the eviction manager last saw each pressure
	// condition's threshold met.
	pressureSeen map[corev1.NodeConditionType]time.Time
}

// Name returns the node's name.
func (n *Node) Name() string { return n.spec.Name }

// InternalIP is the node's address: 10.0.x.y from the node's index.
func (n *Node) InternalIP() string {
	return fmt.Sprintf("10.0.%d.%d", (n.index+1)/250, (n.index+1)%250+1)
}

// PodCIDR is the range the node gives its pods' IPs from: 10.244.<index>.0/24.
func (n *Node) PodCIDR() string { return fmt.Sprintf("10.244.%d.0/24", n.index) }

// register creates (or adopts) the Node object and starts heartbeats.
func (n *Node) register(ctx context.Context) error {
	node, err := n.nodeObject()
	if err != nil {
		return err
	}
	nodes := n.fleet.client.CoreV1().Nodes()
	_, err = nodes.Create(ctx, node, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		err = n.updateStatus(ctx, true)
	}
	if err != nil {
		return fmt.Errorf("register node %s: %w", n.Name(), err)
	}
	n.mu.Lock()
	n.lastReport = n.fleet.clock.Now()
	n.mu.Unlock()
	if err := n.renewLease(ctx); err != nil {
		return err
	}
	n.start()
	// Pods can be bound as soon as the Node object exists.
	return n.adoptBoundPods(ctx)
}

// nodeObject is the Node a kubelet registers: labels, addresses,
// capacity, conditions and node info as a kubelet on Linux reports them.
func (n *Node) nodeObject() (*corev1.Node, error) {
	capacity, err := n.spec.capacity()
	if err != nil {
		return nil, err
	}
	labels := map[string]string{
		corev1.LabelHostname:      n.Name(),
		corev1.LabelOSStable:      "linux",
		corev1.LabelArchStable:    "amd64",
		"beta.kubernetes.io/os":   "linux",
		"beta.kubernetes.io/arch": "amd64",
	}
	if n.spec.Zone != "" {
		labels[corev1.LabelTopologyZone] = n.spec.Zone
	}
	if n.spec.Region != "" {
		labels[corev1.LabelTopologyRegion] = n.spec.Region
	}
	for k, v := range n.spec.Labels {
		labels[k] = v
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:   n.Name(),
			Labels: labels,
			Annotations: map[string]string{
				"node.alpha.kubernetes.io/ttl":                           "0",
				"volumes.kubernetes.io/controller-managed-attach-detach": "true",
			},
		},
		Spec: corev1.NodeSpec{
			PodCIDR:       n.PodCIDR(),
			PodCIDRs:      []string{n.PodCIDR()},
			Taints:        n.spec.Taints,
			Unschedulable: n.spec.Unschedulable,
		},
		Status: n.status(capacity),
	}
	return node, nil
}

func (n *Node) status(capacity corev1.ResourceList) corev1.NodeStatus {
	now := metav1.NewTime(n.fleet.clock.Now().Truncate(time.Second))
	return corev1.NodeStatus{
		Capacity:    capacity,
		Allocatable: capacity.DeepCopy(),
		Phase:       "",
		Conditions:  n.conditions(now),
		Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: n.InternalIP()},
			{Type: corev1.NodeHostName, Address: n.Name()},
		},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
		NodeInfo: corev1.NodeSystemInfo{
			MachineID:               fmt.Sprintf("kubesim-%08x", n.index),
			SystemUUID:              fmt.Sprintf("00000000-0000-0000-0000-%012x", n.index),
			BootID:                  fmt.Sprintf("kubesim-boot-%08x", n.index),
			KernelVersion:           "6.1.0-kubesim",
			OSImage:                 "kubesim simulated node",
			ContainerRuntimeVersion: "kubesim://1.0.0",
			KubeletVersion:          n.fleet.kubeletVersion,
			KubeProxyVersion:        "",
			OperatingSystem:         "linux",
			Architecture:            "amd64",
		},
		Images: n.images(),
	}
}

// underPressure are the conditions the kubelet reports while an eviction
// threshold is met.
var underPressure = map[corev1.NodeConditionType]corev1.NodeCondition{
	corev1.NodeMemoryPressure: {Type: corev1.NodeMemoryPressure, Status: corev1.ConditionTrue, Reason: "KubeletHasInsufficientMemory", Message: "kubelet has insufficient memory available"},
	corev1.NodeDiskPressure:   {Type: corev1.NodeDiskPressure, Status: corev1.ConditionTrue, Reason: "KubeletHasDiskPressure", Message: "kubelet has disk pressure"},
}

// conditions are the kubelet's node conditions: healthy unless the
// eviction manager saw pressure or a test set a condition.
func (n *Node) conditions(now metav1.Time) []corev1.NodeCondition {
	base := []corev1.NodeCondition{
		{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientMemory", Message: "kubelet has sufficient memory available"},
		{Type: corev1.NodeDiskPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasNoDiskPressure", Message: "kubelet has no disk pressure"},
		{Type: corev1.NodePIDPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientPID", Message: "kubelet has sufficient PID available"},
		{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status"},
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	pressure := n.pressureLocked(now.Time)
	for i, c := range base {
		if pressure[c.Type] {
			base[i] = underPressure[c.Type]
		}
		if o, ok := n.overrides[c.Type]; ok {
			base[i] = o
		}
		base[i].LastHeartbeatTime = now
		base[i].LastTransitionTime = now
	}
	return base
}

func (n *Node) images() []corev1.ContainerImage {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []corev1.ContainerImage
	for img := range n.pulled {
		out = append(out, corev1.ContainerImage{Names: []string{img}, SizeBytes: 10 << 20})
	}
	sortImages(out)
	return out
}

// start schedules the node's heartbeats.
func (n *Node) start() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.running {
		return
	}
	n.running = true
	n.scheduleLocked(leaseRenewInterval, n.renewLease)
	n.scheduleLocked(statusCheckInterval, func(ctx context.Context) error { return n.updateStatus(ctx, false) })
	n.scheduleLocked(evictionMonitoringPeriod, n.synchronizeEviction)
}

// scheduleLocked runs fn every interval of virtual time while the node
// runs. The timer callback counts the work as in flight before the clock
// moves on.
func (n *Node) scheduleLocked(interval time.Duration, fn func(ctx context.Context) error) {
	slot := len(n.timers) // this schedule's pending timer, replaced at each tick
	var tick func()
	tick = func() {
		n.mu.Lock()
		if !n.running {
			n.mu.Unlock()
			return
		}
		n.timers[slot] = n.fleet.clock.AfterFunc(interval, tick)
		n.mu.Unlock()
		n.fleet.goTracked(func(ctx context.Context) {
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				klog.V(2).InfoS("Node heartbeat failed", "node", n.Name(), "err", err)
			}
		})
	}
	n.timers = append(n.timers, n.fleet.clock.AfterFunc(interval, tick))
}

// stop stops heartbeats (and, through the fleet, the node's pods).
func (n *Node) stop() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.running = false
	for _, t := range n.timers {
		t.Stop()
	}
	n.timers = nil
}

// renewLease renews the node's Lease in kube-node-lease, creating it the
// first time, owned by the Node as the kubelet's is.
func (n *Node) renewLease(ctx context.Context) error {
	leases := n.fleet.client.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	now := metav1.NewMicroTime(n.fleet.clock.Now())
	n.mu.Lock()
	lease := n.lease
	n.mu.Unlock()
	for attempt := 0; attempt < 3; attempt++ {
		if lease == nil {
			node, err := n.fleet.client.CoreV1().Nodes().Get(ctx, n.Name(), metav1.GetOptions{})
			if err != nil {
				return fmt.Errorf("renew lease of %s: %w", n.Name(), err)
			}
			lease, err = leases.Create(ctx, &coordinationv1.Lease{
				ObjectMeta: metav1.ObjectMeta{
					Name: n.Name(),
					OwnerReferences: []metav1.OwnerReference{{
						APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID,
					}},
				},
				Spec: coordinationv1.LeaseSpec{
					HolderIdentity:       ptr.To(n.Name()),
					LeaseDurationSeconds: ptr.To(int32(leaseDuration / time.Second)),
					RenewTime:            &now,
				},
			}, metav1.CreateOptions{})
			if apierrors.IsAlreadyExists(err) {
				lease, err = leases.Get(ctx, n.Name(), metav1.GetOptions{})
				if err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("create lease of %s: %w", n.Name(), err)
			}
			break
		}
		next := lease.DeepCopy()
		next.Spec.RenewTime = &now
		updated, err := leases.Update(ctx, next, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			lease = nil
			if apierrors.IsConflict(err) {
				lease, err = leases.Get(ctx, n.Name(), metav1.GetOptions{})
				if err != nil {
					lease = nil
				}
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("renew lease of %s: %w", n.Name(), err)
		}
		lease = updated
		break
	}
	n.mu.Lock()
	n.lease = lease
	n.mu.Unlock()
	return nil
}

// updateStatus writes the node status when it changed, when the report
// interval has passed, or when forced; a Node that was deleted is
// registered again, as a kubelet does.
func (n *Node) updateStatus(ctx context.Context, force bool) error {
	nodes := n.fleet.client.CoreV1().Nodes()
	current, err := nodes.Get(ctx, n.Name(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		node, err := n.nodeObject()
		if err != nil {
			return err
		}
		_, err = nodes.Create(ctx, node, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	capacity, err := n.spec.capacity()
	if err != nil {
		return err
	}
	status := n.status(capacity)
	now := n.fleet.clock.Now()
	n.mu.Lock()
	changed := n.lastStatus == nil || !sameStatus(n.lastStatus, &status)
	due := now.Sub(n.lastReport) >= statusReportEvery
	n.mu.Unlock()
	if !force && !changed && !due {
		return nil
	}
	mergeConditionTimes(status.Conditions, current.Status.Conditions)
	next := current.DeepCopy()
	next.Status = status
	if _, err := nodes.UpdateStatus(ctx, next, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update status of node %s: %w", n.Name(), err)
	}
	n.mu.Lock()
	n.lastStatus = &status
	n.lastReport = now
	n.mu.Unlock()
	return nil
}

// sameStatus compares statuses ignoring heartbeat and transition times.
func sameStatus(a, b *corev1.NodeStatus) bool {
	if len(a.Conditions) != len(b.Conditions) {
		return false
	}
	for i, c := range a.Conditions {
		d := b.Conditions[i]
		if c.Type != d.Type || c.Status != d.Status || c.Reason != d.Reason || c.Message != d.Message {
			return false
		}
	}
	x, y := *a, *b // shallow copies, to compare the rest
	x.Conditions, y.Conditions = nil, nil
	return semanticEqual(&x, &y)
}

// mergeConditionTimes keeps a condition's lastTransitionTime while its
// status does not change.
func mergeConditionTimes(conds, old []corev1.NodeCondition) {
	for i := range conds {
		for _, o := range old {
			if o.Type == conds[i].Type && o.Status == conds[i].Status && !o.LastTransitionTime.IsZero() {
				conds[i].LastTransitionTime = o.LastTransitionTime
			}
		}
	}
}

// forget drops a pod's worker once the pod is gone.
func (n *Node) forget(uid string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.pods, uid)
}

// allocatePodIP hands out the next address of the node's pod range.
func (n *Node) allocatePodIP() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.nextPodIP++
	return fmt.Sprintf("10.244.%d.%d", n.index, n.nextPodIP%254+1)
}

func (n *Node) hasImage(image string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.pulled[qualified(image)]
}

func (n *Node) addImage(image string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pulled[qualified(image)] = true
}
