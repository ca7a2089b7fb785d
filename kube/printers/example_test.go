package printers_test

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubesim/kubesim/kube/printers"
)

// A pod whose only container crashed three times, last five minutes ago.
func ExampleToTable() {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", CreationTimestamp: metav1.NewTime(now.Add(-time.Hour))},
		Spec:       corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{{Name: "app"}}},
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning,
			PodIP: "10.244.0.5",
			ContainerStatuses: []corev1.ContainerStatus{{
				Name:         "app",
				RestartCount: 3,
				State:        corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
					ExitCode: 1, Reason: "Error", FinishedAt: metav1.NewTime(now.Add(-5 * time.Minute)),
				}},
			}},
		},
	}
	table, err := printers.ToTable([]runtime.Object{pod}, now, printers.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, col := range table.ColumnDefinitions {
		fmt.Printf("%-16s priority %d: %v\n", col.Name, col.Priority, table.Rows[0].Cells[i])
	}
	// Output:
	// Name             priority 0: web
	// Ready            priority 0: 0/1
	// Status           priority 0: CrashLoopBackOff
	// Restarts         priority 0: 3 (5m ago)
	// Age              priority 0: 60m
	// IP               priority 1: 10.244.0.5
	// Node             priority 1: node-1
	// Nominated Node   priority 1: <none>
	// Readiness Gates  priority 1: <none>
}
