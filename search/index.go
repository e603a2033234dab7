// Package search keeps a full-text index of the graph, derived from the
// store: names, aliases (capital-city metonyms included), roles, document
// text and citation quotes, analysed as Arabic (hamza and alef forms, taa
// marbuta, alef maksura, tashkeel and tatweel normalised, light stemming) or
// English (stemming). It knows nothing of GraphQL.
//
// The index lives beside the store and follows its change log: it records
// the last change number it applied, replays the log at start and after
// every commit (Follow), and rebuilds itself when it cannot replay (missing,
// unreadable, built by another version, or ahead of the store).
package search

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/unicodenorm"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Internal keys of the bleve index.
var (
	internalSeq     = []byte("store_seq")
	internalVersion = []byte("mapping_version")
)

// mappingVersion changes whenever the mapping or fields change; an index
// built with another version is rebuilt.
// Version 3 added the markings and the cited documents, and lists every
// citation in both quote fields; version 4 a document's English title and
// summary; version 5 threat actors, campaigns, malware, tools and attack
// patterns, with their aliases; version 6 stances and their words.
const mappingVersion = "6"

// batchSize is how many nodes one bleve batch indexes during a rebuild.
const batchSize = 200

// Index is the search index of one store.
type Index struct {
	path string
	st   *store.Store
	log  *slog.Logger

	mu  sync.RWMutex // guards idx; held for writing while it is replaced
	idx bleve.Index

	applyMu sync.Mutex // serialises catch-ups and rebuilds

	// reads counts the node records searches read, so that tests can see
	// that a reader's rule costs no read per match.
	reads atomic.Int64
}

// Open opens the index at path over st, creating or rebuilding it as
// needed, and brings it level with the store. It does not follow later
// commits; call Follow for that.
func Open(path string, st *store.Store, log *slog.Logger) (*Index, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	x := &Index{path: path, st: st, log: log}
	idx, err := bleve.Open(path)
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		log.Info("search index missing; building it", "path", path)
		return x, x.Rebuild(nil)
	case err != nil:
		log.Warn("search index unreadable; rebuilding it", "path", path, "err", err)
		return x, x.Rebuild(nil)
	}
	x.idx = idx
	if v, err := idx.GetInternal(internalVersion); err != nil || string(v) != mappingVersion {
		log.Info("search index built by another version; rebuilding it", "path", path)
		return x, x.Rebuild(nil)
	}
	return x, x.CatchUp()
}

// Build replaces whatever index is at path with one built from the whole
// store, reporting progress as Rebuild does.
func Build(path string, st *store.Store, log *slog.Logger, progress func(done, total int)) (*Index, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	x := &Index{path: path, st: st, log: log}
	if err := x.Rebuild(progress); err != nil {
		return nil, err
	}
	return x, nil
}

// Close closes the index.
func (x *Index) Close() error {
	x.applyMu.Lock() // let a catch-up in flight finish first
	defer x.applyMu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		return nil
	}
	err := x.idx.Close()
	x.idx = nil
	if err != nil {
		return fmt.Errorf("close search index: %w", err)
	}
	return nil
}

// Follow keeps the index level with every later commit to the store, until
// the index is closed. A failure is logged and repaired at the next catch-up or start: the change
// log still holds what was missed.
func (x *Index) Follow() {
	x.st.Subscribe(func(store.Commit) {
		if x.current() == nil {
			return // closed
		}
		if err := x.CatchUp(); err != nil {
			x.log.Error("search index could not catch up; it will retry at the next change or start", "err", err)
		}
	})
}

// CatchUp applies the store's change log since the last change the index
// applied; it rebuilds when the index is ahead of the store (the store was
// replaced) or the log cannot be replayed.
func (x *Index) CatchUp() error {
	x.applyMu.Lock()
	defer x.applyMu.Unlock()
	idx := x.current()
	if idx == nil {
		return errors.New("search index is closed")
	}
	have, err := appliedSeq(idx)
	if err != nil {
		x.log.Warn("search index has no readable position; rebuilding it", "err", err)
		return x.rebuild(nil)
	}
	var (
		seq     uint64
		changes []store.Commit
		docs    = map[string]map[string]any{} // nil: remove from the index
	)
	err = x.st.View(func(tx *store.Txn) error {
		var err error
		if seq, err = tx.CommitSeq(); err != nil || seq <= have {
			return err
		}
		if changes, err = tx.CommitsSince(have); err != nil {
			return err
		}
		infos := newDocInfos(tx)
		index := func(id string) error {
			n, err := tx.Node(id)
			switch {
			case errors.Is(err, store.ErrNotFound):
				docs[id] = nil
			case err != nil:
				return err
			case n.Retraction != nil:
				docs[id] = nil
			default:
				docs[id] = doc(n, infos.of)
			}
			return nil
		}
		var changedDocs []string
		for _, c := range changes {
			for _, id := range c.Nodes {
				if err := index(id); err != nil {
					return err
				}
				if t, _, err := store.DecodeNodeID(id); err == nil && t == "Document" {
					changedDocs = append(changedDocs, id)
				}
			}
		}
		// A node indexes the marking and language of every document it
		// cites: when one of them changed (or appeared, or went), the
		// nodes citing it are indexed again from this snapshot.
		citers, err := citing(idx, changedDocs)
		if err != nil {
			return err
		}
		for _, id := range citers {
			if _, done := docs[id]; done {
				continue
			}
			if err := index(id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("search index: read changes: %w", err)
	}
	if seq < have || (seq > have && (len(changes) == 0 || changes[0].Seq != have+1)) {
		x.log.Warn("search index does not match the store's change log; rebuilding it", "index_seq", have, "store_seq", seq)
		return x.rebuild(nil)
	}
	if seq == have {
		return nil
	}
	b := idx.NewBatch()
	for id, d := range docs {
		if d == nil {
			b.Delete(id)
			continue
		}
		if err := b.Index(id, d); err != nil {
			return fmt.Errorf("search index: node %s: %w", id, err)
		}
	}
	b.SetInternal(internalSeq, binary.BigEndian.AppendUint64(nil, seq))
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("search index: apply changes %d..%d: %w", have+1, seq, err)
	}
	return nil
}

// Rebuild replaces the index with one built from the whole store. progress,
// when not nil, is called with the nodes indexed so far and the total.
func (x *Index) Rebuild(progress func(done, total int)) error {
	x.applyMu.Lock()
	defer x.applyMu.Unlock()
	return x.rebuild(progress)
}

func (x *Index) rebuild(progress func(done, total int)) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx != nil {
		if err := x.idx.Close(); err != nil {
			x.log.Warn("close search index before rebuilding", "err", err)
		}
		x.idx = nil
	}
	if err := os.RemoveAll(x.path); err != nil {
		return fmt.Errorf("search index: remove %s: %w", x.path, err)
	}
	idx, err := bleve.New(x.path, newMapping())
	if err != nil {
		return fmt.Errorf("search index: create %s: %w", x.path, err)
	}
	if err := x.fill(idx, progress); err != nil {
		idx.Close()
		return err
	}
	x.idx = idx
	return nil
}

// fill indexes every node of one store snapshot and records its change
// number, so a catch-up starts exactly where the snapshot ends.
func (x *Index) fill(idx bleve.Index, progress func(done, total int)) error {
	return x.st.View(func(tx *store.Txn) error {
		seq, err := tx.CommitSeq()
		if err != nil {
			return err
		}
		var ids []string
		for _, t := range nodeTypes {
			got, err := tx.NodeIDsByType(t)
			if err != nil {
				return err
			}
			ids = append(ids, got...)
		}
		infos := newDocInfos(tx)
		b := idx.NewBatch()
		for i, id := range ids {
			n, err := tx.Node(id)
			if err != nil {
				return fmt.Errorf("search index: %w", err)
			}
			if n.Retraction == nil {
				if err := b.Index(id, doc(n, infos.of)); err != nil {
					return fmt.Errorf("search index: node %s: %w", id, err)
				}
			}
			if b.Size() >= batchSize || i == len(ids)-1 {
				if i == len(ids)-1 {
					b.SetInternal(internalSeq, binary.BigEndian.AppendUint64(nil, seq))
					b.SetInternal(internalVersion, []byte(mappingVersion))
				}
				if err := idx.Batch(b); err != nil {
					return fmt.Errorf("search index: write batch: %w", err)
				}
				b.Reset()
			}
			if progress != nil {
				progress(i+1, len(ids))
			}
		}
		if len(ids) == 0 {
			b.SetInternal(internalSeq, binary.BigEndian.AppendUint64(nil, seq))
			b.SetInternal(internalVersion, []byte(mappingVersion))
			if err := idx.Batch(b); err != nil {
				return fmt.Errorf("search index: write batch: %w", err)
			}
		}
		return nil
	})
}

// nodeTypes are the node types the index covers: every one a source
// speaks of, with the threat-intelligence types and their aliases.
var nodeTypes = append([]string{"Document", "State", "Organization", "Person", "Incident", "Attribution", "Response", "Statement", ontology.Stance},
	ontology.CTITypes...)

func (x *Index) current() bleve.Index {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.idx
}

// Count returns how many nodes the index holds.
func (x *Index) Count() (uint64, error) {
	idx := x.current()
	if idx == nil {
		return 0, errors.New("search index is closed")
	}
	n, err := idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count indexed nodes: %w", err)
	}
	return n, nil
}

// Seq returns the last store change the index has applied.
func (x *Index) CommitSeq() (uint64, error) {
	idx := x.current()
	if idx == nil {
		return 0, errors.New("search index is closed")
	}
	return appliedSeq(idx)
}

func appliedSeq(idx bleve.Index) (uint64, error) {
	if idx == nil {
		return 0, errors.New("search index is closed")
	}
	v, err := idx.GetInternal(internalSeq)
	if err != nil {
		return 0, fmt.Errorf("read applied change number: %w", err)
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("applied change number is malformed (%d bytes)", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// newMapping analyses each field by its language; the node type is a
// keyword for filtering. Term vectors are kept so hits come with their
// positions, from which snippets and document offsets are made.
func newMapping() *mapping.IndexMappingImpl {
	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{fieldType, fieldMarking, fieldCited, fieldCites} {
		kw := bleve.NewKeywordFieldMapping()
		kw.Analyzer = keyword.Name
		kw.Store, kw.IncludeInAll, kw.DocValues = false, false, false
		dm.AddFieldMappingsAt(f, kw)
	}
	for _, f := range fieldOrder {
		a := en.AnalyzerName
		if lang(f[len(f)-2:]) == "ar" {
			a = arabicAnalyzer
		}
		dm.AddFieldMappingsAt(f, text(a))
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = dm
	m.DefaultAnalyzer = en.AnalyzerName
	if err := addArabic(m); err != nil {
		// The definitions are constants: failing here is a programming error.
		panic(fmt.Sprintf("search mapping: %v", err))
	}
	return m
}

// arabicAnalyzer is bleve's ar analyzer with two letters mapped first:
// Persian yeh (ی) and keheh (ک) to Arabic yeh (ي) and kaf (ك), so that a
// word typed on a Persian keyboard, «ایران», finds the Arabic «إيران». The
// ar analyzer alone treats them as different letters. Each pair is two
// bytes in UTF-8, so the byte offsets hits report stay exact.
const arabicAnalyzer = "ar_fa"

func addArabic(m *mapping.IndexMappingImpl) error {
	for name, pair := range map[string][2]string{"fa_yeh": {`\x{06CC}`, "\u064A"}, "fa_keheh": {`\x{06A9}`, "\u0643"}} {
		err := m.AddCustomCharFilter(name, map[string]any{"type": regexp.Name, "regexp": pair[0], "replace": pair[1]})
		if err != nil {
			return err
		}
	}
	if err := m.AddCustomTokenFilter("nfkc", map[string]any{"type": unicodenorm.Name, "form": unicodenorm.NFKC}); err != nil {
		return err
	}
	// The ar analyzer's own chain (see bleve analysis/lang/ar), after the
	// char filters.
	return m.AddCustomAnalyzer(arabicAnalyzer, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{"fa_yeh", "fa_keheh"},
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, "nfkc", ar.StopName, ar.NormalizeName, ar.StemmerName},
	})
}

// docInfos remembers what indexing needs of each cited document.
type docInfos struct {
	tx    *store.Txn
	infos map[string]docInfo
}

func newDocInfos(tx *store.Txn) docInfos {
	return docInfos{tx: tx, infos: map[string]docInfo{}}
}

func (c docInfos) of(doc string) docInfo {
	if d, ok := c.infos[doc]; ok {
		return d
	}
	var d docInfo
	if n, err := c.tx.Node(doc); err == nil {
		d = docInfo{found: true, marking: n.Marking, language: n.Props.String("language")}
	}
	c.infos[doc] = d
	return d
}

// citingBatch is how many documents one request for their citers names.
const citingBatch = 512

// citing returns the IDs of the indexed nodes that cite any of docs.
func citing(idx bleve.Index, docs []string) ([]string, error) {
	var out []string
	for len(docs) > 0 {
		part := docs[:min(len(docs), citingBatch)]
		docs = docs[len(part):]
		var qs []query.Query
		for _, d := range part {
			t := bleve.NewTermQuery(d)
			t.SetField(fieldCites)
			qs = append(qs, t)
		}
		q := bleve.NewDisjunctionQuery(qs...)
		for from, size := 0, 1000; ; from += size {
			req := bleve.NewSearchRequestOptions(q, size, from, false)
			req.Score = "none"
			req.SortBy([]string{"_id"}) // a stable order to page through
			res, err := idx.Search(req)
			if err != nil {
				return nil, fmt.Errorf("search index: find nodes citing changed documents: %w", err)
			}
			for _, h := range res.Hits {
				out = append(out, h.ID)
			}
			if len(res.Hits) < size {
				break
			}
		}
	}
	return out, nil
}
