package syntax

import (
	"errors"
	"testing"
)

// FuzzParse checks that no input makes the parser panic or fail with
// anything but a *SyntaxError. Run it with go test -fuzz=FuzzParse.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600",
		"while true; do if [[ -e /etc/podinfo/labels ]]; then echo -en '\\n\\n'; cat /etc/podinfo/labels; fi; sleep 5; done;",
		"until nslookup redis-master; do echo waiting for redis; sleep 2; done;",
		"echo 'scale=10000; 4*a(1)' | bc -l",
		"case $1 in (a|b) echo ${x:-\"d\"};; *) f() { echo $((1+2)) `date`; }; esac",
		"cat <<-EOF >f 2>&1\n\t$x\n\tEOF\n",
		"for x in a b; do (exit 3) & wait $!; done || ! [ -f x ]",
		"echo ${x%%.*} ${#y} ${z/a/b} $'\\x41' \"$(echo \")\")\"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Parse(src)
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("Parse(%q) = %v, not a *SyntaxError", src, err)
		}
	})
}
