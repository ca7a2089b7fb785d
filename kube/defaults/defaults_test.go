package defaults

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

func TestDefaultLists(t *testing.T) {
	tmplIn, tmplWant := templateCase()
	minimal := corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx:1"}}}}
	defaulted := corev1.Pod{Spec: defaultedPodSpec(defaultedContainer("c", "nginx:1", corev1.PullIfNotPresent))}
	defaulted.Spec.EnableServiceLinks = ptr.To(true)
	runCases(t, []defaultCase{
		{
			name: "PodList item by item",
			in:   &corev1.PodList{Items: []corev1.Pod{minimal, minimal}},
			want: &corev1.PodList{Items: []corev1.Pod{defaulted, defaulted}},
		},
		{
			name: "empty list",
			in:   &corev1.PodList{},
			want: &corev1.PodList{},
		},
		{
			name: "ReplicaSetList",
			in:   &appsv1.ReplicaSetList{Items: []appsv1.ReplicaSet{{Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](2), Template: tmplIn}}}},
			want: &appsv1.ReplicaSetList{Items: []appsv1.ReplicaSet{{Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](2), Template: tmplWant}}}},
		},
	})
}

func TestDefaultLeavesOthersAlone(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Pod", "spec": map[string]any{}}}
	want := u.DeepCopy()
	Default(u)
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("unstructured changed (-want +got):\n%s", diff)
	}
	status := &metav1.Status{Message: "m"}
	Default(status)
	if diff := cmp.Diff(&metav1.Status{Message: "m"}, status); diff != "" {
		t.Errorf("Status changed (-want +got):\n%s", diff)
	}
	// Neither may panic.
	Default(nil)
	Default((*corev1.Pod)(nil))
	Default((*corev1.PodList)(nil))
}

func TestRegisterDefaults(t *testing.T) {
	s := runtime.NewScheme()
	if err := corev1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := RegisterDefaults(s); err != nil {
		t.Fatal(err)
	}
	for _, obj := range []runtime.Object{
		&corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}},
		&corev1.ServiceList{Items: []corev1.Service{{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}}}}},
	} {
		viaScheme, direct := obj.DeepCopyObject(), obj.DeepCopyObject()
		s.Default(viaScheme)
		Default(direct)
		if diff := cmp.Diff(direct, viaScheme, quantities); diff != "" {
			t.Errorf("%T: scheme defaulting differs from Default (-Default +scheme):\n%s", obj, diff)
		}
		if cmp.Equal(obj, viaScheme, quantities) {
			t.Errorf("%T: scheme defaulting changed nothing", obj)
		}
	}
}

// TestKindTable checks that every entry pairs an object with its own list
// type, so list defaulting cannot panic.
func TestKindTable(t *testing.T) {
	seen := map[reflect.Type]bool{}
	for _, k := range kinds {
		objType, listType := reflect.TypeOf(k.object), reflect.TypeOf(k.list)
		if seen[objType] || seen[listType] {
			t.Errorf("%v listed twice", objType)
		}
		seen[objType], seen[listType] = true, true
		items, ok := listType.Elem().FieldByName("Items")
		if !ok || items.Type.Kind() != reflect.Slice || reflect.PointerTo(items.Type.Elem()) != objType {
			t.Errorf("%v is not the list of %v", listType, objType)
			continue
		}
		if listType.Elem().Name() != objType.Elem().Name()+"List" {
			t.Errorf("%v does not look like the list of %v", listType, objType)
		}
		// Default one zero item through the list.
		list := reflect.New(listType.Elem())
		list.Elem().FieldByName("Items").Set(reflect.MakeSlice(items.Type, 1, 1))
		Default(list.Interface().(runtime.Object))
	}
}

// BenchmarkDefaultPod measures defaulting a small pod, which happens on
// every pod write.
func BenchmarkDefaultPod(b *testing.B) {
	in := &corev1.Pod{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "c", Image: "nginx:1.27",
			Resources:      corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("500m"), corev1.ResourceMemory: q("128Mi")}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz"}}},
		}},
		Volumes: []corev1.Volume{{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{}}}},
	}}
	for b.Loop() {
		Default(in.DeepCopy())
	}
}
