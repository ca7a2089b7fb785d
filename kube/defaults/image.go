package defaults

import (
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
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
	if tag, ok := imageTag(image); ok && tag == "latest" {
		return corev1.PullAlways
	}
	return corev1.PullIfNotPresent
}

// The grammar of a docker image reference, as parsed by
// github.com/distribution/reference (ParseNormalizedNamed), which upstream
// uses: [domain[:port]/]path[:tag][@digest].
const (
	refAlphanumeric  = `[a-z0-9]+`
	refSeparator     = `(?:[._]|__|[-]+)`
	refPathComponent = refAlphanumeric + `(?:` + refSeparator + refAlphanumeric + `)*`
	refDomainLabel   = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	refHost          = `(?:` + refDomainLabel + `(?:\.` + refDomainLabel + `)*|\[(?:[a-fA-F0-9:]+)\])`
	refDomain        = refHost + `(?::[0-9]+)?`
	refName          = `(?:` + refDomain + `/)?` + refPathComponent + `(?:/` + refPathComponent + `)*`
	refTag           = `[\w][\w.-]{0,127}`
	refDigest        = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[[:xdigit:]]{32,}`
)

var (
	referenceRegexp  = regexp.MustCompile(`^(` + refName + `)(?::(` + refTag + `))?(?:@(` + refDigest + `))?$`)
	identifierRegexp = regexp.MustCompile(`^[a-f0-9]{64}$`)
	digestHexRegexp  = regexp.MustCompile(`^[a-f0-9]+$`)
)

// digestHexLength is the length of the hex part of a digest for each
// algorithm go-digest accepts.
var digestHexLength = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

// imageTag returns the tag an image reference pulls: the written tag, or
// "latest" when the reference has neither tag nor digest, or "" when it has
// only a digest. ok is false when the reference does not parse.
func imageTag(image string) (tag string, ok bool) {
	if image == "" || identifierRegexp.MatchString(image) {
		return "", false
	}
	// The repository part (before any tag) must be lowercase; a domain may
	// have capitals.
	domain, rest := splitDomain(image)
	remote, _, _ := strings.Cut(rest, ":")
	if strings.ToLower(remote) != remote {
		return "", false
	}
	m := referenceRegexp.FindStringSubmatch(domain + "/" + rest)
	if m == nil || len(m[1]) > 255 {
		return "", false
	}
	tag, digest := m[2], m[3]
	if digest != "" && !validDigest(digest) {
		return "", false
	}
	if tag == "" && digest == "" {
		tag = "latest"
	}
	return tag, true
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

// validDigest reports whether digest is "<algorithm>:<hex>" with a known
// algorithm and a lowercase hex part of that algorithm's length.
func validDigest(digest string) bool {
	alg, hex, _ := strings.Cut(digest, ":")
	n, known := digestHexLength[alg]
	return known && len(hex) == n && digestHexRegexp.MatchString(hex)
}
