package defaults

import (
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/utils/ptr"
)

// defaultPriorityClass is SetDefaults_PriorityClass
// (pkg/apis/scheduling/v1/defaults.go): pods of a class may preempt pods of
// lower priority unless the class says Never.
func defaultPriorityClass(pc *schedulingv1.PriorityClass) {
	if pc.PreemptionPolicy == nil {
		pc.PreemptionPolicy = ptr.To(corev1.PreemptLowerPriority)
	}
}
