package valcheck

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestValidUTF8MatchesStdlib compares validUTF8 with utf8.ValidString on
// ASCII runs of every length around the 8-byte steps, with valid and
// invalid multi-byte sequences at every position.
func TestValidUTF8MatchesStdlib(t *testing.T) {
	tails := []string{"", "ä", "日本", "\U0001F600", "\xff", "\xe2\x82", "\xc3", "\xed\xa0\x80", "a\x80", "\xf4\x90\x80\x80"}
	for n := range 20 {
		for _, tail := range tails {
			for _, s := range []string{strings.Repeat("a", n) + tail, tail + strings.Repeat("b", n), strings.Repeat("c", n/2) + tail + strings.Repeat("d", n-n/2)} {
				if got, want := validUTF8(s), utf8.ValidString(s); got != want {
					t.Fatalf("validUTF8(%q) = %v, want %v", s, got, want)
				}
			}
		}
	}
}
