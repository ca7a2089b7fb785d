package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Container states used below.
func running() corev1.ContainerState {
	return corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: ago(time.Minute)}}
}

func waiting(reason string) corev1.ContainerState {
	return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}
}

func terminated(reason string, code int32) corev1.ContainerState {
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: reason, ExitCode: code, FinishedAt: ago(time.Minute)}}
}

func finishedAgo(d time.Duration) corev1.ContainerState {
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 1, FinishedAt: ago(d)}}
}

func cond(t corev1.PodConditionType, s corev1.ConditionStatus) corev1.PodCondition {
	return corev1.PodCondition{Type: t, Status: s}
}

// pod builds a pod with the named containers and init containers.
func pod(containers []string, initContainers ...string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: objectMeta("web")}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c, Image: c + ":1"})
	}
	for _, c := range initContainers {
		p.Spec.InitContainers = append(p.Spec.InitContainers, corev1.Container{Name: c, Image: c + ":1"})
	}
	return p
}

func TestPodColumns(t *testing.T) {
	want := []string{"Name", "Ready", "Status", "Restarts", "Age", "IP (wide)", "Node (wide)", "Nominated Node (wide)", "Readiness Gates (wide)"}
	if diff := cmp.Diff(want, columnNames(&corev1.Pod{})); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}

func TestPodStatus(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	tests := []struct {
		name  string
		pod   func() *corev1.Pod
		ready string
		state string
		rest  string
	}{
		{"pending without statuses", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.Status.Phase = corev1.PodPending
			return p
		}, "0/1", "Pending", "0"},
		{"running and ready", func() *corev1.Pod {
			p := pod([]string{"app", "log"})
			p.Status.Phase = corev1.PodRunning
			p.Status.ContainerStatuses = []corev1.ContainerStatus{
				{Name: "app", Ready: true, State: running()},
				{Name: "log", Ready: false, State: running()},
			}
			return p
		}, "1/2", "Running", "0"},
		{"container creating", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.Status.Phase = corev1.PodPending
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: waiting("ContainerCreating")}}
			return p
		}, "0/1", "ContainerCreating", "0"},
		{"crash loop with three restarts", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.Status.Phase = corev1.PodRunning
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{
				Name: "app", RestartCount: 3, State: waiting("CrashLoopBackOff"),
				LastTerminationState: finishedAgo(5 * time.Minute),
			}}
			return p
		}, "0/1", "CrashLoopBackOff", "3 (5m ago)"},
		{"the first container's state wins", func() *corev1.Pod {
			p := pod([]string{"a", "b"})
			p.Status.Phase = corev1.PodRunning
			p.Status.ContainerStatuses = []corev1.ContainerStatus{
				{Name: "a", State: waiting("ImagePullBackOff")},
				{Name: "b", State: waiting("CrashLoopBackOff"), RestartCount: 1, LastTerminationState: finishedAgo(90 * time.Second)},
			}
			return p
		}, "0/2", "ImagePullBackOff", "1 (90s ago)"},
		{"init container waiting", func() *corev1.Pod {
			p := pod([]string{"app"}, "setup")
			p.Status.Phase = corev1.PodPending
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "setup", State: waiting("PodInitializing")}}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: waiting("PodInitializing")}}
			return p
		}, "0/1", "Init:0/1", "0"},
		{"second of two init containers running", func() *corev1.Pod {
			p := pod([]string{"app"}, "one", "two")
			p.Status.Phase = corev1.PodPending
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{
				{Name: "one", State: terminated("Completed", 0)},
				{Name: "two", State: running()},
			}
			return p
		}, "0/1", "Init:1/2", "0"},
		{"init container crash loop", func() *corev1.Pod {
			p := pod([]string{"app"}, "setup")
			p.Status.Phase = corev1.PodPending
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{
				Name: "setup", RestartCount: 2, State: waiting("CrashLoopBackOff"), LastTerminationState: finishedAgo(30 * time.Second),
			}}
			return p
		}, "0/1", "Init:CrashLoopBackOff", "2 (30s ago)"},
		{"init container failed", func() *corev1.Pod {
			p := pod([]string{"app"}, "setup")
			p.Status.Phase = corev1.PodFailed
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "setup", State: terminated("Error", 1)}}
			return p
		}, "0/1", "Init:Error", "0"},
		{"init container exit code without reason", func() *corev1.Pod {
			p := pod([]string{"app"}, "setup")
			p.Status.Phase = corev1.PodPending
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "setup", State: terminated("", 2)}}
			return p
		}, "0/1", "Init:ExitCode:2", "0"},
		{"init container killed by a signal", func() *corev1.Pod {
			p := pod([]string{"app"}, "setup")
			p.Status.Phase = corev1.PodPending
			st := terminated("", 137)
			st.Terminated.Signal = 9
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "setup", State: st}}
			return p
		}, "0/1", "Init:Signal:9", "0"},
		{"pod initializing", func() *corev1.Pod {
			p := pod([]string{"app"}, "setup")
			p.Status.Phase = corev1.PodPending
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "setup", State: terminated("Completed", 0)}}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: waiting("PodInitializing")}}
			return p
		}, "0/1", "PodInitializing", "0"},
		{"completed", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.Status.Phase = corev1.PodSucceeded
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: terminated("Completed", 0)}}
			return p
		}, "0/1", "Completed", "0"},
		{"error", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.Status.Phase = corev1.PodFailed
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: terminated("Error", 1)}}
			return p
		}, "0/1", "Error", "0"},
		{"oom killed", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.Status.Phase = corev1.PodRunning
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: terminated("OOMKilled", 137)}}
			return p
		}, "0/1", "OOMKilled", "0"},
		{"exit code without reason", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.Status.Phase = corev1.PodFailed
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: terminated("", 3)}}
			return p
		}, "0/1", "ExitCode:3", "0"},
		{"evicted", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.Status.Phase = corev1.PodFailed
			p.Status.Reason = "Evicted"
			return p
		}, "0/1", "Evicted", "0"},
		{"completed first container while the other runs ready", func() *corev1.Pod {
			p := pod([]string{"job", "proxy"})
			p.Status.Phase = corev1.PodRunning
			p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodReady, corev1.ConditionTrue)}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{
				{Name: "job", State: terminated("Completed", 0)},
				{Name: "proxy", Ready: true, State: running()},
			}
			return p
		}, "1/2", "Running", "0"},
		{"completed first container while the pod is not ready", func() *corev1.Pod {
			p := pod([]string{"job", "proxy"})
			p.Status.Phase = corev1.PodRunning
			p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodReady, corev1.ConditionFalse)}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{
				{Name: "job", State: terminated("Completed", 0)},
				{Name: "proxy", Ready: true, State: running()},
			}
			return p
		}, "1/2", "NotReady", "0"},
		{"completed first container while another failed", func() *corev1.Pod {
			p := pod([]string{"job", "check"})
			p.Status.Phase = corev1.PodFailed
			p.Status.ContainerStatuses = []corev1.ContainerStatus{
				{Name: "job", State: terminated("Completed", 0)},
				{Name: "check", State: terminated("Error", 2)},
			}
			return p
		}, "0/2", "Error", "0"},
		{"terminating", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.DeletionTimestamp = agoPtr(time.Second)
			p.Status.Phase = corev1.PodRunning
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", Ready: true, State: running()}}
			return p
		}, "1/1", "Terminating", "0"},
		{"deleted after completion", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.DeletionTimestamp = agoPtr(time.Second)
			p.Status.Phase = corev1.PodSucceeded
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: terminated("Completed", 0)}}
			return p
		}, "0/1", "Completed", "0"},
		{"node lost", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.DeletionTimestamp = agoPtr(time.Second)
			p.Status.Phase = corev1.PodRunning
			p.Status.Reason = "NodeLost"
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", Ready: true, State: running()}}
			return p
		}, "1/1", "Unknown", "0"},
		{"scheduling gated", func() *corev1.Pod {
			p := pod([]string{"app"})
			p.Status.Phase = corev1.PodPending
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonSchedulingGated}}
			return p
		}, "0/1", "SchedulingGated", "0"},
		{"sidecar running with the app", func() *corev1.Pod {
			p := pod([]string{"app"}, "proxy")
			p.Spec.InitContainers[0].RestartPolicy = &always
			p.Status.Phase = corev1.PodRunning
			p.Status.Conditions = []corev1.PodCondition{cond(corev1.PodInitialized, corev1.ConditionTrue)}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{
				Name: "proxy", Ready: true, Started: ptr(true), State: running(),
				RestartCount: 1, LastTerminationState: finishedAgo(10 * time.Minute),
			}}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{
				Name: "app", Ready: true, State: running(),
				RestartCount: 2, LastTerminationState: finishedAgo(4 * time.Minute),
			}}
			return p
		}, "2/2", "Running", "3 (4m ago)"},
		{"sidecar started while a regular init container runs", func() *corev1.Pod {
			p := pod([]string{"app"}, "proxy", "migrate")
			p.Spec.InitContainers[0].RestartPolicy = &always
			p.Status.Phase = corev1.PodPending
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{
				{Name: "proxy", Ready: true, Started: ptr(true), State: running()},
				{Name: "migrate", State: running()},
			}
			return p
		}, "1/2", "Init:1/2", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cells(t, tt.pod())
			if diff := cmp.Diff([]any{tt.ready, tt.state, tt.rest}, got[1:4]); diff != "" {
				t.Errorf("READY, STATUS, RESTARTS (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPodWideCells(t *testing.T) {
	p := pod([]string{"app"})
	p.Spec.NodeName = "node-1"
	p.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb"}, {ConditionType: "example.com/dns"}}
	p.Status.Phase = corev1.PodRunning
	p.Status.PodIPs = []corev1.PodIP{{IP: "10.0.0.7"}, {IP: "fd00::7"}}
	p.Status.NominatedNodeName = "node-2"
	p.Status.Conditions = []corev1.PodCondition{cond("example.com/lb", corev1.ConditionTrue), cond("example.com/dns", corev1.ConditionFalse)}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", Ready: true, State: running()}}
	want := []any{"web", "1/1", "Running", "0", "60m", "10.0.0.7", "node-1", "node-2", "1/2"}
	if diff := cmp.Diff(want, cells(t, p)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}

	unscheduled := pod([]string{"app"})
	unscheduled.Status.Phase = corev1.PodPending
	want = []any{"web", "0/1", "Pending", "0", "60m", "<none>", "<none>", "<none>", "<none>"}
	if diff := cmp.Diff(want, cells(t, unscheduled)); diff != "" {
		t.Errorf("cells of an unscheduled pod (-want +got):\n%s", diff)
	}
}

func TestPodRowConditions(t *testing.T) {
	tests := []struct {
		phase corev1.PodPhase
		want  []metav1.TableRowCondition
	}{
		{corev1.PodRunning, nil},
		{corev1.PodSucceeded, []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: "Succeeded", Message: "The pod has completed successfully."}}},
		{corev1.PodFailed, []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: "Failed", Message: "The pod failed."}}},
	}
	for _, tt := range tests {
		p := pod([]string{"app"})
		p.Status.Phase = tt.phase
		table, err := ToTable([]runtime.Object{p}, now, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, table.Rows[0].Conditions); diff != "" {
			t.Errorf("%s: conditions (-want +got):\n%s", tt.phase, diff)
		}
	}
}

func TestPodTemplate(t *testing.T) {
	pt := &corev1.PodTemplate{ObjectMeta: objectMeta("tmpl")}
	pt.Template.Labels = map[string]string{"app": "web"}
	pt.Template.Spec.Containers = []corev1.Container{{Name: "a", Image: "nginx"}, {Name: "b", Image: "busybox"}}
	want := []any{"tmpl", "a,b", "nginx,busybox", "app=web"}
	if diff := cmp.Diff(want, cells(t, pt)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}
