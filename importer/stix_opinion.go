package importer

import (
	"encoding/json"
	"slices"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// stanceKinds maps the STIX 2.1 opinion scale onto stance kinds; the
// export writes them back the same, but for strongly-agree, which attrib
// has no kind of its own for.
var stanceKinds = map[string]string{
	"strongly-agree":    ontology.Endorses,
	"agree":             ontology.Endorses,
	"neutral":           ontology.Qualifies,
	"disagree":          ontology.Contests,
	"strongly-disagree": ontology.Denies,
}

// opinionBody is what a stance is made of in an opinion object.
type opinionBody struct {
	Opinion     string   `json:"opinion"`
	Explanation string   `json:"explanation"`
	ObjectRefs  []string `json:"object_refs"`
	// Props are attrib's own record of a stance it exported: its date,
	// kind, band and words as stored.
	Props store.Props `json:"x_attrib_properties"`
}

// opinions keeps each opinion about an imported claim as a Stance on it,
// held by the opinion's creator. An opinion about another opinion waits
// until that one is kept, so the order of the bundle does not matter.
func (sp *stixPlanner) opinions(objs []*stixObject) {
	var pending []*stixObject
	for _, o := range objs {
		if o.head.Type == "opinion" && !o.head.Revoked && o.head.ID != "" {
			pending = append(pending, o)
		}
	}
	for len(pending) > 0 {
		var later []*stixObject
		for _, o := range pending {
			if !sp.opinion(o, false) {
				later = append(later, o)
			}
		}
		if len(later) == len(pending) {
			for _, o := range later {
				sp.opinion(o, true)
			}
			return
		}
		pending = later
	}
}

// opinion keeps o as a Stance and reports true, or, when it is about no
// claim imported yet, reports false (or, with final, skips it).
func (sp *stixPlanner) opinion(o *stixObject, final bool) bool {
	var b opinionBody
	if err := json.Unmarshal(o.raw, &b); err != nil {
		sp.skip(o, "the opinion cannot be read")
		return true
	}
	claim := ""
	for _, ref := range b.ObjectRefs {
		if m, ok := sp.mapped[ref]; ok && slices.Contains(ontology.StanceTargets, m.typ) {
			claim = m.id
			break
		}
	}
	if claim == "" {
		if final {
			sp.skip(o, "an opinion about no attributed-to relationship or opinion that is imported: a stance is about a claim")
		}
		return final
	}
	holder, ok := sp.mapped[o.head.CreatedBy]
	if !ok || !slices.Contains(ontology.Claimants, holder.typ) {
		sp.skip(o, "an opinion without a created_by_ref to an imported identity: a stance needs the party whose position it is")
		return true
	}
	kind := stanceKinds[b.Opinion]
	if k := b.Props.String("kind"); slices.Contains(ontology.StanceKinds, k) {
		kind = k // attrib's own record says which kind it was
	}
	if kind == "" {
		sp.skip(o, "an opinion whose value is not on the STIX opinion scale")
		return true
	}
	props := store.Props{"kind": kind, "band": string(band(o.head.Confidence))}
	if bd := b.Props.String("band"); slices.Contains(ontology.Enums[ontology.Stance]["band"], bd) {
		props["band"] = bd
	}
	if d := b.Props.String("date"); ontology.ValidDate(d) == nil {
		props["date"], props["date_precision"], props["date_inferred"] = d, "DAY", false
		for _, k := range []string{"date_precision", "date_inferred", "date_basis", "text", "text_en"} {
			if v, ok := b.Props[k]; ok {
				props[k] = v
			}
		}
	} else {
		d := day(o.head.Created)
		if d == "" {
			sp.skip(o, "an opinion without a valid created timestamp to date the stance by")
			return true
		}
		props["date"], props["date_precision"], props["date_inferred"] = d, "DAY", true
		props["date_basis"] = "created timestamp of the STIX opinion"
	}
	if _, ok := props["text"]; !ok && b.Explanation != "" {
		props["text"] = b.Explanation
	}
	sp.addNode(o, ontology.Stance, o.head.ID, props)
	stance := sp.mapped[o.head.ID].id
	sp.addEdge(o, ontology.On, stance, claim)
	sp.addEdge(o, ontology.HeldBy, stance, holder.id)
	return true
}
