package openapi

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/NYTimes/gziphandler"
	"github.com/munnerz/goautoneg"
)

// Content types of the documents. kubectl and client-go ask for the
// protobuf forms under their older names (with "@"); both are accepted and
// the newer name is returned, as upstream's handlers do.
const (
	ContentTypeJSON          = "application/json"
	ContentTypeV2Protobuf    = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
	ContentTypeV2ProtobufOld = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
	ContentTypeV3Protobuf    = "application/com.github.proto-openapi.spec.v3.v1.0+protobuf"
	ContentTypeV3ProtobufOld = "application/com.github.proto-openapi.spec.v3@v1.0+protobuf"
)

const (
	v2Path   = "/openapi/v2"
	v3Path   = "/openapi/v3"
	v3Prefix = "/openapi/v3/"
)

// variant is one representation a request may negotiate.
type variant struct {
	accept      string // type/subtype matched against Accept
	contentType string // returned Content-Type
	proto       bool
}

var (
	v2Variants = []variant{
		{ContentTypeJSON, ContentTypeJSON, false},
		{ContentTypeV2ProtobufOld, ContentTypeV2Protobuf, true},
		{ContentTypeV2Protobuf, ContentTypeV2Protobuf, true},
	}
	v3Variants = []variant{
		{ContentTypeJSON, ContentTypeJSON, false},
		{ContentTypeV3Protobuf, ContentTypeV3Protobuf, true},
		{ContentTypeV3ProtobufOld, ContentTypeV3Protobuf, true},
	}
	rootVariants = []variant{{ContentTypeJSON, ContentTypeJSON, false}}
)

// ServeHTTP serves /openapi/v2, /openapi/v3 and /openapi/v3/<group-version
// path> (GET and HEAD), with upstream's content negotiation, ETags
// (If-None-Match gets 304) and, for v2, gzip. A v3 request whose ?hash=
// is not the document's current one is redirected to the current URL; one
// with the current hash may be cached forever, as upstream allows.
func (b *Builder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; {
	case p == v2Path:
		b.v2Handler.ServeHTTP(w, r)
	case p == v3Path || p == v3Prefix:
		doc, err := b.rootDoc()
		serveDoc(w, r, doc, err, rootVariants)
	case strings.HasPrefix(p, v3Prefix):
		b.serveGroupVersion(w, r, strings.TrimPrefix(p, v3Prefix))
	default:
		http.NotFound(w, r)
	}
}

func (b *Builder) serveV2(w http.ResponseWriter, r *http.Request) {
	doc, err := b.v2Doc()
	serveDoc(w, r, doc, err, v2Variants)
}

func (b *Builder) serveGroupVersion(w http.ResponseWriter, r *http.Request, path string) {
	doc, ok, err := b.v3Doc(path)
	if err == nil && !ok {
		http.NotFound(w, r)
		return
	}
	if err == nil {
		if hash := r.URL.Query().Get("hash"); hash != "" {
			if hash != doc.etag {
				http.Redirect(w, r, serverRelativeURL(path, doc.etag), http.StatusMovedPermanently)
				return
			}
			w.Header().Set("Cache-Control", "public, immutable")
		}
	}
	serveDoc(w, r, doc, err, v3Variants)
}

// serveDoc negotiates a representation of doc and serves it.
func serveDoc(w http.ResponseWriter, r *http.Request, doc *servedDoc, err error, variants []variant) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Add("Vary", "Accept")
	v, ok := negotiate(r.Header.Get("Accept"), variants)
	if !ok {
		http.Error(w, "no acceptable content type", http.StatusNotAcceptable)
		return
	}
	body := doc.json
	if v.proto {
		if body, err = doc.proto(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", v.contentType)
	w.Header().Set("Etag", strconv.Quote(doc.etag))
	// A zero modification time keeps ServeContent from sending
	// Last-Modified: documents are identified by their ETag alone.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func negotiate(accept string, variants []variant) (variant, bool) {
	if accept == "" {
		accept = "*/*"
	}
	for _, clause := range goautoneg.ParseAccept(accept) {
		if clause.Q <= 0 {
			continue
		}
		for _, v := range variants {
			typ, sub, _ := strings.Cut(v.accept, "/")
			if (clause.Type == typ || clause.Type == "*") && (clause.SubType == sub || clause.SubType == "*") {
				return v, true
			}
		}
	}
	return variant{}, false
}

var _ http.Handler = (*Builder)(nil)

// newV2Handler serves /openapi/v2 gzipped when the client accepts it, as
// upstream does for this largest document.
func (b *Builder) newV2Handler() http.Handler {
	return gziphandler.GzipHandler(http.HandlerFunc(b.serveV2))
}
