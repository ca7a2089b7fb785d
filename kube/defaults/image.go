package defaults

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubesim/kubesim/imageref"
)

// ImagePullPolicy is the pull policy the API server gives a container (or an
// image volume) that names image and sets none: Always when the image's tag
// is "latest", written or implied, and IfNotPresent otherwise. "nginx" and
// "nginx:latest" give Always; "nginx:1.7.9" and
// "nginx@sha256:<digest>" give IfNotPresent. An image reference that does
// not parse also gives IfNotPresent, because upstream ignores the parse
// error and finds no tag (pkg/apis/core/v1 SetDefaults_Container with
// pkg/util/parsers.ParseImageName).
func ImagePullPolicy(image string) corev1.PullPolicy {
	if ref, err := imageref.Parse(image); err == nil && ref.DefaultTag() == "latest" {
		return corev1.PullAlways
	}
	return corev1.PullIfNotPresent
}
