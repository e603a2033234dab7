package export

import (
	"strings"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// opinions maps a stance's kind onto the STIX 2.1 opinion scale.
var opinions = map[string]string{
	ontology.Endorses:  "agree",
	ontology.Denies:    "strongly-disagree",
	ontology.Contests:  "disagree",
	ontology.Qualifies: "neutral",
}

// attributedToID is the STIX id of the attributed-to relationship an
// attribution claim is written as for one (subject, blamed) pair; pairs is
// how many pairs the claim has. A claim that came from a bundle keeps its
// relationship's id.
func attributedToID(claim, subject, blamed string, pairs int) string {
	if _, key, _ := store.DecodeNodeID(claim); pairs == 1 && strings.HasPrefix(key, "relationship--") {
		return key
	}
	return stixID("relationship", claim, subject+"\x00"+blamed)
}

// opinion writes a stance as a STIX opinion: its kind on the opinion
// scale, its words as the explanation, its holder as the creator, and as
// object_refs the objects the claim it is about is written as (an
// attribution's attributed-to relationships and report; a stance's
// opinion).
func (sw *stixWriter) opinion(n *store.Node) error {
	links, linkCites, err := sw.claimLinks(n.ID)
	if err != nil {
		return err
	}
	o := sw.common("opinion", primaryID(n.Type, n.ID), nodeView(n), linkCites)
	o["opinion"] = opinions[n.Props.String("kind")]
	if o["opinion"] == "" {
		o["opinion"] = "neutral"
	}
	explanation := n.Props.String("text")
	if en := n.Props.String("text_en"); en != "" && en != explanation {
		explanation = strings.TrimSpace(explanation + "\n\n" + en)
	}
	if explanation == "" {
		explanation = n.Props.String("kind")
	}
	o["explanation"] = explanation
	if by := links[ontology.HeldBy]; len(by) > 0 {
		o["created_by_ref"] = sw.targetID(by[0])
	}
	var authors []string
	for _, e := range links[ontology.Via] {
		if m, err := sw.src.tx.Node(e.To); err == nil {
			authors = append(authors, fullName(m))
		}
	}
	if len(authors) > 0 {
		o["authors"] = authors
	}
	if c, ok := ontology.Band(n.Props.String("band")).Confidence(); ok {
		o["confidence"] = c
	}
	var refs []string
	for _, e := range links[ontology.On] {
		r, err := sw.claimRefs(e.To)
		if err != nil {
			return err
		}
		refs = append(refs, r...)
	}
	o["object_refs"] = refsOr(refs, sw.citedReports(n.Citations))
	return sw.l.add(o)
}

// claimRefs are the STIX ids a claim is written as: for an attribution, its
// attributed-to relationships, then its report; for a stance, its opinion.
func (sw *stixWriter) claimRefs(claim string) ([]string, error) {
	typ, _, err := store.DecodeNodeID(claim)
	if err != nil {
		return nil, err
	}
	if typ != ontology.Attribution {
		return []string{primaryID(typ, claim)}, nil
	}
	var subjects, blamed []string
	for _, x := range []struct {
		edge string
		into *[]string
	}{{ontology.Concerns, &subjects}, {ontology.Blames, &blamed}} {
		refs, err := sw.src.tx.Edges(claim, store.Out, x.edge)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			*x.into = append(*x.into, r.Other)
		}
	}
	var out []string
	for _, s := range subjects {
		for _, b := range blamed {
			out = append(out, attributedToID(claim, s, b, len(subjects)*len(blamed)))
		}
	}
	return append(out, primaryID(typ, claim)), nil
}
