package storage

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Transformer converts objects between the form the registry works with
// and the form the store keeps, as etcd storage does with its codec: a
// custom resource is kept in its storage version and served in the
// version of the request; a CustomResourceDefinition is kept as v1 and
// handled by apiextensions-apiserver's registry in its internal form.
type Transformer interface {
	// ToStorage returns the stored form of obj, which it must not modify.
	ToStorage(obj runtime.Object) (runtime.Object, error)
	// FromStorage sets out to the registry's form of stored, which it must
	// not modify.
	FromStorage(stored, out runtime.Object) error
}

// SchemeTransformer converts with a scheme's conversion functions between
// typed objects: the registry's (often internal) types and those of
// Version in the store.
type SchemeTransformer struct {
	Scheme  *runtime.Scheme
	Version schema.GroupVersion
}

// ToStorage implements Transformer.
func (t SchemeTransformer) ToStorage(obj runtime.Object) (runtime.Object, error) {
	out, err := t.Scheme.ConvertToVersion(obj.DeepCopyObject(), t.Version)
	if err != nil {
		return nil, fmt.Errorf("convert %T to %s: %w", obj, t.Version, err)
	}
	return out, nil
}

// FromStorage implements Transformer.
func (t SchemeTransformer) FromStorage(stored, out runtime.Object) error {
	if err := t.Scheme.Convert(stored.DeepCopyObject(), out, nil); err != nil {
		return fmt.Errorf("convert %T to %T: %w", stored, out, err)
	}
	return nil
}

// CodecTransformer keeps what Codec encodes, decoded by Stored (for
// custom resources: the storage version as unstructured JSON), and reads
// it back through Codec, which converts, defaults and prunes as it does
// for objects read from etcd.
type CodecTransformer struct {
	Codec  runtime.Codec
	Stored runtime.Decoder
}

// ToStorage implements Transformer.
func (t CodecTransformer) ToStorage(obj runtime.Object) (runtime.Object, error) {
	data, err := runtime.Encode(t.Codec, obj)
	if err != nil {
		return nil, err
	}
	stored, _, err := t.Stored.Decode(data, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("decode the stored form: %w", err)
	}
	return stored, nil
}

// FromStorage implements Transformer.
func (t CodecTransformer) FromStorage(stored, out runtime.Object) error {
	enc, ok := t.Stored.(runtime.Encoder)
	if !ok {
		return fmt.Errorf("the stored form's decoder %T cannot encode", t.Stored)
	}
	data, err := runtime.Encode(enc, stored)
	if err != nil {
		return err
	}
	return runtime.DecodeInto(t.Codec, data, out)
}

// decode sets out to the registry's form of a stored object that nothing
// else holds.
func (s *Storage) decode(stored, out runtime.Object) error {
	if s.transform == nil {
		return copyInto(stored, out)
	}
	return s.transform.FromStorage(stored, out)
}

// decoded returns the registry's form of a stored object, in memory of
// its own.
func (s *Storage) decoded(stored runtime.Object) (runtime.Object, error) {
	if s.transform == nil {
		return stored.DeepCopyObject(), nil
	}
	out := s.newFunc()
	if err := s.transform.FromStorage(stored, out); err != nil {
		return nil, err
	}
	return out, nil
}

// encode returns the stored form of obj, a copy.
func (s *Storage) encode(obj runtime.Object) (runtime.Object, error) {
	if s.transform == nil {
		return obj.DeepCopyObject(), nil
	}
	return s.transform.ToStorage(obj)
}

// matcher wraps a predicate on the registry's form of objects into one on
// their stored form.
func (s *Storage) matcher(match func(runtime.Object) bool) func(runtime.Object) bool {
	if s.transform == nil {
		return match
	}
	return func(stored runtime.Object) bool {
		obj, err := s.decoded(stored)
		return err == nil && match(obj)
	}
}
