package job

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

const (
	// completionIndexEnv is the variable that tells an Indexed Job's
	// containers their index.
	completionIndexEnv = "JOB_COMPLETION_INDEX"
	noIndex            = -1
	// maxGeneratedNameLength is how long a generateName prefix may be
	// (apiserver's names.MaxGeneratedNameLength).
	maxGeneratedNameLength = 63 - 5
)

// completionIndex reads a pod's completion index annotation, or noIndex.
func completionIndex(p *corev1.Pod) int {
	v, ok := p.Annotations[batchv1.JobCompletionIndexAnnotation]
	if !ok {
		return noIndex
	}
	i, err := strconv.Atoi(v)
	if err != nil || i < 0 {
		return noIndex
	}
	return i
}

// validIndex: the pod has an index below completions.
func validIndex(p *corev1.Pod, completions int32) (int, bool) {
	ix := completionIndex(p)
	return ix, ix != noIndex && ix < int(completions)
}

// succeededIndexes returns the indexes already in status and those plus
// the indexes of pods that succeeded since (still holding the finalizer).
func succeededIndexes(job *batchv1.Job, pods []*corev1.Pod) (prev, cur intervals) {
	prev = parseIntervals(job.Status.CompletedIndexes, int(*job.Spec.Completions))
	var added []int
	for _, p := range pods {
		if ix, ok := validIndex(p, *job.Spec.Completions); ok && p.Status.Phase == corev1.PodSucceeded && hasTrackingFinalizer(p) {
			added = append(added, ix)
		}
	}
	return prev, prev.withIndexes(uniqueSorted(added))
}

// failedIndexes returns the indexes in status.failedIndexes plus those of
// pods that failed since and exhausted their index's backoff limit, or
// matched a FailIndex rule.
func failedIndexes(job *batchv1.Job, pods []*corev1.Pod) *intervals {
	var prev intervals
	if job.Status.FailedIndexes != nil {
		prev = parseIntervals(*job.Status.FailedIndexes, int(*job.Spec.Completions))
	}
	var added []int
	for _, p := range pods {
		if ix, ok := validIndex(p, *job.Spec.Completions); ok && hasTrackingFinalizer(p) && isIndexFailed(job, p) {
			added = append(added, ix)
		}
	}
	out := prev.withIndexes(uniqueSorted(added))
	return &out
}

func isIndexFailed(job *batchv1.Job, p *corev1.Pod) bool {
	if !isPodFailed(p, job) {
		return false
	}
	counted := true
	if job.Spec.PodFailurePolicy != nil {
		_, countFailed, action := matchPodFailurePolicy(job.Spec.PodFailurePolicy, p)
		if action != nil && *action == batchv1.PodFailurePolicyActionFailIndex {
			return true
		}
		counted = countFailed
	}
	return counted && indexFailureCount(p) >= *job.Spec.BackoffLimitPerIndex
}

// firstPendingIndexes returns up to count indexes below completions that
// no active pod runs and that have neither succeeded nor failed; with
// podReplacementPolicy Failed, neither may a terminating pod hold them.
func firstPendingIndexes(st *syncState, count, completions int) []int {
	if count == 0 {
		return nil
	}
	busy := st.succeededIndexes.withIndexes(indexesOf(st.activePods))
	if onlyReplaceFailedPods(st.job) {
		busy = busy.withIndexes(indexesOf(filterPods(st.pods, isTerminating)))
	}
	if st.failedIndexes != nil {
		busy = busy.merge(*st.failedIndexes)
	}
	out := make([]int, 0, count)
	candidate := 0
	for _, r := range busy {
		for ; candidate < completions && len(out) < count && candidate < r.first; candidate++ {
			out = append(out, candidate)
		}
		candidate = max(candidate, r.last+1)
	}
	for ; candidate < completions && len(out) < count; candidate++ {
		out = append(out, candidate)
	}
	return out
}

// indexesOf returns the sorted, distinct indexes of pods.
func indexesOf(pods []*corev1.Pod) []int {
	var out []int
	for _, p := range pods {
		if ix := completionIndex(p); ix != noIndex {
			out = append(out, ix)
		}
	}
	return uniqueSorted(out)
}

func uniqueSorted(ix []int) []int {
	sort.Ints(ix)
	out := ix[:0]
	for i, v := range ix {
		if i == 0 || v != ix[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// duplicatedIndexPods splits active pods into those to remove (no index,
// an index at or above completions, or all but the best-placed pod of a
// repeated index) and the rest.
func duplicatedIndexPods(pods []*corev1.Pod, completions int) (rm, left []*corev1.Pod) {
	sorted := append([]*corev1.Pod(nil), pods...)
	sort.SliceStable(sorted, func(i, j int) bool { return completionIndex(sorted[i]) < completionIndex(sorted[j]) })
	for start := 0; start < len(sorted); {
		ix := completionIndex(sorted[start])
		end := start + 1
		for end < len(sorted) && completionIndex(sorted[end]) == ix {
			end++
		}
		group := sorted[start:end]
		switch {
		case ix == noIndex || ix >= completions:
			rm = append(rm, group...)
		case len(group) == 1:
			left = append(left, group[0])
		default:
			sortForRemoval(group)
			rm = append(rm, group[:len(group)-1]...)
			left = append(left, group[len(group)-1])
		}
		start = end
	}
	return rm, left
}

// podsWithDelayedDeletion maps each index that must be retried to its
// last failed pod. The pod keeps its finalizer until its replacement
// exists, because the replacement's failure-count annotations are
// computed from it (upstream's getPodsWithDelayedDeletionPerIndex).
func podsWithDelayedDeletion(st *syncState) map[int]*corev1.Pod {
	active := map[int]bool{}
	for _, ix := range indexesOf(st.activePods) {
		active[ix] = true
	}
	out := map[int]*corev1.Pod{}
	for _, p := range st.pods {
		if !hasTrackingFinalizer(p) || !isPodFailed(p, st.job) {
			continue
		}
		ix, ok := validIndex(p, *st.job.Spec.Completions)
		if !ok || st.succeededIndexes.has(ix) || (st.failedIndexes != nil && st.failedIndexes.has(ix)) || active[ix] {
			continue
		}
		last, seen := out[ix]
		if !seen || (absoluteFailureCount(last) <= absoluteFailureCount(p) && !finishedTime(p).Before(finishedTime(last))) {
			out[ix] = p
		}
	}
	return out
}

// indexFailureCount reads the batch.kubernetes.io/job-index-failure-count
// annotation; a missing or bad value counts as 0.
func indexFailureCount(p *corev1.Pod) int32 {
	return annotationInt32(p, batchv1.JobIndexFailureCountAnnotation)
}

func absoluteFailureCount(p *corev1.Pod) int32 {
	return indexFailureCount(p) + annotationInt32(p, batchv1.JobIndexIgnoredFailureCountAnnotation)
}

func annotationInt32(p *corev1.Pod, key string) int32 {
	n, err := strconv.Atoi(p.Annotations[key])
	if err != nil || n < 0 || n > math.MaxInt32 {
		return 0
	}
	return int32(n)
}

// newIndexFailureCounts are the failure-count annotations for the pod
// that replaces failed: its counts, plus this failure as counted or
// ignored by the pod failure policy.
func newIndexFailureCounts(job *batchv1.Job, failed *corev1.Pod) (count, ignored int32) {
	if failed == nil {
		return 0, 0
	}
	count, ignored = indexFailureCount(failed), annotationInt32(failed, batchv1.JobIndexIgnoredFailureCountAnnotation)
	if _, countFailed, _ := matchPodFailurePolicy(job.Spec.PodFailurePolicy, failed); countFailed {
		count++
	} else {
		ignored++
	}
	return count, ignored
}

// setIndex prepares the template of the pod for index ix: annotation and
// label with the index, the hostname <job>-<ix>, and for per-index
// backoff the failure counts carried over from the pod it replaces.
func setIndex(t *corev1.PodTemplateSpec, job *batchv1.Job, ix int, replaced *corev1.Pod) {
	if t.Annotations == nil {
		t.Annotations = map[string]string{}
	}
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	t.Annotations[batchv1.JobCompletionIndexAnnotation] = strconv.Itoa(ix)
	t.Labels[batchv1.JobCompletionIndexAnnotation] = strconv.Itoa(ix)
	t.Spec.Hostname = fmt.Sprintf("%s-%d", job.Name, ix)
	if hasBackoffLimitPerIndex(job) {
		count, ignored := newIndexFailureCounts(job, replaced)
		t.Annotations[batchv1.JobIndexFailureCountAnnotation] = strconv.Itoa(int(count))
		if ignored > 0 {
			t.Annotations[batchv1.JobIndexIgnoredFailureCountAnnotation] = strconv.Itoa(int(ignored))
		}
	}
}

// addCompletionIndexEnv gives every container JOB_COMPLETION_INDEX from
// the pod's index label, unless it sets the variable itself.
func addCompletionIndexEnv(t *corev1.PodTemplateSpec) {
	add := func(c *corev1.Container) {
		for _, e := range c.Env {
			if e.Name == completionIndexEnv {
				return
			}
		}
		c.Env = append(c.Env, corev1.EnvVar{Name: completionIndexEnv, ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{FieldPath: fmt.Sprintf("metadata.labels['%s']", batchv1.JobCompletionIndexAnnotation)},
		}})
	}
	for i := range t.Spec.InitContainers {
		add(&t.Spec.InitContainers[i])
	}
	for i := range t.Spec.Containers {
		add(&t.Spec.Containers[i])
	}
}

// generateNameWithIndex is "<job>-<ix>-", the job name cut short to fit.
func generateNameWithIndex(jobName string, ix int) string {
	suffix := "-" + strconv.Itoa(ix) + "-"
	prefix := jobName + suffix
	if len(prefix) > maxGeneratedNameLength {
		prefix = prefix[:maxGeneratedNameLength-len(suffix)] + suffix
	}
	return prefix
}
