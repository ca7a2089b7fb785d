package openapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

const (
	podDef        = "io.k8s.api.core.v1.Pod"
	podSpecDef    = "io.k8s.api.core.v1.PodSpec"
	containerDef  = "io.k8s.api.core.v1.Container"
	quantityDef   = "io.k8s.apimachinery.pkg.api.resource.Quantity"
	intOrStrDef   = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
	deploymentDef = "io.k8s.api.apps.v1.Deployment"
)

// view is the part of a schema the tests compare.
type view struct {
	Type, Format, Ref, Description string
	Required                       []string
	Default                        interface{}
	Items, Additional              string // ref or type of items / map values
	OneOf                          []string
	Ext                            map[string]interface{}
}

func viewOf(s spec.Schema, withDescription bool) view {
	v := view{Format: s.Format, Ref: refOf(s), Required: s.Required, Default: s.Default, Ext: map[string]interface{}(s.Extensions)}
	if len(s.Type) > 0 {
		v.Type = s.Type[0]
	}
	if withDescription {
		v.Description = s.Description
	}
	elem := func(e *spec.Schema) string {
		if r := refOf(*e); r != "" {
			return r
		}
		if len(e.Type) > 0 {
			return e.Type[0]
		}
		return ""
	}
	if s.Items != nil && s.Items.Schema != nil {
		v.Items = elem(s.Items.Schema)
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		v.Additional = elem(s.AdditionalProperties.Schema)
	}
	for _, o := range s.OneOf {
		v.OneOf = append(v.OneOf, o.Type[0])
	}
	return v
}

func TestV3Definitions(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	core, err := b.V3Schemas("api/v1")
	if err != nil {
		t.Fatal(err)
	}
	apps, err := b.V3Schemas("apis/apps/v1")
	if err != nil {
		t.Fatal(err)
	}
	ref := func(name string) string { return v3RefPrefix + name }
	gvk := func(group, version, kind string) map[string]interface{} {
		return map[string]interface{}{"x-kubernetes-group-version-kind": []interface{}{
			map[string]interface{}{"group": group, "version": version, "kind": kind},
		}}
	}
	tests := []struct {
		name string
		got  spec.Schema
		want view
	}{{
		name: "Pod",
		got:  *core[podDef],
		want: view{Type: "object", Ext: gvk("", "v1", "Pod")},
	}, {
		name: "Pod.metadata wraps its ref and defaults to {}",
		got:  prop(t, core[podDef], "metadata"),
		want: view{Ref: ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), Default: map[string]interface{}{}},
	}, {
		name: "PodSpec requires containers",
		got:  *core[podSpecDef],
		want: view{Type: "object", Required: []string{"containers"}},
	}, {
		name: "PodSpec.containers is a map list merged by name",
		got:  prop(t, core[podSpecDef], "containers"),
		want: view{Type: "array", Items: ref(containerDef), Ext: map[string]interface{}{
			"x-kubernetes-patch-strategy":  "merge",
			"x-kubernetes-patch-merge-key": "name",
			"x-kubernetes-list-type":       "map",
			"x-kubernetes-list-map-keys":   []interface{}{"name"},
		}},
	}, {
		name: "PodSpec.nodeSelector is an atomic string map",
		got:  prop(t, core[podSpecDef], "nodeSelector"),
		want: view{Type: "object", Additional: "string", Ext: map[string]interface{}{"x-kubernetes-map-type": "atomic"}},
	}, {
		name: "PodSpec.terminationGracePeriodSeconds",
		got:  prop(t, core[podSpecDef], "terminationGracePeriodSeconds"),
		want: view{Type: "integer", Format: "int64"},
	}, {
		name: "Container.ports is keyed by containerPort and protocol",
		got:  prop(t, core[containerDef], "ports"),
		want: view{Type: "array", Items: ref("io.k8s.api.core.v1.ContainerPort"), Ext: map[string]interface{}{
			"x-kubernetes-patch-strategy":  "merge",
			"x-kubernetes-patch-merge-key": "containerPort",
			"x-kubernetes-list-type":       "map",
			"x-kubernetes-list-map-keys":   []interface{}{"containerPort", "protocol"},
		}},
	}, {
		name: "ContainerPort.protocol has its +default",
		got:  prop(t, core["io.k8s.api.core.v1.ContainerPort"], "protocol"),
		want: view{Type: "string", Default: "TCP"},
	}, {
		name: "ContainerPort.containerPort is required, default 0",
		got:  prop(t, core["io.k8s.api.core.v1.ContainerPort"], "containerPort"),
		want: view{Type: "integer", Format: "int32", Default: float64(0)},
	}, {
		name: "Container.name is a required string",
		got:  prop(t, core[containerDef], "name"),
		want: view{Type: "string", Default: ""},
	}, {
		name: "ResourceRequirements.limits maps to Quantity",
		got:  prop(t, core["io.k8s.api.core.v1.ResourceRequirements"], "limits"),
		want: view{Type: "object", Additional: ref(quantityDef)},
	}, {
		name: "Quantity is a string or a number",
		got:  *core[quantityDef],
		want: view{OneOf: []string{"string", "number"}},
	}, {
		name: "IntOrString",
		got:  *core[intOrStrDef],
		want: view{Format: "int-or-string", OneOf: []string{"integer", "string"}},
	}, {
		name: "HTTPGetAction.port refers to IntOrString",
		got:  prop(t, core["io.k8s.api.core.v1.HTTPGetAction"], "port"),
		want: view{Ref: ref(intOrStrDef)},
	}, {
		name: "Time",
		got:  *core["io.k8s.apimachinery.pkg.apis.meta.v1.Time"],
		want: view{Type: "string", Format: "date-time"},
	}, {
		name: "ObjectMeta.labels",
		got:  prop(t, core["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"], "labels"),
		want: view{Type: "object", Additional: "string"},
	}, {
		name: "ObjectMeta.creationTimestamp has no default (Time unmarshals itself)",
		got:  prop(t, core["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"], "creationTimestamp"),
		want: view{Ref: ref("io.k8s.apimachinery.pkg.apis.meta.v1.Time")},
	}, {
		name: "ObjectMeta.finalizers is a set",
		got:  prop(t, core["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"], "finalizers"),
		want: view{Type: "array", Items: "string", Ext: map[string]interface{}{
			"x-kubernetes-patch-strategy": "merge", "x-kubernetes-list-type": "set",
		}},
	}, {
		name: "ObjectMeta.ownerReferences is keyed by uid",
		got:  prop(t, core["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"], "ownerReferences"),
		want: view{Type: "array", Items: ref("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference"), Ext: map[string]interface{}{
			"x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "uid",
			"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []interface{}{"uid"},
		}},
	}, {
		name: "LabelSelector is atomic",
		got:  *apps["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"],
		want: view{Type: "object", Ext: map[string]interface{}{"x-kubernetes-map-type": "atomic"}},
	}, {
		name: "RawExtension is any object",
		got:  *core["io.k8s.apimachinery.pkg.runtime.RawExtension"],
		want: view{Type: "object"},
	}, {
		name: "Deployment",
		got:  *apps[deploymentDef],
		want: view{Type: "object", Ext: gvk("apps", "v1", "Deployment")},
	}, {
		name: "DeploymentSpec requires selector and template",
		got:  *apps["io.k8s.api.apps.v1.DeploymentSpec"],
		want: view{Type: "object", Required: []string{"selector", "template"}},
	}, {
		name: "DeploymentSpec.replicas",
		got:  prop(t, apps["io.k8s.api.apps.v1.DeploymentSpec"], "replicas"),
		want: view{Type: "integer", Format: "int32"},
	}, {
		name: "DeploymentSpec.template",
		got:  prop(t, apps["io.k8s.api.apps.v1.DeploymentSpec"], "template"),
		want: view{Ref: ref("io.k8s.api.core.v1.PodTemplateSpec"), Default: map[string]interface{}{}},
	}, {
		name: "DeploymentStatus.conditions",
		got:  prop(t, apps["io.k8s.api.apps.v1.DeploymentStatus"], "conditions"),
		want: view{Type: "array", Items: ref("io.k8s.api.apps.v1.DeploymentCondition"), Ext: map[string]interface{}{
			"x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type",
			"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []interface{}{"type"},
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, viewOf(tt.got, false), cmp.Transformer("ext", normalizeExt)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// normalizeExt treats a missing extension map like an empty one.
func normalizeExt(m map[string]interface{}) map[string]interface{} {
	if len(m) == 0 {
		return nil
	}
	return m
}

func TestDescriptions(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	core, err := b.V3Schemas("api/v1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"Pod", core[podDef].Description, "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts."},
		{"Container.image", prop(t, core[containerDef], "image").Description, "Container image name. More info: https://kubernetes.io/docs/concepts/containers/images This field is optional to allow higher level config management to default or override container images in workload controllers like Deployments and StatefulSets."},
		{"Pod.apiVersion (inlined TypeMeta)", prop(t, core[podDef], "apiVersion").Description, "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"},
		{"ObjectMeta.name", prop(t, core["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"], "name").Description[:40], "Name must be unique within a namespace. "},
		{"Quantity (no SwaggerDoc)", core[quantityDef].Description[:47], "Quantity is a fixed-point representation of a n"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: description %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestV2Definitions(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	sw, err := b.V2()
	if err != nil {
		t.Fatal(err)
	}
	defs := sw.Definitions
	pod, podSpec := defs[podDef], defs[podSpecDef]
	tests := []struct {
		name string
		got  spec.Schema
		want view
	}{{
		name: "Pod.metadata is a plain $ref with siblings, without default",
		got:  prop(t, &pod, "metadata"),
		want: view{Ref: v2RefPrefix + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
	}, {
		name: "Pod keeps its GVK",
		got:  pod,
		want: view{Type: "object", Ext: map[string]interface{}{"x-kubernetes-group-version-kind": []interface{}{
			map[string]interface{}{"group": "", "version": "v1", "kind": "Pod"},
		}}},
	}, {
		name: "Quantity is a string",
		got:  defs[quantityDef],
		want: view{Type: "string"},
	}, {
		name: "IntOrString is an int-or-string string",
		got:  defs[intOrStrDef],
		want: view{Type: "string", Format: "int-or-string"},
	}, {
		name: "containers items are plain refs",
		got:  prop(t, &podSpec, "containers"),
		want: view{Type: "array", Items: v2RefPrefix + containerDef, Ext: map[string]interface{}{
			"x-kubernetes-patch-strategy":  "merge",
			"x-kubernetes-patch-merge-key": "name",
			"x-kubernetes-list-type":       "map",
			"x-kubernetes-list-map-keys":   []interface{}{"name"},
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, viewOf(tt.got, false), cmp.Transformer("ext", normalizeExt)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if prop(t, &pod, "metadata").Description == "" {
		t.Error("v2 Pod.metadata lost its description")
	}
}
