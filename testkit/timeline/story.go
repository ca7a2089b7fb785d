package timeline

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Line is one line of a pod's story.
type Line struct {
	At   time.Time
	RV   uint64
	Text string
}

// Story returns the pod's life in order: what changed in its status and
// the events about it, each at its virtual time.
func (tl *Timeline) Story(p PodHistory) []Line {
	var lines []Line
	var prev *PodSample
	for i := range p.Samples {
		s := &p.Samples[i]
		for _, text := range diff(prev, s) {
			lines = append(lines, Line{At: s.At, RV: s.RV, Text: text})
		}
		prev = s
	}
	for _, e := range tl.eventsAbout(p) {
		lines = append(lines, Line{At: e.At, RV: e.RV, Text: eventText(e)})
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].RV < lines[j].RV })
	return lines
}

// Pod returns the history of the pod named namespace/name; if several
// pods had that name in turn, the last one.
func (tl *Timeline) Pod(namespace, name string) (PodHistory, bool) {
	for i := len(tl.Pods) - 1; i >= 0; i-- {
		if p := tl.Pods[i]; p.Namespace == namespace && p.Name == name {
			return p, true
		}
	}
	return PodHistory{}, false
}

// eventsAbout returns the events whose involved object is the pod.
func (tl *Timeline) eventsAbout(p PodHistory) []Event {
	var out []Event
	for _, e := range tl.Events {
		if e.Kind != "Pod" || e.Namespace != p.Namespace || e.Name != p.Name {
			continue
		}
		if e.UID != "" && p.UID != "" && e.UID != p.UID {
			continue
		}
		out = append(out, e)
	}
	return out
}

func eventText(e Event) string {
	text := e.Reason + ": " + e.Message
	if e.Count > 1 {
		text += fmt.Sprintf(" (x%d)", e.Count)
	}
	return text
}

// Text renders the timeline as plain text: one story per pod, then every
// event and every change to other objects.
func (tl *Timeline) Text() string {
	var b strings.Builder
	_ = tl.WriteText(&b) // a strings.Builder does not fail
	return b.String()
}

// WriteText writes Text to w.
func (tl *Timeline) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Timeline from %s to %s (%v of virtual time)\n", tl.Start.Format(time.RFC3339), tl.End.Format(time.RFC3339), tl.End.Sub(tl.Start))
	for _, g := range tl.Gaps {
		fmt.Fprintf(&b, "GAP: %s\n", g)
	}
	for _, p := range tl.Pods {
		fmt.Fprintf(&b, "\nPod %s/%s\n", p.Namespace, p.Name)
		for _, l := range tl.Story(p) {
			fmt.Fprintf(&b, "  %s %s\n", tl.Offset(l.At), l.Text)
		}
	}
	if len(tl.Events) > 0 {
		b.WriteString("\nEvents\n")
		for _, e := range tl.Events {
			fmt.Fprintf(&b, "  %s %s %s %s: %s\n", tl.Offset(e.At), e.Type, objectName(e.Kind, e.Namespace, e.Name), e.Reason, eventMessage(e))
		}
	}
	if len(tl.Changes) > 0 {
		b.WriteString("\nObjects\n")
		for _, c := range tl.Changes {
			detail := ""
			if c.Detail != "" {
				detail = ": " + c.Detail
			}
			fmt.Fprintf(&b, "  %s %s %s%s (resourceVersion %d)\n", tl.Offset(c.At), c.Verb, objectName(c.Kind, c.Namespace, c.Name), detail, c.RV)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("timeline: write text: %w", err)
	}
	return nil
}

func eventMessage(e Event) string {
	if e.Count > 1 {
		return fmt.Sprintf("%s (x%d)", e.Message, e.Count)
	}
	return e.Message
}

func objectName(kind, ns, name string) string {
	if ns == "" {
		return kind + " " + name
	}
	return kind + " " + ns + "/" + name
}

// Offset formats t as the virtual time since recording began,
// "hh:mm:ss", with milliseconds only when there are some.
func (tl *Timeline) Offset(t time.Time) string {
	d := t.Sub(tl.Start)
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	out := fmt.Sprintf("%s%02d:%02d:%02d", sign, h, m, s)
	if ms := int(d/time.Millisecond) % 1000; ms != 0 {
		out += fmt.Sprintf(".%03d", ms)
	}
	return out
}
