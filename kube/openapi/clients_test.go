package openapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/openapi"
	"k8s.io/client-go/openapi3"
	"k8s.io/client-go/rest"
	"k8s.io/kube-openapi/pkg/util/proto"
)

func discoveryClient(t *testing.T) *discovery.DiscoveryClient {
	t.Helper()
	srv := serve(t, newTestBuilder(t))
	dc, err := discovery.NewDiscoveryClientForConfig(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return dc
}

// TestClientGoReadsV3 reads every group-version the way kubectl explain,
// kubectl's field-validation check and client-go's type converter do.
func TestClientGoReadsV3(t *testing.T) {
	t.Parallel()
	dc := discoveryClient(t)
	root := openapi3.NewRoot(dc.OpenAPIV3())
	gvs, err := root.GroupVersions()
	if err != nil {
		t.Fatal(err)
	}
	if len(gvs) != len(schemeGroupVersions()) {
		t.Errorf("openapi3 root lists %d group-versions, want %d", len(gvs), len(schemeGroupVersions()))
	}
	for _, gv := range gvs {
		doc, err := root.GVSpec(gv)
		if err != nil {
			t.Fatalf("GVSpec(%v): %v", gv, err)
		}
		if doc.Components == nil || len(doc.Components.Schemas) == 0 || doc.Paths == nil {
			t.Errorf("GVSpec(%v): empty document", gv)
		}
	}
	if _, err := openapi.NewTypeConverter(dc.OpenAPIV3(), false); err != nil {
		t.Errorf("client-go openapi.NewTypeConverter: %v", err)
	}
}

// TestKubectlReadsV2 fetches /openapi/v2 as protobuf the way kubectl does
// and parses it into kubectl's models.
func TestKubectlReadsV2(t *testing.T) {
	t.Parallel()
	dc := discoveryClient(t)
	doc, err := dc.OpenAPISchema()
	if err != nil {
		t.Fatal(err)
	}
	models, err := proto.NewOpenAPIData(doc)
	if err != nil {
		t.Fatalf("proto.NewOpenAPIData: %v", err)
	}
	pod, ok := models.LookupModel(podDef).(*proto.Kind)
	if !ok {
		t.Fatalf("model %s is %T, want *proto.Kind", podDef, models.LookupModel(podDef))
	}
	containers, ok := pod.Fields["spec"].(proto.Reference).SubSchema().(*proto.Kind).Fields["containers"].(*proto.Array)
	if !ok {
		t.Fatal("Pod.spec.containers is not an array")
	}
	if got := containers.GetExtensions()["x-kubernetes-patch-merge-key"]; got != "name" {
		t.Errorf("Pod.spec.containers patch merge key %v, want name", got)
	}
}

// TestServerSideApplySchemas builds managedfields type converters from the
// v3 documents, as an API server does for server-side apply, and checks they
// see objects as client-go's own apply schema does: same field sets, same
// list keys.
func TestServerSideApplySchemas(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	paths, err := b.V3Paths()
	if err != nil {
		t.Fatal(err)
	}
	converters := map[string]managedfields.TypeConverter{}
	for _, p := range paths {
		schemas, err := b.V3Schemas(p)
		if err != nil {
			t.Fatal(err)
		}
		tc, err := managedfields.NewTypeConverter(schemas, false)
		if err != nil {
			t.Fatalf("managedfields.NewTypeConverter(%s): %v", p, err)
		}
		converters[p] = tc
	}
	reference := applyconfigurations.NewTypeConverter(scheme.Scheme)
	replicas := int32(2)
	podSpec := corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "app", Image: "nginx", Args: []string{"-v"},
			Ports:        []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}, {ContainerPort: 53, Protocol: corev1.ProtocolUDP}},
			Env:          []corev1.EnvVar{{Name: "A", Value: "1"}},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
			LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromString("http")},
			}},
		}},
		Volumes:      []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		Tolerations:  []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpExists}},
		NodeSelector: map[string]string{"disk": "ssd"},
	}
	objects := []struct {
		path string
		obj  runtime.Object
	}{
		{"api/v1", &corev1.Pod{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
			ObjectMeta: metav1.ObjectMeta{Name: "p", Labels: map[string]string{"app": "x"}, Finalizers: []string{"f"}},
			Spec:       podSpec,
		}},
		{"apis/apps/v1", &appsv1.Deployment{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: metav1.ObjectMeta{Name: "d"},
			Spec: appsv1.DeploymentSpec{
				Replicas: &replicas,
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}}, Spec: podSpec},
			},
		}},
	}
	for _, o := range objects {
		ours, err := converters[o.path].ObjectToTyped(o.obj)
		if err != nil {
			t.Fatalf("%s: ObjectToTyped: %v", o.path, err)
		}
		theirs, err := reference.ObjectToTyped(o.obj)
		if err != nil {
			t.Fatal(err)
		}
		oursSet, err := ours.ToFieldSet()
		if err != nil {
			t.Fatal(err)
		}
		theirsSet, err := theirs.ToFieldSet()
		if err != nil {
			t.Fatal(err)
		}
		if !oursSet.Equals(theirsSet) {
			t.Errorf("%s: field sets differ:\n%s", o.path, cmp.Diff(theirsSet.String(), oursSet.String()))
		}
	}
}
