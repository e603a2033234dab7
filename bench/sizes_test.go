package bench

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCompareSizesShowsGrowthFromSmallestToLargest(t *testing.T) {
	small := Summary{Corpus: "corpus-1000", Cases: []CaseSummary{
		{Name: "page100", P50: 2 * time.Millisecond, Floor: time.Millisecond, CPU: 3 * time.Millisecond},
		{Name: "search", P50: time.Millisecond, Floor: time.Millisecond, CPU: time.Millisecond},
	}}
	big := Summary{Corpus: "corpus-100000", Cases: []CaseSummary{
		{Name: "page100", P50: 3 * time.Millisecond, Floor: 2 * time.Millisecond, CPU: 3600 * time.Microsecond,
			RoundRatio: Spread{Median: 1.62, Min: 1.5, Max: 1.7}},
	}}
	// Through the file, as attrib-load --json and --compare use it.
	dir := t.TempDir()
	var runs []Summary
	for i, s := range []Summary{small, big} {
		path := filepath.Join(dir, s.Corpus+".json")
		if err := WriteSummary(path, s); err != nil {
			t.Fatal(err)
		}
		got, err := ReadSummary(path)
		if err != nil {
			t.Fatal(i, err)
		}
		runs = append(runs, got)
	}
	var b strings.Builder
	if err := CompareSizes(&b, runs); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// The small run had no rounds: its ratio is its p50 over its floor;
	// the big one's is the median of its rounds'.
	want := "| page100 | 2000.0 µs | 2.00 | 3000.0 µs | 1.62 | 1.50 | 1.20 |"
	if !strings.Contains(out, want) {
		t.Errorf("comparison lacks %q:\n%s", want, out)
	}
	if !strings.Contains(out, "p50 corpus-100000 / corpus-1000") {
		t.Errorf("comparison does not name the corpora it divides:\n%s", out)
	}
	if strings.Contains(out, "| search |") {
		t.Errorf("a case missing from one run is compared:\n%s", out)
	}
}

func TestCompareSizesNeedsTwoRuns(t *testing.T) {
	if err := CompareSizes(&strings.Builder{}, []Summary{{Corpus: "c"}}); err == nil || !strings.Contains(err.Error(), "two or more") {
		t.Errorf("one summary: err %v, want one asking for two or more", err)
	}
}

func TestReadSummaryRejectsAnEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.json")
	if err := WriteSummary(path, Summary{Corpus: "c"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSummary(path); err == nil || !strings.Contains(err.Error(), "attrib-load --json") {
		t.Errorf("empty summary: err %v, want one saying how to write one", err)
	}
}
