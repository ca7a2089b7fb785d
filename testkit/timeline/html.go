package timeline

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"
)

// Layout of the picture, in pixels.
const (
	labelWidth = 300
	chartWidth = 820
	pageWidth  = labelWidth + chartWidth + 20
	axisHeight = 28
	podRow     = 24
	ctrRow     = 18
	labelChars = 44
	legendItem = 160
)

// HTML renders the timeline as a self-contained page; see WriteHTML.
func (tl *Timeline) HTML() string {
	var b strings.Builder
	_ = tl.WriteHTML(&b) // a strings.Builder does not fail
	return b.String()
}

// WriteHTML writes a self-contained HTML page: an SVG timeline with one
// row per pod and a sub-row per container, bars coloured by state, event
// markers whose tooltips tell the event, a legend, then the text story.
// It needs no script and no external file.
func (tl *Timeline) WriteHTML(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>kubesim timeline</title>
<style>
body{font-family:sans-serif;margin:16px;background:#fff;color:#222}
h1{font-size:18px}h2{font-size:15px;margin-top:24px}
svg text{font-family:monospace;font-size:12px}
.axis{stroke:#bbb;stroke-width:1}.grid{stroke:#eee;stroke-width:1}
.pod{font-weight:bold}.ctr{fill:#555}
pre{font-size:12px;background:#f7f7f7;padding:8px;overflow-x:auto}
</style></head><body>
`)
	fmt.Fprintf(&b, "<h1>Timeline: %s to %s (%v of virtual time)</h1>\n",
		esc(tl.Start.Format(time.RFC3339)), esc(tl.End.Format(time.RFC3339)), tl.End.Sub(tl.Start))
	tl.writeSVG(&b)
	tl.writeLegend(&b)
	b.WriteString("<h2>Story</h2>\n<pre>")
	b.WriteString(esc(tl.Text()))
	b.WriteString("</pre>\n</body></html>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("timeline: write HTML: %w", err)
	}
	return nil
}

func esc(s string) string { return html.EscapeString(s) }

// row is one line of the picture: a pod, or one of its containers.
type row struct {
	label, title string
	pod          bool
	spans        []Span
	events       []Event
}

// rows lays the pods out, each followed by its init containers and
// containers; events go to the container their field path names, or else
// to the pod.
func (tl *Timeline) rows() []row {
	var out []row
	for _, p := range tl.Pods {
		name := p.Namespace + "/" + p.Name
		events := tl.eventsAbout(p)
		pr := row{label: name, title: name, pod: true, spans: PodSpans(p, tl.End)}
		var ctrs []row
		for _, c := range containersOf(p) {
			label := "  " + c.Name
			path := fmt.Sprintf("spec.containers{%s}", c.Name)
			if c.Init {
				label = "  init:" + c.Name
				path = fmt.Sprintf("spec.initContainers{%s}", c.Name)
			}
			cr := row{label: label, title: name + " " + strings.TrimSpace(label), spans: ContainerSpans(p, tl.End, c.Name, c.Init)}
			for _, e := range events {
				if e.FieldPath == path {
					cr.events = append(cr.events, e)
				}
			}
			ctrs = append(ctrs, cr)
		}
		for _, e := range events {
			if !strings.HasPrefix(e.FieldPath, "spec.containers{") && !strings.HasPrefix(e.FieldPath, "spec.initContainers{") {
				pr.events = append(pr.events, e)
			}
		}
		out = append(append(out, pr), ctrs...)
	}
	return out
}

// containersOf lists the containers a pod ever had, init containers first.
func containersOf(p PodHistory) []ContainerSample {
	var out []ContainerSample
	seen := map[string]bool{}
	for _, s := range p.Samples {
		for _, c := range s.Containers {
			key := fmt.Sprint(c.Init, c.Name)
			if !seen[key] {
				seen[key] = true
				out = append(out, ContainerSample{Name: c.Name, Init: c.Init})
			}
		}
	}
	return out
}

func (tl *Timeline) x(t time.Time) float64 {
	total := tl.End.Sub(tl.Start)
	if total <= 0 {
		return labelWidth
	}
	return labelWidth + float64(chartWidth)*float64(t.Sub(tl.Start))/float64(total)
}

func (tl *Timeline) writeSVG(b *strings.Builder) {
	rows := tl.rows()
	height := axisHeight + 8
	for _, r := range rows {
		height += rowHeight(r)
	}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n", pageWidth, height, pageWidth, height)
	b.WriteString(`<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>` + "\n")
	tl.writeAxis(b, height)
	y := axisHeight
	for _, r := range rows {
		tl.writeRow(b, r, y)
		y += rowHeight(r)
	}
	if len(rows) == 0 {
		fmt.Fprintf(b, `<text x="%d" y="%d">no pods were seen</text>`+"\n", labelWidth, axisHeight+16)
	}
	b.WriteString("</svg>\n")
}

func rowHeight(r row) int {
	if r.pod {
		return podRow
	}
	return ctrRow
}

// writeAxis draws the virtual time axis with a gridline at each tick.
func (tl *Timeline) writeAxis(b *strings.Builder, height int) {
	fmt.Fprintf(b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", labelWidth, axisHeight-4, labelWidth+chartWidth, axisHeight-4)
	step := tickStep(tl.End.Sub(tl.Start))
	for d := time.Duration(0); d <= tl.End.Sub(tl.Start); d += step {
		x := tl.x(tl.Start.Add(d))
		fmt.Fprintf(b, `<line class="grid" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>`, x, axisHeight-4, x, height)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x, axisHeight-10, esc(tl.Offset(tl.Start.Add(d))))
	}
}

// tickStep picks a round interval that gives at most ten ticks.
func tickStep(total time.Duration) time.Duration {
	for _, s := range []time.Duration{
		time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
		time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	} {
		if total/s <= 10 {
			return s
		}
	}
	return 24 * time.Hour * (total/(24*time.Hour)/10 + 1)
}

// writeRow draws a row's label, its bars and its event markers.
func (tl *Timeline) writeRow(b *strings.Builder, r row, y int) {
	h := rowHeight(r)
	class := "ctr"
	if r.pod {
		class = "pod"
	}
	fmt.Fprintf(b, `<g class="row" data-row="%s"><title>%s</title><text class="%s" x="4" y="%d">%s</text></g>`+"\n",
		esc(r.title), esc(r.title), class, y+h-7, esc(truncate(r.label)))
	for _, s := range r.spans {
		x1, x2 := tl.x(s.From), tl.x(s.To)
		if x2-x1 < 1 {
			x2 = x1 + 1
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" stroke="#ffffff" stroke-width="0.5" data-state="%s"><title>%s %s–%s: %s</title></rect>`+"\n",
			x1, y+2, x2-x1, h-4, Colour(s.State), esc(s.State),
			esc(strings.TrimSpace(r.label)), tl.Offset(s.From), tl.Offset(s.To), esc(s.Detail))
	}
	for _, e := range r.events {
		x, cy := tl.x(e.At), y+h/2
		fill := "#444444"
		if e.Type == "Warning" {
			fill = "#d62728"
		}
		fmt.Fprintf(b, `<path d="M%.1f %d l4 5 l-4 5 l-4 -5 z" fill="%s" stroke="#ffffff" stroke-width="0.5"><title>%s %s %s</title></path>`+"\n",
			x, cy-5, fill, tl.Offset(e.At), esc(e.Type), esc(eventText(e)))
	}
}

func truncate(s string) string {
	r := []rune(s)
	if len(r) <= labelChars {
		return s
	}
	return string(r[:labelChars-1]) + "…"
}

// writeLegend shows every state's colour and the event markers.
func (tl *Timeline) writeLegend(b *strings.Builder) {
	perRow := (pageWidth - 4) / legendItem
	rows := (len(States) + 2 + perRow - 1) / perRow
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" class="legend">`+"\n", pageWidth, rows*22+8)
	for i, s := range States {
		x, y := 4+i%perRow*legendItem, 4+i/perRow*22
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="14" height="14" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", x, y, Colour(s), x+18, y+12, s)
	}
	for j, m := range []struct{ fill, label string }{{"#444444", "Normal event"}, {"#d62728", "Warning event"}} {
		i := len(States) + j
		x, y := 4+i%perRow*legendItem, 4+i/perRow*22
		fmt.Fprintf(b, `<path d="M%d %d l4 5 l-4 5 l-4 -5 z" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", x+6, y+2, m.fill, x+18, y+12, m.label)
	}
	b.WriteString("</svg>\n")
}
