package model

import (
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/query"
	"github.com/attrib/attrib/store"
)

// Audit is what every fact carries besides what its source says.
type Audit struct {
	Marking   string
	CreatedBy *string
	Retracted *Retraction
}

func (a *Audit) setAudit(x Audit) { *a = x }

// Audited is a model value carrying an Audit.
type audited interface{ setAudit(Audit) }

// AuditOf converts a record's meta.
func AuditOf(m store.Meta) Audit {
	a := Audit{Marking: m.Marking}
	if a.Marking == "" {
		a.Marking = "CLEAR"
	}
	if m.CreatedBy != "" {
		by := m.CreatedBy
		a.CreatedBy = &by
	}
	if r := m.Retraction; r != nil {
		a.Retracted = &Retraction{By: r.By, At: r.At, Reason: r.Reason}
	}
	return a
}

// Retraction says who withdrew a fact, when and why.
type Retraction struct {
	By     string
	At     string
	Reason string
}

// Assessment is an analyst's own judgement.
type Assessment struct {
	ID         string
	Judgement  string
	Author     string
	Date       Date
	Confidence EstimativeBand
	// StixConfidence is the STIX 2.1 confidence of the band.
	StixConfidence *int
	References     []*Citation
	Audit
}

func (Assessment) IsAudited() {}

// Change is one entry of the audit trail.
type Change struct {
	Seq      int
	Cursor   string
	At       string
	By       string
	Op       string
	Mutation string
	RecordID string
	Kind     string
	Marking  string
	Before   *string
	After    *string
}

// FromChange converts an audit entry.
func FromChange(c *store.Change) *Change {
	m := &Change{Seq: int(c.Seq), Cursor: query.ChangeCursor(c.Seq), At: c.At, By: c.By, Op: c.Op, Mutation: c.Mutation,
		RecordID: c.Record, Kind: c.Kind, Marking: c.Marking}
	if m.Marking == "" {
		m.Marking = "CLEAR"
	}
	if len(c.Before) > 0 {
		s := string(c.Before)
		m.Before = &s
	}
	if len(c.After) > 0 {
		s := string(c.After)
		m.After = &s
	}
	return m
}

func assessment(n *store.Node) *Assessment {
	p := n.Props
	a := &Assessment{ID: n.ID, Judgement: p.String("judgement"), Author: p.String("author"), Date: Date(p.String("date")),
		Confidence: EstimativeBand(p.String("band")), References: Citations(n.Citations)}
	if c, ok := ontology.Band(a.Confidence).Confidence(); ok {
		a.StixConfidence = &c
	}
	return a
}

func (Document) IsAudited()     {}
func (State) IsAudited()        {}
func (Organization) IsAudited() {}
func (Person) IsAudited()       {}
func (Incident) IsAudited()     {}
func (Attribution) IsAudited()  {}
func (Response) IsAudited()     {}
func (Statement) IsAudited()    {}
func (Link) IsAudited()         {}
