package search

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestDocumentedQueries runs every example of the query syntax table in
// docs/search.md against the seed: the number of hits and the first hit's
// type, field and highlighted words must be as the page says.
func TestDocumentedQueries(t *testing.T) {
	f, err := os.Open("../docs/search.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, x := seeded(t)
	in, rows := false, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "| query | hits | first hit |" {
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "| ---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			if rows > 0 {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("row %q: want 3 cells", line)
		}
		q := strings.Trim(strings.TrimSpace(cells[0]), "`")
		total, err := strconv.Atoi(strings.TrimSpace(cells[1]))
		if err != nil {
			t.Fatalf("row %q: hits: %v", line, err)
		}
		want := strings.TrimSpace(cells[2])
		rows++
		res, err := x.Search(Query{Reader: x.as("RED"), Text: q, Size: 20})
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		if res.Total != total {
			t.Errorf("%s: %d hits, the page says %d", q, res.Total, total)
		}
		got := ""
		if len(res.Hits) > 0 {
			h := res.Hits[0]
			words := ""
			if len(h.Highlights) > 0 {
				words = runes(h.Snippet, h.Highlights[0].Start, h.Highlights[0].End)
			}
			got = h.Type + " " + h.Field + " «" + words + "»"
		}
		if got != want {
			t.Errorf("%s: first hit %q, the page says %q", q, got, want)
		}
	}
	if rows < 10 {
		t.Fatalf("read %d examples from docs/search.md; is the table still headed | query | hits | first hit |?", rows)
	}
}
