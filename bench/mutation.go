package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// MutationQuery is the benchmarked write: a new incident with a target
// and a citation, as an editor, each call under a new key so that every
// call writes.
const MutationQuery = `mutation Upsert($input: IncidentInput!) { upsertIncident(input: $input) { id } }`

// mutationIncidents is the size of the store the mutation runs on: it
// needs documents to cite and states to target, and its cost does not
// depend on the size of the graph (Badger writes to its memtable and log).
const mutationIncidents = 20

// MutationResult compares one mutation, through the whole server as an
// editor, with a raw synced Badger Update of the keys it writes.
type MutationResult struct {
	Keys             int // Badger keys one mutation writes
	InProc, HTTP     Stats
	Raw              Stats // db.Update setting the same keys and values, synced
	StoreIncidents   int
	MutationsWritten int
}

// benchToken is the editor's token of the mutation store; it never leaves
// the process.
const benchToken = "bench-editor-token-0123456789"

// MutationRig is the store, server and input of the benchmarked mutation,
// so that one call can be timed alone (BenchmarkMutationCall) as well as
// measured against the raw Update (MeasureMutation).
type MutationRig struct {
	s    *store.Store
	h    http.Handler
	seq  atomic.Int64
	cite store.Citation
}

// OpenMutation builds the small store of the mutation benchmark under dir.
// Close it when done.
func OpenMutation(dir string) (*MutationRig, error) {
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		return nil, err
	}
	r := &MutationRig{s: s}
	if err := r.setup(); err != nil {
		s.Close()
		return nil, fmt.Errorf("bench: mutation: %w", err)
	}
	return r, nil
}

func (r *MutationRig) setup() error {
	if _, err := synthetic.Load(r.s, synthetic.Options{Seed: 1, Incidents: mutationIncidents}); err != nil {
		return err
	}
	if err := r.s.View(func(tx *store.Txn) error {
		n, err := tx.Node(synthetic.IncidentID(1))
		if err != nil {
			return err
		}
		r.cite = n.Citations[0]
		return nil
	}); err != nil {
		return err
	}
	tokens, err := auth.Parse(strings.NewReader("bench:editor:" + benchToken))
	if err != nil {
		return err
	}
	r.h = server.Handler(server.Config{Store: r.s, Limits: server.DefaultLimits, Tokens: tokens})
	return nil
}

// Close closes the rig's store.
func (r *MutationRig) Close() error { return r.s.Close() }

// next is the body of the next mutation, each under a new key.
func (r *MutationRig) next() ([]byte, error) {
	i := r.seq.Add(1)
	return body(MutationQuery, map[string]any{"input": map[string]any{
		"key": fmt.Sprintf("bench-%d", i), "nameEn": fmt.Sprintf("Benchmark incident %d", i),
		"kind": "CYBERATTACK", "date": "2022-07-15", "targets": []string{synthetic.StateID("AL")},
		"cite": []map[string]any{{"document": r.cite.Document, "exact": r.cite.Exact, "prefix": r.cite.Prefix, "suffix": r.cite.Suffix}},
	}})
}

// Call runs one mutation through the server's handler in process.
func (r *MutationRig) Call() error {
	b, err := r.next()
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+benchToken)
	w := &recorder{header: http.Header{}}
	r.h.ServeHTTP(w, req)
	return checkMutation(max(w.code, http.StatusOK), w.buf.Bytes())
}

func checkMutation(code int, ans []byte) error {
	var a struct {
		Errors []any `json:"errors"`
	}
	if code != http.StatusOK {
		return fmt.Errorf("mutation: status %d: %s", code, ans)
	}
	if err := json.Unmarshal(ans, &a); err != nil || len(a.Errors) > 0 {
		return fmt.Errorf("mutation: %s", ans)
	}
	return nil
}

// MeasureMutation builds a small store under dir and measures the
// mutation in process and over one loopback connection, then the raw
// Update, each count calls or d.
func MeasureMutation(dir string, count int, d time.Duration) (MutationResult, error) {
	res := MutationResult{StoreIncidents: mutationIncidents}
	r, err := OpenMutation(dir)
	if err != nil {
		return res, err
	}
	defer r.Close()
	s, h, next, check, inproc := r.s, r.h, r.next, checkMutation, r.Call

	// The keys one mutation writes: everything newer than the store's
	// version before it.
	db := s.DB()
	v0 := db.MaxVersion()
	if err := inproc(); err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	var kvs [][2][]byte
	if err := db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if it.Item().Version() <= v0 {
				continue
			}
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			kvs = append(kvs, [2][]byte{it.Item().KeyCopy(nil), v})
		}
		return nil
	}); err != nil {
		return res, fmt.Errorf("bench: mutation keys: %w", err)
	}
	res.Keys = len(kvs)

	url, stop, err := listen(h)
	if err != nil {
		return res, err
	}
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	overHTTP := func() error {
		b, err := next()
		if err != nil {
			return err
		}
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+benchToken)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(resp.Body); err != nil {
			return err
		}
		return check(resp.StatusCode, buf.Bytes())
	}
	raw := func() error {
		return db.Update(func(txn *badger.Txn) error {
			for _, kv := range kvs {
				if err := txn.Set(kv[0], kv[1]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	const warm = 5
	if res.InProc, err = Measure(1, count, warm, d, inproc); err != nil {
		return res, fmt.Errorf("bench: mutation in process: %w", err)
	}
	if res.HTTP, err = Measure(1, count, warm, d, overHTTP); err != nil {
		return res, fmt.Errorf("bench: mutation over HTTP: %w", err)
	}
	if res.Raw, err = Measure(1, count, warm, d, raw); err != nil {
		return res, fmt.Errorf("bench: raw update: %w", err)
	}
	res.MutationsWritten = int(r.seq.Load())
	return res, nil
}

// recorder keeps the answer of an in-process request.
type recorder struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(c int)           { r.code = c }
func (r *recorder) Write(p []byte) (int, error) { return r.buf.Write(p) }
