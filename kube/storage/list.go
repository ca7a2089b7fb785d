package storage

import (
	"context"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	apistorage "k8s.io/apiserver/pkg/storage"

	"github.com/kubesim/kubesim/store"
)

// tooLargeRVWait is how long a list for a resourceVersion the store has not
// reached yet waits before it fails, as the watch cache waits upstream.
const tooLargeRVWait = 3 * time.Second

// GetList implements storage.Interface, with the resourceVersion semantics
// of the API: "" is the newest state, "0" any state (the newest here), N
// with NotOlderThan waits until the store reaches N, and N with Exact (or
// legacy N with a limit) reads the snapshot at N while the store keeps it.
func (s *Storage) GetList(ctx context.Context, key string, opts apistorage.ListOptions, listObj runtime.Object) error {
	ns, err := s.listNamespace(key)
	if err != nil {
		return err
	}
	if !opts.Recursive {
		return s.getSingleAsList(ctx, key, opts, listObj)
	}
	lo := store.ListOptions{Namespace: ns, Limit: opts.Predicate.Limit, Continue: opts.Predicate.Continue}
	if !opts.Predicate.Empty() {
		pred := opts.Predicate
		lo.Predicate = s.matcher(func(obj runtime.Object) bool {
			ok, err := pred.Matches(obj)
			return err == nil && ok
		})
	}
	if lo.Continue != "" && opts.ResourceVersion != "" && opts.ResourceVersion != "0" {
		return apierrors.NewBadRequest("specifying resource version is not allowed when using continue")
	}
	if lo.Continue == "" {
		if lo.ResourceVersion, err = s.listRV(ctx, opts); err != nil {
			return err
		}
	}
	res, err := s.store.List(s.resource, lo)
	if err != nil {
		return err
	}
	if err := s.setList(listObj, res.Items); err != nil {
		return err
	}
	return s.versioner.UpdateList(listObj, res.ResourceVersion, res.Continue, res.RemainingItemCount)
}

// listRV interprets a list's resourceVersion: it returns the snapshot to
// read (0 for the newest) after waiting for NotOlderThan.
func (s *Storage) listRV(ctx context.Context, opts apistorage.ListOptions) (uint64, error) {
	if opts.ResourceVersion == "" {
		return 0, nil
	}
	rv, err := s.versioner.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return 0, apierrors.NewBadRequest("invalid resource version: " + err.Error())
	}
	switch opts.ResourceVersionMatch {
	case metav1.ResourceVersionMatchExact:
		return rv, nil
	case "":
		if opts.Predicate.Limit > 0 && rv > 0 {
			return rv, nil
		}
	case metav1.ResourceVersionMatchNotOlderThan:
	default:
		return 0, apierrors.NewBadRequest("unknown ResourceVersionMatch value: " + string(opts.ResourceVersionMatch))
	}
	return 0, s.waitFor(ctx, rv)
}

func (s *Storage) waitFor(ctx context.Context, rv uint64) error {
	if rv <= s.store.ResourceVersion() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, tooLargeRVWait) // wall-clock: a request deadline, not cluster time
	defer cancel()
	if err := s.store.WaitFor(ctx, rv); err != nil {
		return apistorage.NewTooLargeResourceVersionError(rv, s.store.ResourceVersion(), 1)
	}
	return nil
}

// getSingleAsList serves a non-recursive list: the one object at key, if
// it matches.
func (s *Storage) getSingleAsList(ctx context.Context, key string, opts apistorage.ListOptions, listObj runtime.Object) error {
	ns, name, err := s.objectKey(key)
	if err != nil {
		return err
	}
	rv := s.store.ResourceVersion()
	var items []runtime.Object
	obj, err := s.store.Get(s.resource, ns, name)
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return err
	default:
		if obj, err = s.decoded(obj); err != nil {
			return err
		}
		if ok, err := opts.Predicate.Matches(obj); err == nil && ok {
			items = append(items, obj)
		}
	}
	if err := apimeta.SetList(listObj, items); err != nil {
		return err
	}
	return s.versioner.UpdateList(listObj, rv, "", nil)
}

// setList fills listObj with the registry's form of stored items.
func (s *Storage) setList(listObj runtime.Object, items []runtime.Object) error {
	if s.transform != nil {
		decoded := make([]runtime.Object, len(items))
		for i, item := range items {
			obj, err := s.decoded(item)
			if err != nil {
				return err
			}
			decoded[i] = obj
		}
		items = decoded
	}
	return apimeta.SetList(listObj, items)
}
