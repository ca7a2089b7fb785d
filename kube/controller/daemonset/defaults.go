package daemonset

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// withDefaults returns a copy of ds with the fields upstream's
// SetDefaults_DaemonSet fills, where they are empty: the API server may
// not default them yet. The pod template is left alone, so that its hash
// does not change.
func withDefaults(ds *appsv1.DaemonSet) *appsv1.DaemonSet {
	out := ds.DeepCopy()
	s := &out.Spec.UpdateStrategy
	if s.Type == "" {
		s.Type = appsv1.RollingUpdateDaemonSetStrategyType
	}
	if s.Type == appsv1.RollingUpdateDaemonSetStrategyType {
		if s.RollingUpdate == nil {
			s.RollingUpdate = &appsv1.RollingUpdateDaemonSet{}
		}
		if s.RollingUpdate.MaxUnavailable == nil {
			s.RollingUpdate.MaxUnavailable = ptr.To(intstr.FromInt32(1))
		}
		if s.RollingUpdate.MaxSurge == nil {
			s.RollingUpdate.MaxSurge = ptr.To(intstr.FromInt32(0))
		}
	}
	if out.Spec.RevisionHistoryLimit == nil {
		out.Spec.RevisionHistoryLimit = ptr.To[int32](10)
	}
	return out
}
