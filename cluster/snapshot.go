package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"
)

// notSnapshotted are resources a snapshot leaves out: what the cluster
// makes by itself again (events, leases, endpoints, controller history)
// and the nodes, which come from how kubesim is started.
var notSnapshotted = map[string]bool{
	"events": true, "events.events.k8s.io": true, "leases.coordination.k8s.io": true, "nodes": true,
	"endpoints": true, "endpointslices.discovery.k8s.io": true, "controllerrevisions.apps": true,
	"componentstatuses": true,
}

// snapshotOrder puts what other objects need first, so that applying the
// files in name order works: namespaces, then CRDs, then the rest.
func snapshotOrder(gr schema.GroupResource) string {
	switch gr.String() {
	case "namespaces":
		return "00"
	case "customresourcedefinitions.apiextensions.k8s.io":
		return "01"
	}
	return "10"
}

// Snapshot writes the objects of the cluster cfg reaches to dir, one
// YAML file per resource, as manifests that Restore (or kubectl apply)
// can load into another cluster. Left out: objects with owners (their
// controllers make them again), kubesim's bootstrap RBAC, default
// ServiceAccounts, kube-root-ca.crt and the default StorageClass, the resources
// in notSnapshotted, and server-set metadata and status.
func Snapshot(ctx context.Context, cfg *rest.Config, dir string) error {
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	lists, err := disc.ServerPreferredResources()
	if err != nil {
		return fmt.Errorf("snapshot: discovery: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			return err
		}
		for _, r := range l.APIResources {
			gr := gv.WithResource(r.Name).GroupResource()
			// Read-only resources (metrics.k8s.io) cannot be restored.
			if strings.Contains(r.Name, "/") || notSnapshotted[gr.String()] || !hasVerb(r.Verbs, "list") || !hasVerb(r.Verbs, "create") {
				continue
			}
			if err := snapshotResource(ctx, dyn, gv.WithResource(r.Name), dir); err != nil {
				return err
			}
		}
	}
	return nil
}

func snapshotResource(ctx context.Context, dyn dynamic.Interface, gvr schema.GroupVersionResource, dir string) error {
	list, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", gvr.GroupResource(), err)
	}
	var docs []string
	sort.Slice(list.Items, func(i, j int) bool {
		return list.Items[i].GetNamespace()+"/"+list.Items[i].GetName() < list.Items[j].GetNamespace()+"/"+list.Items[j].GetName()
	})
	for i := range list.Items {
		obj := &list.Items[i]
		if len(obj.GetOwnerReferences()) > 0 || obj.GetLabels()["kubernetes.io/bootstrapping"] == "rbac-defaults" ||
			madeByControlPlane[gvr.Resource+"/"+obj.GetName()] {
			continue
		}
		b, err := yaml.Marshal(Manifest(obj).Object)
		if err != nil {
			return err
		}
		docs = append(docs, string(b))
	}
	if len(docs) == 0 {
		return nil
	}
	name := snapshotOrder(gvr.GroupResource()) + "-" + gvr.GroupResource().String() + ".yaml"
	return os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(docs, "---\n")), 0o644)
}

// madeByControlPlane are objects, by resource and name, that the
// controllers make in every cluster (or every namespace) by themselves.
var madeByControlPlane = map[string]bool{
	"serviceaccounts/default": true, "configmaps/kube-root-ca.crt": true, "storageclasses/standard": true,
}

// Manifest returns a copy of obj without what the server sets (uid,
// resourceVersion, managedFields, status, ...): what a user would apply.
func Manifest(obj *unstructured.Unstructured) *unstructured.Unstructured {
	out := obj.DeepCopy()
	for _, f := range []string{"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"} {
		unstructured.RemoveNestedField(out.Object, "metadata", f)
	}
	unstructured.RemoveNestedField(out.Object, "status")
	return out
}

func hasVerb(verbs []string, v string) bool {
	for _, have := range verbs {
		if have == v {
			return true
		}
	}
	return false
}

// Restore applies a snapshot's files to the cluster, namespaces and CRDs
// first, settling after them so that the custom resources are served.
func (c *Cluster) Restore(ctx context.Context, dir string) error {
	files, err := manifestFiles(dir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	var first, rest []string
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "0") {
			first = append(first, f)
		} else {
			rest = append(rest, f)
		}
	}
	for _, batch := range [][]string{first, rest} {
		if err := Apply(ctx, c.RESTConfig(), batch...); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if err := c.Settle(ctx); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	return nil
}
