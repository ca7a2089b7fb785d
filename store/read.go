package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	memdb "github.com/hashicorp/go-memdb"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
)

// Get returns a copy of the named object, or a 404 error.
func (s *Store) Get(resource, namespace, name string) (runtime.Object, error) {
	r, err := getTxn(s.db.Txn(false), resource, namespace, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errNotFound(resource, name)
	}
	return r.Object.DeepCopyObject(), nil
}

func getTxn(txn *memdb.Txn, resource, namespace, name string) (*record, error) {
	raw, err := txn.First(tableObjects, indexID, key(resource, namespace, name))
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key(resource, namespace, name), err)
	}
	if raw == nil {
		return nil, nil
	}
	return raw.(*record), nil
}

// ListOptions select and page a List.
type ListOptions struct {
	// Namespace limits the list to one namespace; "" lists all.
	Namespace string
	// Predicate selects objects (label and field selectors); nil selects all.
	Predicate func(obj runtime.Object) bool
	// Limit is the most items to return; 0 means no limit. When more
	// remain, the result has a Continue token.
	Limit int64
	// Continue resumes a paged list from a token of an earlier result. The
	// rest of the list is served from the same snapshot, or fails with 410
	// Gone once that snapshot is no longer kept.
	Continue string
	// ResourceVersion, when not 0, asks for the list exactly as it was at
	// that resourceVersion (resourceVersionMatch=Exact); the store serves it
	// while it keeps that snapshot, and fails with 410 Gone after.
	ResourceVersion uint64

	shared bool // hand out stored objects instead of copies (store-internal)
}

// ListResult is one page of a List.
type ListResult struct {
	Items           []runtime.Object
	ResourceVersion uint64
	Continue        string
	// RemainingItemCount counts the items after this page, when a
	// Predicate does not make that expensive to know.
	RemainingItemCount *int64
}

// List returns the objects of resource in key order (namespace, then name).
func (s *Store) List(resource string, opts ListOptions) (*ListResult, error) {
	start := prefix(resource, opts.Namespace)
	txn, rv, err := s.listSnapshot(opts)
	if err != nil {
		return nil, err
	}
	from := start
	if opts.Continue != "" {
		tok, err := decodeContinue(opts.Continue, start)
		if err != nil {
			return nil, err
		}
		from = tok.Start
	}
	it, err := txn.LowerBound(tableObjects, indexID, from)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", start, err)
	}
	res := &ListResult{ResourceVersion: rv}
	var lastKey string
	for raw := it.Next(); raw != nil; raw = it.Next() {
		r := raw.(*record)
		if !strings.HasPrefix(r.Key, start) {
			break
		}
		if opts.Predicate != nil && !opts.Predicate(r.Object) {
			continue
		}
		if opts.Limit > 0 && int64(len(res.Items)) == opts.Limit {
			res.Continue = encodeContinue(rv, lastKey+"\x00")
			if opts.Predicate == nil {
				n := int64(1)
				for raw := it.Next(); raw != nil && strings.HasPrefix(raw.(*record).Key, start); raw = it.Next() {
					n++
				}
				res.RemainingItemCount = &n
			}
			s.keepSnapshot(rv, txn)
			break
		}
		obj := r.Object
		if !opts.shared {
			obj = obj.DeepCopyObject()
		}
		res.Items = append(res.Items, obj)
		lastKey = r.Key
	}
	return res, nil
}

// listSnapshot picks the snapshot a list reads: a kept one for a continue
// token or an exact resourceVersion, else the newest state.
func (s *Store) listSnapshot(opts ListOptions) (*memdb.Txn, uint64, error) {
	want := opts.ResourceVersion
	if opts.Continue != "" {
		tok, err := decodeContinue(opts.Continue, "")
		if err != nil {
			return nil, 0, err
		}
		want = tok.RV
	}
	txn := s.db.Txn(false)
	head := currentRV(txn)
	if want == 0 || want == head {
		return txn, head, nil
	}
	if txn := s.snapshotAt(want); txn != nil {
		return txn, want, nil
	}
	if opts.Continue != "" {
		return nil, 0, apierrors.NewResourceExpired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
	}
	if want > head {
		return nil, 0, apierrors.NewTimeoutError(fmt.Sprintf("Too large resource version: %d, current: %d", want, head), 1)
	}
	return nil, 0, errExpired(want, head)
}

// ByIndex returns copies of the objects of resource whose registered index
// has value.
func (s *Store) ByIndex(resource, index, value string) ([]runtime.Object, error) {
	it, err := s.db.Txn(false).Get(tableObjects, indexFields, fieldKey(resource, index), value)
	if err != nil {
		return nil, fmt.Errorf("list %s by %s: %w", resource, index, err)
	}
	var out []runtime.Object
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, raw.(*record).Object.DeepCopyObject())
	}
	return out, nil
}

// ByOwner returns copies of the objects, of any resource, that have an
// ownerReference to uid, keyed by resource.
func (s *Store) ByOwner(uid string) (map[string][]runtime.Object, error) {
	it, err := s.db.Txn(false).Get(tableObjects, indexOwner, uid)
	if err != nil {
		return nil, fmt.Errorf("list dependents of %s: %w", uid, err)
	}
	out := map[string][]runtime.Object{}
	for raw := it.Next(); raw != nil; raw = it.Next() {
		r := raw.(*record)
		out[r.Resource] = append(out[r.Resource], r.Object.DeepCopyObject())
	}
	return out, nil
}

// WaitFor blocks until the store has reached resourceVersion rv, or ctx
// ends (resourceVersionMatch=NotOlderThan).
func (s *Store) WaitFor(ctx context.Context, rv uint64) error {
	if rv == 0 {
		return nil
	}
	return s.waitForRV(ctx, rv)
}

type continueToken struct {
	APIVersion string `json:"v"`
	RV         uint64 `json:"rv"`
	Start      string `json:"start"`
}

func encodeContinue(rv uint64, start string) string {
	b, _ := json.Marshal(continueToken{APIVersion: "meta.k8s.io/v1", RV: rv, Start: start})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeContinue parses a continue token and checks that it continues a
// list under keyPrefix.
func decodeContinue(token, keyPrefix string) (continueToken, error) {
	var tok continueToken
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		err = json.Unmarshal(b, &tok)
	}
	if err != nil || tok.APIVersion != "meta.k8s.io/v1" || tok.RV == 0 || !strings.HasPrefix(tok.Start, keyPrefix) {
		return continueToken{}, apierrors.NewBadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
	}
	return tok, nil
}
