package bc

import (
	"errors"
	"strings"
	"testing"
)

func run(t *testing.T, src string, opts Options) (string, string) {
	t.Helper()
	var out, errOut strings.Builder
	if err := Run(src, &out, &errOut, opts); err != nil {
		t.Fatalf("Run(%q): %v", src, err)
	}
	return out.String(), errOut.String()
}

// The wanted outputs are GNU bc 1.07.1's, with -l.
func TestRunMatchesGNU(t *testing.T) {
	tests := []struct{ src, want string }{
		{"scale=3; 1/3; -1/3; 5%3; 2^-2; 2.5^3; 0.000; -0.5; 1.50", ".333\n-.333\n.002\n.250\n15.625\n0\n-.5\n1.50\n"},
		{"length(0); length(.05); length(12.340); scale(1.50)", "1\n2\n5\n2\n"},
		{"x=5; (x=6); x++; ++x; x; x = 3 < 5; x", "6\n6\n8\n8\n1\n3\n"},
		{"scale=50; 4*a(1)", "3.14159265358979323846264338327950288419716939937508\n"},
		{"s(1); c(1); l(2); e(1); sqrt(2); a(.5); e(-1); l(0); s(-10)",
			".84147098480789650665\n.54030230586813971740\n.69314718055994530941\n2.71828182845904523536\n" +
				"1.41421356237309504880\n.46364760900080611621\n.36787944117144232159\n" +
				"-99999999999999999999.00000000000000000000\n.54402111088936981340\n"},
		{"scale=10; a(100); l(.001); e(-20); c(-1)", "1.5607966601\n-6.9077552789\n.0000000020\n.5403023058\n"},
		{"obase=16; 255; 10.5; ibase=16; FF; obase=2; 5", "FF\nA.8\nFF\n101\n"},
		{"define f(x) { auto y; y = x*2; return (y+1); }; f(3); f(f(1))", "7\n7\n"},
		{`print 1, " two ", 1/4, "\n"`, "1 two .25000000000000000000\n"},
		{"2^3^2; -2^2; 10-2-3", "512\n4\n5\n"},
		{"scale=0; 7/2; -7/2; -7%3; sqrt(17)", "3\n-3\n-1\n4\n"},
		{"for (i=0;i<3;i++) i; while (i>0) { i = i - 1; if (i==1) break; }; i; last; .", "0\n1\n2\n1\n1\n1\n"},
		{"1; quit", ""},
		{"2\nif (0) quit\n3", "2\n"},
		{`"str"` + "\n5", "str5\n"},
	}
	for _, tt := range tests {
		got, stderr := run(t, tt.src, Options{MathLib: true})
		if got != tt.want || stderr != "" {
			t.Errorf("bc -l <<< %q\n got %q (stderr %q)\nwant %q", tt.src, got, stderr, tt.want)
		}
	}
}

func TestPiWrapsLikeGNU(t *testing.T) {
	got, _ := run(t, "scale=100; 4*a(1)", Options{MathLib: true})
	want := "3.141592653589793238462643383279502884197169399375105820974944592307\\\n" +
		"8164062862089986280348253421170676\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestPiThousandDigits(t *testing.T) {
	got, _ := run(t, "scale=1000; 4*a(1)", Options{MathLib: true})
	digits := strings.ReplaceAll(got, "\\\n", "")
	// The first 50 decimals of pi, and GNU bc's last ones at scale=1000.
	if !strings.HasPrefix(digits, "3.14159265358979323846264338327950288419716939937510") {
		t.Errorf("pi starts %.60s", digits)
	}
	if !strings.HasSuffix(digits, "2164201988\n") || len(digits) != 1003 {
		t.Errorf("pi ends %q, %d chars", digits[len(digits)-12:], len(digits))
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		src, out, stderr string
		opts             Options
	}{
		{"1/0; 8\n9", "9\n", "Runtime error (func=(main), adr=0): Divide by zero\n", Options{}},
		{"a(1)", "", "Runtime error (func=(main), adr=0): Function a not defined.\n", Options{}},
		{"a b\n4", "4\n", "(standard_in) 1: syntax error\n", Options{}},
		{"sqrt(-1)", "", "Runtime error (func=(main), adr=0): Square root of a negative number\n", Options{}},
		{"scale=5; 2^0.5", "1\n", "Runtime warning (func=(main), adr=0): non-zero scale in exponent\n", Options{}},
		{"9^99999999999", "", "Runtime error (func=(main), adr=0): exponent too large in raise\n", Options{}},
	}
	for _, tt := range tests {
		out, stderr := run(t, tt.src, tt.opts)
		if out != tt.out || stderr != tt.stderr {
			t.Errorf("bc <<< %q\n got %q, %q\nwant %q, %q", tt.src, out, stderr, tt.out, tt.stderr)
		}
	}
}

func TestInterrupt(t *testing.T) {
	stop := errors.New("killed")
	calls := 0
	err := Run("while (1) { }", &strings.Builder{}, &strings.Builder{}, Options{Interrupt: func() error {
		calls++
		if calls > 100 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) {
		t.Errorf("Run = %v, want the interrupt's error", err)
	}
}

func TestLineLength(t *testing.T) {
	got, _ := run(t, "2^300", Options{LineLength: -1})
	if strings.Contains(got, "\\") {
		t.Errorf("negative LineLength still wraps: %q", got)
	}
	got, _ = run(t, "2^100", Options{LineLength: 10})
	want := "12676506\\\n" + "00228229\\\n" + "40149670\\\n" + "3205376\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
