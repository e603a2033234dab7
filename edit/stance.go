package edit

import (
	"errors"
	"fmt"
	"slices"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Stance adds one party's position on a claim: it endorses, denies,
// contests or qualifies an Attribution or another Stance. It is a claim of
// its own, never a negative attribution.
type Stance struct {
	Key string `json:"key,omitempty"`
	Dated
	// Kind is ENDORSES, DENIES, CONTESTS or QUALIFIES.
	Kind string `json:"kind"`
	// On is the claim the stance is about: an Attribution or a Stance.
	On string `json:"on"`
	// Holder is the State or Organization whose position it is.
	Holder string   `json:"holder"`
	Via    []string `json:"via,omitempty"`
	Band   string   `json:"band"`
	// Text is the words as written; TextEn their English.
	Text   string  `json:"text,omitempty"`
	TextEn string  `json:"text_en,omitempty"`
	Cite   []Quote `json:"cite"`
}

// AddStance adds a party's position on a claim.
func (e *Editor) AddStance(p auth.Principal, in Stance, o Opts) (Result, error) {
	if err := firstErr(checkLen("input.key", in.Key, MaxKey), in.Dated.check(),
		checkEnum("input.kind", &in.Kind, ontology.StanceKinds, false),
		required("input.on", in.On, MaxKey*2), required("input.holder", in.Holder, MaxKey*2),
		checkList("input.via", in.Via, MaxKey*2),
		checkEnum("input.band", &in.Band, ontology.Enums[ontology.Stance]["band"], false),
		checkLen("input.text", in.Text, MaxString), checkLen("input.textEn", in.TextEn, MaxString),
		checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	pl := plan{typ: ontology.Stance, key: in.Key, cite: in.Cite, addOnly: true,
		props: in.Dated.props(props("kind", in.Kind, "band", in.Band, "text", in.Text, "text_en", in.TextEn)),
		links: []link{{"input.on", ontology.On, one(in.On), true}, {"input.holder", ontology.HeldBy, one(in.Holder), true},
			{"input.via", ontology.Via, in.Via, false}}}
	pl.check = func(tx *store.Txn) error {
		for i, v := range in.Via {
			if n, err := tx.Node(v); err == nil && !slices.Contains(ontology.EdgeRules[ontology.Via].To, n.Type) {
				continue
			}
			ok, err := speaksFor(tx, v, in.Holder)
			if err != nil {
				return err
			}
			if !ok {
				return fieldErr(fmt.Sprintf("input.via[%d]", i), "is not a member or part of the holder: a stance is filed under the party whose spokesperson or body took it; link the speaker to it (memberOf, partOf) or name its own holder")
			}
		}
		return nil
	}
	return e.addClaim(p, "addStance", in, &pl, o)
}

// Citation cites an existing claim from another document: a second report
// of the same words (role SECONDARY), or the claimant's own publication
// (PRIMARY). The claim stays one node; each rendering is anchored in its
// own document.
type Citation struct {
	Claim string `json:"claim"`
	// Role applies to each quote that gives none.
	Role string  `json:"role,omitempty"`
	Cite []Quote `json:"cite"`
}

// AddCitation adds citations to an existing claim. Citations it already
// has are not added twice, so adding the same one again changes nothing.
func (e *Editor) AddCitation(p auth.Principal, in Citation, o Opts) (Result, error) {
	if err := firstErr(required("claim", in.Claim, MaxKey*2),
		checkEnum("role", &in.Role, ontology.CitationRoles, true),
		checkQuotes("cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	for i := range in.Cite {
		if in.Cite[i].Role == "" {
			in.Cite[i].Role = in.Role
		}
	}
	return e.run(p, "addCitation", in, o, func(tx *store.Txn, w *writer) (string, error) {
		old, err := ref(tx, "claim", in.Claim, w.p.Role.Clearance(), ontology.ClaimTypes...)
		if err != nil {
			return "", err
		}
		if old.Retraction != nil {
			return "", fieldErr("claim", "%s is retracted; unretract it before citing it again", describe(old))
		}
		marking := w.o.Marking
		if marking == "" {
			marking = old.Marking
		}
		cs, err := resolve(tx, "cite", in.Cite, marking, w.p.Role.Clearance())
		if err != nil {
			return "", err
		}
		n := *old
		n.Citations = mergeCitations(old.Citations, cs)
		n.Marking = marking
		if err := ontology.ValidateNode(&n); err != nil {
			return "", fieldErr("cite", "%s", withoutID(err, n.ID))
		}
		return n.ID, w.putNode(&n, old)
	})
}

// sameClaim reports whether a claim given again under its key says what the
// stored one says but for its citations: then the new citations are another
// report of the same claim, and are added to it rather than refused.
func sameClaim(tx *store.Txn, old, n *store.Node, links []link) (bool, error) {
	a, b := *old, *n
	a.Citations, b.Citations = nil, nil
	if !sameRecord(&a, &b) {
		return false, nil
	}
	for _, l := range links {
		refs, err := tx.Edges(old.ID, store.Out, l.typ)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		var have []string
		for _, r := range refs {
			if !r.Retracted {
				have = append(have, r.Other)
			}
		}
		want := slices.Clone(l.to)
		slices.Sort(have)
		slices.Sort(want)
		if !slices.Equal(slices.Compact(have), slices.Compact(want)) {
			return false, nil
		}
	}
	return true, nil
}
