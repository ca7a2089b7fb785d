package kube_test

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubesim/kubesim/testkit"
)

// Events live an hour after their last write (kube-apiserver's
// --event-ttl), give or take the minute for which etcd lets writes share
// a lease; a count bump is a write and starts the hour again.
func TestEventsExpireAnHourAfterTheirLastWrite(t *testing.T) {
	env := testkit.Start(t, testkit.Bare())
	events := env.Client().CoreV1().Events("default")
	create := func(name string) {
		t.Helper()
		ev := &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: name},
			InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web"},
			Reason:         "Testing", Message: "an event", Type: corev1.EventTypeNormal, Count: 1,
		}
		if _, err := events.Create(ctx, ev, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	exists := func(name string) bool {
		t.Helper()
		_, err := events.Get(ctx, name, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		return err == nil
	}
	create("once")
	create("bumped")
	env.Advance(30 * time.Minute)
	bumped, err := events.Get(ctx, "bumped", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bumped.Count++
	if _, err := events.Update(ctx, bumped, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Advance(29 * time.Minute) // 59 minutes
	if !exists("once") || !exists("bumped") {
		t.Fatalf("after 59 minutes: once %v, bumped %v; want both", exists("once"), exists("bumped"))
	}
	env.Advance(2 * time.Minute) // 61 minutes
	if exists("once") {
		t.Error("an event written once is still there 61 minutes later")
	}
	if !exists("bumped") {
		t.Error("an event written again at 30 minutes is gone at 61")
	}
	env.Advance(31 * time.Minute) // 92 minutes
	if exists("bumped") {
		t.Error("an event last written at 30 minutes is still there at 92")
	}
}
