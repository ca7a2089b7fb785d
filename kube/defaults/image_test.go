package defaults

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestImagePullPolicy(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	cases := []struct {
		image string
		want  corev1.PullPolicy
	}{
		// The rule the seed documents: no tag or :latest pulls every time.
		{"nginx", corev1.PullAlways},
		{"nginx:latest", corev1.PullAlways},
		{"nginx:1.7.9", corev1.PullIfNotPresent},
		{"nginx@" + digest, corev1.PullIfNotPresent},
		{"nginx:1.7.9@" + digest, corev1.PullIfNotPresent},
		{"nginx:latest@" + digest, corev1.PullAlways},
		{"library/busybox", corev1.PullAlways},
		{"docker.io/library/busybox:1.36", corev1.PullIfNotPresent},
		{"registry.k8s.io/pause:3.10", corev1.PullIfNotPresent},
		{"registry.k8s.io/pause", corev1.PullAlways},
		// A port is not a tag.
		{"localhost:5000/app", corev1.PullAlways},
		{"localhost:5000/app:v2", corev1.PullIfNotPresent},
		{"[::1]:5000/app:latest", corev1.PullAlways},
		{"Registry.Example.com/team/app", corev1.PullAlways},
		// References that do not parse find no tag.
		{"", corev1.PullIfNotPresent},
		{"NGINX", corev1.PullIfNotPresent},
		{"nginx:", corev1.PullIfNotPresent},
		{"nginx:has space", corev1.PullIfNotPresent},
		{"nginx@sha256:abc", corev1.PullIfNotPresent},
		{"nginx:latest@sha256:" + strings.Repeat("AB", 32), corev1.PullIfNotPresent},
		{"nginx:latest@md5:" + strings.Repeat("ab", 16), corev1.PullIfNotPresent},
		{strings.Repeat("ab", 32), corev1.PullIfNotPresent},
		{strings.Repeat("a", 250) + ":latest", corev1.PullIfNotPresent},
	}
	for _, tc := range cases {
		if got := ImagePullPolicy(tc.image); got != tc.want {
			t.Errorf("ImagePullPolicy(%q) = %s, want %s", tc.image, got, tc.want)
		}
	}
}
