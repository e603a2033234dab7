package bench

import (
	"fmt"
	"io"
	"time"

	"github.com/attrib/attrib/synthetic"
)

// Markdown writes the report as the tables of docs/performance.md.
func (rep *Report) Markdown(w io.Writer, conns int) {
	b := rep.bare()
	fmt.Fprintf(w, "Floors: `{ __typename }` p50 %s in process, %s over HTTP (one connection); gqlgen per output field %s (static schema, %d fields: %s vs %s bare); %d procs.\n\n",
		us(b.InProc.P50), us(b.HTTP.P50), ns(rep.PerField), rep.FloorItemsFields, us(rep.FloorItems.P50), us(rep.FloorBare.P50), rep.Procs)
	fmt.Fprintln(w, "| case | fields | raw (a) p50 | in-proc p50 | p99 | floor a+b+c | ratio | HTTP x1 p50 | p99 | floor a+b+c | ratio |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rep.Cases {
		fl, fh := rep.Floor(r), rep.FloorHTTP(r)
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %.2f | %s | %s | %s | %.2f |\n", r.Name, r.Fields,
			us(r.Raw.P50), us(r.InProc.P50), us(r.InProc.P99), us(fl), ratio(r.InProc.P50, fl),
			us(r.HTTP.P50), us(r.HTTP.P99), us(fh), ratio(r.HTTP.P50, fh))
	}
	if n := len(b.Rounds); n > 0 {
		fmt.Fprintf(w, "\nThe same ratios within each of %d rounds, in which each case was measured right beside its own floors (b) and (c): median (least-greatest).\n\n", n)
		fmt.Fprintln(w, "| case | in-proc p50 ratio | in-proc CPU ratio | HTTP x1 p50 ratio |")
		fmt.Fprintln(w, "|---|--:|--:|--:|")
		for _, r := range rep.Cases {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.Name, rep.spread(r, rep.RoundRatio), rep.spread(r, rep.RoundCPURatio), rep.spread(r, rep.RoundHTTPRatio))
		}
	}
	fmt.Fprintf(w, "\nCPU time per request (process user+system, all threads; steadier than wall time on a shared machine); gqlgen per output field %s CPU.\n\n", ns(rep.PerFieldCPU))
	fmt.Fprintln(w, "| case | raw (a) CPU | in-proc CPU | floor a+b+c CPU | CPU ratio |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
	for _, r := range rep.Cases {
		fc := rep.FloorCPU(r)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %.2f |\n", r.Name, us(r.Raw.CPU), us(r.InProc.CPU), us(fc), ratio(r.InProc.CPU, fc))
	}
	fmt.Fprintf(w, "\n| case | HTTP x%d req/s | p50 | p99 | floor req/s | share of floor |\n|---|--:|--:|--:|--:|--:|\n", conns)
	for _, r := range rep.Cases {
		fps := rep.FloorPerSec(r)
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %.0f | %.2f |\n", r.Name, r.HTTPConc.PerSec, us(r.HTTPConc.P50), us(r.HTTPConc.P99), fps, r.HTTPConc.PerSec/fps)
	}
	for _, r := range rep.Cases {
		if r.Name == "node" {
			fmt.Fprintf(w, "\nnode(id) with citations over HTTP, one connection: p50 %.2fx `{ __typename }` (target 2.5x).\n", ratio(r.HTTP.P50, b.HTTP.P50))
		}
	}
	fmt.Fprintf(w, "\nRSS of the harness process (server and client): idle %d MB, peak under load %d MB.\n", rep.RSSIdle>>20, rep.RSSPeak>>20)
	fmt.Fprintf(w, "\n| heavy case, HTTP x%d | req/s | p50 | p99 | RSS peak | RSS %s after |\n|---|--:|--:|--:|--:|--:|\n", conns, settle)
	for _, r := range rep.Cases {
		if Heavy[r.Name] {
			fmt.Fprintf(w, "| %s | %.0f | %s | %s | %d MB | %d MB |\n", r.Name, r.HTTPConc.PerSec, us(r.HTTPConc.P50), us(r.HTTPConc.P99), r.RSSPeak>>20, r.RSSAfter>>20)
		}
	}
	e := rep.Export
	if e.Records > 0 {
		er, rr := e.Rate(e.HTTP), e.Rate(e.Raw)
		fmt.Fprintf(w, "\n| export, depth %d around %s | records | bytes | p50 | p99 | records/s | MB/s |\n|---|--:|--:|--:|--:|--:|--:|\n", ExportDepth, e.Root)
		fmt.Fprintf(w, "| GET /export native, one connection (n=%d) | %d | %d | %s | %s | %.0f | %.1f |\n", e.HTTP.N, e.Records, e.Bytes, us(e.HTTP.P50), us(e.HTTP.P99), er, float64(e.Bytes)/e.HTTP.P50.Seconds()/1e6)
		fmt.Fprintf(w, "| raw Badger reads with values, same records in key order (n=%d) | %d | | %s | %s | %.0f | |\n", e.Raw.N, e.Records, us(e.Raw.P50), us(e.Raw.P99), rr)
		sr := e.Rate(e.Seq)
		fmt.Fprintf(w, "| raw Badger sequential scan with values, as many records (n=%d) | %d | | %s | %s | %.0f | |\n", e.Seq.N, e.Records, us(e.Seq.P50), us(e.Seq.P99), sr)
		fmt.Fprintf(w, "\nExport rate is %.2f of the raw reads of the same records and %.2f of the sequential scan rate (target at least 0.25); RSS %d MB before, peak %d MB during the exports (growth %d MB).\n",
			er/rr, er/sr, e.RSSBefore>>20, e.RSSPk>>20, (max(e.RSSPk, e.RSSBefore)-e.RSSBefore)>>20)
		if e.Limit > 0 {
			fmt.Fprintf(w, "Under a soft memory limit of the live heap + %d MB (%d MB; what GOMEMLIMIT sets): export p50 %s (n=%d), RSS %d MB before, peak %d MB (growth %d MB).\n",
				exportHeadroom>>20, e.Limit>>20, us(e.Limited.P50), e.Limited.N, e.RSSLimitBefore>>20, e.RSSLimPk>>20, (max(e.RSSLimPk, e.RSSLimitBefore)-e.RSSLimitBefore)>>20)
		}
	}
}

// Markdown writes the mutation comparison.
func (m MutationResult) Markdown(w io.Writer) {
	fmt.Fprintf(w, "| one mutation (upsertIncident with a target and a citation, editor token; %d keys) | n | p50 | p99 | CPU/op |\n|---|--:|--:|--:|--:|\n", m.Keys)
	fmt.Fprintf(w, "| in process, through auth and the handler | %d | %s | %s | %s |\n", m.InProc.N, us(m.InProc.P50), us(m.InProc.P99), us(m.InProc.CPU))
	fmt.Fprintf(w, "| over HTTP, one connection | %d | %s | %s | %s |\n", m.HTTP.N, us(m.HTTP.P50), us(m.HTTP.P99), us(m.HTTP.CPU))
	fmt.Fprintf(w, "| raw synced Badger Update of the same %d keys | %d | %s | %s | %s |\n", m.Keys, m.Raw.N, us(m.Raw.P50), us(m.Raw.P99), us(m.Raw.CPU))
	fmt.Fprintf(w, "\nMutation p50 is %.2fx the raw Update in process, %.2fx over HTTP (target at most 1.5x).\n", ratio(m.InProc.P50, m.Raw.P50), ratio(m.HTTP.P50, m.Raw.P50))
}

// Markdown writes the import comparison.
func (l ImportResult) Markdown(w io.Writer) {
	ir := float64(l.Keys) / l.Import.Seconds()
	rr := float64(l.Keys) / l.Raw.Seconds()
	fmt.Fprintf(w, "| import, native file of %d incidents (%d bytes) | records | keys | time | keys/s |\n|---|--:|--:|--:|--:|\n", l.Incidents, l.Bytes)
	fmt.Fprintf(w, "| importer.Import (parse, verify citations, one synced transaction) | %d | %d | %s | %.0f |\n", l.Records, l.Keys, l.Import.Round(time.Millisecond), ir)
	fmt.Fprintf(w, "| raw Badger WriteBatch, same keys and values | | %d | %s | %.0f |\n", l.Keys, l.Raw.Round(time.Millisecond), rr)
	fmt.Fprintf(w, "\nImport rate is %.2f of the raw WriteBatch rate (target at least 0.33).\n", ir/rr)
}

// Markdown writes the load comparison.
func (l LoadResult) Markdown(w io.Writer) {
	sr := float64(l.Keys) / l.Store.Seconds()
	rr := float64(l.Keys) / l.Raw.Seconds()
	fmt.Fprintf(w, "| bulk load, %d incidents | records | keys | time | keys/s | records/s |\n|---|--:|--:|--:|--:|--:|\n", l.Incidents)
	fmt.Fprintf(w, "| store path (Update, PutNode/PutEdge, synced, %d-incident batches) | %d | %d | %s | %.0f | %.0f |\n",
		synthetic.DefaultBatch, l.Records, l.Keys, l.Store.Round(time.Millisecond), sr, float64(l.Records)/l.Store.Seconds())
	fmt.Fprintf(w, "| raw Badger WriteBatch, same keys and values | | %d | %s | %.0f | |\n", l.Keys, l.Raw.Round(time.Millisecond), rr)
	fmt.Fprintf(w, "\nStore path rate is %.2f of the raw WriteBatch rate (target at least 0.33).\n", sr/rr)
}

func us(d time.Duration) string { return fmt.Sprintf("%.1f µs", float64(d)/1e3) }
func ns(d time.Duration) string { return fmt.Sprintf("%d ns", d.Nanoseconds()) }

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}
