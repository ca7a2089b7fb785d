package openapi

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/kube-openapi/pkg/handler3"
)

func TestV3RootListsEveryGroupVersion(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	srv := serve(t, b)
	resp := get(t, srv.URL+"/openapi/v3", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi/v3: %s", resp.Status)
	}
	var root handler3.OpenAPIV3Discovery
	if err := json.NewDecoder(resp.Body).Decode(&root); err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, gv := range schemeGroupVersions() {
		want = append(want, GroupVersionPath(gv))
	}
	for p := range root.Paths {
		got = append(got, p)
	}
	sort.Strings(want)
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("root paths (-want +got):\n%s", diff)
	}
	entry := root.Paths["apis/apps/v1"]
	doc := get(t, srv.URL+entry.ServerRelativeURL, map[string]string{"Accept": "application/json"})
	if doc.StatusCode != http.StatusOK || doc.Header.Get("Cache-Control") != "public, immutable" {
		t.Fatalf("GET %s: %s, Cache-Control %q", entry.ServerRelativeURL, doc.Status, doc.Header.Get("Cache-Control"))
	}
	etag, _ := strconv.Unquote(doc.Header.Get("Etag"))
	if !strings.HasSuffix(entry.ServerRelativeURL, "?hash="+etag) {
		t.Errorf("serverRelativeURL %s does not carry the ETag %s", entry.ServerRelativeURL, etag)
	}
}

func TestConditionalAndNegotiatedRequests(t *testing.T) {
	t.Parallel()
	b := newTestBuilder(t)
	srv := serve(t, b)
	for _, path := range []string{"/openapi/v2", "/openapi/v3", "/openapi/v3/api/v1"} {
		first := get(t, srv.URL+path, nil)
		etag := first.Header.Get("Etag")
		if first.StatusCode != http.StatusOK || etag == "" {
			t.Fatalf("GET %s: %s, ETag %q", path, first.Status, etag)
		}
		again := get(t, srv.URL+path, map[string]string{"If-None-Match": etag})
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match: %s, want 304", path, again.Status)
		}
		changed := get(t, srv.URL+path, map[string]string{"If-None-Match": `"stale"`})
		if changed.StatusCode != http.StatusOK {
			t.Errorf("GET %s with a stale If-None-Match: %s, want 200", path, changed.Status)
		}
	}

	tests := []struct {
		path, accept, encoding string
		status                 int
		contentType            string
		location               string
	}{
		{"/openapi/v2", "application/json", "", 200, ContentTypeJSON, ""},
		{"/openapi/v2", ContentTypeV2ProtobufOld + ", application/json", "", 200, ContentTypeV2Protobuf, ""},
		{"/openapi/v2", "application/json;q=0.5, " + ContentTypeV2Protobuf, "gzip", 200, ContentTypeV2Protobuf, ""},
		{"/openapi/v2", "text/html", "", 406, "", ""},
		{"/openapi/v3/apis/apps/v1", ContentTypeV3ProtobufOld, "", 200, ContentTypeV3Protobuf, ""},
		{"/openapi/v3/apis/apps/v1", "", "", 200, ContentTypeJSON, ""},
		{"/openapi/v3/apis/apps/v1?hash=stale", "", "", 301, "", "/openapi/v3/apis/apps/v1?hash="},
		{"/openapi/v3/apis/nosuch/v1", "", "", 404, "", ""},
		{"/openapi/v4", "", "", 404, "", ""},
	}
	for _, tt := range tests {
		resp := get(t, srv.URL+tt.path, map[string]string{"Accept": tt.accept, "Accept-Encoding": tt.encoding})
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s (Accept %q): %s, want %d", tt.path, tt.accept, resp.Status, tt.status)
			continue
		}
		if tt.contentType != "" && resp.Header.Get("Content-Type") != tt.contentType {
			t.Errorf("GET %s (Accept %q): Content-Type %q, want %q", tt.path, tt.accept, resp.Header.Get("Content-Type"), tt.contentType)
		}
		if !strings.HasPrefix(resp.Header.Get("Location"), tt.location) {
			t.Errorf("GET %s: Location %q, want prefix %q", tt.path, resp.Header.Get("Location"), tt.location)
		}
		if tt.encoding == "gzip" {
			if resp.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("GET %s: not gzipped", tt.path)
				continue
			}
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, zr); err != nil {
				t.Errorf("GET %s: bad gzip body: %v", tt.path, err)
			}
		}
	}
}

func TestBadKindsAreReportedOnRequest(t *testing.T) {
	t.Parallel()
	b := NewBuilder([]Kind{{GVK: schemeKinds()[0].GVK}}) // no Type
	if _, err := b.V3Paths(); err == nil || !strings.Contains(err.Error(), "Type is nil") {
		t.Errorf("V3Paths: err %v, want a nil-Type error", err)
	}
	resp := get(t, serve(t, b).URL+"/openapi/v2", nil)
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("GET /openapi/v2: %s, want 500", resp.Status)
	}
}
