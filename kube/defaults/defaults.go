package defaults

import (
	"reflect"

	"k8s.io/apimachinery/pkg/runtime"
)

// Default applies every API-server default to obj, in place. obj is a
// pointer to a typed object from k8s.io/api (or a CustomResourceDefinition
// from k8s.io/apiextensions-apiserver), such as *corev1.Pod or
// *appsv1.Deployment; list types (*corev1.PodList ...) are defaulted item by
// item. Objects of any other type, nil included, are left unchanged.
//
// Default is idempotent: defaulting an already defaulted object changes
// nothing.
func Default(obj runtime.Object) {
	if obj == nil {
		return
	}
	if v := reflect.ValueOf(obj); v.Kind() == reflect.Pointer && v.IsNil() {
		return
	}
	if d, ok := byType[reflect.TypeOf(obj)]; ok {
		d(obj)
	}
}

// RegisterDefaults adds the per-type defaulting functions behind Default to
// s, so that s.Default(obj) applies them too. It replaces any defaulting
// function s already has for those types. The error is always nil; the
// signature fits runtime.SchemeBuilder.
func RegisterDefaults(s *runtime.Scheme) error {
	for _, k := range kinds {
		s.AddTypeDefaultingFunc(k.object, k.apply)
		s.AddTypeDefaultingFunc(k.list, k.applyList)
	}
	return nil
}

// byType maps the Go type of every object and list Default knows to the
// function that defaults it.
var byType = func() map[reflect.Type]func(any) {
	m := make(map[reflect.Type]func(any), 2*len(kinds))
	for _, k := range kinds {
		m[reflect.TypeOf(k.object)] = k.apply
		m[reflect.TypeOf(k.list)] = k.applyList
	}
	return m
}()

// kindDefaulter defaults one kind and its list type. It corresponds to the
// pair SetObjectDefaults_<Kind> / SetObjectDefaults_<Kind>List of upstream's
// generated code.
type kindDefaulter struct {
	object, list     runtime.Object
	apply, applyList func(any)
}

// kind builds the defaulter for a kind from a prototype of the object, a
// prototype of its list (whose Items field holds values of the object's
// type) and the function that defaults one object.
func kind[T runtime.Object](object T, list runtime.Object, fn func(T)) kindDefaulter {
	return kindDefaulter{
		object: object,
		list:   list,
		apply:  func(o any) { fn(o.(T)) },
		applyList: func(o any) {
			items := reflect.ValueOf(o).Elem().FieldByName("Items")
			for i := 0; i < items.Len(); i++ {
				fn(items.Index(i).Addr().Interface().(T))
			}
		},
	}
}
