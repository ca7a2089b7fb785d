package shell

import (
	"strconv"
	"strings"
	"syscall"
)

// signalNames are Linux's signal names by number (containers are Linux
// whatever the host is).
var signalNames = []string{
	1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 5: "TRAP", 6: "ABRT", 7: "BUS",
	8: "FPE", 9: "KILL", 10: "USR1", 11: "SEGV", 12: "USR2", 13: "PIPE",
	14: "ALRM", 15: "TERM", 16: "STKFLT", 17: "CHLD", 18: "CONT", 19: "STOP",
	20: "TSTP", 21: "TTIN", 22: "TTOU", 23: "URG", 24: "XCPU", 25: "XFSZ",
	26: "VTALRM", 27: "PROF", 28: "WINCH", 29: "POLL", 30: "PWR", 31: "SYS",
}

// signalName returns "TERM" for SIGTERM, or the number for an unknown one.
func signalName(sig syscall.Signal) string {
	if n := int(sig); n > 0 && n < len(signalNames) {
		return signalNames[n]
	}
	return strconv.Itoa(int(sig))
}

// parseSignal reads TERM, SIGTERM, term or 15.
func parseSignal(s string) (syscall.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return syscall.Signal(n), n > 0 && n < len(signalNames)
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if name == "IO" {
		name = "POLL"
	}
	for n, known := range signalNames {
		if known != "" && known == name {
			return syscall.Signal(n), true
		}
	}
	return 0, false
}
