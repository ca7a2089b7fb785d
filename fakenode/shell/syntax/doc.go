// Package syntax parses the shell language of package shell: busybox
// ash's subset of POSIX sh, with bash's [[ ]], $'...', ${x/p/r} and
// ${x:o:l}, and function name { } definitions.
//
// Start with Parser: NewParser(src).Next returns the commands of one line
// at a time, as ash reads a script, so that a script runs up to the line
// that holds a syntax error. Parse returns a whole script. Errors are
// *SyntaxError values worded as ash words them: unexpected "fi",
// unexpected end of file (expecting "done"), unterminated quoted string,
// missing '}', bad substitution.
//
// The tree (ast.go) keeps words as parts (literal, quoted, parameter
// expansion, command substitution, arithmetic) for the interpreter to
// expand; Format prints a tree back as one-line shell text, which the
// tests compare. Nesting is limited so that hostile input fails with a
// syntax error rather than exhausting the stack; FuzzParse checks that no
// input panics.
package syntax
