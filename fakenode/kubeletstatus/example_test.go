package kubeletstatus_test

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/fakenode/kubeletstatus"
)

// A container that keeps crashing: the kubelet holds its restart back and
// says so in the status.
func ExamplePodStatus() {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "crash", Namespace: "default", UID: "1234"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox"}}},
	}
	now := time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC)
	backoff := kubeletstatus.NewCrashLoopBackoff()
	backoff.Next(now.Add(-20*time.Second), now.Add(-20*time.Second)) // the first restart
	app := kubeletstatus.ContainerRuntimeState{
		Name:         "app",
		RestartCount: 1,
		Latest: &kubeletstatus.Instance{ID: "containerd://b", State: kubeletstatus.InstanceExited, ExitCode: 1,
			StartedAt: now.Add(-20 * time.Second), FinishedAt: now.Add(-5 * time.Second)},
		Waiting: &kubeletstatus.Waiting{
			Reason:  kubeletstatus.ReasonCrashLoopBackOff,
			Message: kubeletstatus.CrashLoopBackOffMessage(backoff.Delay(), "app", pod),
		},
	}
	st, err := kubeletstatus.PodStatus(pod, kubeletstatus.PodRuntimeState{
		SandboxReady: true,
		Containers:   []kubeletstatus.ContainerRuntimeState{app},
	}, nil, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	cs := st.API.ContainerStatuses[0]
	fmt.Println(st.API.Phase, cs.RestartCount)
	fmt.Println(cs.State.Waiting.Reason, "-", cs.State.Waiting.Message)
	fmt.Println("last exit:", cs.LastTerminationState.Terminated.ExitCode, cs.LastTerminationState.Terminated.Reason)
	fmt.Println("restart at:", backoff.RestartAt(now.Add(-5*time.Second)).Sub(now))
	// Output:
	// Running 1
	// CrashLoopBackOff - back-off 10s restarting failed container=app pod=crash_default(1234)
	// last exit: 1 Error
	// restart at: 5s
}
