// Package imageref parses container image references ("nginx",
// "registry.k8s.io/pause:3.10", "app@sha256:...") with the grammar and the
// error messages of github.com/distribution/reference's
// ParseNormalizedNamed, which both the API server (to default a
// container's pull policy) and the kubelet (to refuse an image it cannot
// pull, InvalidImageName) use. Start with Parse.
package imageref

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Ref is a parsed image reference.
type Ref struct {
	Domain string // "docker.io" when the reference names none
	Path   string // "library/nginx" for "nginx"
	Tag    string // "" when the reference has none
	Digest string // "<algorithm>:<hex>", or ""
}

// DefaultTag is the tag the reference pulls: the written one, "latest"
// when it has neither tag nor digest, "" when it has only a digest.
func (r Ref) DefaultTag() string {
	if r.Tag == "" && r.Digest == "" {
		return "latest"
	}
	return r.Tag
}

// The grammar of a reference: [domain[:port]/]path[:tag][@digest].
const (
	alphanumeric  = `[a-z0-9]+`
	separator     = `(?:[._]|__|[-]+)`
	pathComponent = alphanumeric + `(?:` + separator + alphanumeric + `)*`
	domainLabel   = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	host          = `(?:` + domainLabel + `(?:\.` + domainLabel + `)*|\[(?:[a-fA-F0-9:]+)\])`
	domain        = host + `(?::[0-9]+)?`
	name          = `(?:` + domain + `/)?` + pathComponent + `(?:/` + pathComponent + `)*`
	tag           = `[\w][\w.-]{0,127}`
	digest        = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[[:xdigit:]]{32,}`
)

var (
	referenceRegexp  = regexp.MustCompile(`^(` + name + `)(?::(` + tag + `))?(?:@(` + digest + `))?$`)
	identifierRegexp = regexp.MustCompile(`^[a-f0-9]{64}$`)
	digestRegexp     = regexp.MustCompile(`^` + digest + `$`)
	digestHexRegexp  = regexp.MustCompile(`^[a-f0-9]+$`)
)

// nameTotalLengthMax is the longest a reference's name may be.
const nameTotalLengthMax = 255

// digestHexLength is the length of the hex part of a digest for each
// algorithm go-digest knows.
var digestHexLength = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

// Parse parses image as the kubelet does before it pulls, normalizing a
// name without a registry to docker.io (and an official image's to
// library/). Its errors read as distribution/reference's.
func Parse(image string) (Ref, error) {
	if identifierRegexp.MatchString(image) {
		return Ref{}, fmt.Errorf("invalid repository name (%s), cannot specify 64-byte hexadecimal strings", image)
	}
	dom, rest := splitDomain(image)
	remote, _, _ := strings.Cut(rest, ":")
	if strings.ToLower(remote) != remote {
		return Ref{}, fmt.Errorf("invalid reference format: repository name (%s) must be lowercase", remote)
	}
	full := dom + "/" + rest
	m := referenceRegexp.FindStringSubmatch(full)
	switch {
	case m == nil && image == "":
		return Ref{}, errors.New("repository name must have at least one component")
	case m == nil && referenceRegexp.MatchString(strings.ToLower(full)):
		return Ref{}, errors.New("repository name must be lowercase")
	case m == nil:
		return Ref{}, errors.New("invalid reference format")
	case len(m[1]) > nameTotalLengthMax:
		return Ref{}, fmt.Errorf("repository name must not be more than %d characters", nameTotalLengthMax)
	}
	if m[3] != "" {
		if err := validDigest(m[3]); err != nil {
			return Ref{}, err
		}
	}
	return Ref{Domain: dom, Path: strings.TrimPrefix(m[1], dom+"/"), Tag: m[2], Digest: m[3]}, nil
}

// splitDomain separates the registry from the rest of the reference. Like
// docker, it treats the first path component as a registry only if it
// looks like a host (has a dot or a port, or is localhost, or has
// capitals); otherwise the image comes from docker.io.
func splitDomain(image string) (domain, rest string) {
	first, after, found := strings.Cut(image, "/")
	if !found || (!strings.ContainsAny(first, ".:") && first != "localhost" && strings.ToLower(first) == first) {
		domain, rest = "docker.io", image
	} else {
		domain, rest = first, after
	}
	if domain == "index.docker.io" {
		domain = "docker.io"
	}
	// Official images live under library/, which counts towards the
	// 255-character limit on names.
	if domain == "docker.io" && !strings.Contains(rest, "/") {
		rest = "library/" + rest
	}
	return domain, rest
}

// validDigest checks "<algorithm>:<hex>" as go-digest does.
func validDigest(d string) error {
	alg, hex, _ := strings.Cut(d, ":")
	n, known := digestHexLength[alg]
	switch {
	case !known && digestRegexp.MatchString(d):
		return errors.New("unsupported digest algorithm")
	case !known:
		return errors.New("invalid checksum digest format")
	case len(hex) != n:
		return errors.New("invalid checksum digest length")
	case !digestHexRegexp.MatchString(hex):
		return errors.New("invalid checksum digest format")
	}
	return nil
}
