package cite

import (
	"errors"
	"testing"
)

const text = "قطعت ألبانيا علاقاتها مع إيران. وأمرت ألبانيا بمغادرة الدبلوماسيين"

func TestResolveCodePoints(t *testing.T) {
	s, err := Resolve(text, Quote{Exact: "إيران"})
	if err != nil {
		t.Fatal(err)
	}
	if got := string([]rune(text)[s.Start:s.End]); got != "إيران" {
		t.Fatalf("[%d:%d] = %q", s.Start, s.End, got)
	}
	// 25 code points precede it, but far more bytes: offsets must be runes.
	if s.Start != 25 {
		t.Fatalf("start = %d, want 25", s.Start)
	}
	if err := Verify(text, s.Exact, s.Prefix, s.Suffix, s.Start, s.End); err != nil {
		t.Fatal(err)
	}
}

func TestResolveAmbiguityAndPrefix(t *testing.T) {
	if _, err := Resolve(text, Quote{Exact: "ألبانيا"}); !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("want ErrAmbiguous, got %v", err)
	}
	s, err := Resolve(text, Quote{Exact: "ألبانيا", Prefix: "وأمرت "})
	if err != nil {
		t.Fatal(err)
	}
	if s.Start != 38 {
		t.Fatalf("start = %d, want 38", s.Start)
	}
	if _, err := Resolve(text, Quote{Exact: "ألبانيا", Suffix: " علاقاتها"}); err != nil {
		t.Fatal(err)
	}
}

func TestResolveMissing(t *testing.T) {
	if _, err := Resolve(text, Quote{Exact: "طهران"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	if _, err := Resolve(text, Quote{Exact: "إيران", Prefix: "لا"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound for a wrong prefix, got %v", err)
	}
}

func TestVerifyRejectsShiftedSpan(t *testing.T) {
	s, _ := Resolve(text, Quote{Exact: "إيران"})
	if err := Verify(text, s.Exact, s.Prefix, s.Suffix, s.Start+1, s.End+1); err == nil {
		t.Fatal("shifted span verified")
	}
	if err := Verify(text, s.Exact, "", "", 0, 1000); err == nil {
		t.Fatal("span past the end verified")
	}
}
