package importer_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// small is a bundle in the shape vendor reports take: a report, a group
// that targets a sector and a country, a tool, and a claim by a company.
const small = `{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "report", "spec_version": "2.1", "id": "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3", "created": "2024-01-02T00:00:00Z", "modified": "2024-01-02T00:00:00Z", "name": "Storm over the grid", "published": "2024-01-02T00:00:00Z", "object_refs": ["intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29"]},
 {"type": "identity", "spec_version": "2.1", "id": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": "Contoso Security", "identity_class": "organization"},
 {"type": "identity", "spec_version": "2.1", "id": "identity--e8c3b4d2-1a2b-4c3d-9e8f-0a1b2c3d4e5f", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": "Energy", "identity_class": "class", "sectors": ["energy"]},
 {"type": "location", "spec_version": "2.1", "id": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": "Ukraine", "country": "UA"},
 {"type": "intrusion-set", "spec_version": "2.1", "id": "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": "Grid Storm", "aliases": ["Grid Storm", "STORM-9"], "first_seen": "2015-12-23T00:00:00Z", "primary_motivation": "ideology"},
 {"type": "tool", "spec_version": "2.1", "id": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": "PsExec", "tool_types": ["remote-access"]},
 {"type": "attack-pattern", "spec_version": "2.1", "id": "attack-pattern--7e150503-88e7-4861-866b-ff1ac82c4475", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": "Manipulation of Control", "external_references": [{"source_name": "mitre-attack", "external_id": "T0831", "url": "https://attack.mitre.org/techniques/T0831"}]},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--11111111-1111-4111-8111-111111111111", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "relationship_type": "targets", "source_ref": "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29", "target_ref": "identity--e8c3b4d2-1a2b-4c3d-9e8f-0a1b2c3d4e5f"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--22222222-2222-4222-8222-222222222222", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "relationship_type": "targets", "source_ref": "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29", "target_ref": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--33333333-3333-4333-8333-333333333333", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "relationship_type": "uses", "source_ref": "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29", "target_ref": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--44444444-4444-4444-8444-444444444444", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "relationship_type": "uses", "source_ref": "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29", "target_ref": "malware--00000000-0000-4000-8000-000000000000"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--55555555-5555-4555-8555-555555555555", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "relationship_type": "attributed-to", "source_ref": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "target_ref": "attack-pattern--7e150503-88e7-4861-866b-ff1ac82c4475"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--66666666-6666-4666-8666-666666666666", "created": "2024-01-03T00:00:00Z", "modified": "2024-01-03T00:00:00Z", "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff", "relationship_type": "attributed-to", "source_ref": "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29", "target_ref": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64", "description": "shared infrastructure"}
]}`

func TestSTIXBundleTargetsToolsAndCompanyClaims(t *testing.T) {
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	rep, err := importer.Import(s, []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	group := store.NodeID(ontology.ThreatActor, "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29")
	err = s.View(func(tx *store.Txn) error {
		doc, err := tx.Node(rep.Document)
		if err != nil {
			return err
		}
		if doc.Props.String("title") != "Storm over the grid" || doc.Props.String("published") != "2024-01-02" {
			t.Errorf("the report did not become the document's title and date: %v", doc.Props)
		}
		targets := ends(t, tx, group, ontology.Targets)
		if len(targets) != 2 {
			t.Fatalf("group targets %v, want the energy sector and Ukraine", targets)
		}
		sector, err := tx.Node(store.NodeID(ontology.Organization, "identity--e8c3b4d2-1a2b-4c3d-9e8f-0a1b2c3d4e5f"))
		if err != nil || sector.Props.String("kind") != "SECTOR" {
			t.Errorf("sector identity: %v %v", sector, err)
		}
		if uses := ends(t, tx, group, ontology.Uses); len(uses) != 1 || uses[0] != store.NodeID(ontology.Tool, "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f") {
			t.Errorf("group uses %v, want PsExec", uses)
		}
		// "The group works for Ukraine", claimed by the company: its claim.
		claim := store.NodeID(ontology.Attribution, "relationship--66666666-6666-4666-8666-666666666666")
		if by := ends(t, tx, claim, ontology.AttributedBy); len(by) != 1 || by[0] != store.NodeID(ontology.Organization, "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff") {
			t.Errorf("claim by %v, want Contoso Security", by)
		}
		if c := ends(t, tx, claim, ontology.Concerns); len(c) != 1 || c[0] != group {
			t.Errorf("claim concerns %v, want the group", c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, sk := range rep.Skipped {
		reasons[sk.ID] = sk.Reason
	}
	if r := reasons["relationship--44444444-4444-4444-8444-444444444444"]; !strings.Contains(r, "not in the bundle") {
		t.Errorf("a relationship to a ref not in the bundle: reason %q", r)
	}
	if r := reasons["relationship--55555555-5555-4555-8555-555555555555"]; !strings.Contains(r, "attributed-to from Tool to AttackPattern") {
		t.Errorf("attributed-to attrib cannot hold: reason %q", r)
	}
}

func TestBadSTIXBundlesAreRefusedOrReported(t *testing.T) {
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	before := count(t, s)
	dup := strings.Replace(small, `{"type": "tool"`, `{"type": "tool", "spec_version": "2.1", "id": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-05T00:00:00Z", "name": "PsExec v2"},
 {"type": "tool"`, 1)
	for _, c := range []struct {
		name, data string
		is         error
		says       string
	}{
		{"not JSON", `{"type": "bundle", "objects": [`, importer.ErrMalformed, "not JSON"},
		{"same id, different content", dup, importer.ErrMalformed, "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f appears twice with different content"},
	} {
		_, err := importer.Import(s, []byte(c.data))
		if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: got %v, want %v saying %q", c.name, err, c.is, c.says)
		}
	}
	if n := count(t, s); n != before {
		t.Errorf("refused bundles wrote %d nodes", n-before)
	}
	// The same object twice, identical, is one object.
	same := strings.Replace(small, `{"type": "relationship"`, `{"type": "tool", "spec_version": "2.1", "id": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": "PsExec", "tool_types": ["remote-access"]},
 {"type": "relationship"`, 1)
	rep, err := importer.Import(s, []byte(same))
	if err != nil || rep.Kept[ontology.Tool] != 1 {
		t.Errorf("an exact repeat: kept %v, err %v", rep, err)
	}
}

// A 50 MB bundle, far past one transaction, comes in whole: it is
// staged and made live at once.
func TestFiftyMegabyteBundle(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type": "bundle", "id": "bundle--0f5d0a54-0d2b-4b4e-9f57-3a1c2b3d4e5f", "objects": [`)
	pad := strings.Repeat("x", 900)
	n := 0
	for b.Len() < 50<<20 {
		if n > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"type": "malware", "spec_version": "2.1", "id": "malware--%08d-0000-4000-8000-000000000000", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": "m%d", "is_family": true, "description": "%s"}`, n, n, pad)
		n++
	}
	b.WriteString("]}")
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	before := count(t, s)
	rep, err := importer.Import(s, []byte(b.String()))
	if err != nil {
		t.Fatalf("50 MB bundle: %v", err)
	}
	if rep.Kept[ontology.Malware] != n || count(t, s) != before+n+1 {
		t.Errorf("imported %v of %d objects", rep.Kept, n)
	}
}
