package timeline

import (
	"strconv"
	"time"
)

// States are the names the picture colours, in the legend's order.
var States = []string{
	"Pending", "ContainerCreating", "Waiting", "ImagePullBackOff", "Running", "Ready",
	"CrashLoopBackOff", "Terminating", "Completed", "Succeeded", "Error", "OOMKilled", "Failed", "Unknown",
}

// colours maps each state to its fill: greys while waiting, greens while
// running, blues once done well, oranges and reds when something failed.
var colours = map[string]string{
	"Pending":           "#c8c8c8",
	"ContainerCreating": "#9ecae1",
	"Waiting":           "#dadaeb",
	"ImagePullBackOff":  "#fdae6b",
	"Running":           "#a1d99b",
	"Ready":             "#31a354",
	"CrashLoopBackOff":  "#e6550d",
	"Terminating":       "#9e9ac8",
	"Completed":         "#6baed6",
	"Succeeded":         "#2171b5",
	"Error":             "#de2d26",
	"OOMKilled":         "#7a0177",
	"Failed":            "#a50f15",
	"Unknown":           "#636363",
}

// Colour returns the fill used for state.
func Colour(state string) string {
	if c, ok := colours[state]; ok {
		return c
	}
	return colours["Unknown"]
}

// Span is a stretch of time in one state.
type Span struct {
	State    string
	From, To time.Time
	Detail   string
}

// podState names the state a pod row shows.
func podState(s *PodSample) string {
	switch {
	case s.Deleting:
		return "Terminating"
	case s.Phase == "Running" && s.Conditions["Ready"] == "True":
		return "Ready"
	case s.Phase == "Running", s.Phase == "Pending", s.Phase == "Succeeded", s.Phase == "Failed":
		return s.Phase
	}
	return "Unknown"
}

// containerState names the state a container row shows, "" for none yet.
func containerState(s *PodSample, c ContainerSample) string {
	switch c.State {
	case "Running":
		switch {
		case s.Deleting:
			return "Terminating"
		case c.Ready:
			return "Ready"
		}
		return "Running"
	case "Terminated":
		switch c.Reason {
		case "Completed", "OOMKilled", "Error":
			return c.Reason
		}
		if c.ExitCode == 0 {
			return "Completed"
		}
		return "Error"
	case "Waiting":
		switch c.Reason {
		case "ContainerCreating", "PodInitializing":
			return "ContainerCreating"
		case "CrashLoopBackOff":
			return "CrashLoopBackOff"
		case "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName":
			return "ImagePullBackOff"
		}
		return "Waiting"
	}
	if s.Phase == "Pending" {
		return "Pending"
	}
	return ""
}

// spans cuts a pod's life into stretches of one state each, as state
// names them, ending at the pod's deletion or at end.
func spans(p PodHistory, end time.Time, state func(*PodSample) (string, string)) []Span {
	var out []Span
	for i := range p.Samples {
		s := &p.Samples[i]
		if s.Verb == Deleted {
			break
		}
		to := end
		if i+1 < len(p.Samples) {
			to = p.Samples[i+1].At
		}
		name, detail := state(s)
		if name == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].State == name && out[n-1].Detail == detail && !out[n-1].To.Before(s.At) {
			out[n-1].To = to
			continue
		}
		out = append(out, Span{State: name, From: s.At, To: to, Detail: detail})
	}
	return out
}

// PodSpans returns the stretches of the pod row.
func PodSpans(p PodHistory, end time.Time) []Span {
	return spans(p, end, func(s *PodSample) (string, string) {
		return podState(s), s.Phase + reasonText(s.Reason, s.Message)
	})
}

// ContainerSpans returns the stretches of one container's row.
func ContainerSpans(p PodHistory, end time.Time, name string, init bool) []Span {
	return spans(p, end, func(s *PodSample) (string, string) {
		for _, c := range s.Containers {
			if c.Name == name && c.Init == init {
				return containerState(s, c), describeContainer(c) + restartsText(c.Restarts)
			}
		}
		return "", ""
	})
}

func restartsText(n int32) string {
	if n == 0 {
		return ""
	}
	if n == 1 {
		return ", 1 restart"
	}
	return ", " + strconv.Itoa(int(n)) + " restarts"
}
