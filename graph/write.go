package graph

import (
	"context"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/graph/model"
)

// This file converts GraphQL write inputs into edit inputs; the rules
// live in package edit.

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func boolean(p *bool) bool { return p != nil && *p }

func opts(marking, key *string) edit.Opts {
	return edit.Opts{Marking: str(marking), IdempotencyKey: str(key)}
}

func quotes(in []*model.QuoteInput) []edit.Quote {
	out := make([]edit.Quote, len(in))
	for i, q := range in {
		out[i] = edit.Quote{Document: q.Document, Exact: q.Exact, Prefix: str(q.Prefix), Suffix: str(q.Suffix)}
	}
	return out
}

func dated(date string, precision *string, inferred *bool, basis *string) edit.Dated {
	return edit.Dated{Date: date, Precision: str(precision), Inferred: boolean(inferred), Basis: str(basis)}
}

// written loads what a mutation wrote, as model type T, for its reply.
func written[T model.Node](ctx context.Context, r *Resolver, res edit.Result, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, writeErr(err)
	}
	n, err := r.node(ctx, res.ID)
	if err != nil {
		return zero, err
	}
	t, ok := n.(T)
	if !ok {
		// Written, but hidden from this request: retracted earlier (an
		// idempotent replay) or marked above the writer's clearance.
		return zero, errNotFound("written record (retracted or not visible to you)", res.ID)
	}
	return t, nil
}

func principal(ctx context.Context) auth.Principal { return auth.FromContext(ctx) }

func documentInput(in model.DocumentInput) edit.Document {
	return edit.Document{Key: str(in.Key), Title: in.Title, Text: in.Text, Language: in.Language,
		Published: str(in.Published), Publisher: str(in.Publisher), Kind: str(in.Kind), Sources: in.Sources}
}

func stateInput(in model.StateInput) edit.State {
	return edit.State{Code: in.Code, NameEn: str(in.NameEn), NameAr: str(in.NameAr), Region: str(in.Region), Cite: quotes(in.Cite)}
}

func organizationInput(in model.OrganizationInput) edit.Organization {
	return edit.Organization{Key: in.Key, NameEn: in.NameEn, NameAr: str(in.NameAr), Kind: in.Kind,
		PartOf: in.PartOf, LocatedIn: in.LocatedIn, Cite: quotes(in.Cite)}
}

func personInput(in model.PersonInput) edit.Person {
	return edit.Person{Key: in.Key, NameEn: in.NameEn, NameAr: str(in.NameAr), RoleEn: str(in.RoleEn),
		RoleAr: str(in.RoleAr), MemberOf: in.MemberOf, Cite: quotes(in.Cite)}
}

func incidentInput(in model.IncidentInput) edit.Incident {
	return edit.Incident{Key: in.Key, NameEn: in.NameEn, NameAr: str(in.NameAr), Kind: in.Kind, Targets: in.Targets,
		Dated: dated(in.Date, in.DatePrecision, in.DateInferred, in.DateBasis), Cite: quotes(in.Cite)}
}

func attributionInput(in model.AttributionInput) edit.Attribution {
	return edit.Attribution{Key: str(in.Key), Dated: dated(in.Date, in.DatePrecision, in.DateInferred, in.DateBasis),
		Attributor: in.Attributor, Blamed: in.Blamed, Incident: in.Incident, Via: in.Via, Band: in.Band,
		CertaintyText: str(in.CertaintyText), CertaintyEn: str(in.CertaintyEn), Involvement: in.Involvement,
		BasisText: str(in.BasisText), BasisEn: str(in.BasisEn), Cite: quotes(in.Cite)}
}

func responseInput(in model.ResponseInput) edit.Response {
	return edit.Response{Key: str(in.Key), Dated: dated(in.Date, in.DatePrecision, in.DateInferred, in.DateBasis),
		Kind: in.Kind, Summary: in.Summary, Actor: in.Actor, Targets: in.Targets, Incident: str(in.Incident),
		Follows: in.Follows, Via: in.Via, Deadline: str(in.Deadline), Effective: str(in.Effective), Cite: quotes(in.Cite)}
}

func statementInput(in model.StatementInput) edit.Statement {
	return edit.Statement{Key: str(in.Key), Dated: dated(in.Date, in.DatePrecision, in.DateInferred, in.DateBasis),
		Kind: in.Kind, Summary: in.Summary, Text: str(in.Text), Speaker: in.Speaker, OnBehalfOf: in.OnBehalfOf,
		About: in.About, Cite: quotes(in.Cite)}
}

func assessmentInput(in model.AssessmentInput) edit.Assessment {
	return edit.Assessment{Key: str(in.Key), Judgement: in.Judgement, Band: in.Confidence, About: in.About, Cite: quotes(in.Cite)}
}
