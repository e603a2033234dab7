package edit

import (
	"fmt"
	"strings"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Alias is another name for a threat-intelligence object, with who uses it.
type Alias struct {
	Text   string `json:"text"`
	Lang   string `json:"lang,omitempty"` // en by default
	Source string `json:"source,omitempty"`
}

// ExternalID is an identifier in another catalogue (ATT&CK's T0831).
type ExternalID struct {
	Source     string `json:"source"`
	ExternalID string `json:"external_id,omitempty"`
	URL        string `json:"url,omitempty"`
}

// ThreatActor adds or updates a tracked group, persona or individual.
type ThreatActor struct {
	Key            string   `json:"key"`
	NameEn         string   `json:"name_en"`
	NameAr         string   `json:"name_ar,omitempty"`
	Kind           string   `json:"kind"`
	Aliases        []Alias  `json:"aliases,omitempty"`
	Description    string   `json:"description,omitempty"`
	FirstSeen      string   `json:"first_seen,omitempty"`
	LastSeen       string   `json:"last_seen,omitempty"`
	Motivation     []string `json:"motivation,omitempty"`
	Sophistication string   `json:"sophistication,omitempty"`
	Uses           []string `json:"uses,omitempty"`
	Targets        []string `json:"targets,omitempty"`
	Cite           []Quote  `json:"cite"`
}

// Campaign adds or updates a set of operations over time.
type Campaign struct {
	Key         string   `json:"key"`
	NameEn      string   `json:"name_en"`
	NameAr      string   `json:"name_ar,omitempty"`
	Aliases     []Alias  `json:"aliases,omitempty"`
	Description string   `json:"description,omitempty"`
	FirstSeen   string   `json:"first_seen,omitempty"`
	LastSeen    string   `json:"last_seen,omitempty"`
	Objective   string   `json:"objective,omitempty"`
	Uses        []string `json:"uses,omitempty"`
	Targets     []string `json:"targets,omitempty"`
	Cite        []Quote  `json:"cite"`
}

// Software adds or updates malware or a tool: they differ in type only.
type Software struct {
	Key         string   `json:"key"`
	NameEn      string   `json:"name_en"`
	Aliases     []Alias  `json:"aliases,omitempty"`
	Kinds       []string `json:"kinds,omitempty"`
	Description string   `json:"description,omitempty"`
	Uses        []string `json:"uses,omitempty"`
	Targets     []string `json:"targets,omitempty"`
	Cite        []Quote  `json:"cite"`
}

// AttackPattern adds or updates a technique.
type AttackPattern struct {
	Key         string       `json:"key"`
	NameEn      string       `json:"name_en"`
	Description string       `json:"description,omitempty"`
	ExternalIDs []ExternalID `json:"external_ids,omitempty"`
	Targets     []string     `json:"targets,omitempty"`
	Cite        []Quote      `json:"cite"`
}

// checkAliases validates aliases and turns them into the stored list.
func checkAliases(field string, as []Alias) ([]any, error) {
	out := make([]any, 0, len(as))
	for i, a := range as {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := firstErr(required(f+".text", a.Text, MaxString), checkLen(f+".lang", a.Lang, 35),
			checkLen(f+".source", a.Source, MaxString)); err != nil {
			return nil, err
		}
		lang := a.Lang
		if lang == "" {
			lang = "en"
		}
		m := map[string]any{"text": strings.TrimSpace(a.Text), "lang": lang, "kind": "NAME"}
		if a.Source != "" {
			m["source"] = a.Source
		}
		out = append(out, m)
	}
	return out, nil
}

// seen checks a first/last seen pair.
func seen(first, last string) error {
	for _, d := range []struct{ field, v string }{{"input.firstSeen", first}, {"input.lastSeen", last}} {
		if d.v != "" {
			if err := checkDate(d.field, d.v); err != nil {
				return err
			}
		}
	}
	if first != "" && last != "" && last < first {
		return fieldErr("input.lastSeen", "%s is before firstSeen %s", last, first)
	}
	return nil
}

// UpsertThreatActor adds or updates a threat actor.
func (e *Editor) UpsertThreatActor(p auth.Principal, in ThreatActor, o Opts) (Result, error) {
	if err := firstErr(required("input.key", in.Key, MaxKey), required("input.nameEn", in.NameEn, MaxString),
		checkLen("input.nameAr", in.NameAr, MaxString), checkEnum("input.kind", &in.Kind, ontology.ThreatActorKinds, false),
		checkLen("input.description", in.Description, MaxString), seen(in.FirstSeen, in.LastSeen),
		checkList("input.motivation", in.Motivation, MaxString), checkLen("input.sophistication", in.Sophistication, MaxString),
		checkList("input.uses", in.Uses, MaxKey*2), checkList("input.targets", in.Targets, MaxKey*2),
		checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	aliases, err := checkAliases("input.aliases", in.Aliases)
	if err != nil {
		return Result{}, err
	}
	pl := plan{typ: ontology.ThreatActor, key: in.Key, cite: in.Cite,
		props: props("name_en", in.NameEn, "name_ar", in.NameAr, "kind", in.Kind, "aliases", aliases,
			"description", in.Description, "first_seen", in.FirstSeen, "last_seen", in.LastSeen,
			"motivation", in.Motivation, "sophistication", in.Sophistication),
		links: []link{{"input.uses", ontology.Uses, in.Uses, false}, {"input.targets", ontology.Targets, in.Targets, false}}}
	return e.run(p, "upsertThreatActor", in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(pl, w.o) })
}

// UpsertCampaign adds or updates a campaign.
func (e *Editor) UpsertCampaign(p auth.Principal, in Campaign, o Opts) (Result, error) {
	if err := firstErr(required("input.key", in.Key, MaxKey), required("input.nameEn", in.NameEn, MaxString),
		checkLen("input.nameAr", in.NameAr, MaxString), checkLen("input.description", in.Description, MaxString),
		seen(in.FirstSeen, in.LastSeen), checkLen("input.objective", in.Objective, MaxString),
		checkList("input.uses", in.Uses, MaxKey*2), checkList("input.targets", in.Targets, MaxKey*2),
		checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	aliases, err := checkAliases("input.aliases", in.Aliases)
	if err != nil {
		return Result{}, err
	}
	pl := plan{typ: ontology.Campaign, key: in.Key, cite: in.Cite,
		props: props("name_en", in.NameEn, "name_ar", in.NameAr, "aliases", aliases, "description", in.Description,
			"first_seen", in.FirstSeen, "last_seen", in.LastSeen, "objective", in.Objective),
		links: []link{{"input.uses", ontology.Uses, in.Uses, false}, {"input.targets", ontology.Targets, in.Targets, false}}}
	return e.run(p, "upsertCampaign", in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(pl, w.o) })
}

// UpsertMalware adds or updates malware.
func (e *Editor) UpsertMalware(p auth.Principal, in Software, o Opts) (Result, error) {
	return e.upsertSoftware(p, ontology.Malware, "upsertMalware", in, o)
}

// UpsertTool adds or updates a tool.
func (e *Editor) UpsertTool(p auth.Principal, in Software, o Opts) (Result, error) {
	return e.upsertSoftware(p, ontology.Tool, "upsertTool", in, o)
}

func (e *Editor) upsertSoftware(p auth.Principal, typ, mutation string, in Software, o Opts) (Result, error) {
	if err := firstErr(required("input.key", in.Key, MaxKey), required("input.nameEn", in.NameEn, MaxString),
		checkList("input.kinds", in.Kinds, MaxString), checkLen("input.description", in.Description, MaxString),
		checkList("input.uses", in.Uses, MaxKey*2), checkList("input.targets", in.Targets, MaxKey*2),
		checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	aliases, err := checkAliases("input.aliases", in.Aliases)
	if err != nil {
		return Result{}, err
	}
	pl := plan{typ: typ, key: in.Key, cite: in.Cite,
		props: props("name_en", in.NameEn, "aliases", aliases, "kinds", in.Kinds, "description", in.Description),
		links: []link{{"input.uses", ontology.Uses, in.Uses, false}, {"input.targets", ontology.Targets, in.Targets, false}}}
	return e.run(p, mutation, in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(pl, w.o) })
}

// UpsertAttackPattern adds or updates a technique.
func (e *Editor) UpsertAttackPattern(p auth.Principal, in AttackPattern, o Opts) (Result, error) {
	if err := firstErr(required("input.key", in.Key, MaxKey), required("input.nameEn", in.NameEn, MaxString),
		checkLen("input.description", in.Description, MaxString), checkList("input.targets", in.Targets, MaxKey*2),
		checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	ids := make([]any, 0, len(in.ExternalIDs))
	for i, x := range in.ExternalIDs {
		f := fmt.Sprintf("input.externalIds[%d]", i)
		if err := firstErr(required(f+".source", x.Source, MaxString), checkLen(f+".externalId", x.ExternalID, MaxString),
			checkLen(f+".url", x.URL, MaxString)); err != nil {
			return Result{}, err
		}
		if x.ExternalID == "" && x.URL == "" {
			return Result{}, fieldErr(f, "needs an externalId or a url")
		}
		ids = append(ids, map[string]any(props("source", x.Source, "external_id", x.ExternalID, "url", x.URL)))
	}
	pl := plan{typ: ontology.AttackPattern, key: in.Key, cite: in.Cite,
		props: props("name_en", in.NameEn, "description", in.Description, "external_ids", ids),
		links: []link{{"input.targets", ontology.Targets, in.Targets, false}}}
	return e.run(p, "upsertAttackPattern", in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(pl, w.o) })
}

// speaksFor reports whether via is the claimant itself, or a member or
// part of it through a chain of MEMBER_OF and PART_OF links (a spokesperson
// of a council of a state): a claim voiced by someone outside the claimant
// would be filed under the wrong name.
func speaksFor(tx *store.Txn, via, claimant string) (bool, error) {
	return speaksThrough(func(id, typ string) ([]string, error) {
		refs, err := tx.Edges(id, store.Out, typ)
		others := make([]string, 0, len(refs))
		for _, r := range refs {
			if !r.Retracted {
				others = append(others, r.Other)
			}
		}
		return others, err
	}, via, claimant)
}

// speaksThrough is speaksFor over out, which lists the nodes an unretracted
// edge of a type leads to from a node.
func speaksThrough(out func(id, typ string) ([]string, error), via, claimant string) (bool, error) {
	seen := map[string]bool{via: true}
	frontier := []string{via}
	for depth := 0; depth < 6 && len(frontier) > 0; depth++ {
		var next []string
		for _, id := range frontier {
			if id == claimant {
				return true, nil
			}
			for _, typ := range []string{ontology.MemberOf, ontology.PartOf} {
				others, err := out(id, typ)
				if err != nil {
					return false, err
				}
				for _, o := range others {
					if !seen[o] {
						seen[o] = true
						next = append(next, o)
					}
				}
			}
		}
		frontier = next
	}
	return false, nil
}
