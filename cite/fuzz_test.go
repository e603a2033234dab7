package cite

import (
	"testing"
	"unicode/utf8"
)

// FuzzResolve: Resolve never panics, and a span it returns is one Verify
// accepts, within the text, with context no longer than ContextLen.
func FuzzResolve(f *testing.F) {
	f.Add("ألبانيا تقطع علاقاتها مع إيران", "إيران", "", "")
	f.Add("a b a b a", "a", "b ", " b")
	f.Add("abc", "", "", "")
	f.Add("\xff\xfe text", "text", "\xfe ", "")
	f.Fuzz(func(t *testing.T, text, exact, prefix, suffix string) {
		sp, err := Resolve(text, Quote{Exact: exact, Prefix: prefix, Suffix: suffix})
		if err != nil {
			return
		}
		if sp.Start < 0 || sp.End < sp.Start || sp.End > utf8.RuneCountInString(text) {
			t.Fatalf("span [%d:%d] outside a text of %d code points", sp.Start, sp.End, utf8.RuneCountInString(text))
		}
		if utf8.ValidString(text) {
			if err := Verify(text, sp.Exact, sp.Prefix, sp.Suffix, sp.Start, sp.End); err != nil {
				t.Fatalf("resolved span does not verify: %v", err)
			}
		}
		if utf8.RuneCountInString(sp.Prefix) > ContextLen || utf8.RuneCountInString(sp.Suffix) > ContextLen {
			t.Fatalf("context longer than %d code points", ContextLen)
		}
	})
}
