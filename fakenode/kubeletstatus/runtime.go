package kubeletstatus

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// InstanceState is the state of one run of a container as the container
// runtime reports it (kubecontainer.State).
type InstanceState string

const (
	// InstanceCreated: created but not started; shown as waiting with no
	// reason, and started again by the kubelet.
	InstanceCreated InstanceState = "Created"
	InstanceRunning InstanceState = "Running"
	InstanceExited  InstanceState = "Exited"
	// InstanceUnknown: the runtime cannot tell. A container the kubelet saw
	// running before is then reported terminated with
	// ReasonContainerStatusUnknown and exit code 137.
	InstanceUnknown InstanceState = "Unknown"
)

// Instance is one run of a container (kubecontainer.Status).
type Instance struct {
	// ID is the container ID with its runtime prefix, "containerd://…".
	ID         string
	State      InstanceState
	StartedAt  time.Time // zero while Created
	FinishedAt time.Time // Exited only
	// ExitCode, Signal, Reason and Message describe an Exited run. An
	// empty Reason becomes TerminatedReason(ExitCode), as containerd sets
	// it; use ReasonOOMKilled or ReasonStartError where they apply. Message
	// is the runtime's message plus the termination message (see
	// TerminationMessage).
	ExitCode int32
	Signal   int32
	Reason   string
	Message  string
}

// Waiting is why the kubelet is not running a container right now: the
// last error of its attempt to start it (upstream's reason cache), such as
// ReasonCrashLoopBackOff, ReasonErrImagePull or
// ReasonCreateContainerConfigError.
type Waiting struct {
	Reason  string
	Message string
}

// ContainerRuntimeState is what the kubelet knows about one container of a
// pod. The zero value, apart from Name, is a container the runtime has
// never created.
type ContainerRuntimeState struct {
	Name string
	// Image and ImageID are the runtime's names of the image the latest run
	// uses ("docker.io/library/nginx:latest", "docker.io/library/nginx@sha256:…").
	// An empty Image defaults to the image in the pod spec.
	Image   string
	ImageID string
	// Latest is the newest run, nil when there is none yet; Previous is the
	// one before it, whose end becomes status.lastState.
	Latest   *Instance
	Previous *Instance
	// RestartCount is the number of runs before Latest.
	RestartCount int32
	// Waiting, when set, is shown instead of Latest whenever the kubelet is
	// going to start the container (ShouldRestart); a terminated Latest then
	// moves to lastState, as upstream does for CrashLoopBackOff. Clear it
	// once the start succeeds.
	Waiting *Waiting
	// StartupSucceeded is the startup probe's verdict for the running
	// Latest; ReadinessSucceeded the readiness probe's (false until its
	// first success, as the prober starts readiness at Failure). Each is
	// ignored when the container has no such probe.
	StartupSucceeded   bool
	ReadinessSucceeded bool
	// Resources are the resources the runtime applied to the running
	// container, when they differ from the spec (in-place resize); nil
	// means the spec's.
	Resources *corev1.ResourceRequirements
	// User is the identity the process runs as, when the runtime reports it.
	User *corev1.ContainerUser
}

// PodRuntimeState is what the kubelet knows about a pod on its node.
type PodRuntimeState struct {
	// One entry per container the runtime knows, found by name; containers
	// without an entry have never been created.
	InitContainers      []ContainerRuntimeState
	Containers          []ContainerRuntimeState
	EphemeralContainers []ContainerRuntimeState

	// SandboxReady: the pod sandbox exists with its network set up
	// (PodReadyToStartContainers). SandboxMessage explains a not-ready
	// sandbox in that condition's message.
	SandboxReady   bool
	SandboxMessage string
	// PodIPs are the sandbox's IPs, in any order. While the sandbox is not
	// ready and reports none, the previous IPs are kept, as PLEG does.
	PodIPs []string
	// HostIPs are the node's IPs, primary first.
	HostIPs []string
	// RuntimeSupportsRecursiveReadOnly: the runtime handler can make
	// read-only mounts recursively read-only.
	RuntimeSupportsRecursiveReadOnly bool

	// Terminal: the kubelet has stopped the pod's containers for good
	// (deletion, eviction, deadline, or the pod completed) and will not
	// restart them. The phase becomes Succeeded or Failed.
	Terminal bool
	// Finished: the kubelet has finished terminating the pod (upstream's
	// SyncTerminatedPod and TerminatePod): containers it has no exit for are
	// reported failed, and a non-terminal phase becomes Failed.
	Finished bool
	// DeadlineExceeded: spec.activeDeadlineSeconds has passed since
	// status.startTime. The pod is Failed with ReasonPodDeadlineExceeded,
	// on every sync, as upstream's active deadline handler.
	DeadlineExceeded bool
	// Evict, on the sync at which the kubelet starts killing the pod for
	// eviction or node shutdown, rewrites the status as upstream's status
	// function does. Leave it nil on later syncs: the reason and message
	// then carry on through the cached status.
	Evict *Eviction
}

// Eviction is a kubelet-initiated termination that rewrites the status:
// phase Failed with this reason and message, and, when DisruptionTarget is
// set, the DisruptionTarget condition (reason TerminationByKubelet).
type Eviction struct {
	Reason           string
	Message          string
	DisruptionTarget bool
}

// NodePressureEviction is the eviction manager's termination for node
// pressure (memory, disk, PIDs): it adds the DisruptionTarget condition.
func NodePressureEviction(message string) *Eviction {
	return &Eviction{Reason: ReasonEvicted, Message: message, DisruptionTarget: true}
}

// LocalStorageEviction is the eviction manager's termination for a pod over
// an emptyDir sizeLimit or an ephemeral-storage limit: no condition.
func LocalStorageEviction(message string) *Eviction {
	return &Eviction{Reason: ReasonEvicted, Message: message}
}

// NodeShutdownEviction is the graceful node shutdown manager's termination.
func NodeShutdownEviction() *Eviction {
	return &Eviction{Reason: ReasonNodeShutdown, Message: MessageNodeShutdown, DisruptionTarget: true}
}

// records indexes the runtime states by container name.
type records map[string]*ContainerRuntimeState

func indexRecords(state *PodRuntimeState) (records, error) {
	recs := records{}
	for _, list := range [][]ContainerRuntimeState{state.InitContainers, state.Containers, state.EphemeralContainers} {
		for i := range list {
			r := &list[i]
			if r.Name == "" {
				return nil, fmt.Errorf("container runtime state without a name")
			}
			if _, dup := recs[r.Name]; dup {
				return nil, fmt.Errorf("two runtime states for container %q", r.Name)
			}
			if err := checkInstance(r.Name, r.Latest); err != nil {
				return nil, err
			}
			if err := checkInstance(r.Name, r.Previous); err != nil {
				return nil, err
			}
			recs[r.Name] = r
		}
	}
	return recs, nil
}

func checkInstance(name string, in *Instance) error {
	if in == nil {
		return nil
	}
	switch in.State {
	case InstanceCreated, InstanceRunning, InstanceExited, InstanceUnknown:
		return nil
	}
	return fmt.Errorf("container %q: unknown instance state %q", name, in.State)
}

// latest returns the newest run of the named container, or nil.
func (r records) latest(name string) *Instance {
	if rec := r[name]; rec != nil {
		return rec.Latest
	}
	return nil
}
