package fakenode

import (
	"fmt"
	"path"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Behavior says how matching containers behave where their commands do not
// say it: how long their process runs and how it exits, what their probes
// answer, what resources they use, how their image pulls go. A test gives
// behaviours in Go (Config.Behaviors, Fleet.SetBehaviors) or on the pod
// with annotations (see annotations.go). Zero fields leave the default.
type Behavior struct {
	Match Match

	// ExitCode makes the main process exit with this code after RunFor
	// (at once when RunFor is zero), whatever its command.
	ExitCode *int32
	RunFor   time.Duration

	// Ready answers HTTP, TCP and gRPC readiness probes; ReadyAfter delays
	// a true answer until the container has run that long.
	Ready      *bool
	ReadyAfter time.Duration
	// Healthy answers HTTP, TCP and gRPC liveness and startup probes;
	// UnhealthyAfter turns the answer false once the container has run
	// that long.
	Healthy        *bool
	UnhealthyAfter time.Duration
	// HTTPStatus is the status code HTTP probes and hooks get when the
	// container is unhealthy or unready (default 500).
	HTTPStatus int

	// Memory is the container's memory use; above its limit it is
	// OOMKilled. MemoryAfter is when it reaches that use.
	Memory      string
	MemoryAfter time.Duration
	// CPU is the container's CPU use, as metrics report it.
	CPU string
	// EphemeralStorage is what the container writes to its writable
	// layer and logs; above its limit the pod is evicted.
	EphemeralStorage string

	// PullTime is how long pulling the image takes (default 1s).
	PullTime *time.Duration
	// ImageMissing makes pulls of the image fail, as for a repository that
	// does not exist.
	ImageMissing bool
}

// Match selects containers. Empty fields match everything; Image and
// Container are path.Match patterns ("nginx*", "*/redis:*").
type Match struct {
	Image     string
	Container string
	Namespace string
	Labels    map[string]string
}

func (m Match) matches(pod *corev1.Pod, c *corev1.Container) bool {
	if m.Namespace != "" && pod != nil && m.Namespace != pod.Namespace {
		return false
	}
	if m.Labels != nil && pod != nil && !labels.SelectorFromSet(m.Labels).Matches(labels.Set(pod.Labels)) {
		return false
	}
	if m.Container != "" && (c == nil || !globMatch(m.Container, c.Name)) {
		return false
	}
	if m.Image != "" && (c == nil || !(globMatch(m.Image, c.Image) || globMatch(m.Image, imageName(c.Image)))) {
		return false
	}
	return true
}

func globMatch(pattern, s string) bool {
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// imageName strips the registry path, tag and digest: "docker.io/library/nginx:1.25" is "nginx".
func imageName(image string) string {
	name := image
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexAny(name, ":@"); i >= 0 {
		name = name[:i]
	}
	return name
}

// imageBehavior is how pulls of one image go.
type imageBehavior struct {
	PullTime time.Duration
	Missing  bool
	Size     int64
}

const defaultPullTime = time.Second

func (b imageBehavior) pullError(image string) string {
	return fmt.Sprintf("failed to pull and unpack image %q: failed to resolve reference %q: pull access denied, repository does not exist or may require authorization", qualified(image), qualified(image))
}

// behaviour returns the merged behaviour of a container: annotations over
// Go rules over defaults, later rules over earlier ones.
func (f *Fleet) behaviorFor(pod *corev1.Pod, c *corev1.Container) Behavior {
	f.mu.Lock()
	rules := f.behaviors
	f.mu.Unlock()
	var out Behavior
	for _, r := range rules {
		if r.Match.matches(pod, c) {
			out = merge(out, r)
		}
	}
	if pod != nil {
		if a, err := annotationBehavior(pod, c.Name); err == nil {
			out = merge(out, a)
		}
	}
	return out
}

func (f *Fleet) imageBehavior(pod *corev1.Pod, c *corev1.Container) imageBehavior {
	b := f.behaviorFor(pod, c)
	ib := imageBehavior{PullTime: defaultPullTime, Missing: b.ImageMissing, Size: 10 << 20}
	if b.PullTime != nil {
		ib.PullTime = *b.PullTime
	}
	return ib
}

// SetBehaviors replaces the fleet's behaviour rules; later rules win over
// earlier ones where both set a field.
func (f *Fleet) SetBehaviors(rules ...Behavior) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.behaviors = append([]Behavior(nil), rules...)
}

// merge lays the fields set in top over base.
func merge(base, top Behavior) Behavior {
	if top.ExitCode != nil {
		base.ExitCode = top.ExitCode
	}
	if top.RunFor != 0 {
		base.RunFor = top.RunFor
	}
	if top.Ready != nil {
		base.Ready = top.Ready
	}
	if top.ReadyAfter != 0 {
		base.ReadyAfter = top.ReadyAfter
	}
	if top.Healthy != nil {
		base.Healthy = top.Healthy
	}
	if top.UnhealthyAfter != 0 {
		base.UnhealthyAfter = top.UnhealthyAfter
	}
	if top.HTTPStatus != 0 {
		base.HTTPStatus = top.HTTPStatus
	}
	if top.Memory != "" {
		base.Memory = top.Memory
	}
	if top.MemoryAfter != 0 {
		base.MemoryAfter = top.MemoryAfter
	}
	if top.CPU != "" {
		base.CPU = top.CPU
	}
	if top.EphemeralStorage != "" {
		base.EphemeralStorage = top.EphemeralStorage
	}
	if top.PullTime != nil {
		base.PullTime = top.PullTime
	}
	if top.ImageMissing {
		base.ImageMissing = true
	}
	return base
}

// qualified expands an image name the way containerd reports it:
// "nginx" is "docker.io/library/nginx:latest".
func qualified(image string) string {
	name, tag := image, ""
	if i := strings.Index(name, "@"); i >= 0 {
		name, tag = name[:i], name[i:]
	} else if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, tag = name[:i], name[i:]
	}
	if tag == "" {
		tag = ":latest"
	}
	first := name
	if i := strings.Index(name, "/"); i >= 0 {
		first = name[:i]
	}
	switch {
	case !strings.Contains(name, "/"):
		name = "docker.io/library/" + name
	case !strings.ContainsAny(first, ".:") && first != "localhost":
		name = "docker.io/" + name
	}
	return name + tag
}

// imageID is the digest reference the runtime reports for an image; the
// digest is derived from the name, so it is stable.
func imageID(image string) string {
	q := qualified(image)
	if i := strings.LastIndexAny(q, ":@"); i > strings.LastIndex(q, "/") {
		q = q[:i]
	}
	return q + "@sha256:" + digestOf(image)
}
