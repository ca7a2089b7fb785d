package shell

import (
	"fmt"
	"path"
)

// usages are the synopsis lines busybox prints on a usage error.
var usages = map[string]string{
	"basename": "basename FILE [SUFFIX] | -a FILE... | -s SUFFIX FILE...",
	"cat":      "cat [-nbvteA] [FILE]...",
	"chmod":    "chmod [-Rcvf] MODE[,MODE]... FILE...",
	"cp":       "cp [-arPLHpfinlsTu] SOURCE DEST",
	"cut":      "cut [OPTIONS] [FILE]...",
	"date":     "date [OPTIONS] [+FMT] [[-s] TIME]",
	"dirname":  "dirname FILENAME",
	"expr":     "expr EXPRESSION",
	"grep":     "grep [-HhnlLoqvsrRiwFEz] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...",
	"head":     "head [OPTIONS] [FILE]...",
	"ln":       "ln [-sfnbtv] [-S SUF] TARGET... LINK|DIR",
	"mkdir":    "mkdir [-m MODE] [-p] DIRECTORY...",
	"mv":       "mv [-fin] SOURCE DEST",
	"rm":       "rm [-irf] FILE...",
	"rmdir":    "rmdir [-p] DIRECTORY...",
	"sed":      "sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...",
	"seq":      "seq [-w] [-s SEP] [FIRST [INC]] LAST",
	"sleep":    "sleep [N]...",
	"tail":     "tail [OPTIONS] [FILE]...",
	"touch":    "touch [-c] [-d DATE] [-t DATE] [-r FILE] FILE...",
	"tr":       "tr [-cds] STRING1 [STRING2]",
}

// usage writes busybox's usage message for the invoked program.
func usage(inv *Invocation) {
	name := path.Base(inv.Args[0])
	text, ok := usages[name]
	if !ok {
		text = name + " [ARGS]..."
	}
	fmt.Fprintf(inv.Stderr, "BusyBox v1.36.1 (kubesim) multi-call binary.\n\nUsage: %s\n", text)
}
