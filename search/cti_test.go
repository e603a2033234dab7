package search

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
)

// A vendor's or a catalogue's name for a group finds the group, and a
// duplicate's revoked name finds what replaced it.
func TestSearchByAliasFindsTheActor(t *testing.T) {
	st := seedtest.Open(t, t.TempDir(), store.Options{})
	data, err := os.ReadFile("../testdata/attack-ics/ics-attack.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(st, data); err != nil {
		t.Fatal(err)
	}
	x, err := Open(filepath.Join(t.TempDir(), "search.bleve"), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	for _, c := range []struct{ query, typ, want, field string }{
		{"Seashell Blizzard", "ThreatActor", "Sandworm Team", "alias"},
		{"APT44", "ThreatActor", "Sandworm Team", "alias"},
		{"APT34", "ThreatActor", "OilRig", "alias"},
		{"Hazel Sandstorm", "ThreatActor", "OilRig", "alias"},
		{"Dragonfly 2.0", "ThreatActor", "Dragonfly", "alias"},
		{"XENOTIME", "ThreatActor", "TEMP.Veles", "alias"},
		{"T0831", "AttackPattern", "Manipulation of Control", "alias"},
		{"Industroyer", "Malware", "Industroyer", "name"},
	} {
		res, err := x.Search(Query{Reader: x.as("RED"), Text: c.query, Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Errorf("%s: no hit", c.query)
			continue
		}
		h := res.Hits[0]
		var name, typ string
		if err := st.View(func(tx *store.Txn) error {
			n, err := tx.Node(h.ID)
			if err == nil {
				name, typ = n.Props.String("name_en"), n.Type
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if typ != c.typ || name != c.want || !slices.Contains(h.Fields, c.field) {
			t.Errorf("%s: first hit %s %q matched in %v, want %s %q matched in its %s", c.query, typ, name, h.Fields, c.typ, c.want, c.field)
		}
	}
}

// An Arabic alias is normalised like every Arabic name: typed without
// hamza, with taa marbuta as haa, it still finds its actor.
func TestArabicAliasIsNormalised(t *testing.T) {
	st, x := seeded(t)
	e := edit.New(st)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc, err := e.AddDocument(alice, edit.Document{Title: "بيان", Language: "ar",
		Text: "بيان\n\nأعلنت مجموعة «عدالة الوطن» مسؤوليتها عن الهجوم على الحكومة الألبانية."}, edit.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := e.UpsertThreatActor(alice, edit.ThreatActor{Key: "homeland-justice", NameEn: "HomeLand Justice", Kind: "PERSONA",
		Aliases: []edit.Alias{{Text: "عدالة الوطن", Lang: "ar", Source: "the group's own statement"}},
		Cite:    []edit.Quote{{Document: doc.ID, Exact: "مجموعة «عدالة الوطن»"}}}, edit.Opts{})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(Query{Reader: x.as("RED"), Text: "عداله الوطن", Types: []string{"ThreatActor"}, Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != actor.ID || !slices.Contains(res.Hits[0].Fields, "alias") {
		t.Errorf("hits %+v, want HomeLand Justice by its Arabic alias", res.Hits)
	}
}
