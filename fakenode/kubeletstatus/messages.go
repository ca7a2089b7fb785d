package kubeletstatus

import (
	"fmt"
	"net"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Fixed messages.
const (
	// MessageDeadlineExceeded is the active deadline handler's message
	// (pkg/kubelet/active_deadline.go).
	MessageDeadlineExceeded = "Pod was active on the node longer than the specified deadline"
	// MessageNodeShutdown is the graceful node shutdown manager's message.
	MessageNodeShutdown = "Pod was terminated in response to imminent node shutdown."
)

// PodDesc is how the kubelet names a pod in messages: name_namespace(uid)
// (pkg/kubelet/util/format).
func PodDesc(pod *corev1.Pod) string {
	return fmt.Sprintf("%s_%s(%s)", pod.Name, pod.Namespace, pod.UID)
}

// CrashLoopBackOffMessage is the waiting message of a container held back
// by its restart back-off (kuberuntime_manager.go doBackOff), e.g.
// "back-off 10s restarting failed container=app pod=web_default(uid)". The
// delay is printed as a Go duration: 1m20s, 5m0s.
func CrashLoopBackOffMessage(delay time.Duration, container string, pod *corev1.Pod) string {
	return fmt.Sprintf("back-off %s restarting failed container=%s pod=%s", delay, container, PodDesc(pod))
}

// ImagePullBackOffMessage is the waiting message of a container whose
// image pull is held back: `Back-off pulling image "x": ErrImagePull: <the
// last pull error>` (images/image_manager.go). An empty lastError leaves
// the suffix out, as upstream does when it has no previous error.
func ImagePullBackOffMessage(image, lastError string) string {
	msg := fmt.Sprintf("Back-off pulling image %q", image)
	if lastError == "" {
		return msg
	}
	return fmt.Sprintf("%s: %s: %s", msg, ReasonErrImagePull, lastError)
}

// ImageNeverPullMessage is the message when the image is absent and the
// pull policy is Never (waiting message and ErrImageNeverPull event).
func ImageNeverPullMessage(image string) string {
	return fmt.Sprintf("Container image %q is not present with pull policy of Never", image)
}

// ConfigMapNotFoundMessage and SecretNotFoundMessage are the errors of the
// kubelet's object caches for a missing object; the waiting message of a
// CreateContainerConfigError and the tail of a FailedMount event.
func ConfigMapNotFoundMessage(name string) string {
	return fmt.Sprintf("configmap %q not found", name)
}

// SecretNotFoundMessage: see ConfigMapNotFoundMessage.
func SecretNotFoundMessage(name string) string {
	return fmt.Sprintf("secret %q not found", name)
}

// ConfigMapKeyNotFoundMessage and SecretKeyNotFoundMessage are the errors
// for an env var whose key is missing (kubelet_pods.go makeEnvironmentVariables).
func ConfigMapKeyNotFoundMessage(key, namespace, name string) string {
	return fmt.Sprintf("couldn't find key %s in ConfigMap %s/%s", key, namespace, name)
}

// SecretKeyNotFoundMessage: see ConfigMapKeyNotFoundMessage.
func SecretKeyNotFoundMessage(key, namespace, name string) string {
	return fmt.Sprintf("couldn't find key %s in Secret %s/%s", key, namespace, name)
}

// HTTPProbeFailedOutput is the output of an HTTP probe answered with a
// status outside 200-399.
func HTTPProbeFailedOutput(statusCode int) string {
	return fmt.Sprintf("HTTP probe failed with statuscode: %d", statusCode)
}

// TCPProbeRefusedOutput is the output of a TCP probe, or of an HTTP probe
// (then prefixed by `Get "<url>": `), to a port nobody listens on.
func TCPProbeRefusedOutput(ip string, port int) string {
	return fmt.Sprintf("dial tcp %s: connect: connection refused", net.JoinHostPort(ip, strconv.Itoa(port)))
}

// TerminatedReason is the reason containerd gives an exited container that
// was not OOM-killed: Completed for exit code 0, Error otherwise.
func TerminatedReason(exitCode int32) string {
	if exitCode == 0 {
		return ReasonCompleted
	}
	return ReasonError
}

// ExitCodeForSignal is the exit code of a process killed by signal sig.
func ExitCodeForSignal(sig int32) int32 { return 128 + sig }

// Eviction message parts (pkg/kubelet/eviction/helpers.go), each ending in
// ". " as upstream.

// EvictionNodeLowMessage starts a node-pressure eviction message.
func EvictionNodeLowMessage(res corev1.ResourceName) string {
	return fmt.Sprintf("The node was low on resource: %v. ", res)
}

// EvictionThresholdMessage names the threshold that was met and what was
// still available.
func EvictionThresholdMessage(threshold, available resource.Quantity) string {
	return fmt.Sprintf("Threshold quantity: %v, available: %v. ", threshold.String(), available.String())
}

// EvictionContainerMessage names a container using more of res than it
// requested.
func EvictionContainerMessage(container string, usage, request resource.Quantity, res corev1.ResourceName) string {
	return fmt.Sprintf("Container %s was using %s, request is %s, has larger consumption of %v. ", container, usage.String(), request.String(), res)
}

// ContainerUsage is one container's use of the resource under pressure.
type ContainerUsage struct {
	Name    string
	Usage   resource.Quantity
	Request resource.Quantity
}

// NodePressureEvictionMessage is the whole message of a node-pressure
// eviction (evictionMessage): the resource, the threshold when known (nil
// threshold or available leaves it out), and every container whose usage
// exceeds its request, in the order given.
func NodePressureEvictionMessage(res corev1.ResourceName, threshold, available *resource.Quantity, usage []ContainerUsage) string {
	msg := EvictionNodeLowMessage(res)
	if threshold != nil && available != nil {
		msg += EvictionThresholdMessage(*threshold, *available)
	}
	for _, u := range usage {
		if u.Usage.Cmp(u.Request) > 0 {
			msg += EvictionContainerMessage(u.Name, u.Usage, u.Request, res)
		}
	}
	return msg
}

// EmptyDirLimitMessage is the eviction message for an emptyDir volume over
// its sizeLimit.
func EmptyDirLimitMessage(volume string, limit resource.Quantity) string {
	return fmt.Sprintf("Usage of EmptyDir volume %q exceeds the limit %q. ", volume, limit.String())
}

// PodEphemeralStorageMessage is the eviction message for a pod whose
// containers together exceed their ephemeral-storage limits.
func PodEphemeralStorageMessage(limit resource.Quantity) string {
	return fmt.Sprintf("Pod ephemeral local storage usage exceeds the total limit of containers %s. ", limit.String())
}

// ContainerEphemeralStorageMessage is the eviction message for a container
// over its ephemeral-storage limit.
func ContainerEphemeralStorageMessage(container string, limit resource.Quantity) string {
	return fmt.Sprintf("Container %s exceeded its local ephemeral storage limit %q. ", container, limit.String())
}
