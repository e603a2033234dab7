package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/synthetic"
)

// TestGrowthMeasuresEveryCaseOnEveryCorpus runs the growth measurement
// on two small corpora: every case gets a figure on each, a growth
// spread over the rounds, and a row in the table.
func TestGrowthMeasuresEveryCaseOnEveryCorpus(t *testing.T) {
	corpora := []Corpus{
		{Name: "small", Store: seedtest.Synthetic(t, synthetic.Options{Seed: 1, Incidents: 60})},
		{Name: "big", Store: seedtest.Synthetic(t, synthetic.Options{Seed: 1, Incidents: 240})},
	}
	cfg := Config{Count: 5, Duration: time.Second, Warm: 1, Rounds: 3}
	gs, err := MeasureGrowth(context.Background(), cfg, corpora)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != len(Cases(Fixture{})) {
		t.Fatalf("%d cases measured, want %d", len(gs), len(Cases(Fixture{})))
	}
	for _, g := range gs {
		for i, d := range g.P50 {
			if d <= 0 || g.CPU[i] < 0 {
				t.Errorf("%s on %s: p50 %s, CPU %s", g.Name, corpora[i].Name, d, g.CPU[i])
			}
		}
		if g.Ratio.Min <= 0 || g.Ratio.Min > g.Ratio.Median || g.Ratio.Median > g.Ratio.Max {
			t.Errorf("%s: growth %+v is not a spread of positive ratios", g.Name, g.Ratio)
		}
	}
	var b strings.Builder
	GrowthMarkdown(&b, corpora, gs, cfg.Rounds)
	for _, want := range []string{"| incidents100 |", "p50 big / small", "3 rounds"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	if _, err := MeasureGrowth(context.Background(), cfg, corpora[:1]); err == nil || !strings.Contains(err.Error(), "two or more") {
		t.Errorf("one corpus: err %v, want one asking for two or more", err)
	}
}

func TestSpreadOfTheGrowthRatios(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want Spread
	}{
		{[]float64{1.3, 1.1, 1.2}, Spread{1.2, 1.1, 1.3}},
		{[]float64{2, 1, 4, 3}, Spread{2.5, 1, 4}},
		{nil, Spread{}},
	} {
		if got := spreadOf(c.xs); got != c.want {
			t.Errorf("spreadOf(%v) = %+v, want %+v", c.xs, got, c.want)
		}
	}
}
