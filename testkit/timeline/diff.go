package timeline

import "fmt"

// diff tells in words what changed between two samples of a pod; prev is
// nil for the first one.
func diff(prev, s *PodSample) []string {
	var out []string
	switch s.Verb {
	case Existing:
		return []string{fmt.Sprintf("already there: %s", describePod(s))}
	case Created:
		out = append(out, "created")
	case Deleted:
		return []string{"deleted"}
	}
	if prev == nil {
		prev = &PodSample{}
	}
	if s.Node != prev.Node && s.Node != "" {
		out = append(out, "scheduled to "+s.Node)
	}
	if s.Conditions["PodScheduled"] == "False" && prev.Conditions["PodScheduled"] != "False" {
		out = append(out, "unschedulable")
	}
	out = append(out, containerDiffs(prev.Containers, s.Containers)...)
	if s.Phase != prev.Phase || s.Reason != prev.Reason {
		out = append(out, "phase "+s.Phase+reasonText(s.Reason, s.Message))
	}
	if r, was := s.Conditions["Ready"], prev.Conditions["Ready"]; r != was && r != "" {
		if r == "True" {
			out = append(out, "ready")
		} else if was == "True" {
			out = append(out, "not ready")
		}
	}
	if s.Deleting && !prev.Deleting {
		out = append(out, "terminating")
	}
	return out
}

func describePod(s *PodSample) string {
	d := s.Phase
	if s.Node != "" {
		d += " on " + s.Node
	}
	if s.Deleting {
		d += ", terminating"
	}
	return d
}

func reasonText(reason, message string) string {
	switch {
	case reason != "" && message != "":
		return fmt.Sprintf(" (%s: %s)", reason, message)
	case reason != "":
		return " (" + reason + ")"
	}
	return ""
}

// containerDiffs tells what changed in each container: restarts first,
// then the new state, then readiness.
func containerDiffs(prev, cur []ContainerSample) []string {
	var out []string
	for _, c := range cur {
		var p ContainerSample
		for _, q := range prev {
			if q.Name == c.Name && q.Init == c.Init {
				p = q
			}
		}
		label := "container " + c.Name
		if c.Init {
			label = "init container " + c.Name
		}
		if c.Last != nil && p.State != "Terminated" && (p.Last == nil || !p.Last.FinishedAt.Equal(c.Last.FinishedAt)) {
			out = append(out, fmt.Sprintf("%s: exited %s (exit code %d)", label, orDefault(c.Last.Reason, "Terminated"), c.Last.ExitCode))
		}
		if c.Restarts > p.Restarts {
			out = append(out, fmt.Sprintf("%s: restarted (restart count %d)", label, c.Restarts))
		}
		if c.State != "" && (c.State != p.State || c.Reason != p.Reason || c.ExitCode != p.ExitCode) {
			out = append(out, label+": "+describeContainer(c))
		}
		if c.State == "Running" && c.Ready != p.Ready && (c.Ready || p.State == "Running") {
			out = append(out, label+": "+map[bool]string{true: "ready", false: "not ready"}[c.Ready])
		}
	}
	return out
}

func describeContainer(c ContainerSample) string {
	switch c.State {
	case "Running":
		return "Running"
	case "Terminated":
		return fmt.Sprintf("%s (exit code %d)%s", orDefault(c.Reason, "Terminated"), c.ExitCode, messageText(c.Message))
	case "Waiting":
		if c.Reason == "" {
			return "Waiting"
		}
		return c.Reason + messageText(c.Message)
	}
	return c.State
}

func messageText(m string) string {
	if m == "" {
		return ""
	}
	return ": " + m
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
