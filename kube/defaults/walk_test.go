package defaults

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/randfill"
)

// nestedChecks says, for a nested type with defaults, what must hold after
// defaulting wherever a value of that type appears. Upstream's generated
// defaulters visit every occurrence; these checks catch a walk here that
// forgets one.
var nestedChecks = map[reflect.Type]func(v reflect.Value) string{
	reflect.TypeFor[corev1.Container](): func(v reflect.Value) string {
		c := v.Interface().(corev1.Container)
		return unless(c.ImagePullPolicy != "" && c.TerminationMessagePath != "" && c.TerminationMessagePolicy != "", "container defaults")
	},
	reflect.TypeFor[corev1.EphemeralContainerCommon](): func(v reflect.Value) string {
		c := v.Interface().(corev1.EphemeralContainerCommon)
		return unless(c.ImagePullPolicy != "" && c.TerminationMessagePath != "" && c.TerminationMessagePolicy != "", "container defaults")
	},
	reflect.TypeFor[corev1.PodSpec](): func(v reflect.Value) string {
		s := v.Interface().(corev1.PodSpec)
		return unless(s.RestartPolicy != "" && s.DNSPolicy != "" && s.SchedulerName != "" && s.SecurityContext != nil && s.TerminationGracePeriodSeconds != nil, "PodSpec defaults")
	},
	reflect.TypeFor[corev1.Probe](): func(v reflect.Value) string {
		p := v.Interface().(corev1.Probe)
		return unless(p.TimeoutSeconds != 0 && p.PeriodSeconds != 0 && p.SuccessThreshold != 0 && p.FailureThreshold != 0, "probe defaults")
	},
	reflect.TypeFor[corev1.HTTPGetAction](): func(v reflect.Value) string {
		a := v.Interface().(corev1.HTTPGetAction)
		return unless(a.Path != "" && a.Scheme != "", "httpGet defaults")
	},
	reflect.TypeFor[corev1.GRPCAction](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.GRPCAction).Service != nil, "grpc service")
	},
	reflect.TypeFor[corev1.ContainerPort](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ContainerPort).Protocol != "", "port protocol")
	},
	reflect.TypeFor[corev1.ObjectFieldSelector](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ObjectFieldSelector).APIVersion != "", "fieldRef apiVersion")
	},
	reflect.TypeFor[corev1.FileKeySelector](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.FileKeySelector).Optional != nil, "fileKeyRef optional")
	},
	reflect.TypeFor[corev1.VolumeSource](): func(v reflect.Value) string {
		s := v.Interface().(corev1.VolumeSource)
		return unless(!allNil(&s), "a volume source")
	},
	reflect.TypeFor[corev1.SecretVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.SecretVolumeSource).DefaultMode != nil, "secret defaultMode")
	},
	reflect.TypeFor[corev1.ConfigMapVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ConfigMapVolumeSource).DefaultMode != nil, "configMap defaultMode")
	},
	reflect.TypeFor[corev1.DownwardAPIVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.DownwardAPIVolumeSource).DefaultMode != nil, "downwardAPI defaultMode")
	},
	reflect.TypeFor[corev1.ProjectedVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ProjectedVolumeSource).DefaultMode != nil, "projected defaultMode")
	},
	reflect.TypeFor[corev1.ServiceAccountTokenProjection](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ServiceAccountTokenProjection).ExpirationSeconds != nil, "token expiration")
	},
	reflect.TypeFor[corev1.HostPathVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.HostPathVolumeSource).Type != nil, "hostPath type")
	},
	reflect.TypeFor[corev1.ImageVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ImageVolumeSource).PullPolicy != "", "image pullPolicy")
	},
	reflect.TypeFor[corev1.PersistentVolumeClaimSpec](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.PersistentVolumeClaimSpec).VolumeMode != nil, "claim volumeMode")
	},
	reflect.TypeFor[corev1.ISCSIVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ISCSIVolumeSource).ISCSIInterface != "", "iscsi interface")
	},
	reflect.TypeFor[corev1.ISCSIPersistentVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ISCSIPersistentVolumeSource).ISCSIInterface != "", "iscsi interface")
	},
	reflect.TypeFor[corev1.RBDVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.RBDVolumeSource).Keyring != "", "rbd keyring")
	},
	reflect.TypeFor[corev1.RBDPersistentVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.RBDPersistentVolumeSource).Keyring != "", "rbd keyring")
	},
	reflect.TypeFor[corev1.AzureDiskVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.AzureDiskVolumeSource).Kind != nil, "azure disk kind")
	},
	reflect.TypeFor[corev1.ScaleIOVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ScaleIOVolumeSource).FSType != "", "scaleIO fsType")
	},
	reflect.TypeFor[corev1.ScaleIOPersistentVolumeSource](): func(v reflect.Value) string {
		return unless(v.Interface().(corev1.ScaleIOPersistentVolumeSource).FSType != "", "scaleIO fsType")
	},
	reflect.TypeFor[corev1.ResourceList](): func(v reflect.Value) string {
		for name, q := range v.Interface().(corev1.ResourceList) {
			if c := q.DeepCopy(); !c.RoundUp(-3) {
				return fmt.Sprintf("%s=%s not rounded", name, q.String())
			}
		}
		return ""
	},
}

func unless(ok bool, what string) string {
	if ok {
		return ""
	}
	return "missing " + what
}

func allNil(s *corev1.VolumeSource) bool {
	v := reflect.ValueOf(s).Elem()
	for i := 0; i < v.NumField(); i++ {
		if !v.Field(i).IsNil() {
			return false
		}
	}
	return true
}

// failures walks v and returns each path where a check fails.
func failures(v reflect.Value, path string) []string {
	var out []string
	if check, ok := nestedChecks[v.Type()]; ok {
		if msg := check(v); msg != "" {
			out = append(out, path+": "+msg)
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			out = append(out, failures(v.Elem(), path)...)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			out = append(out, failures(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case reflect.Map:
		if v.Type().Elem().Kind() == reflect.Struct || v.Type().Elem().Kind() == reflect.Slice {
			for _, k := range v.MapKeys() {
				out = append(out, failures(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k))...)
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				out = append(out, failures(v.Field(i), path+"."+f.Name)...)
			}
		}
	}
	return out
}

// filler fills objects at random, with valid quantities that often need
// rounding.
func filler(seed int64) *randfill.Filler {
	return randfill.NewWithSeed(seed).NilChance(0.2).NumElements(1, 2).MaxDepth(24).Funcs(
		func(q *resource.Quantity, c randfill.Continue) {
			*q = *resource.NewScaledQuantity(c.Int63n(100000), resource.Scale(-c.Intn(7)))
		},
		func(e *runtime.RawExtension, c randfill.Continue) { *e = runtime.RawExtension{} },
	)
}

// TestDefaultCoversNestedFields fills every kind at random, defaults it,
// checks that nested defaults reached every occurrence, and that a second
// Default changes nothing.
func TestDefaultCoversNestedFields(t *testing.T) {
	for _, k := range kinds {
		typ := reflect.TypeOf(k.object).Elem()
		if typ.PkgPath() == reflect.TypeFor[apiextensionsv1.CustomResourceDefinition]().PkgPath() {
			// Upstream's own defaulter, and a recursive schema type that
			// random filling cannot bound.
			continue
		}
		t.Run(typ.Name(), func(t *testing.T) {
			for seed := int64(0); seed < 8; seed++ {
				obj := reflect.New(typ).Interface().(runtime.Object)
				filler(seed).Fill(obj)
				Default(obj)
				if fails := failures(reflect.ValueOf(obj), typ.Name()); len(fails) > 0 {
					t.Fatalf("seed %d:\n%v", seed, fails)
				}
				again := obj.DeepCopyObject()
				Default(again)
				if diff := cmp.Diff(obj, again, quantities); diff != "" {
					t.Fatalf("seed %d: second Default changed the object (-first +second):\n%s", seed, diff)
				}
			}
		})
	}
}
