// Shared by the graph view and the source view: the GraphQL client, the
// label rules (the same as export/labels.go, so a JGF file and the live
// view read alike), and how a citation is shown.
"use strict";

(function () {
  const endpoint = document.body.dataset.endpoint || "/graphql";

  // A bearer token, when the reader gave one (the Token button): a server
  // that needs tokens for reads, or facts marked above the anonymous
  // clearance, need it. Kept for this tab only.
  const TOKEN_KEY = "attrib-token";
  function authHeaders() {
    const t = sessionStorage.getItem(TOKEN_KEY);
    return t ? { Authorization: `Bearer ${t}` } : {};
  }
  function askToken() {
    const t = prompt("Bearer token for this server (empty to read anonymously):", sessionStorage.getItem(TOKEN_KEY) || "");
    if (t === null) return;
    if (t.trim()) sessionStorage.setItem(TOKEN_KEY, t.trim());
    else sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  }
  document.querySelectorAll("[data-token]").forEach((b) => {
    b.addEventListener("click", askToken);
    if (sessionStorage.getItem(TOKEN_KEY)) b.textContent = "Token ✓";
  });

  // gql posts a query to the public GraphQL endpoint and returns its data,
  // or throws with the server's own messages.
  async function gql(query, variables) {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: Object.assign({ "Content-Type": "application/json", Accept: "application/json" }, authHeaders()),
      body: JSON.stringify({ query, variables: variables || {} }),
    });
    let body;
    try {
      body = await res.json();
    } catch (e) {
      throw new Error(`the server answered ${res.status} without JSON`);
    }
    if (body.errors && body.errors.length) {
      throw new Error(body.errors.map((e) => e.message).join("; "));
    }
    return body.data;
  }

  // Offsets are Unicode code points; JavaScript strings count UTF-16 units.
  const codePoints = (s) => Array.from(s || "");

  // --- Labels: a name, or for a claim who blamed whom and how surely. ---

  const words = (s) => (s === "UNSTATED" ? "certainty unstated" : String(s || "").toLowerCase().replace(/_/g, " "));

  const maxLabel = 48;
  function cut(s, n) {
    const cp = codePoints(s);
    return cp.length <= n ? s : cp.slice(0, n - 1).join("").trim() + "…";
  }

  // A state's common English name is its first English NAME alias.
  function stateName(s) {
    const a = (s.aliases || []).find((a) => a.lang === "en" && a.kind === "NAME" && a.text);
    return a ? a.text : s.name || s.nameAr || "State";
  }

  function actorName(a) {
    if (!a) return "?";
    if (a.__typename === "State" || a.aliases) return stateName(a);
    return a.name || a.title || a.__typename || "?";
  }

  const parties = (list) => {
    const names = (list || []).map(actorName).sort();
    return names.length ? names.join(", ") : "?";
  };

  const statementKind = (k) => (k === "QUOTE" ? "quoted statement" : k === "PARAPHRASE" ? "paraphrased statement" : "statement");

  // label of a node as GraphQL returns it (with the fields of NODE_FIELDS).
  function label(n) {
    switch (n.__typename) {
      case "Attribution":
        return `${parties(n.attributor ? [n.attributor] : [])} → ${parties(n.blamed)} · ${words(n.band)}`;
      case "Response":
        return `${parties(n.actor ? [n.actor] : [])}: ${words(n.kind)}`;
      case "Statement": {
        const by = n.speaker && n.speaker.length ? n.speaker : n.onBehalfOf;
        return `${parties(by)}: ${statementKind(n.kind)}`;
      }
      case "Assessment":
        return `Assessment · ${words(n.band)}`;
      case "Stance":
        return `${parties(n.holder ? [n.holder] : [])}: ${words(n.kind)}`;
      case "State":
        return stateName(n);
      case "Document":
        return cut(n.title || "Document", maxLabel);
    }
    if (n.name) return n.name;
    if (n.title) return cut(n.title, maxLabel);
    return words(n.__typename);
  }

  // --- The GraphQL selection every page uses for a node. ---

  const CITATION = `fragment C on Citation {
  document { id }
  exact prefix suffix start end
  translation { lang text translator authoritative }
}`;
  const DATE = `date { date precision inferred basis }`;
  const STATE = `id name aliases { text lang kind }`;
  // Fields per type: enough for a label, the side panel and the timeline.
  const KNOWN = {
    State: `code name nameAr: name(lang: AR) region aliases { text lang kind } citations { ...C }`,
    Organization: `name nameAr: name(lang: AR) kind aliases { text lang kind } citations { ...C }`,
    Person: `name nameAr: name(lang: AR) role citations { ...C }`,
    Incident: `name nameAr: name(lang: AR) kind ${DATE} effects { kind status text } citations { ...C }`,
    Attribution: `${DATE} band confidence certaintyText certaintyEn involvement basisText basisEn citations { ...C }
      attributor { __typename ... on State { ${STATE} } ... on Organization { id name } }
      blamed { __typename ... on State { ${STATE} } ... on Organization { id name } ... on ThreatActor { id name } }
      via { __typename ... on Person { id name } ... on Organization { id name } }`,
    Response: `kind ${DATE} summary deadline effective citations { ...C } actor { ${STATE} }`,
    Statement: `kind ${DATE} summary text citations { ...C }
      speaker { __typename ... on Person { id name } ... on Organization { id name } }
      onBehalfOf { ${STATE} }`,
    Stance: `kind ${DATE} band text textEn citations { ...C }
      holder { __typename ... on State { ${STATE} } ... on Organization { id name } ... on ThreatActor { id name } }`,
    Document: `title language published publisher`,
    // Aliased: Assessment's date and confidence differ in type from the
    // same names on other types, which GraphQL refuses in one selection.
    Assessment: `judgement author assessedOn: date band: confidence stixConfidence references { ...C }`,
  };

  let nodeFieldsPromise = null;
  // nodeFields returns the fragment N on Node. Types the schema gained
  // after this page was written (threat actors, campaigns, malware) are
  // asked for their name and citations when they have them, so they draw
  // with a label and open their quotes.
  function nodeFields() {
    if (!nodeFieldsPromise) {
      nodeFieldsPromise = gql(`{ __type(name: "Node") { possibleTypes { name fields { name } } } }`)
        .then((d) => (d.__type ? d.__type.possibleTypes : []))
        .catch(() => Object.keys(KNOWN).map((name) => ({ name, fields: [] })))
        .then((types) => {
          const parts = types.map((t) => {
            if (KNOWN[t.name]) return `... on ${t.name} { ${KNOWN[t.name]} }`;
            const have = new Set((t.fields || []).map((f) => f.name));
            const f = ["name", "title", "kind"].filter((x) => have.has(x));
            if (have.has("citations")) f.push("citations { ...C }");
            return f.length ? `... on ${t.name} { ${f.join(" ")} }` : "";
          });
          return `fragment N on Node { id __typename ${parts.join("\n")} }\n${CITATION}`;
        });
    }
    return nodeFieldsPromise;
  }

  // --- Citations ---

  // Sentence ends, Arabic and Latin, and line breaks.
  const SENTENCE_END = /[.!?؟؛\n]/;
  const CONTEXT_MAX = 240; // code points either side, at most

  // sentenceAround returns [from, to]: the sentence(s) holding [start, end)
  // in the code points cp, cut at CONTEXT_MAX either side.
  function sentenceAround(cp, start, end) {
    let from = start;
    while (from > 0 && start - from < CONTEXT_MAX && !SENTENCE_END.test(cp[from - 1])) from--;
    let to = end;
    while (to < cp.length && to - end < CONTEXT_MAX && !SENTENCE_END.test(cp[to])) to++;
    if (to < cp.length && cp[to] !== "\n") to++; // keep the full stop
    return [from, to];
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // citationView shows one citation: the quote marked inside its sentence
  // (from the document's text when the page has it, else the citation's own
  // prefix and suffix), set right to left when the text is, the English
  // translation beside it labelled non-authoritative with its translator,
  // and a link to the source view at the span. emphasis, when given, is
  // a phrase within the quote (a claim's words of certainty) marked again.
  function citationView(c, docText, emphasis, docLang) {
    const docID = c.document && c.document.id ? c.document.id : c.document;
    let before = c.prefix || "";
    let after = c.suffix || "";
    if (docText) {
      const cp = codePoints(docText);
      if (cp.slice(c.start, c.end).join("") === c.exact) {
        const [from, to] = sentenceAround(cp, c.start, c.end);
        before = cp.slice(from, c.start).join("");
        after = cp.slice(c.end, to).join("");
      }
    }
    const mark = el("mark", { class: "quote", "data-start": c.start, "data-end": c.end });
    const i = emphasis ? c.exact.indexOf(emphasis) : -1;
    if (i >= 0) {
      mark.append(
        c.exact.slice(0, i),
        el("mark", { class: "certainty", text: emphasis }),
        c.exact.slice(i + emphasis.length)
      );
    } else {
      mark.textContent = c.exact;
    }
    const quote = el("blockquote", { class: "source", dir: "auto", lang: docLang || undefined }, before.trimStart(), mark, after.trimEnd());
    const tr = c.translation
      ? el(
          "div",
          { class: "translation", lang: c.translation.lang || "en", dir: "ltr" },
          el("p", { text: c.translation.text }),
          el(
            "p",
            { class: "credit" },
            `${c.translation.authoritative ? "Translation" : "Non-authoritative translation"} by ${c.translation.translator}. The source text is the evidence.`
          )
        )
      : el("div", { class: "translation none", text: "No translation." });
    const link = el(
      "a",
      { class: "to-source", href: `/documents/${encodeURIComponent(docID)}#${c.start}-${c.end}` },
      `Open in the source at ${c.start}–${c.end}`
    );
    return el("li", { class: "citation" }, el("div", { class: "pair" }, quote, tr), link);
  }

  // playgroundURL opens the playground on a query for one node.
  function playgroundURL(id, typename) {
    const body = KNOWN[typename] ? `... on ${typename} { ${KNOWN[typename].replace(/\s+/g, " ")} }` : "";
    const q = `# The node selected in the graph view\n{\n  node(id: ${JSON.stringify(id)}) {\n    __typename\n    id\n    ${body}\n  }\n}\n\n${CITATION}\n`;
    return "/?query=" + encodeURIComponent(q);
  }

  // fieldRows turns a node's fields into [name, text] pairs for the panel.
  function fieldRows(obj) {
    const skip = new Set(["id", "__typename", "citations", "references", "text", "aliases", "title"]);
    const rows = [];
    const show = (v) => {
      if (v === null || v === undefined || v === "") return "";
      if (Array.isArray(v)) return v.map(show).filter(Boolean).join("; ");
      if (typeof v === "object") {
        if (v.__typename || v.id) return actorName(v);
        if ("date" in v && "precision" in v) {
          return `${v.date} (${String(v.precision).toLowerCase()}${v.inferred ? ", inferred" : ""}${v.basis ? ": " + v.basis : ""})`;
        }
        return Object.entries(v)
          .map(([k, x]) => `${k}: ${show(x)}`)
          .filter((s) => !s.endsWith(": "))
          .join(", ");
      }
      return String(v);
    };
    for (const [k, v] of Object.entries(obj || {})) {
      if (skip.has(k)) continue;
      const s = show(v);
      // certaintyText and certainty_text both read "certainty text".
      if (s) rows.push([k.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase(), s]);
    }
    if (Array.isArray(obj.aliases) && obj.aliases.length) {
      rows.push(["aliases", obj.aliases.map((a) => a.text).join(" · ")]);
    }
    return rows;
  }

  function fieldsTable(obj) {
    const rows = fieldRows(obj);
    return el(
      "dl",
      { class: "fields" },
      rows.map(([k, v]) => [el("dt", { text: k }), el("dd", { dir: "auto", text: v })])
    );
  }

  window.attrib = {
    gql,
    authHeaders,
    codePoints,
    words,
    label,
    stateName,
    nodeFields,
    CITATION,
    citationView,
    playgroundURL,
    fieldsTable,
    el,
  };
})();
