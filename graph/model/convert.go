package model

import (
	"fmt"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// FromNode converts a store record into the model type of its node type,
// with its marking, author and retraction.
func FromNode(n *store.Node) (Node, error) {
	m, err := fromNode(n)
	if err != nil {
		return nil, err
	}
	if a, ok := m.(audited); ok {
		a.setAudit(AuditOf(n.Meta))
	}
	return m, nil
}

func fromNode(n *store.Node) (Node, error) {
	if m, ok := fromCTI(n); ok {
		return m, nil
	}
	p := n.Props
	cs := Citations(n.Citations)
	switch n.Type {
	case ontology.Document:
		text := p.String("text")
		d := &Document{ID: n.ID, Title: p.String("title"), Language: p.String("language"),
			Publisher: optString(p, "publisher"), Sources: p.Strings("sources"),
			MediaType: p.String("media_type"), Kind: p.String("kind"), Text: text,
			Citations: cs, TitleEn: rendering(p["title_en"]), SummaryEn: rendering(p["summary_en"])}
		if s := p.String("published"); s != "" {
			pd := Date(s)
			d.Published = &pd
		}
		if d.MediaType == "" {
			d.MediaType = "text/plain"
		}
		return d, nil
	case ontology.State:
		return &State{ID: n.ID, Code: p.String("code"), Aliases: aliases(p["aliases"]),
			Region: optString(p, "region"), Citations: cs, names: namesOf(p)}, nil
	case ontology.Organization:
		return &Organization{ID: n.ID, Kind: p.String("kind"), Aliases: aliases(p["aliases"]),
			Citations: cs, names: namesOf(p)}, nil
	case ontology.Person:
		return &Person{ID: n.ID, Citations: cs, names: namesOf(p),
			roleEn: p.String("role_en"), roleAr: p.String("role_ar")}, nil
	case ontology.Incident:
		return &Incident{ID: n.ID, Kind: p.String("kind"), Date: dateInfo(p),
			Effects: effects(p["effects"]), Citations: cs, names: namesOf(p)}, nil
	case ontology.Attribution:
		a := &Attribution{ID: n.ID, Date: dateInfo(p), CertaintyText: optString(p, "certainty_text"),
			CertaintyEn: optString(p, "certainty_en"), Band: EstimativeBand(p.String("band")),
			Involvement: p.Strings("involvement"), BasisText: optString(p, "basis_text"),
			BasisEn: optString(p, "basis_en"), Citations: cs}
		if c, ok := ontology.Band(a.Band).Confidence(); ok {
			a.Confidence = &c
		}
		return a, nil
	case ontology.Response:
		return &Response{ID: n.ID, Kind: p.String("kind"), Date: dateInfo(p),
			Summary: p.String("summary_en"), Deadline: optString(p, "deadline"),
			Effective: optString(p, "effective"), Citations: cs}, nil
	case ontology.Assessment:
		return assessment(n), nil
	case ontology.Stance:
		s := &Stance{ID: n.ID, Kind: p.String("kind"), Date: dateInfo(p), Text: optString(p, "text"),
			TextEn: optString(p, "text_en"), Band: EstimativeBand(p.String("band")), Citations: cs}
		if c, ok := ontology.Band(s.Band).Confidence(); ok {
			s.Confidence = &c
		}
		return s, nil
	case ontology.Statement:
		return &Statement{ID: n.ID, Date: dateInfo(p), Summary: p.String("summary_en"),
			Text: optString(p, "text_ar"), Kind: p.String("kind"), Citations: cs}, nil
	}
	return nil, fmt.Errorf("node %s: unknown type %q", n.ID, n.Type)
}

// FromEdge converts a store edge into a Link.
func FromEdge(e *store.Edge) *Link {
	return &Link{ID: e.ID, Type: e.Type, FromID: e.From, ToID: e.To, Citations: Citations(e.Citations), Audit: AuditOf(e.Meta)}
}

// Citations converts store citations.
func Citations(in []store.Citation) []*Citation {
	out := make([]*Citation, len(in))
	for i, c := range in {
		mc := &Citation{DocumentID: c.Document, Exact: c.Exact, Prefix: c.Prefix, Suffix: c.Suffix, Start: c.Start, End: c.End}
		if t := c.Translation; t != nil {
			mc.Translation = &Translation{Lang: t.Lang, Text: t.Text, Translator: t.Translator, Authoritative: t.Authoritative}
		}
		if c.Role != "" {
			r := CitationRole(c.Role)
			mc.Role = &r
		}
		out[i] = mc
	}
	return out
}

func namesOf(p store.Props) names {
	return names{nameEn: p.String("name_en"), nameAr: p.String("name_ar")}
}

func optString(p store.Props, name string) *string {
	if s, ok := p[name].(string); ok && s != "" {
		return &s
	}
	return nil
}

func aliases(v any) []*Alias {
	list, _ := v.([]any)
	out := make([]*Alias, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		p := store.Props(m)
		out = append(out, &Alias{Text: p.String("text"), Lang: p.String("lang"), Kind: p.String("kind"), Source: optString(p, "source")})
	}
	return out
}

func effects(v any) []*Effect {
	list, _ := v.([]any)
	out := make([]*Effect, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		p := store.Props(m)
		out = append(out, &Effect{Kind: p.String("kind"), Status: p.String("status"), en: p.String("text_en"), ar: p.String("text_ar")})
	}
	return out
}

func dateInfo(p store.Props) *DateInfo {
	inferred, _ := p["date_inferred"].(bool)
	return &DateInfo{Date: Date(p.String("date")), Precision: p.String("date_precision"),
		Inferred: inferred, Basis: optString(p, "date_basis")}
}

// rendering reads a document's English rendering ({lang, text, translator}),
// nil when absent. It is never authoritative, whatever the record says.
func rendering(v any) *Translation {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	p := store.Props(m)
	if p.String("text") == "" {
		return nil
	}
	lang := p.String("lang")
	if lang == "" {
		lang = "en"
	}
	return &Translation{Lang: lang, Text: p.String("text"), Translator: p.String("translator")}
}
