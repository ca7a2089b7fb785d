package bc

import (
	"fmt"
	"io"
	"math/big"
	"strings"
)

// format writes n in base obase as bc prints it: no leading zero before
// the point (.5, -.5), exactly n.scale fractional digits in base 10, and
// plain "0" for zero.
func (n number) format(obase int) string {
	if n.isZero() {
		return "0"
	}
	var sb strings.Builder
	if n.sign() < 0 {
		sb.WriteByte('-')
		n = n.abs()
	}
	intPart := n.rescale(0)
	frac := sub(n, intPart)
	if !intPart.isZero() {
		sb.WriteString(formatInt(intPart.v, obase))
	}
	if n.scale == 0 {
		return sb.String()
	}
	sb.WriteByte('.')
	if obase == 10 {
		digits := frac.v.String() // frac has n.scale digits
		if frac.isZero() {
			digits = ""
		}
		sb.WriteString(strings.Repeat("0", n.scale-len(digits)))
		sb.WriteString(digits)
		return sb.String()
	}
	formatFrac(&sb, frac, n.scale, obase)
	return sb.String()
}

// formatInt writes a non-negative integer in base obase: digits 0-9A-F up
// to base 16, space-separated zero-padded decimal groups beyond.
func formatInt(v *big.Int, obase int) string {
	if obase <= 16 {
		return strings.ToUpper(v.Text(obase))
	}
	width := len(fmt.Sprint(obase - 1))
	var groups []string
	b := big.NewInt(int64(obase))
	rest, d := new(big.Int).Set(v), new(big.Int)
	for rest.Sign() > 0 {
		rest.QuoRem(rest, b, d)
		groups = append(groups, fmt.Sprintf(" %0*d", width, d.Int64()))
	}
	var sb strings.Builder
	for i := len(groups) - 1; i >= 0; i-- {
		sb.WriteString(groups[i])
	}
	return sb.String()
}

// formatFrac writes the fraction in base obase, one digit per power of the
// base until that power has more digits than the number's scale: the
// precision bc gives a fraction in another base.
func formatFrac(sb *strings.Builder, frac number, scale, obase int) {
	base := intNum(int64(obase))
	t := big.NewInt(1)
	limit := pow10(scale)
	for t.Cmp(limit) < 0 {
		frac = mul(frac, base, scale)
		digit := frac.rescale(0)
		frac = sub(frac, digit)
		if obase <= 16 {
			sb.WriteString(strings.ToUpper(digit.v.Text(obase)))
		} else {
			sb.WriteString(fmt.Sprintf(" %0*d", len(fmt.Sprint(obase-1)), digit.v.Int64()))
		}
		t.Mul(t, big.NewInt(int64(obase)))
	}
}

// lineWriter breaks long output lines as GNU bc does: before the character
// that would fill the last column of a line of lineLength, it writes a
// backslash and a newline, so every full line holds lineLength-2
// characters and a backslash.
type lineWriter struct {
	w          io.Writer
	lineLength int // 0: never break
	col        int
	err        error
}

func (lw *lineWriter) WriteString(s string) {
	if lw.err != nil {
		return
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			lw.col = 0
			sb.WriteByte(c)
			continue
		}
		lw.col++
		if lw.lineLength > 1 && lw.col == lw.lineLength-1 {
			sb.WriteString("\\\n")
			lw.col = 1
		}
		sb.WriteByte(c)
	}
	_, lw.err = io.WriteString(lw.w, sb.String())
}
