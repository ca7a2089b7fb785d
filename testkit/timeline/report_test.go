package timeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubesim/kubesim/testkit"
)

// failingT is a test that has failed, as far as testkit can tell.
type failingT struct {
	testing.TB
}

func (failingT) Failed() bool { return true }

func readReport(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("report not written: %v", err)
	}
	return string(data)
}

// TestFailedTestWritesReport: when a test fails, its cleanup writes the
// story and the picture into $KUBESIM_REPORT_DIR, named after the test.
func TestFailedTestWritesReport(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(testkit.ReportDirEnv, dir)
	t.Run("crash loop/1", func(t *testing.T) {
		env := testkit.Start(failingT{t}, testkit.WithNodes(1))
		createPod(t, env, shellPod("crasher", corev1.RestartPolicyAlways, "sleep 2; exit 1"))
		env.Advance(20 * time.Second)
	})
	base := filepath.Join(dir, "TestFailedTestWritesReport_crash_loop_1")
	if text := readReport(t, base+".txt"); !strings.Contains(text, "00:00:05 container app: CrashLoopBackOff") {
		t.Errorf("the story lacks the crash loop:\n%s", text)
	}
	if page := readReport(t, base+".html"); !strings.Contains(page, `data-state="CrashLoopBackOff"`) {
		t.Errorf("the picture lacks the crash loop")
	}
}

// TestPassingTestWritesNothing: a test that passes leaves no report.
func TestPassingTestWritesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(testkit.ReportDirEnv, dir)
	t.Run("passes", func(t *testing.T) {
		env := testkit.Start(t, testkit.WithNodes(1))
		env.Advance(time.Second)
	})
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a passing test wrote %v", entries)
	}
}

// TestReportDefaultsToTestdata: without the variable, reports go to
// testdata/reports in the package directory, which git ignores.
func TestReportDefaultsToTestdata(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(testkit.ReportDirEnv, "")
	t.Chdir(dir)
	t.Run("fails", func(t *testing.T) {
		testkit.Start(failingT{t}, testkit.Bare())
	})
	readReport(t, filepath.Join(dir, "testdata", "reports", "TestReportDefaultsToTestdata_fails.html"))
}

// TestReportOnFailure: the Ginkgo hook writes a failed spec's report,
// named after the spec, and nothing for a spec that passed.
func TestReportOnFailure(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(testkit.ReportDirEnv, dir)
	env := testkit.Start(t, testkit.WithNodes(1))
	createPod(t, env, shellPod("crasher", corev1.RestartPolicyAlways, "sleep 2; exit 1"))
	env.Advance(10 * time.Second)
	hook := testkit.ReportOnFailure(func() *testkit.Env { return env })
	hook(types.SpecReport{ContainerHierarchyTexts: []string{"Web"}, LeafNodeText: "rolls out", State: types.SpecStatePassed})
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a passing spec wrote %v", entries)
	}
	hook(types.SpecReport{ContainerHierarchyTexts: []string{"Web"}, LeafNodeText: "rolls out", State: types.SpecStateFailed})
	if text := readReport(t, filepath.Join(dir, "Web_rolls_out.txt")); !strings.Contains(text, "Pod default/crasher") {
		t.Errorf("the report lacks the pod:\n%s", text)
	}
	testkit.ReportOnFailure(func() *testkit.Env { return nil })(types.SpecReport{State: types.SpecStateFailed})
}
