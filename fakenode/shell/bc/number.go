package bc

import (
	"errors"
	"math/big"
	"strings"
	"sync"
)

// number is a bc number: the decimal value v / 10^scale, where scale is
// the number of digits after the decimal point that bc keeps (1.50 has
// scale 2). Numbers are immutable.
type number struct {
	v     *big.Int
	scale int
}

var (
	bigTen  = big.NewInt(10)
	zeroNum = number{v: new(big.Int)}
	oneNum  = number{v: big.NewInt(1)}
)

func intNum(i int64) number { return number{v: big.NewInt(i)} }

// pow10 returns 10^n for n >= 0. The result is shared: never modify it.
// Powers are cached because the library's series divide by the same
// powers thousands of times.
func pow10(n int) *big.Int {
	pow10Mu.Lock()
	defer pow10Mu.Unlock()
	if p, ok := pow10Cache[n]; ok {
		return p
	}
	p := new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
	if len(pow10Cache) >= 256 {
		clear(pow10Cache) // bounded; the working set is a few scales
	}
	pow10Cache[n] = p
	return p
}

var (
	pow10Mu    sync.Mutex
	pow10Cache = map[int]*big.Int{}
)

// rescale returns n with the given scale, truncating toward zero when the
// scale shrinks, as bc does.
func (n number) rescale(scale int) number {
	switch {
	case scale == n.scale:
		return n
	case scale > n.scale:
		return number{v: new(big.Int).Mul(n.v, pow10(scale-n.scale)), scale: scale}
	}
	return number{v: new(big.Int).Quo(n.v, pow10(n.scale-scale)), scale: scale}
}

func (n number) sign() int    { return n.v.Sign() }
func (n number) isZero() bool { return n.v.Sign() == 0 }

func (n number) neg() number { return number{v: new(big.Int).Neg(n.v), scale: n.scale} }

func (n number) abs() number { return number{v: new(big.Int).Abs(n.v), scale: n.scale} }

// cmp compares a and b by value, whatever their scales.
func cmpNum(a, b number) int {
	s := max(a.scale, b.scale)
	return a.rescale(s).v.Cmp(b.rescale(s).v)
}

// add and sub keep the larger scale of their operands.
func add(a, b number) number {
	s := max(a.scale, b.scale)
	return number{v: new(big.Int).Add(a.rescale(s).v, b.rescale(s).v), scale: s}
}

func sub(a, b number) number { return add(a, b.neg()) }

// mul keeps min(a.scale+b.scale, max(scale, a.scale, b.scale)) digits.
func mul(a, b number, scale int) number {
	full := number{v: new(big.Int).Mul(a.v, b.v), scale: a.scale + b.scale}
	return full.rescale(min(full.scale, max(scale, a.scale, b.scale)))
}

var errDivZero = errors.New("Divide by zero")

// div computes a/b with scale digits, truncated toward zero.
func div(a, b number, scale int) (number, error) {
	if b.isZero() {
		return number{}, errDivZero
	}
	// a/b = (a.v / 10^a.scale) / (b.v / 10^b.scale); scaled by 10^scale
	// that is a.v * 10^k / b.v with k = b.scale + scale - a.scale.
	num, den := a.v, b.v
	if k := b.scale + scale - a.scale; k >= 0 {
		num = new(big.Int).Mul(a.v, pow10(k))
	} else {
		den = new(big.Int).Mul(b.v, pow10(-k))
	}
	return number{v: new(big.Int).Quo(num, den), scale: scale}, nil
}

// mod computes a - (a/b)*b, with a/b taken at scale digits and the result
// at max(a.scale, b.scale+scale), as bc does; so 5%3 is .00...02 when
// scale is not 0.
func mod(a, b number, scale int) (number, error) {
	q, err := div(a, b, scale)
	if err != nil {
		return number{}, err
	}
	rscale := max(a.scale, b.scale+scale)
	return sub(a, mul(q, b, rscale)).rescale(rscale), nil
}

// maxDigits bounds the size of a power, so that 9^999999999 fails instead
// of eating the host's memory.
const maxDigits = 10_000_000

var errTooLarge = errors.New("exponent too large in raise")

// power computes a^e for an integer e. A positive power is exact, then
// truncated to min(a.scale*e, max(scale, a.scale)) digits; a negative one
// is 1/a^-e at scale digits.
func power(a number, e int64, scale int) (number, error) {
	if e == 0 {
		return oneNum, nil
	}
	neg := e < 0
	if neg {
		e = -e
	}
	digits := int64(len(a.v.String())) + int64(a.scale)
	if digits*e > maxDigits {
		return number{}, errTooLarge
	}
	exact := number{v: new(big.Int).Exp(a.v, big.NewInt(e), nil), scale: a.scale * int(e)}
	if neg {
		return div(oneNum, exact, scale)
	}
	return exact.rescale(min(exact.scale, max(scale, a.scale))), nil
}

var errNegSqrt = errors.New("Square root of a negative number")

// sqrt computes the square root with max(scale, a.scale) digits,
// truncated.
func sqrt(a number, scale int) (number, error) {
	if a.sign() < 0 {
		return number{}, errNegSqrt
	}
	rscale := max(scale, a.scale)
	x := new(big.Int).Mul(a.v, pow10(2*rscale-a.scale))
	return number{v: x.Sqrt(x), scale: rscale}, nil
}

// toInt64 returns the integer part of n, and false if it does not fit.
func (n number) toInt64() (int64, bool) {
	i := n.rescale(0).v
	return i.Int64(), i.IsInt64()
}

// length is bc's length(): the significant digits of n. For a number
// below 1 that is its scale (at least 1).
func (n number) length() int {
	intDigits := len(new(big.Int).Abs(n.rescale(0).v).String())
	if n.rescale(0).isZero() {
		return max(n.scale, 1)
	}
	return intDigits + n.scale
}

// parseNumber reads a bc numeric literal in base ibase: digits 0-9 and
// A-F, one optional point.
func parseNumber(s string, ibase int) number {
	intPart, frac, _ := strings.Cut(s, ".")
	v := new(big.Int)
	b := big.NewInt(int64(ibase))
	for i := 0; i < len(intPart); i++ {
		v.Mul(v, b)
		v.Add(v, big.NewInt(int64(digitValue(intPart[i], ibase))))
	}
	n := number{v: v}
	if frac == "" {
		return n
	}
	if ibase == 10 {
		fv, _ := new(big.Int).SetString(frac, 10)
		return add(n, number{v: fv, scale: len(frac)})
	}
	// Other bases: the fraction's digits, kept to as many decimal digits
	// as it has digits, as bc does.
	num, den := new(big.Int), big.NewInt(1)
	for i := 0; i < len(frac); i++ {
		num.Mul(num, b)
		num.Add(num, big.NewInt(int64(digitValue(frac[i], ibase))))
		den.Mul(den, b)
	}
	f, _ := div(number{v: num}, number{v: den}, len(frac))
	return add(n, f)
}

// digitValue is a digit's value; as in bc, a digit too big for the base
// counts as base-1.
func digitValue(c byte, base int) int {
	d := 0
	if c >= 'A' {
		d = int(c-'A') + 10
	} else {
		d = int(c - '0')
	}
	if d >= base {
		d = base - 1
	}
	return d
}
