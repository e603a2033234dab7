package synthetic

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Translator credits the English renderings of generated Arabic quotes.
const Translator = "attrib gen"

// certainty is a band with the words that state it.
type certainty struct {
	band   ontology.Band
	en, ar string
}

var certainties = []certainty{
	{ontology.AlmostCertain, "almost certainly", "بصورة شبه مؤكدة"},
	{ontology.VeryLikely, "very likely", "على الأرجح جداً"},
	{ontology.Likely, "likely", "على الأرجح"},
	{ontology.RoughlyEven, "possibly", "ربما"},
	{ontology.Unstated, "", ""},
}

// measure is a response kind with how a document words it.
type measure struct{ kind, en, ar string }

var measures = []measure{
	{"CONDEMNATION", "condemned the cyberattack by", "أدانت الهجوم الإلكتروني الذي شنته"},
	{"VOW_OF_MEASURES", "vowed further measures against", "توعدت باتخاذ مزيد من الإجراءات ضد"},
	{"SANCTION", "imposed sanctions on", "فرضت عقوبات على"},
	{"EXPULSION", "expelled diplomats of", "طردت دبلوماسيين تابعين لـ"},
	{"CALL_ON_ALLIES", "called on its allies to act against", "دعت حلفاءها إلى التحرك ضد"},
	{"STATEMENT_OF_SUPPORT", "expressed its support for", "أعربت عن دعمها لـ"},
	{"DIPLOMATIC_SEVERANCE", "severed diplomatic relations with", "قطعت علاقاتها الدبلوماسية مع"},
}

// Filler paragraphs give documents the few kilobytes of context around the
// cited sentences that real articles have.
var fillerEN = []string{
	"Officials did not say which systems were affected or how long the disruption lasted, and several government websites remained unreachable for hours.",
	"Security researchers said the intrusion bore the hallmarks of a long-running campaign that has targeted ministries, telecommunications providers and energy companies.",
	"The attack came amid heightened diplomatic tension, and analysts warned that further incidents were likely in the coming weeks.",
	"According to people familiar with the investigation, the attackers gained access months before the disruption and moved quietly between networks.",
	"Cybersecurity agencies published indicators of compromise and urged operators of critical infrastructure to review their logs.",
	"The government said that public services had been restored and that no personal data of citizens appeared to have been published.",
	"Diplomats described the episode as a test of how states coordinate their response to cyber operations below the threshold of armed conflict.",
	"Independent experts cautioned that technical attribution takes time and that public statements often rest on intelligence that is not disclosed.",
}

var fillerAR = []string{
	"ولم يحدد المسؤولون الأنظمة التي تأثرت أو المدة التي استغرقها التعطل، وظلت عدة مواقع حكومية خارج الخدمة لساعات.",
	"وقال باحثون في مجال الأمن إن الاختراق يحمل بصمات حملة طويلة استهدفت وزارات ومزودي خدمات اتصالات وشركات طاقة.",
	"وجاء الهجوم في ظل توتر دبلوماسي متصاعد، وحذر محللون من أن حوادث أخرى مرجحة خلال الأسابيع المقبلة.",
	"وبحسب أشخاص مطلعين على التحقيق، فإن المهاجمين تمكنوا من الدخول قبل أشهر من التعطل وتنقلوا بهدوء بين الشبكات.",
	"ونشرت وكالات الأمن السيبراني مؤشرات الاختراق وحثت مشغلي البنى التحتية الحيوية على مراجعة سجلاتهم.",
	"وقالت الحكومة إن الخدمات العامة عادت إلى العمل وإنه لا يبدو أن أي بيانات شخصية للمواطنين قد نشرت.",
	"ووصف دبلوماسيون ما جرى بأنه اختبار لكيفية تنسيق الدول ردها على العمليات السيبرانية التي لا ترقى إلى مستوى النزاع المسلح.",
	"وحذر خبراء مستقلون من أن الإسناد التقني يستغرق وقتاً وأن التصريحات العلنية كثيراً ما تستند إلى معلومات استخباراتية لا يكشف عنها.",
}

// text builds a document and records the code-point span of each quote
// written into it, so citations need no search afterwards.
type text struct {
	b     strings.Builder
	runes int
}

type span struct {
	start, end int
	exact, en  string
}

func (t *text) write(s string) {
	t.b.WriteString(s)
	t.runes += utf8.RuneCountInString(s)
}

// quote writes s and returns its span; en is its English rendering when s
// is not English.
func (t *text) quote(s, en string) span {
	start := t.runes
	t.write(s)
	return span{start: start, end: t.runes, exact: s, en: en}
}

// citer turns spans into citations of one finished document.
type citer struct {
	doc   string
	runes []rune
}

func (c citer) cite(s span) []store.Citation {
	ct := store.Citation{Document: c.doc, Exact: s.exact, Start: s.start, End: s.end,
		Prefix: string(c.runes[max(0, s.start-cite.ContextLen):s.start]),
		Suffix: string(c.runes[s.end:min(len(c.runes), s.end+cite.ContextLen)])}
	if s.en != "" {
		ct.Translation = &store.Translation{Lang: "en", Text: s.en, Translator: Translator}
	}
	return []store.Citation{ct}
}

var epoch = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

// Incident returns the records of incident i (from 1): its document, the
// incident, its attributions and responses, and their links.
func (c *Corpus) Incident(i int) ([]store.Node, []store.Edge) {
	r := c.rng(i)
	key := incidentKey(i)
	ar := r.IntN(2) == 0
	day := epoch.AddDate(0, 0, (i*37)%3650)
	date := day.Format(time.DateOnly)
	target := c.state(r)
	blamed := c.states[c.blamed[r.IntN(len(c.blamed))]]
	for blamed.code == target.code {
		blamed = c.states[c.blamed[r.IntN(len(c.blamed))]]
	}
	nAtt, nResp := 1+r.IntN(5), r.IntN(7)
	// Attributors are distinct; the victim is often the first to blame.
	attributors := []state{}
	seen := map[string]bool{blamed.code: true}
	if r.IntN(2) == 0 {
		attributors = append(attributors, target)
		seen[target.code] = true
	}
	for len(attributors) < nAtt {
		s := c.state(r)
		if !seen[s.code] {
			seen[s.code] = true
			attributors = append(attributors, s)
		}
	}

	var t text
	var title span
	if ar {
		title = t.quote(fmt.Sprintf("هجوم إلكتروني على %s في %s (الحادث رقم %d)", target.ar, date, i),
			fmt.Sprintf("Cyberattack on %s on %s (incident %d)", target.en, date, i))
	} else {
		title = t.quote(fmt.Sprintf("Cyberattack on %s on %s (incident %d)", target.en, date, i), "")
	}
	t.write("\n\n")
	c.filler(r, &t, ar, 4)
	attSpans := make([]span, nAtt)
	cers := make([]certainty, nAtt)
	for a, st := range attributors {
		ce := certainties[r.IntN(len(certainties))]
		cers[a] = ce
		en := fmt.Sprintf("%s said that %s was %s responsible for the cyberattack of incident %d (claim %d).", st.en, blamed.en, ce.en, i, a+1)
		if ce.en == "" {
			en = fmt.Sprintf("%s said that %s was responsible for the cyberattack of incident %d (claim %d).", st.en, blamed.en, i, a+1)
		}
		if ar {
			attSpans[a] = t.quote(fmt.Sprintf("قالت %s إن %s مسؤولة %s عن الهجوم الإلكتروني في الحادث رقم %d (الادعاء %d).", st.ar, blamed.ar, ce.ar, i, a+1), en)
		} else {
			attSpans[a] = t.quote(en, "")
		}
		t.write(" ")
		c.filler(r, &t, ar, 2)
	}
	type resp struct {
		actor, at state
		m         measure
		sp        span
		follows   int // attribution index, or -1
	}
	resps := make([]resp, nResp)
	for k := range resps {
		x := resp{follows: -1}
		if r.IntN(10) < 7 {
			x.follows = r.IntN(nAtt)
			x.actor = attributors[x.follows]
		} else {
			x.actor = c.state(r)
		}
		x.m = measures[r.IntN(len(measures))]
		x.at = blamed
		if x.m.kind == "STATEMENT_OF_SUPPORT" {
			x.at = target
		}
		en := fmt.Sprintf("%s %s %s after incident %d (measure %d).", x.actor.en, x.m.en, x.at.en, i, k+1)
		if ar {
			x.sp = t.quote(fmt.Sprintf("%s %s %s بعد الحادث رقم %d (الإجراء %d).", x.actor.ar, x.m.ar, x.at.ar, i, k+1), en)
		} else {
			x.sp = t.quote(en, "")
		}
		t.write(" ")
		resps[k] = x
	}
	c.filler(r, &t, ar, 3+r.IntN(5))

	body := t.b.String()
	lang := "en"
	if ar {
		lang = "ar"
	}
	news := r.IntN(len(c.news))
	docID := store.NodeID(ontology.Document, key)
	ct := citer{doc: docID, runes: []rune(body)}
	titleCite := ct.cite(title)
	meta := store.Meta{CreatedBy: CreatedBy}
	doc := store.Node{ID: docID, Type: ontology.Document, Meta: meta, Citations: titleCite, Props: store.Props{
		"title": title.exact, "published": date, "language": lang, "publisher": nil,
		"sources": []any{newsAgencies[news]}, "media_type": "text/plain", "kind": "ARTICLE", "text": body,
	}}
	incID := IncidentID(i)
	nameEn := fmt.Sprintf("Cyberattack on %s, %s (incident %d)", target.en, date, i)
	inc := store.Node{ID: incID, Type: ontology.Incident, Meta: meta, Citations: titleCite, Props: store.Props{
		"name_en": nameEn, "name_ar": fmt.Sprintf("هجوم إلكتروني على %s (الحادث رقم %d)", target.ar, i),
		"kind": "CYBERATTACK", "date": date, "date_precision": "DAY", "date_inferred": false,
		"effects": []any{map[string]any{"kind": "SERVICE_DISRUPTION", "status": "CLAIMED", "text_en": "disrupted public services"}},
	}}
	nodes := []store.Node{doc, inc}
	edges := []store.Edge{
		edge(ontology.ReportedBy, docID, c.news[news], titleCite),
		edge(ontology.Targeted, incID, target.id, titleCite),
	}
	attIDs := make([]string, nAtt)
	for a, st := range attributors {
		id := AttributionID(i, a+1)
		attIDs[a] = id
		cs := ct.cite(attSpans[a])
		ce := cers[a]
		props := store.Props{
			"date": day.AddDate(0, 0, 1+a).Format(time.DateOnly), "date_precision": "DAY", "date_inferred": false,
			"band": string(ce.band), "certainty_text": nil, "certainty_en": nil,
			"involvement": []any{"RESPONSIBLE"}, "basis_text": nil, "basis_en": nil,
		}
		if ce.en != "" {
			props["certainty_en"] = ce.en
			props["certainty_text"] = ce.en
			if ar {
				props["certainty_text"] = ce.ar
			}
		}
		nodes = append(nodes, store.Node{ID: id, Type: ontology.Attribution, Meta: meta, Citations: cs, Props: props})
		edges = append(edges,
			edge(ontology.AttributedBy, id, st.id, cs),
			edge(ontology.Blames, id, blamed.id, cs),
			edge(ontology.Concerns, id, incID, cs),
			edge(ontology.Via, id, st.speaker(r), cs))
	}
	for k, x := range resps {
		id := store.NodeID(ontology.Response, fmt.Sprintf("%s-r%d", key, k+1))
		cs := ct.cite(x.sp)
		summary := x.sp.en // the English rendering of an Arabic quote
		if summary == "" {
			summary = x.sp.exact
		}
		nodes = append(nodes, store.Node{ID: id, Type: ontology.Response, Meta: meta, Citations: cs, Props: store.Props{
			"kind": x.m.kind, "date": day.AddDate(0, 0, 2+k).Format(time.DateOnly), "date_precision": "DAY",
			"date_inferred": false, "summary_en": summary,
		}})
		edges = append(edges,
			edge(ontology.RespondedBy, id, x.actor.id, cs),
			edge(ontology.DirectedAt, id, x.at.id, cs),
			edge(ontology.Answers, id, incID, cs),
			edge(ontology.Via, id, x.actor.ministry, cs))
		if x.follows >= 0 {
			edges = append(edges, edge(ontology.Follows, id, attIDs[x.follows], cs))
		}
	}
	return nodes, edges
}

// state picks a state, hubs hubWeight times as often as the rest.
func (c *Corpus) state(r *rand.Rand) state { return c.states[c.pick[r.IntN(len(c.pick))]] }

// speaker picks who voiced a state's claim: a spokesperson or the cyber
// agency of a hub, else the ministry.
func (s state) speaker(r *rand.Rand) string {
	switch n := r.IntN(4); {
	case len(s.people) > 0 && n < 2:
		return s.people[r.IntN(len(s.people))]
	case s.agency != "" && n == 2:
		return s.agency
	}
	return s.ministry
}

// filler writes n paragraphs of context.
func (c *Corpus) filler(r *rand.Rand, t *text, ar bool, n int) {
	pool := fillerEN
	if ar {
		pool = fillerAR
	}
	for range n {
		t.write(pool[r.IntN(len(pool))])
		t.write("\n\n")
	}
}
