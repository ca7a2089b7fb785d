package scheme

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"
)

// registerQueryConversions teaches the scheme to read the option structs
// of connect-style subresources from query parameters, as upstream's
// generated conversions (pkg/apis/core/v1) do: pods/log takes
// PodLogOptions.
func registerQueryConversions(s *runtime.Scheme) error {
	return s.AddConversionFunc((*url.Values)(nil), (*corev1.PodLogOptions)(nil), func(a, b any, _ conversion.Scope) error {
		return podLogOptionsFromQuery(*a.(*url.Values), b.(*corev1.PodLogOptions))
	})
}

func podLogOptionsFromQuery(q url.Values, out *corev1.PodLogOptions) error {
	*out = corev1.PodLogOptions{TypeMeta: out.TypeMeta}
	var err error
	parseBool := func(key string, dst *bool) {
		if v := q.Get(key); v != "" && err == nil {
			*dst, err = strconv.ParseBool(v)
		}
	}
	parseInt := func(key string) *int64 {
		v := q.Get(key)
		if v == "" || err != nil {
			return nil
		}
		var n int64
		n, err = strconv.ParseInt(v, 10, 64)
		return &n
	}
	out.Container = q.Get("container")
	parseBool("follow", &out.Follow)
	parseBool("previous", &out.Previous)
	parseBool("timestamps", &out.Timestamps)
	parseBool("insecureSkipTLSVerifyBackend", &out.InsecureSkipTLSVerifyBackend)
	out.SinceSeconds = parseInt("sinceSeconds")
	out.TailLines = parseInt("tailLines")
	out.LimitBytes = parseInt("limitBytes")
	if v := q.Get("sinceTime"); v != "" && err == nil {
		var t time.Time
		t, err = time.Parse(time.RFC3339, v)
		mt := metav1.NewTime(t)
		out.SinceTime = &mt
	}
	if v := q.Get("stream"); v != "" {
		out.Stream = &v
	}
	if err != nil {
		return fmt.Errorf("pod log options: %w", err)
	}
	return nil
}
