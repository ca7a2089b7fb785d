package syntax

import (
	"strconv"
	"strings"
)

// Format prints statements back as shell text in one canonical form, on
// one line: what tests compare and what `set -x`-like traces can show.
func Format(stmts []*Stmt) string {
	var sb strings.Builder
	printStmts(&sb, stmts)
	return sb.String()
}

func printStmts(sb *strings.Builder, stmts []*Stmt) {
	for i, s := range stmts {
		if i > 0 {
			sb.WriteString(" ")
		}
		printCmd(sb, s.Cmd)
		if s.Background {
			sb.WriteString(" &")
		} else if i < len(stmts)-1 {
			sb.WriteString(";")
		}
	}
}

// printBody prints a list that a reserved word follows.
func printBody(sb *strings.Builder, stmts []*Stmt) {
	printStmts(sb, stmts)
	if n := len(stmts); n > 0 && !stmts[n-1].Background {
		sb.WriteString(";")
	}
}

func printCmd(sb *strings.Builder, c Command) {
	switch c := c.(type) {
	case *AndOr:
		printCmd(sb, c.X)
		sb.WriteString(" " + c.Op + " ")
		printCmd(sb, c.Y)
	case *Pipeline:
		if c.Negated {
			sb.WriteString("! ")
		}
		for i, x := range c.Cmds {
			if i > 0 {
				sb.WriteString(" | ")
			}
			printCmd(sb, x)
		}
	case *SimpleCmd:
		printSimple(sb, c)
	case *RedirCmd:
		printCmd(sb, c.Cmd)
		for _, r := range c.Redirs {
			sb.WriteString(" ")
			printRedir(sb, r)
		}
	case *Block:
		sb.WriteString("{ ")
		printBody(sb, c.Stmts)
		sb.WriteString(" }")
	case *Subshell:
		sb.WriteString("( ")
		printStmts(sb, c.Stmts)
		sb.WriteString(" )")
	case *IfCmd:
		printIf(sb, c, "if ")
	case *LoopCmd:
		sb.WriteString(map[bool]string{false: "while ", true: "until "}[c.Until])
		printBody(sb, c.Cond)
		sb.WriteString(" do ")
		printBody(sb, c.Body)
		sb.WriteString(" done")
	case *ForCmd:
		sb.WriteString("for " + c.Name)
		if c.HasIn {
			sb.WriteString(" in")
			for _, w := range c.Items {
				sb.WriteString(" ")
				printWord(sb, w)
			}
		}
		sb.WriteString("; do ")
		printBody(sb, c.Body)
		sb.WriteString(" done")
	case *CaseCmd:
		printCase(sb, c)
	case *FuncDecl:
		sb.WriteString(c.Name + "() ")
		printCmd(sb, c.Body)
	case *TestCmd:
		sb.WriteString("[[ ")
		printTest(sb, c.Expr)
		sb.WriteString(" ]]")
	}
}

func printIf(sb *strings.Builder, c *IfCmd, kw string) {
	sb.WriteString(kw)
	printBody(sb, c.Cond)
	sb.WriteString(" then ")
	printBody(sb, c.Then)
	if len(c.Else) == 1 {
		if elif, ok := c.Else[0].Cmd.(*IfCmd); ok {
			sb.WriteString(" ")
			printIf(sb, elif, "elif ")
			return
		}
	}
	if len(c.Else) > 0 {
		sb.WriteString(" else ")
		printBody(sb, c.Else)
	}
	sb.WriteString(" fi")
}

func printCase(sb *strings.Builder, c *CaseCmd) {
	sb.WriteString("case ")
	printWord(sb, c.Word)
	sb.WriteString(" in")
	for _, it := range c.Items {
		sb.WriteString(" ")
		for i, p := range it.Patterns {
			if i > 0 {
				sb.WriteString("|")
			}
			printWord(sb, p)
		}
		sb.WriteString(") ")
		printStmts(sb, it.Body)
		sb.WriteString(";;")
	}
	sb.WriteString(" esac")
}

func printSimple(sb *strings.Builder, c *SimpleCmd) {
	sep := ""
	for _, a := range c.Assigns {
		sb.WriteString(sep + a.Name + "=")
		printWord(sb, a.Value)
		sep = " "
	}
	for _, w := range c.Args {
		sb.WriteString(sep)
		printWord(sb, w)
		sep = " "
	}
	for _, r := range c.Redirs {
		sb.WriteString(sep)
		printRedir(sb, r)
		sep = " "
	}
}

func printRedir(sb *strings.Builder, r *Redir) {
	if r.Fd >= 0 {
		sb.WriteString(strconv.Itoa(r.Fd))
	}
	sb.WriteString(string(r.Op))
	printWord(sb, r.Word)
	if r.Body != nil {
		sb.WriteString("<<")
		printRaw(sb, r.Body)
		sb.WriteString(">>")
	}
}

func printTest(sb *strings.Builder, e TestExpr) {
	switch e := e.(type) {
	case *TestUnary:
		sb.WriteString(e.Op + " ")
		printWord(sb, e.X)
	case *TestBinary:
		printWord(sb, e.X)
		sb.WriteString(" " + e.Op + " ")
		printWord(sb, e.Y)
	case *TestWord:
		printWord(sb, e.X)
	case *TestNot:
		sb.WriteString("! ")
		printTest(sb, e.X)
	case *TestAndOr:
		sb.WriteString("( ")
		printTest(sb, e.X)
		sb.WriteString(" " + e.Op + " ")
		printTest(sb, e.Y)
		sb.WriteString(" )")
	}
}

func printWord(sb *strings.Builder, w *Word) {
	if w == nil {
		return
	}
	for _, part := range w.Parts {
		printPart(sb, part)
	}
}

// printRaw prints a word whose quoted text stands for itself: the inside
// of $((...)) and of a here-document.
func printRaw(sb *strings.Builder, w *Word) {
	for _, part := range w.Parts {
		if q, ok := part.(*Quoted); ok {
			sb.WriteString(q.Value)
			continue
		}
		printPart(sb, part)
	}
}

func printPart(sb *strings.Builder, part WordPart) {
	switch part := part.(type) {
	case *Lit:
		sb.WriteString(part.Value)
	case *Quoted:
		sb.WriteString("'" + strings.ReplaceAll(part.Value, "'", `'\''`) + "'")
	case *DblQuoted:
		sb.WriteString(`"`)
		for _, p := range part.Parts {
			if q, ok := p.(*Quoted); ok {
				sb.WriteString(dquoteEscaper.Replace(q.Value))
				continue
			}
			printPart(sb, p)
		}
		sb.WriteString(`"`)
	case *CmdSubst:
		sb.WriteString("$(")
		printStmts(sb, part.Stmts)
		sb.WriteString(")")
	case *ArithExp:
		sb.WriteString("$((")
		printRaw(sb, part.Expr)
		sb.WriteString("))")
	case *ParamExp:
		printParam(sb, part)
	}
}

var dquoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")

var paramOpText = map[ParamOp]string{
	ParamDefault: "-", ParamAssign: "=", ParamError: "?", ParamAlt: "+",
	ParamTrimSuffix: "%", ParamTrimLongSuffix: "%%", ParamTrimPrefix: "#",
	ParamTrimLongPrefix: "##", ParamReplace: "/", ParamReplaceAll: "//",
	ParamReplacePrefix: "/#", ParamReplaceSuffix: "/%", ParamSlice: ":",
}

func printParam(sb *strings.Builder, pe *ParamExp) {
	switch pe.Op {
	case ParamPlain:
		sb.WriteString("${" + pe.Name + "}")
		return
	case ParamLength:
		sb.WriteString("${#" + pe.Name + "}")
		return
	}
	sb.WriteString("${" + pe.Name)
	if pe.Colon {
		sb.WriteString(":")
	}
	sb.WriteString(paramOpText[pe.Op])
	printWord(sb, pe.Arg)
	if pe.Repl != nil {
		sb.WriteString("/")
		printWord(sb, pe.Repl)
	}
	if pe.Len != nil {
		sb.WriteString(":")
		printWord(sb, pe.Len)
	}
	sb.WriteString("}")
}
