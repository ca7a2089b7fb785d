package imageref

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	sha := "sha256:" + strings.Repeat("ab", 32)
	valid := []struct {
		image string
		want  Ref
	}{
		{"nginx", Ref{Domain: "docker.io", Path: "library/nginx"}},
		{"nginx:1.7.9", Ref{Domain: "docker.io", Path: "library/nginx", Tag: "1.7.9"}},
		{"nginx@" + sha, Ref{Domain: "docker.io", Path: "library/nginx", Digest: sha}},
		{"registry.k8s.io/pause:3.10", Ref{Domain: "registry.k8s.io", Path: "pause", Tag: "3.10"}},
		{"localhost:5000/team/app:v2", Ref{Domain: "localhost:5000", Path: "team/app", Tag: "v2"}},
		{"Registry.Example.com/app", Ref{Domain: "Registry.Example.com", Path: "app"}},
	}
	for _, tc := range valid {
		got, err := Parse(tc.image)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.image, got, err, tc.want)
		}
	}
	invalid := []struct{ image, err string }{
		// The seed's Secret example names its images this way.
		{"mySshImage", "invalid reference format: repository name (library/mySshImage) must be lowercase"},
		{"team/App:v1", "invalid reference format: repository name (team/App) must be lowercase"},
		{"", "repository name must have at least one component"},
		{"nginx:", "invalid reference format"},
		{"nginx:has space", "invalid reference format"},
		{strings.Repeat("ab", 32), "invalid repository name (" + strings.Repeat("ab", 32) + "), cannot specify 64-byte hexadecimal strings"},
		{"a/" + strings.Repeat("b", 260), "repository name must not be more than 255 characters"},
		{"nginx@sha256:" + strings.Repeat("ab", 20), "invalid checksum digest length"},
		{"nginx@sha256:" + strings.Repeat("AB", 32), "invalid checksum digest format"},
		{"nginx@md5:" + strings.Repeat("ab", 16), "unsupported digest algorithm"},
	}
	for _, tc := range invalid {
		if _, err := Parse(tc.image); err == nil || err.Error() != tc.err {
			t.Errorf("Parse(%q) error %v, want %q", tc.image, err, tc.err)
		}
	}
}

func TestDefaultTag(t *testing.T) {
	for image, want := range map[string]string{
		"nginx": "latest", "nginx:1.27": "1.27",
		"nginx@sha256:" + strings.Repeat("ab", 32): "",
	} {
		ref, err := Parse(image)
		if err != nil || ref.DefaultTag() != want {
			t.Errorf("DefaultTag of %q = %q (%v), want %q", image, ref.DefaultTag(), err, want)
		}
	}
}
