package history

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/utils/dump"
)

// ControllerRevisionHashLabel holds the hash of a revision's data.
const ControllerRevisionHashLabel = "controller.kubernetes.io/hash"

// maxPrefix keeps a revision name within the 253 characters of a name:
// a 223-character prefix, a dash and a hash of at most ten digits.
const maxPrefix = 223

// ControllerRevisionName is "<prefix>-<hash>", the prefix cut to 223
// characters (upstream's ControllerRevisionName).
func ControllerRevisionName(prefix, hash string) string {
	if len(prefix) > maxPrefix {
		prefix = prefix[:maxPrefix]
	}
	return prefix + "-" + hash
}

// NewControllerRevision builds a revision of parent, controlled by it, with
// the template's labels, the given data and revision number, named from
// the hash of its data and collisionCount. The hash is also recorded in
// ControllerRevisionHashLabel.
func NewControllerRevision(parent metav1.Object, parentKind schema.GroupVersionKind, templateLabels map[string]string,
	data runtime.RawExtension, revision int64, collisionCount *int32) *appsv1.ControllerRevision {
	labels := make(map[string]string, len(templateLabels)+1)
	for k, v := range templateLabels {
		labels[k] = v
	}
	cr := &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{
			Labels:          labels,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(parent, parentKind)},
		},
		Data:     data,
		Revision: revision,
	}
	hash := HashControllerRevision(cr, collisionCount)
	cr.Name = ControllerRevisionName(parent.GetName(), hash)
	cr.Labels[ControllerRevisionHashLabel] = hash
	return cr
}

// HashControllerRevision is the FNV-32 hash of a revision's data, then of
// probe written in decimal if it is set, as a string in the alphabet of
// generated names (upstream's HashControllerRevision).
func HashControllerRevision(revision *appsv1.ControllerRevision, probe *int32) string {
	h := fnv.New32()
	if len(revision.Data.Raw) > 0 {
		_, _ = h.Write(revision.Data.Raw)
	}
	if revision.Data.Object != nil {
		// Upstream's DeepHashObject resets the hash first.
		h.Reset()
		_, _ = h.Write([]byte(dump.ForHash(revision.Data.Object)))
	}
	if probe != nil {
		_, _ = h.Write([]byte(strconv.FormatInt(int64(*probe), 10)))
	}
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// SortControllerRevisions sorts revisions by revision number, then by
// creation time, then by name, keeping the order of equal ones.
func SortControllerRevisions(revisions []*appsv1.ControllerRevision) {
	sort.SliceStable(revisions, func(i, j int) bool {
		a, b := revisions[i], revisions[j]
		if a.Revision != b.Revision {
			return a.Revision < b.Revision
		}
		if a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return a.Name < b.Name
		}
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	})
}

// EqualRevision reports whether two revisions record the same state: both
// nil, or with equal data and no differing hash labels.
func EqualRevision(lhs, rhs *appsv1.ControllerRevision) bool {
	if lhs == nil || rhs == nil {
		return lhs == rhs
	}
	lh, lok := parseHash(lhs)
	rh, rok := parseHash(rhs)
	if lok && rok && lh != rh {
		return false
	}
	return bytes.Equal(lhs.Data.Raw, rhs.Data.Raw) && apiequality.Semantic.DeepEqual(lhs.Data.Object, rhs.Data.Object)
}

// parseHash reads the hash label as upstream does: as a decimal number,
// which the safe-encoded hashes seldom are, so that mostly the data decides.
func parseHash(cr *appsv1.ControllerRevision) (uint32, bool) {
	s, ok := cr.Labels[ControllerRevisionHashLabel]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

// FindEqualRevisions returns the revisions equal to needle, in order.
func FindEqualRevisions(revisions []*appsv1.ControllerRevision, needle *appsv1.ControllerRevision) []*appsv1.ControllerRevision {
	var eq []*appsv1.ControllerRevision
	for _, r := range revisions {
		if EqualRevision(r, needle) {
			eq = append(eq, r)
		}
	}
	return eq
}
