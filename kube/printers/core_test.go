package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestCoreColumns(t *testing.T) {
	tests := []struct {
		obj  runtime.Object
		want []string
	}{
		{&corev1.Namespace{}, []string{"Name", "Status", "Age"}},
		{&corev1.ConfigMap{}, []string{"Name", "Data", "Age"}},
		{&corev1.Secret{}, []string{"Name", "Type", "Data", "Age"}},
		{&corev1.ServiceAccount{}, []string{"Name", "Age"}},
		{&corev1.ResourceQuota{}, []string{"Name", "Request", "Limit", "Age"}},
		{&corev1.Event{}, []string{"Last Seen", "Type", "Reason", "Object", "Subobject (wide)", "Source (wide)", "Message", "First Seen (wide)", "Count (wide)", "Name (wide)"}},
		{&eventsv1.Event{}, []string{"Last Seen", "Type", "Reason", "Object", "Subobject (wide)", "Source (wide)", "Message", "First Seen (wide)", "Count (wide)", "Name (wide)"}},
		{&corev1.LimitRange{}, []string{"Name", "Created At"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, columnNames(tt.obj)); diff != "" {
			t.Errorf("%T columns (-want +got):\n%s", tt.obj, diff)
		}
	}
}

func TestCoreCells(t *testing.T) {
	ns := &corev1.Namespace{ObjectMeta: objectMeta("team-a"), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}}
	cm := &corev1.ConfigMap{ObjectMeta: objectMeta("settings"), Data: map[string]string{"a": "1", "b": "2"}, BinaryData: map[string][]byte{"c": {1}}}
	secret := &corev1.Secret{ObjectMeta: objectMeta("creds"), Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{"user": []byte("u")}, StringData: map[string]string{"user": "v", "password": "p"}}
	sa := &corev1.ServiceAccount{ObjectMeta: objectMeta("default"), Secrets: []corev1.ObjectReference{{Name: "old-token"}}}
	quota := &corev1.ResourceQuota{ObjectMeta: objectMeta("compute")}
	quota.Status.Hard = corev1.ResourceList{
		corev1.ResourceRequestsCPU: resource.MustParse("2"), corev1.ResourceLimitsMemory: resource.MustParse("2Gi"),
		corev1.ResourcePods: resource.MustParse("10"), corev1.ResourceLimitsCPU: resource.MustParse("4"),
	}
	quota.Status.Used = corev1.ResourceList{corev1.ResourceRequestsCPU: resource.MustParse("500m"), corev1.ResourcePods: resource.MustParse("3")}
	cs := &corev1.ComponentStatus{ObjectMeta: objectMeta("etcd-0"), Conditions: []corev1.ComponentCondition{
		{Type: corev1.ComponentHealthy, Status: corev1.ConditionTrue, Message: "ok"},
	}}

	tests := []struct {
		obj  runtime.Object
		want []any
	}{
		{ns, []any{"team-a", "Terminating", "60m"}},
		{cm, []any{"settings", int64(3), "60m"}},
		{secret, []any{"creds", "Opaque", int64(2), "60m"}},
		{sa, []any{"default", "60m"}},
		{quota, []any{"compute", "pods: 3/10, requests.cpu: 500m/2", "limits.cpu: 0/4, limits.memory: 0/2Gi", "60m"}},
		{cs, []any{"etcd-0", "Healthy", "ok", ""}},
		{&corev1.ComponentStatus{ObjectMeta: objectMeta("sched")}, []any{"sched", "Unknown", "", ""}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, cells(t, tt.obj)); diff != "" {
			t.Errorf("%T cells (-want +got):\n%s", tt.obj, diff)
		}
	}
}

func TestEventCells(t *testing.T) {
	ref := corev1.ObjectReference{Kind: "Pod", Name: "web-1", FieldPath: "spec.containers{app}"}
	tests := []struct {
		name string
		ev   runtime.Object
		want []any
	}{
		{"repeated core event", &corev1.Event{
			ObjectMeta: objectMeta("web-1.17a"), InvolvedObject: ref, Type: corev1.EventTypeWarning, Reason: "BackOff",
			Message: "  Back-off restarting failed container\n", Count: 7,
			FirstTimestamp: ago(10 * time.Minute), LastTimestamp: ago(30 * time.Second),
			Source: corev1.EventSource{Component: "kubelet", Host: "node-1"},
		}, []any{"30s", "Warning", "BackOff", "pod/web-1", "spec.containers{app}", "kubelet, node-1",
			"Back-off restarting failed container", "10m", int64(7), "web-1.17a"}},
		{"new API singleton", &corev1.Event{
			ObjectMeta: objectMeta("web-1.17b"), InvolvedObject: corev1.ObjectReference{Kind: "Node"}, Type: corev1.EventTypeNormal,
			Reason: "Scheduled", Message: "ok", EventTime: metav1.NewMicroTime(now.Add(-2 * time.Minute)),
			ReportingController: "default-scheduler", ReportingInstance: "sched-1",
		}, []any{"2m", "Normal", "Scheduled", "node", "", "default-scheduler, sched-1", "ok", "2m", int64(1), "web-1.17b"}},
		{"series", &corev1.Event{
			ObjectMeta: objectMeta("web-1.17c"), InvolvedObject: ref, Type: corev1.EventTypeNormal, Reason: "Pulled",
			EventTime: metav1.NewMicroTime(now.Add(-time.Hour)), ReportingController: "kubelet",
			Series: &corev1.EventSeries{Count: 4, LastObservedTime: metav1.NewMicroTime(now.Add(-5 * time.Second))},
		}, []any{"5s", "Normal", "Pulled", "pod/web-1", "spec.containers{app}", "kubelet", "", "60m", int64(4), "web-1.17c"}},
		{"no times at all", &corev1.Event{ObjectMeta: objectMeta("bare"), InvolvedObject: ref},
			[]any{"<unknown>", "", "", "pod/web-1", "spec.containers{app}", "", "", "<unknown>", int64(1), "bare"}},
		{"events.k8s.io", &eventsv1.Event{
			ObjectMeta: objectMeta("web-1.17d"), Regarding: ref, Type: corev1.EventTypeWarning, Reason: "Failed",
			Note: "pull failed", EventTime: metav1.NewMicroTime(now.Add(-3 * time.Minute)), ReportingController: "kubelet",
			ReportingInstance: "node-2", Series: &eventsv1.EventSeries{Count: 2, LastObservedTime: metav1.NewMicroTime(now.Add(-time.Minute))},
		}, []any{"60s", "Warning", "Failed", "pod/web-1", "spec.containers{app}", "kubelet, node-2", "pull failed", "3m", int64(2), "web-1.17d"}},
		{"events.k8s.io with deprecated fields", &eventsv1.Event{
			ObjectMeta: objectMeta("web-1.17e"), Regarding: ref, Type: corev1.EventTypeNormal, Reason: "Killing",
			DeprecatedSource: corev1.EventSource{Component: "kubelet"}, DeprecatedCount: 3,
			DeprecatedFirstTimestamp: ago(4 * time.Minute), DeprecatedLastTimestamp: ago(time.Minute),
		}, []any{"60s", "Normal", "Killing", "pod/web-1", "spec.containers{app}", "kubelet", "", "4m", int64(3), "web-1.17e"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, cells(t, tt.ev)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
