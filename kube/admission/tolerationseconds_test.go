package admission_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubesim/kubesim/testkit"
)

func TestDefaultTolerationSeconds(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	notReady := corev1.Toleration{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)}
	unreachable := corev1.Toleration{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)}
	own := corev1.Toleration{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](60)}
	everything := corev1.Toleration{Operator: corev1.TolerationOpExists}
	noEffect := corev1.Toleration{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists}
	other := corev1.Toleration{Key: "gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}
	for _, tc := range []struct {
		name      string
		have, got []corev1.Toleration
	}{
		{"none", nil, []corev1.Toleration{notReady, unreachable}},
		{"unrelated", []corev1.Toleration{other}, []corev1.Toleration{other, notReady, unreachable}},
		{"own unreachable", []corev1.Toleration{own}, []corev1.Toleration{own, notReady}},
		{"empty key tolerates all", []corev1.Toleration{everything}, []corev1.Toleration{everything}},
		{"empty effect", []corev1.Toleration{noEffect}, []corev1.Toleration{noEffect, unreachable}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{GenerateName: "p-", Namespace: "default"},
				Spec: corev1.PodSpec{
					Tolerations: tc.have,
					Containers:  []corev1.Container{{Name: "app", Image: "nginx"}},
				},
			}
			out, err := env.Client().CoreV1().Pods("default").Create(context.Background(), p, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.got, out.Spec.Tolerations); diff != "" {
				t.Errorf("tolerations (-want +got):\n%s", diff)
			}
		})
	}
}
