package graph

import (
	"context"
	"errors"
	"strconv"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// This file converts GraphQL write inputs into edit inputs (the rules live
// in package edit), edit errors into GraphQL errors, and audit entries into
// Changes.

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
		if q.Role != nil {
			out[i].Role = string(*q.Role)
		}
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
		Published: str(in.Published), Publisher: str(in.Publisher), Kind: str(in.Kind), Sources: in.Sources,
		TitleEn: str(in.TitleEn), SummaryEn: str(in.SummaryEn), Translator: str(in.Translator)}
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
	return edit.Incident{Key: in.Key, NameEn: in.NameEn, NameAr: str(in.NameAr), Kind: in.Kind, Targets: in.Targets, PartOf: in.PartOf,
		Dated: dated(in.Date, in.DatePrecision, in.DateInferred, in.DateBasis), Cite: quotes(in.Cite)}
}

func attributionInput(in model.AttributionInput) edit.Attribution {
	return edit.Attribution{Key: str(in.Key), Dated: dated(in.Date, in.DatePrecision, in.DateInferred, in.DateBasis),
		Attributor: in.Attributor, Blamed: in.Blamed, Incident: str(in.Incident), Subject: str(in.Subject), Via: in.Via, Band: in.Band,
		CertaintyText: str(in.CertaintyText), CertaintyEn: str(in.CertaintyEn), Involvement: in.Involvement,
		BasisText: str(in.BasisText), BasisEn: str(in.BasisEn), Cite: quotes(in.Cite)}
}

func aliasInputs(in []*model.AliasInput) []edit.Alias {
	out := make([]edit.Alias, len(in))
	for i, a := range in {
		out[i] = edit.Alias{Text: a.Text, Lang: str(a.Lang), Source: str(a.Source)}
	}
	return out
}

func threatActorInput(in model.ThreatActorInput) edit.ThreatActor {
	return edit.ThreatActor{Key: in.Key, NameEn: in.NameEn, NameAr: str(in.NameAr), Kind: in.Kind,
		Aliases: aliasInputs(in.Aliases), Description: str(in.Description), FirstSeen: str(in.FirstSeen),
		LastSeen: str(in.LastSeen), Motivation: in.Motivation, Sophistication: str(in.Sophistication),
		Uses: in.Uses, Targets: in.Targets, Cite: quotes(in.Cite)}
}

func campaignInput(in model.CampaignInput) edit.Campaign {
	return edit.Campaign{Key: in.Key, NameEn: in.NameEn, NameAr: str(in.NameAr), Aliases: aliasInputs(in.Aliases),
		Description: str(in.Description), FirstSeen: str(in.FirstSeen), LastSeen: str(in.LastSeen),
		Objective: str(in.Objective), Uses: in.Uses, Targets: in.Targets, Cite: quotes(in.Cite)}
}

// softwareInput converts MalwareInput and ToolInput, which have the same
// fields.
func softwareInput(key, name string, aliases []*model.AliasInput, kinds []string, description *string, uses, targets []string, cite []*model.QuoteInput) edit.Software {
	return edit.Software{Key: key, NameEn: name, Aliases: aliasInputs(aliases), Kinds: kinds,
		Description: str(description), Uses: uses, Targets: targets, Cite: quotes(cite)}
}

func attackPatternInput(in model.AttackPatternInput) edit.AttackPattern {
	ids := make([]edit.ExternalID, len(in.ExternalIds))
	for i, x := range in.ExternalIds {
		ids[i] = edit.ExternalID{Source: x.Source, ExternalID: str(x.ExternalID), URL: str(x.URL)}
	}
	return edit.AttackPattern{Key: in.Key, NameEn: in.NameEn, Description: str(in.Description), ExternalIDs: ids,
		Targets: in.Targets, Cite: quotes(in.Cite)}
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

// writeErr turns an edit error into a GraphQL error with a code.
func writeErr(err error) error {
	var fe *edit.FieldError
	var fb *edit.ForbiddenError
	switch {
	case errors.As(err, &fe):
		return &gqlerror.Error{Message: fe.Error(), Extensions: map[string]any{"code": apierr.Validation, "field": fe.Field}}
	case errors.As(err, &fb):
		return &gqlerror.Error{Message: fb.Error(), Extensions: map[string]any{"code": apierr.Forbidden}}
	}
	return err
}

// history returns the visible changes of record id.
func (r *Resolver) history(ctx context.Context, id string) ([]*model.Change, error) {
	var cs []store.Change
	err := r.reader(ctx).View(func(tx *view.Txn) error {
		var err error
		cs, err = tx.History(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]*model.Change, 0, len(cs))
	for i := range cs {
		out = append(out, model.FromChange(&cs[i]))
	}
	return out, nil
}

// change loads the audit entry numbered seq.
func (r *Resolver) change(ctx context.Context, seq uint64) (*model.Change, error) {
	var c *store.Change
	err := r.reader(ctx).View(func(tx *view.Txn) error {
		return tx.Changes(seq-1, func(ch *store.Change) (bool, error) {
			c = ch
			return false, nil
		})
	})
	if err != nil {
		return nil, err
	}
	if c == nil || c.Seq != seq {
		return nil, errNotFound("change", strconv.FormatUint(seq, 10))
	}
	return model.FromChange(c), nil
}
