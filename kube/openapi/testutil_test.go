package openapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"k8s.io/kube-openapi/pkg/validation/spec"
)

// newTestBuilder returns a Builder for every kind of client-go's scheme.
// Builders with the same kinds share the built-in documents, so only the
// first test pays for them.
func newTestBuilder(t testing.TB) *Builder {
	t.Helper()
	return NewBuilder(schemeKinds())
}

func serve(t testing.TB, b *Builder) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return srv
}

func get(t testing.TB, url string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	// A bare transport: no transparent gzip, no redirects followed.
	client := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// prop returns the property of a schema, failing the test when missing.
func prop(t testing.TB, s *spec.Schema, name string) spec.Schema {
	t.Helper()
	p, ok := s.Properties[name]
	if !ok {
		t.Fatalf("no property %q", name)
	}
	return p
}

// refOf returns the definition a property refers to, directly or through
// a one-element allOf.
func refOf(s spec.Schema) string {
	if s.Ref.String() != "" {
		return s.Ref.String()
	}
	if len(s.AllOf) == 1 {
		return s.AllOf[0].Ref.String()
	}
	return ""
}

func asMap(t testing.TB, b []byte) map[string]interface{} {
	t.Helper()
	var m map[string]interface{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
