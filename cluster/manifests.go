package cluster

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// applyManager is the field manager of the objects kubesim applies.
const applyManager = "kubesim"

// Apply applies the manifests at paths (YAML or JSON files, or directories
// of them, multi-document YAML allowed) to the cluster cfg reaches, with
// server-side apply, as `kubectl apply --server-side --force-conflicts`
// does. Namespaced objects without a namespace go to "default".
func Apply(ctx context.Context, cfg *rest.Config, paths ...string) error {
	objs, err := readObjects(paths)
	if err != nil {
		return err
	}
	return ApplyObjects(ctx, cfg, objs...)
}

// ApplyObjects applies objects as Apply applies the objects of files.
func ApplyObjects(ctx context.Context, cfg *rest.Config, objs ...*unstructured.Unstructured) error {
	return eachObject(ctx, cfg, objs, func(ri dynamic.ResourceInterface, obj *unstructured.Unstructured) error {
		data, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		force := true
		_, err = ri.Patch(ctx, obj.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{FieldManager: applyManager, Force: &force})
		return err
	})
}

// DeleteObjects deletes objects by kind, namespace and name, in the
// background as kubectl delete does; objects already gone are no error.
func DeleteObjects(ctx context.Context, cfg *rest.Config, objs ...*unstructured.Unstructured) error {
	return eachObject(ctx, cfg, objs, func(ri dynamic.ResourceInterface, obj *unstructured.Unstructured) error {
		policy := metav1.DeletePropagationBackground
		err := ri.Delete(ctx, obj.GetName(), metav1.DeleteOptions{PropagationPolicy: &policy})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	})
}

// eachObject calls fn with the resource client of each object, found
// through discovery.
func eachObject(ctx context.Context, cfg *rest.Config, objs []*unstructured.Unstructured, fn func(dynamic.ResourceInterface, *unstructured.Unstructured) error) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	for _, obj := range objs {
		ri, err := resourceFor(dyn, mapper, obj)
		if err == nil {
			err = fn(ri, obj)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	return nil
}

// resourceFor maps an object to its resource; namespaced objects without
// a namespace go to "default".
func resourceFor(dyn dynamic.Interface, mapper meta.ResettableRESTMapper, obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := obj.GroupVersionKind()
	mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		mapper.Reset() // a CRD applied earlier in the same call
		mapping, err = mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return nil, err
	}
	client := dyn.Resource(mapping.Resource)
	if mapping.Scope.Name() != meta.RESTScopeNameNamespace {
		return client, nil
	}
	if obj.GetNamespace() == "" {
		obj.SetNamespace(metav1.NamespaceDefault)
	}
	return client.Namespace(obj.GetNamespace()), nil
}

// readObjects decodes every document of the files at paths.
func readObjects(paths []string) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, p := range paths {
		docs, err := Documents(p)
		if err != nil {
			return nil, err
		}
		for _, doc := range docs {
			objs, err := ParseManifests(doc)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			out = append(out, objs...)
		}
	}
	return out, nil
}

// ParseManifests decodes YAML or JSON text, multi-document YAML allowed.
func ParseManifests(data []byte) ([]*unstructured.Unstructured, error) {
	docs, err := splitDocuments(data)
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for _, doc := range docs {
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &obj.Object); err != nil {
			return nil, err
		}
		if len(obj.Object) == 0 {
			continue // a document of comments only
		}
		if obj.GetKind() == "" || obj.GetAPIVersion() == "" {
			return nil, fmt.Errorf("a document without apiVersion and kind")
		}
		out = append(out, obj)
	}
	return out, nil
}

// Documents returns the YAML or JSON documents of a file, or of the
// manifest files of a directory, in file name order.
func Documents(path string) ([][]byte, error) {
	files, err := manifestFiles(path)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		docs, err := splitDocuments(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, docs...)
	}
	return out, nil
}

// manifestFiles lists path, or the YAML and JSON files in it, in name order.
func manifestFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, en := range entries {
		ext := strings.ToLower(filepath.Ext(en.Name()))
		if !en.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
			files = append(files, filepath.Join(path, en.Name()))
		}
	}
	return files, nil
}

// splitDocuments splits a multi-document YAML (or a JSON) file.
func splitDocuments(data []byte) ([][]byte, error) {
	r := yaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
}
