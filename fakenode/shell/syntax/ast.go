package syntax

// Stmt is one and-or list and how it ends: with ";" or a newline, or with
// "&" to run it in the background.
type Stmt struct {
	Cmd        Command
	Background bool
	Line       int // 1-based line of the list's first token
}

// Command is one of the command node types below.
type Command interface{ command() }

// AndOr is X && Y or X || Y.
type AndOr struct {
	Op   string // "&&" or "||"
	X, Y Command
}

// Pipeline is X | Y | ..., optionally negated with "!".
type Pipeline struct {
	Negated bool
	Cmds    []Command
}

// SimpleCmd is assignments, words and redirections: A=1 cmd arg >file.
type SimpleCmd struct {
	Assigns []*Assign
	Args    []*Word
	Redirs  []*Redir
	Line    int
}

// Assign is NAME=value.
type Assign struct {
	Name  string
	Value *Word // empty Word for NAME=
}

// RedirCmd is a compound command with redirections: { ...; } >file.
type RedirCmd struct {
	Cmd    Command
	Redirs []*Redir
}

// Block is { list; }.
type Block struct{ Stmts []*Stmt }

// Subshell is ( list ).
type Subshell struct{ Stmts []*Stmt }

// IfCmd is if/then/else; an elif is an IfCmd alone in Else.
type IfCmd struct {
	Cond, Then, Else []*Stmt
}

// LoopCmd is while (or until) cond; do body; done.
type LoopCmd struct {
	Until      bool
	Cond, Body []*Stmt
}

// ForCmd is for name [in words]; do body; done. Without "in", the loop
// runs over the positional parameters.
type ForCmd struct {
	Name  string
	HasIn bool
	Items []*Word
	Body  []*Stmt
}

// CaseCmd is case word in pattern) list;; ... esac.
type CaseCmd struct {
	Word  *Word
	Items []*CaseItem
}

// CaseItem is one pattern list and its commands.
type CaseItem struct {
	Patterns []*Word
	Body     []*Stmt
}

// FuncDecl is name() command.
type FuncDecl struct {
	Name string
	Body Command
}

// TestCmd is [[ expression ]].
type TestCmd struct {
	Expr TestExpr
	Line int
}

func (*AndOr) command()     {}
func (*Pipeline) command()  {}
func (*SimpleCmd) command() {}
func (*RedirCmd) command()  {}
func (*Block) command()     {}
func (*Subshell) command()  {}
func (*IfCmd) command()     {}
func (*LoopCmd) command()   {}
func (*ForCmd) command()    {}
func (*CaseCmd) command()   {}
func (*FuncDecl) command()  {}
func (*TestCmd) command()   {}

// TestExpr is an expression inside [[ ]].
type TestExpr interface{ testExpr() }

// TestUnary is -op word, e.g. -e /tmp/healthy or -n "$x".
type TestUnary struct {
	Op string
	X  *Word
}

// TestBinary is word op word, e.g. $a == b* or $n -lt 3.
type TestBinary struct {
	Op   string
	X, Y *Word
}

// TestWord is a lone word: true when it expands to a non-empty string.
type TestWord struct{ X *Word }

// TestNot is ! expr.
type TestNot struct{ X TestExpr }

// TestAndOr is expr && expr or expr || expr.
type TestAndOr struct {
	Op   string
	X, Y TestExpr
}

func (*TestUnary) testExpr()  {}
func (*TestBinary) testExpr() {}
func (*TestWord) testExpr()   {}
func (*TestNot) testExpr()    {}
func (*TestAndOr) testExpr()  {}

// RedirOp is a redirection operator.
type RedirOp string

// The redirection operators.
const (
	RedirIn         RedirOp = "<"
	RedirOut        RedirOp = ">"
	RedirAppend     RedirOp = ">>"
	RedirClobber    RedirOp = ">|"
	RedirInOut      RedirOp = "<>"
	RedirDupIn      RedirOp = "<&"
	RedirDupOut     RedirOp = ">&"
	RedirAll        RedirOp = "&>" // bash: stdout and stderr to a file
	RedirHeredoc    RedirOp = "<<"
	RedirHeredocTab RedirOp = "<<-"
)

// Redir is [fd]op word; a here-document also has its Body.
type Redir struct {
	Fd   int // -1 when not given: 0 for input operators, 1 for output
	Op   RedirOp
	Word *Word // the target, or a here-document's delimiter
	Body *Word // a here-document's text, to expand unless the delimiter was quoted
}

// Word is a shell word: a sequence of parts that expand and join.
type Word struct{ Parts []WordPart }

// WordPart is one of the word part types below.
type WordPart interface{ wordPart() }

// Lit is unquoted literal text. Glob characters in it are active.
type Lit struct{ Value string }

// Quoted is literal text that was quoted ('...', \c, $'...').
type Quoted struct{ Value string }

// DblQuoted is "...": its parts expand, without field splitting or globs.
type DblQuoted struct{ Parts []WordPart }

// CmdSubst is $(...) or `...`.
type CmdSubst struct{ Stmts []*Stmt }

// ArithExp is $((...)); Expr is expanded, then evaluated as arithmetic.
type ArithExp struct{ Expr *Word }

// ParamExp is $name or ${...}.
type ParamExp struct {
	Name  string  // a variable name, digits, or one of @ * # ? - $ ! 0
	Op    ParamOp // ParamPlain for $name and ${name}
	Colon bool    // ${x:-y} rather than ${x-y}: treat empty as unset
	Arg   *Word   // the word or pattern after the operator
	Repl  *Word   // ParamReplace*: the replacement
	Len   *Word   // ParamSlice: the length, nil when not given
}

// ParamOp says what a ${...} expansion does.
type ParamOp int

// The parameter expansion operators.
const (
	ParamPlain          ParamOp = iota
	ParamLength                 // ${#x}
	ParamDefault                // ${x-w} ${x:-w}
	ParamAssign                 // ${x=w} ${x:=w}
	ParamError                  // ${x?w} ${x:?w}
	ParamAlt                    // ${x+w} ${x:+w}
	ParamTrimSuffix             // ${x%p}
	ParamTrimLongSuffix         // ${x%%p}
	ParamTrimPrefix             // ${x#p}
	ParamTrimLongPrefix         // ${x##p}
	ParamReplace                // ${x/p/r}
	ParamReplaceAll             // ${x//p/r}
	ParamReplacePrefix          // ${x/#p/r}
	ParamReplaceSuffix          // ${x/%p/r}
	ParamSlice                  // ${x:offset} ${x:offset:length}; Arg is the offset
)

func (*Lit) wordPart()       {}
func (*Quoted) wordPart()    {}
func (*DblQuoted) wordPart() {}
func (*CmdSubst) wordPart()  {}
func (*ArithExp) wordPart()  {}
func (*ParamExp) wordPart()  {}

// Lit returns the word's text if it is a plain unquoted literal.
func (w *Word) Lit() (string, bool) {
	if len(w.Parts) == 1 {
		if l, ok := w.Parts[0].(*Lit); ok {
			return l.Value, true
		}
	}
	return "", false
}

// LitWord returns a word made of unquoted literal text.
func LitWord(s string) *Word { return &Word{Parts: []WordPart{&Lit{Value: s}}} }
