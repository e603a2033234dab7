package cite

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// article is the seed article, the text analysts quote most.
func article(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../seed/000_ee0890f214b0197b.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestResolveForgiving: quotes typed or pasted with what a web page or a
// keyboard changes find the document's own span, and the citation holds
// the document's text, never the typed form.
func TestResolveForgiving(t *testing.T) {
	art := article(t)
	cases := []struct {
		name, text, typed, want string
	}{
		{"curly apostrophe", "The UK stands with NATO's allies and Albania.", "NATO’s allies", "NATO's allies"},
		{"straight quotes for guillemets", "وأضاف أن «تحقيقاً معمّقاً قدّم لنا دليلاً» على ذلك", `"تحقيقاً معمّقاً قدّم لنا دليلاً"`, "«تحقيقاً معمّقاً قدّم لنا دليلاً»"},
		{"guillemets for straight quotes", art, `«بصورة شبه مؤكدة»`, `"بصورة شبه مؤكدة"`},
		{"no tashkeel", art, "متهمة إياها بهجمات", "متّهمةً إياها بهجمات"},
		{"no tashkeel, no shadda at the end", art, "دبرتها ورعتها", "دبّرتها ورعتها"},
		{"hamza forms", art, "ايدي راما في بيان", "إيدي راما في بيان"},
		{"non-breaking space typed", art, "في 15\u00a0يوليو/ تموز", "في 15 يوليو/ تموز"},
		{"non-breaking space in the text", "وقع الهجوم في 15\u00a0يوليو ضد مؤسسات", "15 يوليو ضد", "15\u00a0يوليو ضد"},
		{"tatweel typed", art, "الدبلومـاسية مع إيران،", "الدبلوماسية مع إيران،"},
		{"spaces around a pasted selection", art, "  وأمرت ألبانيا بمغادرة الدبلوماسيين\n", "وأمرت ألبانيا بمغادرة الدبلوماسيين"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(c.text, c.typed) {
				t.Fatalf("the typed form is in the text as it stands: the case tests nothing")
			}
			s, err := Resolve(c.text, Quote{Exact: c.typed})
			if err != nil {
				t.Fatal(err)
			}
			if s.Exact != c.want {
				t.Fatalf("exact = %q, want the document's own %q", s.Exact, c.want)
			}
			if got := string([]rune(c.text)[s.Start:s.End]); got != c.want {
				t.Fatalf("text[%d:%d] = %q, want %q", s.Start, s.End, got, c.want)
			}
			if err := Verify(c.text, s.Exact, s.Prefix, s.Suffix, s.Start, s.End); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestResolveForgivingKeepsAmbiguity: a folded quote that occurs twice is
// ambiguous, as an exact one is, and a prefix typed loosely picks one.
func TestResolveForgivingKeepsAmbiguity(t *testing.T) {
	if _, err := Resolve(text, Quote{Exact: "البانيا"}); !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("want ErrAmbiguous, got %v", err)
	}
	s, err := Resolve(text, Quote{Exact: "البانيا", Prefix: "وامرت"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Start != 38 || s.Exact != "ألبانيا" {
		t.Fatalf("got %q at %d, want ألبانيا at 38", s.Exact, s.Start)
	}
	if _, err := Resolve(text, Quote{Exact: "البانيا", Prefix: "لا"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound for a prefix that fits neither, got %v", err)
	}
}

// TestResolveDidYouMean: a quote with a word wrong gets the passage it
// most likely meant, its offsets, and the words that differ.
func TestResolveDidYouMean(t *testing.T) {
	art := article(t)
	_, err := Resolve(art, Quote{Exact: "تحقيقاً معمّقاً قدّم لهم دليلاً لا لبس فيه"})
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("want a *NotFoundError matching ErrNotFound, got %v", err)
	}
	n := nf.Near
	if n == nil {
		t.Fatalf("no near miss: %v", err)
	}
	want := "تحقيقاً معمّقاً قدّم لنا دليلاً لا لبس فيه"
	if n.Exact != want {
		t.Fatalf("near miss %q, want %q", n.Exact, want)
	}
	if got := string([]rune(art)[n.Start:n.End]); got != want {
		t.Fatalf("text[%d:%d] = %q", n.Start, n.End, got)
	}
	if n.Document != "لنا" || n.Quote != "لهم" {
		t.Fatalf("difference: document %q, quote %q; want لنا and لهم", n.Document, n.Quote)
	}
	for _, part := range []string{"did you mean", want, "[" + itoa(n.Start) + ":" + itoa(n.End) + "]", "لنا", "لهم"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q does not contain %q", err, part)
		}
	}
}

// TestResolveNothingClose: a quote from another text is refused without a
// made-up suggestion.
func TestResolveNothingClose(t *testing.T) {
	_, err := Resolve(article(t), Quote{Exact: "The quick brown fox jumps over the lazy dog"})
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Near != nil {
		t.Fatalf("want a not-found error without a suggestion, got %v", err)
	}
}

func itoa(n int) string {
	var b []byte
	if n == 0 {
		return "0"
	}
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
