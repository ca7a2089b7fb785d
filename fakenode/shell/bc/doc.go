// Package bc is enough of GNU bc for the programs containers run, such as
// the pi Job's `echo 'scale=10000; 4*a(1)' | bc -l`.
//
// Start with Run. Numbers are arbitrary-precision decimals (math/big)
// with bc's scale rules; + - * / % ^, comparisons, && || !, ++ --, the
// assignment operators, scale, ibase, obase and last, sqrt, length and
// scale(), if/while/for/break/continue, strings, print, define with auto
// variables (scoped dynamically, as bc does), quit and halt. With the math
// library (-l), s c a l e compute what GNU bc's library computes, digit
// for digit: they follow its working scales and series, and the tests
// hold outputs of GNU bc 1.07.1.
//
// Output lines break at 70 columns with a trailing backslash, as GNU bc's
// do. Errors are reported on stderr in GNU bc's words ("Runtime error
// (func=(main), adr=0): Divide by zero"; the address is always 0) and end
// the current line, after which bc carries on.
//
// Not supported: arrays, read(), the Bessel function j(n,x), and POSIX
// mode's limits.
package bc
