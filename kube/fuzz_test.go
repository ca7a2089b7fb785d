package kube_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kubesim/kubesim/kube"
)

// FuzzDecodeRequest throws arbitrary bodies at the create, update and patch
// endpoints in every content type the server accepts. The server must
// answer with a client error or success, never a 500, and never panic.
func FuzzDecodeRequest(f *testing.F) {
	seeds := []struct {
		method, path, contentType, body string
	}{
		{"POST", "/api/v1/namespaces/default/configmaps", "application/json", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}`},
		{"POST", "/api/v1/namespaces/default/pods", "application/yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n"},
		{"POST", "/api/v1/namespaces/default/pods", "application/vnd.kubernetes.protobuf", "k8s\x00\n\x0b\n\x02v1\x12\x03Pod"},
		{"PATCH", "/api/v1/namespaces/default/configmaps/a", "application/json-patch+json", `[{"op":"add","path":"/data/x","value":"y"}]`},
		{"PATCH", "/api/v1/namespaces/default/configmaps/a", "application/merge-patch+json", `{"data":{"x":null}}`},
		{"PATCH", "/api/v1/namespaces/default/configmaps/a", "application/strategic-merge-patch+json", `{"metadata":{"$patch":"replace"}}`},
		{"PATCH", "/api/v1/namespaces/default/configmaps/a?fieldManager=f", "application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
		{"PUT", "/api/v1/namespaces/default/configmaps/a", "application/json", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"x"}}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.contentType, []byte(s.body))
	}
	cp, err := kube.New(kube.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(cp.Close)
	h := cp.Handler()
	f.Fuzz(func(t *testing.T, method, path, contentType string, body []byte) {
		req, err := http.NewRequest(method, "http://kubesim"+path, bytes.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s (%s) %q: %d %s", method, path, contentType, body, rec.Code, rec.Body)
		}
	})
}
