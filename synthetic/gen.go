// Package synthetic writes a deterministic synthetic corpus shaped like a national
// CERT's: about 200 states with their ISO 3166-1 codes, ministries, cyber
// agencies, news agencies and spokespeople, and N incidents, each reported by
// its own Arabic or English document with 1 to 5 attribution claims and 0 to
// 6 responses, every fact cited into the document's text. A few hub states
// attribute, respond and get blamed far more often than the rest, as in the
// real record. The same seed and N always give the same records, byte for
// byte, and incident i is the same whatever N is, so the 1k corpus is the
// first thousand incidents of the 10k one.
//
// It is for benchmarks and demos: the facts are invented, the shape is not.
package synthetic

import (
	"bufio"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

// CreatedBy marks every generated fact, so nobody mistakes it for a real one.
const CreatedBy = "gen"

// States is how many states the corpus holds.
const States = 200

// hubs are the states that attribute, respond and are blamed far more often
// than the rest, most active first. Their Arabic names are used in Arabic
// documents; other states appear under their English short name.
var hubs = []struct{ code, ar string }{
	{"US", "الولايات المتحدة"}, {"GB", "المملكة المتحدة"}, {"IR", "إيران"},
	{"RU", "روسيا"}, {"CN", "الصين"}, {"KP", "كوريا الشمالية"},
	{"IL", "إسرائيل"}, {"UA", "أوكرانيا"}, {"AL", "ألبانيا"},
	{"FR", "فرنسا"}, {"DE", "ألمانيا"}, {"AU", "أستراليا"},
}

// hubWeight is how much more often a hub is picked than any other state.
const hubWeight = 40

// blamedPool are the states most often blamed, with their weights.
var blamedPool = []struct {
	code   string
	weight int
}{{"RU", 30}, {"CN", 25}, {"IR", 25}, {"KP", 15}}

// newsAgencies report the generated documents.
var newsAgencies = []string{"Agence France-Presse", "Reuters", "Anadolu Agency", "Associated Press"}

// Corpus is the fixed part of a generated graph (states, organizations,
// people and their reference documents) and the means to write incidents.
type Corpus struct {
	seed   uint64
	states []state
	pick   []int // state indexes, hubs repeated hubWeight times
	byCode map[string]int
	blamed []int // state indexes, weighted by blamedPool
	news   []string
	fixed  []store.Node
	edges  []store.Edge
}

type state struct {
	code, en, ar string
	id           string
	ministry     string   // organization ID
	agency       string   // organization ID of its cyber agency; "" for non-hubs
	people       []string // spokespeople IDs
}

// New prepares the corpus of seed s: the states and the organizations and
// people who speak for them.
func New(s uint64) (*Corpus, error) {
	iso, err := fs.ReadFile(seed.Files(), "iso3166-1.txt")
	if err != nil {
		return nil, fmt.Errorf("gen: read ISO 3166-1 list: %w", err)
	}
	c := &Corpus{seed: s, byCode: map[string]int{}}
	isoDoc := store.Node{ID: store.NodeID(ontology.Document, "iso3166-1"), Type: ontology.Document, Props: store.Props{
		"title": "ISO 3166-1 country names (alpha-2 code, English short name)", "language": "en",
		"media_type": "text/plain", "kind": "REFERENCE", "sources": []any{}, "file": "iso3166-1.txt", "text": string(iso),
	}}
	isoDoc.Citations, err = resolve(&isoDoc, isoDoc.Props.String("title"))
	if err != nil {
		return nil, err
	}
	// Hubs first, then the list in file order, until there are States.
	names := map[string]string{}
	var order []string
	sc := bufio.NewScanner(strings.NewReader(string(iso)))
	for sc.Scan() {
		code, en, ok := strings.Cut(sc.Text(), "\t")
		if ok && len(code) == 2 {
			names[code] = en
			order = append(order, code)
		}
	}
	ar := map[string]string{}
	var codes []string
	for _, h := range hubs {
		ar[h.code] = h.ar
		codes = append(codes, h.code)
	}
	for _, code := range order {
		if len(codes) == States {
			break
		}
		if _, hub := ar[code]; !hub {
			codes = append(codes, code)
		}
	}
	// The directory is the reference document that names every ministry,
	// agency and spokesperson, so that they too are cited to source text.
	var dir strings.Builder
	dir.WriteString("Directory of government bodies and spokespeople (synthetic)\n\n")
	for i, code := range codes {
		en := names[code]
		if en == "" {
			return nil, fmt.Errorf("gen: state %s is not in the ISO 3166-1 list", code)
		}
		st := state{code: code, en: en, ar: ar[code], id: store.NodeID(ontology.State, code)}
		if st.ar == "" {
			st.ar = en
		}
		st.ministry = store.NodeID(ontology.Organization, "gen-mfa-"+code)
		fmt.Fprintf(&dir, "[%s] Ministry of Foreign Affairs of %s.\n", code, en)
		if i < len(hubs) {
			st.agency = store.NodeID(ontology.Organization, "gen-ncsc-"+code)
			fmt.Fprintf(&dir, "[%s] National Cyber Security Centre of %s.\n", code, en)
			for p := 1; p <= 3; p++ {
				st.people = append(st.people, store.NodeID(ontology.Person, fmt.Sprintf("gen-%s-%d", code, p)))
				fmt.Fprintf(&dir, "[%s] Spokesperson %d of the Ministry of Foreign Affairs of %s.\n", code, p, en)
			}
		}
		c.byCode[code] = len(c.states)
		c.states = append(c.states, st)
		w := 1
		if i < len(hubs) {
			w = hubWeight
		}
		for range w {
			c.pick = append(c.pick, i)
		}
	}
	for _, b := range blamedPool {
		for range b.weight {
			c.blamed = append(c.blamed, c.byCode[b.code])
		}
	}
	for _, n := range newsAgencies {
		fmt.Fprintf(&dir, "News agency: %s.\n", n)
	}
	dirDoc := store.Node{ID: store.NodeID(ontology.Document, "gen-directory"), Type: ontology.Document, Props: store.Props{
		"title": "Directory of government bodies and spokespeople (synthetic)", "language": "en",
		"media_type": "text/plain", "kind": "REFERENCE", "sources": []any{}, "text": dir.String(),
	}}
	if dirDoc.Citations, err = resolve(&dirDoc, dirDoc.Props.String("title")); err != nil {
		return nil, err
	}
	c.fixed = append(c.fixed, isoDoc, dirDoc)
	for _, st := range c.states {
		cs, err := resolve(&isoDoc, st.code+"\t"+st.en)
		if err != nil {
			return nil, err
		}
		c.fixed = append(c.fixed, store.Node{ID: st.id, Type: ontology.State, Props: store.Props{
			"code": st.code, "name_en": st.en, "name_ar": st.ar, "aliases": []any{},
		}, Citations: cs})
		mq := fmt.Sprintf("[%s] Ministry of Foreign Affairs of %s.", st.code, st.en)
		if err := c.org(&dirDoc, st.ministry, "Ministry of Foreign Affairs of "+st.en, "GOVERNMENT_BODY", mq, st.id); err != nil {
			return nil, err
		}
		if st.agency != "" {
			aq := fmt.Sprintf("[%s] National Cyber Security Centre of %s.", st.code, st.en)
			if err := c.org(&dirDoc, st.agency, "National Cyber Security Centre of "+st.en, "SECURITY_AGENCY", aq, st.id); err != nil {
				return nil, err
			}
		}
		for p, id := range st.people {
			q := fmt.Sprintf("[%s] Spokesperson %d of the Ministry of Foreign Affairs of %s.", st.code, p+1, st.en)
			cs, err := resolve(&dirDoc, q)
			if err != nil {
				return nil, err
			}
			c.fixed = append(c.fixed, store.Node{ID: id, Type: ontology.Person, Props: store.Props{
				"name_en": fmt.Sprintf("Spokesperson %d, %s", p+1, st.en), "role_en": "spokesperson",
			}, Citations: cs})
			c.edges = append(c.edges, edge(ontology.MemberOf, id, st.ministry, cs))
		}
	}
	for _, n := range newsAgencies {
		id := store.NodeID(ontology.Organization, "gen-news-"+n)
		c.news = append(c.news, id)
		cs, err := resolve(&dirDoc, "News agency: "+n+".")
		if err != nil {
			return nil, err
		}
		c.fixed = append(c.fixed, store.Node{ID: id, Type: ontology.Organization, Props: store.Props{
			"name_en": n, "kind": "NEWS_AGENCY", "aliases": []any{},
		}, Citations: cs})
	}
	for i := range c.fixed {
		c.fixed[i].CreatedBy = CreatedBy
	}
	for i := range c.edges {
		c.edges[i].CreatedBy = CreatedBy
	}
	return c, nil
}

// org adds an organization that is part of, and located in, state.
func (c *Corpus) org(doc *store.Node, id, name, kind, quote, state string) error {
	cs, err := resolve(doc, quote)
	if err != nil {
		return err
	}
	c.fixed = append(c.fixed, store.Node{ID: id, Type: ontology.Organization, Props: store.Props{
		"name_en": name, "kind": kind, "aliases": []any{},
	}, Citations: cs})
	c.edges = append(c.edges, edge(ontology.PartOf, id, state, cs), edge(ontology.LocatedIn, id, state, cs))
	return nil
}

// resolve cites quote in doc with cite.Resolve, the same resolver facts
// files go through.
func resolve(doc *store.Node, quote string) ([]store.Citation, error) {
	sp, err := cite.Resolve(doc.Props.String("text"), cite.Quote{Exact: quote})
	if err != nil {
		return nil, fmt.Errorf("gen: cite %q: %w", quote, err)
	}
	return []store.Citation{{Document: doc.ID, Exact: sp.Exact, Prefix: sp.Prefix, Suffix: sp.Suffix, Start: sp.Start, End: sp.End}}, nil
}

func edge(typ, from, to string, cs []store.Citation) store.Edge {
	return store.Edge{ID: store.EdgeID(typ, from, to), Type: typ, From: from, To: to, Props: store.Props{}, Citations: cs, Meta: store.Meta{CreatedBy: CreatedBy}}
}

// Fixed returns the records every corpus starts with: the reference
// documents, states, organizations and people, and their links.
func (c *Corpus) Fixed() ([]store.Node, []store.Edge) { return c.fixed, c.edges }

// StateID returns the node ID of the state with ISO code code.
func StateID(code string) string { return store.NodeID(ontology.State, code) }

// IncidentID returns the node ID of incident i (counting from 1).
func IncidentID(i int) string { return store.NodeID(ontology.Incident, incidentKey(i)) }

// AttributionID returns the node ID of attribution a (from 1) of incident i.
func AttributionID(i, a int) string {
	return store.NodeID(ontology.Attribution, fmt.Sprintf("%s-a%d", incidentKey(i), a))
}

func incidentKey(i int) string { return fmt.Sprintf("gen-%07d", i) }

// rng returns the random source of incident i: its own stream, so incident
// i does not depend on how many incidents come before or after it.
func (c *Corpus) rng(i int) *rand.Rand {
	return rand.New(rand.NewPCG(c.seed, uint64(i)))
}
