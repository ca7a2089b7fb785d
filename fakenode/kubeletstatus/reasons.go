package kubeletstatus

// Reasons a container is waiting. The kubelet shows them in
// status.containerStatuses[].state.waiting.reason; kubectl prints them in
// the STATUS column.
const (
	// ReasonContainerCreating is the default waiting reason of a container
	// of a pod without init containers (kubelet_pods.go).
	ReasonContainerCreating = "ContainerCreating"
	// ReasonPodInitializing is the default waiting reason of a container of
	// a pod with init containers.
	ReasonPodInitializing = "PodInitializing"
	// ReasonCrashLoopBackOff: the container exited and its restart is held
	// back (kubecontainer.ErrCrashLoopBackOff).
	ReasonCrashLoopBackOff = "CrashLoopBackOff"
	// ReasonRunContainerError: the runtime failed to start the container.
	ReasonRunContainerError = "RunContainerError"
	// ReasonCreateContainerConfigError: the kubelet could not build the
	// container's configuration, e.g. a missing ConfigMap or Secret key.
	ReasonCreateContainerConfigError = "CreateContainerConfigError"
	// ReasonCreateContainerError: the runtime failed to create it.
	ReasonCreateContainerError = "CreateContainerError"
	// ReasonPreCreateHookError, ReasonPreStartHookError: the kubelet's
	// internal lifecycle hooks failed.
	ReasonPreCreateHookError = "PreCreateHookError"
	ReasonPreStartHookError  = "PreStartHookError"
	// ReasonPostStartHookError: the postStart hook failed; the container
	// was killed.
	ReasonPostStartHookError = "PostStartHookError"
	// Image errors (pkg/kubelet/images/types.go).
	ReasonErrImagePull              = "ErrImagePull"
	ReasonImagePullBackOff          = "ImagePullBackOff"
	ReasonErrImageNeverPull         = "ErrImageNeverPull"
	ReasonInvalidImageName          = "InvalidImageName"
	ReasonImageInspectError         = "ImageInspectError"
	ReasonRegistryUnavailable       = "RegistryUnavailable"
	ReasonSignatureValidationFailed = "SignatureValidationFailed"
	ReasonCreatePodSandboxError     = "CreatePodSandboxError"
	ReasonConfigPodSandboxError     = "ConfigPodSandboxError"
	ReasonKillPodSandboxError       = "KillPodSandboxError"
)

// Reasons a container terminated, as the container runtime reports them in
// state.terminated.reason (containerd's values; ContainerCannotRun and
// DeadlineExceeded are the ones dockershim used).
const (
	ReasonCompleted          = "Completed"
	ReasonError              = "Error"
	ReasonOOMKilled          = "OOMKilled"
	ReasonStartError         = "StartError"
	ReasonContainerCannotRun = "ContainerCannotRun"
	ReasonDeadlineExceeded   = "DeadlineExceeded"
	// ReasonContainerStatusUnknown: the kubelet lost track of a container
	// that was running (kubecontainer.ContainerReasonStatusUnknown).
	ReasonContainerStatusUnknown = "ContainerStatusUnknown"
)

// Pod status reasons (status.reason) the kubelet writes.
const (
	// ReasonEvicted is the eviction manager's reason (eviction.Reason).
	ReasonEvicted = "Evicted"
	// ReasonPodDeadlineExceeded is the active deadline handler's reason.
	ReasonPodDeadlineExceeded = "DeadlineExceeded"
	// ReasonNodeShutdown is the graceful node shutdown manager's reason.
	ReasonNodeShutdown = "Terminated"
)

// Condition reasons (pkg/kubelet/status/generate.go and pkg/kubelet/types).
const (
	ReasonUnknownContainerStatuses = "UnknownContainerStatuses"
	ReasonPodCompleted             = "PodCompleted"
	ReasonPodFailed                = "PodFailed"
	ReasonContainersNotReady       = "ContainersNotReady"
	ReasonContainersNotInitialized = "ContainersNotInitialized"
	ReasonReadinessGatesNotReady   = "ReadinessGatesNotReady"
	ReasonPodSandboxNotReady       = "PodSandboxNotReady"
	// ReasonTerminationByKubelet is the DisruptionTarget reason for pods
	// the kubelet evicts or shuts down (v1.PodReasonTerminationByKubelet).
	ReasonTerminationByKubelet = "TerminationByKubelet"
)

// Messages of the statuses the kubelet invents for containers it lost track
// of (kubelet_pods.go and status_manager.go). The "deleted." message has
// two spaces after the full stop, as upstream.
const (
	MessageContainerLostOnTermination = "The container could not be located when the pod was terminated"
	MessageContainerLostOnDeletion    = "The container could not be located when the pod was deleted.  The container used to be Running"
	MessageInitContainerAssumedDone   = "Unable to get init container status from container runtime and pod has been initialized, treat it as exited normally"
)

// ExitCodeLost is the exit code the kubelet reports for a container whose
// real exit it never saw (SIGKILL's 128+9).
const ExitCodeLost = 137
