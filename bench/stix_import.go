package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

// STIXImportResult compares importer.Import of a STIX bundle (ATT&CK for
// ICS) with the native import of the records it wrote and with Badger's
// WriteBatch of the same keys, all synced, in one run.
type STIXImportResult struct {
	Objects, Records, Keys int
	Bytes, NativeBytes     int
	STIX, Native, Raw      time.Duration
}

// MeasureSTIXImport imports bundle into a new store under dir (timed:
// mapping every object, citing its span, verifying every citation, one
// synced transaction); exports what it wrote as a native file and imports
// that into a second new store (timed); then writes the first store's keys
// and values into a third with a WriteBatch (timed).
func MeasureSTIXImport(dir string, bundle []byte) (STIXImportResult, error) {
	var res STIXImportResult
	var head struct{ Objects []json.RawMessage }
	if err := json.Unmarshal(bundle, &head); err != nil {
		return res, fmt.Errorf("bench: stix import: %w", err)
	}
	res.Objects, res.Bytes = len(head.Objects), len(bundle)

	dst, err := store.Open(filepath.Join(dir, "stix"), store.Options{})
	if err != nil {
		return res, err
	}
	defer dst.Close()
	start := time.Now()
	rep, err := importer.Import(dst, bundle)
	if err != nil {
		return res, fmt.Errorf("bench: stix import: %w", err)
	}
	res.STIX = time.Since(start)
	res.Records = rep.Written

	var file bytes.Buffer
	if err := export.Write(view.New(dst, view.Everything()), subgraph.Request{}, export.Native, &file); err != nil {
		return res, fmt.Errorf("bench: stix import: native copy: %w", err)
	}
	res.NativeBytes = file.Len()
	native, err := store.Open(filepath.Join(dir, "native"), store.Options{})
	if err != nil {
		return res, err
	}
	defer native.Close()
	start = time.Now()
	if _, err := importer.Import(native, file.Bytes()); err != nil {
		return res, fmt.Errorf("bench: stix import: native import: %w", err)
	}
	res.Native = time.Since(start)

	kvs, err := allKeys(dst.DB())
	if err != nil {
		return res, fmt.Errorf("bench: stix import: read back: %w", err)
	}
	res.Keys = len(kvs)
	res.Raw, err = writeBatch(filepath.Join(dir, "raw"), kvs)
	return res, err
}

// Markdown writes the STIX import comparison.
func (l STIXImportResult) Markdown(w io.Writer) {
	fmt.Fprintf(w, "| import of ATT&CK for ICS (%d objects, %d bytes) | records | keys | time | objects/s | records/s |\n|---|--:|--:|--:|--:|--:|\n", l.Objects, l.Bytes)
	fmt.Fprintf(w, "| importer.Import of the STIX bundle (map, cite spans, verify citations, one synced transaction) | %d | %d | %s | %.0f | %.0f |\n",
		l.Records, l.Keys, l.STIX.Round(time.Millisecond), float64(l.Objects)/l.STIX.Seconds(), float64(l.Records)/l.STIX.Seconds())
	fmt.Fprintf(w, "| importer.Import of the same records as a native file (%d bytes) | %d | | %s | | %.0f |\n",
		l.NativeBytes, l.Records, l.Native.Round(time.Millisecond), float64(l.Records)/l.Native.Seconds())
	fmt.Fprintf(w, "| raw Badger WriteBatch, same keys and values | | %d | %s | | %.0f |\n",
		l.Keys, l.Raw.Round(time.Millisecond), float64(l.Records)/l.Raw.Seconds())
	fmt.Fprintf(w, "\nSTIX import rate is %.2f of the native import's and %.2f of the raw WriteBatch's (records/s).\n",
		l.Native.Seconds()/l.STIX.Seconds(), l.Raw.Seconds()/l.STIX.Seconds())
}
