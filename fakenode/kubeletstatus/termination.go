package kubeletstatus

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Termination message limits (pkg/kubelet/container/runtime.go).
const (
	// MaxContainerTerminationMessageLength: only the last 4 KiB of the
	// termination message file are read.
	MaxContainerTerminationMessageLength = 1024 * 4
	// MaxContainerTerminationMessageLogLength and
	// MaxContainerTerminationMessageLogLines bound the log tail used by
	// FallbackToLogsOnError.
	MaxContainerTerminationMessageLogLength = 1024 * 2
	MaxContainerTerminationMessageLogLines  = 80
	// MaxPodTerminationMessageLogLength is shared by all containers of a
	// pod: each status message is cut to this divided by the number of
	// containers.
	MaxPodTerminationMessageLogLength = 1024 * 12
)

// TerminationMessage is the message of an exited run
// (kuberuntime_container.go convertToKubeContainerStatus): the runtime's
// message, then ": " and the termination message. The termination message
// is the last 4 KiB of messageFile, the contents of the container's
// terminationMessagePath ("" when absent or when the path is empty). Under
// terminationMessagePolicy FallbackToLogsOnError, a failed run (non-zero
// exit, not ContainerCannotRun) with an empty file uses the last 80 lines,
// at most 2 KiB, of logs instead.
func TerminationMessage(c *corev1.Container, exitCode int32, reason, runtimeMessage, messageFile, logs string) string {
	fallbackToLogs := c.TerminationMessagePolicy == corev1.TerminationMessageFallbackToLogsOnError &&
		exitCode != 0 && reason != ReasonContainerCannotRun
	var tMessage string
	checkLogs := fallbackToLogs
	if c.TerminationMessagePath != "" {
		tMessage = lastBytes(messageFile, MaxContainerTerminationMessageLength)
		checkLogs = fallbackToLogs && tMessage == ""
	}
	if checkLogs {
		tMessage = lastBytes(lastLines(logs, MaxContainerTerminationMessageLogLines), MaxContainerTerminationMessageLogLength)
	}
	if tMessage == "" {
		return runtimeMessage
	}
	if runtimeMessage == "" {
		return tMessage
	}
	return runtimeMessage + ": " + tMessage
}

func lastBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// lastLines keeps the last n lines of s, each with its newline.
func lastLines(s string, n int) string {
	end := len(s)
	if strings.HasSuffix(s, "\n") {
		end-- // the final newline ends the last line, it does not start one
	}
	for i := end - 1; i >= 0; i-- {
		if s[i] == '\n' {
			n--
			if n == 0 {
				return s[i+1:]
			}
		}
	}
	return s
}
