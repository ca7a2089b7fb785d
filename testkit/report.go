package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/kubesim/kubesim/testkit/timeline"
)

// ReportDirEnv names the environment variable that sets where failure
// reports go; without it they go to testdata/reports in the test's package
// directory.
const ReportDirEnv = "KUBESIM_REPORT_DIR"

// startRecording starts the env's timeline recorder and registers, after
// the cluster's shutdown so that it runs before it, the cleanup that
// writes a report when the test failed and stops the recorder.
func (e *Env) startRecording() {
	rec, err := timeline.Record(timeline.Source{
		Store: e.cluster.ControlPlane.Store, Clock: e.cluster.Clock, Activity: e.cluster.Activity,
	})
	if err != nil {
		e.t.Logf("testkit: no timeline for this test: %v", err)
		return
	}
	e.recorder = rec
	e.t.Cleanup(func() {
		if e.t.Failed() {
			e.logReport(e.t.Name())
		}
		rec.Stop()
	})
}

// Timeline returns what happened in the cluster since Start: each pod's
// story, the events and the changes to other objects, on the virtual
// clock. Text and WriteHTML render it.
func (e *Env) Timeline() *timeline.Timeline {
	if e.recorder == nil {
		return &timeline.Timeline{Start: e.Clock().Now(), End: e.Clock().Now()}
	}
	return e.recorder.Timeline()
}

// WriteReport writes the timeline as name.txt and name.html (name made
// safe for a file name) into $KUBESIM_REPORT_DIR, or testdata/reports
// under the working directory, which go test sets to the test's package.
// It returns the paths written.
func (e *Env) WriteReport(name string) (text, html string, err error) {
	dir := os.Getenv(ReportDirEnv)
	if dir == "" {
		dir = filepath.Join("testdata", "reports")
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return "", "", fmt.Errorf("report directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("create report directory: %w", err)
	}
	tl := e.Timeline()
	base := filepath.Join(dir, sanitize(name))
	text, html = base+".txt", base+".html"
	if err := os.WriteFile(text, []byte(tl.Text()), 0o644); err != nil {
		return "", "", fmt.Errorf("write report: %w", err)
	}
	if err := os.WriteFile(html, []byte(tl.HTML()), 0o644); err != nil {
		return "", "", fmt.Errorf("write report: %w", err)
	}
	return text, html, nil
}

func (e *Env) logReport(name string) {
	text, html, err := e.WriteReport(name)
	if err != nil {
		e.t.Logf("testkit: cannot write the failure report: %v", err)
		return
	}
	e.t.Logf("testkit: what happened in the cluster: %s (story), %s (timeline picture)", text, html)
}

// sanitize turns a test name into a file name: runs of anything but
// letters, digits, dots and dashes become one underscore.
func sanitize(name string) string {
	var b strings.Builder
	under := false
	for _, r := range name {
		ok := r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		switch {
		case ok:
			b.WriteRune(r)
			under = false
		case !under:
			b.WriteByte('_')
			under = true
		}
	}
	s := strings.Trim(b.String(), "_.")
	if len(s) > 150 {
		s = s[:150]
	}
	if s == "" {
		s = "report"
	}
	return s
}

// ReportOnFailure returns a body for Ginkgo's ReportAfterEach that writes
// the timeline report of a failed spec, named after the spec's full text,
// and adds the paths to the spec's output. env is called when the spec
// has ended, so it may return an Env set up in a BeforeEach; a nil Env is
// skipped.
//
//	var env *testkit.Env
//	BeforeEach(func() { env = testkit.Start(GinkgoT(), testkit.WithNodes(1)) })
//	ReportAfterEach(testkit.ReportOnFailure(func() *testkit.Env { return env }))
//
// Start's own cleanup writes a report too when GinkgoT reports the
// failure; this hook names the report after the spec instead of GinkgoT's
// test name and works for envs whose failure the TB never saw.
func ReportOnFailure(env func() *Env) func(types.SpecReport) {
	return func(report types.SpecReport) {
		e := env()
		if e == nil || !report.Failed() {
			return
		}
		e.logReport(report.FullText())
	}
}
