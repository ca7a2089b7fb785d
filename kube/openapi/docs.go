package openapi

import (
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"k8s.io/kube-openapi/pkg/handler"
	"k8s.io/kube-openapi/pkg/handler3"
)

// servedDoc is a rendered document: its JSON, the ETag of that JSON and,
// computed on first demand, its protobuf form.
type servedDoc struct {
	json  []byte
	etag  string
	proto func() ([]byte, error)
}

// docFunc returns a document, building it on first call.
type docFunc func() (*servedDoc, error)

func newServedDoc(b []byte, toProto func([]byte) ([]byte, error)) *servedDoc {
	// Upstream's ETag: the hex SHA-512 of the JSON (kube-openapi handler3).
	d := &servedDoc{json: b, etag: fmt.Sprintf("%X", sha512.Sum512(b))}
	d.proto = sync.OnceValues(func() ([]byte, error) {
		p, err := toProto(b)
		if err != nil {
			return nil, fmt.Errorf("openapi: converting to protobuf: %w", err)
		}
		return p, nil
	})
	return d
}

// info is the "info" object of every document.
type info struct {
	Title   string `json:"title"`
	Version string `json:"version"`
}

// docInput is what a document is assembled from: rendered definitions
// and paths, keyed by name and path.
type docInput struct {
	defs  map[string][]byte
	paths map[string][]byte
}

// assembleV3 writes an OpenAPI v3 document from already rendered parts, so
// that a document shares the rendering of its definitions with every other
// document (a definition such as ObjectMeta appears in all of them).
func assembleV3(inf info, in docInput) ([]byte, error) {
	infoJSON, err := json.Marshal(inf)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"openapi":"3.0.0","info":`)
	buf.Write(infoJSON)
	buf.WriteString(`,"paths":`)
	writeObject(&buf, in.paths)
	buf.WriteString(`,"components":{"schemas":`)
	writeObject(&buf, in.defs)
	buf.WriteString(`}}`)
	return buf.Bytes(), nil
}

// assembleV2 writes the swagger 2.0 document.
func assembleV2(inf info, in docInput) ([]byte, error) {
	infoJSON, err := json.Marshal(inf)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"swagger":"2.0","info":`)
	buf.Write(infoJSON)
	buf.WriteString(`,"paths":`)
	writeObject(&buf, in.paths)
	buf.WriteString(`,"definitions":`)
	writeObject(&buf, in.defs)
	buf.WriteString(`}`)
	return buf.Bytes(), nil
}

// writeObject writes a JSON object of raw values with sorted keys.
func writeObject(buf *bytes.Buffer, m map[string][]byte) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(k) // a string always marshals
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(m[k])
	}
	buf.WriteByte('}')
}

// discovery is the /openapi/v3 root document (handler3.OpenAPIV3Discovery).
func discoveryDoc(docs map[string]docFunc) (*servedDoc, error) {
	root := handler3.OpenAPIV3Discovery{Paths: map[string]handler3.OpenAPIV3DiscoveryGroupVersion{}}
	for path, doc := range docs {
		d, err := doc()
		if err != nil {
			return nil, err
		}
		root.Paths[path] = handler3.OpenAPIV3DiscoveryGroupVersion{ServerRelativeURL: serverRelativeURL(path, d.etag)}
	}
	b, err := json.Marshal(root)
	if err != nil {
		return nil, fmt.Errorf("openapi: rendering /openapi/v3: %w", err)
	}
	return newServedDoc(b, func([]byte) ([]byte, error) {
		return nil, fmt.Errorf("the discovery document has no protobuf form")
	}), nil
}

func serverRelativeURL(path, etag string) string {
	return "/openapi/v3/" + path + "?hash=" + etag
}

var (
	toV2Proto = handler.ToProtoBinary
	toV3Proto = handler3.ToV3ProtoBinary
)
