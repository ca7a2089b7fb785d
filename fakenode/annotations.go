package fakenode

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// AnnotationPrefix starts the pod annotations that script container
// behaviour, so that a pod template in YAML can carry it:
//
//	sim.kubesim.io/exit-code: "1"           every container exits 1 ...
//	sim.kubesim.io/run-for: "30s"           ... after 30 s
//	sim.kubesim.io/ready-after.web: "20s"   container web's probes pass after 20 s
//
// A key applies to every container of the pod; the same key followed by
// "." and a container name applies to that container only, and wins. The
// keys are the Behavior fields: exit-code, run-for, ready, ready-after,
// healthy, unhealthy-after, http-status, memory, memory-after, cpu,
// ephemeral-storage, pull-time, image-missing.
const AnnotationPrefix = "sim.kubesim.io/"

// annotationBehavior reads a container's behaviour from its pod's
// annotations.
func annotationBehavior(pod *corev1.Pod, container string) (Behavior, error) {
	var b Behavior
	for _, specific := range []bool{false, true} {
		for key, val := range pod.Annotations {
			field, ok := strings.CutPrefix(key, AnnotationPrefix)
			if !ok {
				continue
			}
			name, target, hasTarget := strings.Cut(field, ".")
			if hasTarget != specific || (hasTarget && target != container) {
				continue
			}
			if err := setField(&b, name, val); err != nil {
				return Behavior{}, fmt.Errorf("pod %s/%s: annotation %s: %w", pod.Namespace, pod.Name, key, err)
			}
		}
	}
	return b, nil
}

func setField(b *Behavior, name, val string) error {
	dur := func(dst *time.Duration) error {
		d, err := time.ParseDuration(val)
		*dst = d
		return err
	}
	boolean := func() (*bool, error) {
		v, err := strconv.ParseBool(val)
		return &v, err
	}
	var err error
	switch name {
	case "exit-code":
		var n int64
		n, err = strconv.ParseInt(val, 10, 32)
		code := int32(n)
		b.ExitCode = &code
	case "run-for":
		err = dur(&b.RunFor)
	case "ready":
		b.Ready, err = boolean()
	case "ready-after":
		err = dur(&b.ReadyAfter)
	case "healthy":
		b.Healthy, err = boolean()
	case "unhealthy-after":
		err = dur(&b.UnhealthyAfter)
	case "http-status":
		b.HTTPStatus, err = strconv.Atoi(val)
	case "memory":
		b.Memory = val
	case "memory-after":
		err = dur(&b.MemoryAfter)
	case "cpu":
		b.CPU = val
	case "ephemeral-storage":
		b.EphemeralStorage = val
	case "pull-time":
		var d time.Duration
		err = dur(&d)
		b.PullTime = &d
	case "image-missing":
		var v *bool
		v, err = boolean()
		b.ImageMissing = v != nil && *v
	default:
		return fmt.Errorf("unknown behaviour %q", name)
	}
	return err
}

// digestOf makes a stable sha256 digest for an image name.
func digestOf(image string) string {
	sum := sha256.Sum256([]byte(qualified(image)))
	return hex.EncodeToString(sum[:])
}
