// The source view: a document's whole text with every cited span marked,
// so an analyst can check the graph against the source. Each span is a
// <mark data-start data-end> (code points) whose text is text[start:end].
// Nested spans nest; spans that cross one another go on transparent layers
// laid exactly over the text, so none is dropped. Clicking the text lists
// every fact that cites the words under the pointer.
"use strict";

(function () {
  const A = window.attrib;
  const { el } = A;
  const $ = (id) => document.getElementById(id);
  const id = decodeURIComponent(location.pathname.slice("/documents/".length));
  const params = new URLSearchParams(location.search);

  const spans = new Map(); // "start-end" -> {start, end, facts: [...]}
  let cp = []; // the document's text in code points

  function status(msg, isError) {
    const s = $("status");
    s.textContent = msg;
    s.classList.toggle("error", !!isError);
  }

  async function load() {
    const frag = await A.nodeFields();
    const doc = await A.gql(
      `query Doc($id: ID!) { node(id: $id) { __typename ... on Document { id title language published publisher sources kind text citations { ...C } } } } ${A.CITATION}`,
      { id }
    );
    const d = doc.node;
    if (!d || d.__typename !== "Document") {
      status("There is no document at this address that you may read. Open one from a citation in the graph view.", true);
      document.body.dataset.ready = "error";
      return;
    }
    // The facts that cite it: the subgraph around ?root= when the page was
    // opened from a graph, else the whole graph (within the server's cap).
    const root = params.get("root");
    const vars = root ? { root, depth: Number(params.get("depth") || 2) } : {};
    let sg;
    let notice = "";
    try {
      const data = await A.gql(
        `query Facts($root: ID, $depth: Int = 2) {
          subgraph(root: $root, depth: $depth) {
            nodes { ...N }
            links { id type from { id ...N } to { id ...N } citations { ...C } }
            documents { id title citations { ...C } }
          }
        } ${frag}`,
        vars
      );
      sg = data.subgraph;
    } catch (e) {
      sg = { nodes: [], links: [], documents: [] };
      notice = `Only the document's own citations are marked: the facts could not be listed (${e.message}). Open this page from a citation in the graph view to list those of a neighbourhood.`;
    }
    const add = (c, fact) => {
      const docID = c.document && c.document.id;
      if (docID !== d.id) return;
      const k = `${c.start}-${c.end}`;
      if (!spans.has(k)) spans.set(k, { start: c.start, end: c.end, exact: c.exact, translation: c.translation, facts: [] });
      const s = spans.get(k);
      if (!s.facts.some((f) => f.id === fact.id)) s.facts.push(fact);
    };
    for (const n of sg.nodes) {
      for (const c of n.citations || n.references || []) add(c, { id: n.id, type: n.__typename, label: A.label(n), root: n.id });
    }
    for (const l of sg.links) {
      const label = `${A.label(l.from)} — ${A.words(l.type)} — ${A.label(l.to)}`;
      for (const c of l.citations) add(c, { id: l.id, type: `link ${A.words(l.type)}`, label, root: l.from.id });
    }
    for (const x of sg.documents) {
      for (const c of x.citations || []) add(c, { id: x.id, type: "Document", label: A.label(Object.assign({ __typename: "Document" }, x)), root: null });
    }
    for (const c of d.citations) add(c, { id: d.id, type: "Document", label: A.label(d), root: null });
    render(d);
    status(notice || `${spans.size} cited spans.`, !!notice);
    const m = /^#(\d+)-(\d+)$/.exec(location.hash);
    if (m) focusSpan(Number(m[1]), Number(m[2]));
    $("playground-link").href = A.playgroundURL(d.id, "Document");
    document.body.dataset.ready = "true";
  }

  // crosses reports whether a and b overlap without one holding the other.
  const crosses = (a, b) => (a.start < b.start && b.start < a.end && a.end < b.end) || (b.start < a.start && a.start < b.end && b.end < a.end);

  // layersOf puts each span on the first layer where it crosses no other,
  // so that on each layer the marks nest.
  function layersOf(list) {
    const layers = [];
    for (const s of list) {
      let l = layers.find((layer) => !layer.some((o) => crosses(o, s)));
      if (!l) layers.push((l = []));
      l.push(s);
    }
    return layers;
  }

  // renderLayer writes the text with the layer's spans as nested marks.
  // Each text node remembers the code point it starts at (offsetOf).
  function renderLayer(list, focusable) {
    const root = document.createDocumentFragment();
    const stack = [{ el: root, end: Infinity }];
    let pos = 0;
    const text = (to) => {
      if (to <= pos) return;
      const t = document.createTextNode(cp.slice(pos, to).join(""));
      t.attribOffset = pos;
      stack[stack.length - 1].el.append(t);
      pos = to;
    };
    const sorted = [...list].sort((a, b) => a.start - b.start || b.end - a.end);
    for (const s of sorted) {
      while (stack[stack.length - 1].end <= s.start) {
        text(stack[stack.length - 1].end);
        stack.pop();
      }
      text(s.start);
      const m = el("mark", { "data-start": s.start, "data-end": s.end, tabindex: focusable ? 0 : undefined, title: `${s.facts.length} fact${s.facts.length === 1 ? "" : "s"} cite this` });
      stack[stack.length - 1].el.append(m);
      stack.push({ el: m, end: s.end });
    }
    while (stack.length > 1) {
      text(stack[stack.length - 1].end);
      stack.pop();
    }
    text(cp.length);
    return root;
  }

  function render(d) {
    cp = A.codePoints(d.text);
    const rtl = d.language === "ar";
    const layers = layersOf([...spans.values()].sort((a, b) => a.start - b.start || b.end - a.end));
    const wrap = el("div", { class: "layers" });
    const base = el("p", { class: "text", lang: d.language, dir: rtl ? "rtl" : "auto" });
    base.append(renderLayer(layers[0] || [], true));
    wrap.append(base);
    for (const l of layers.slice(1)) {
      const over = el("p", { class: "text layer", lang: d.language, dir: rtl ? "rtl" : "auto", "aria-hidden": "true" });
      over.append(renderLayer(l, false));
      wrap.append(over);
    }
    const meta = [d.published && `published ${d.published}`, d.publisher, d.sources && d.sources.length && `sources: ${d.sources.join(", ")}`, `${cp.length} code points`, `${spans.size} cited spans`]
      .filter(Boolean)
      .join(" · ");
    $("document").replaceChildren(
      el("div", { id: "status", role: "status", "aria-live": "polite" }),
      el("h2", { dir: "auto", lang: d.language, text: d.title }),
      el("p", { class: "meta", text: meta }),
      el("p", { class: "legend", text: "Yellow: a cited span (darker where spans nest). Blue underline: a span that crosses another. Click any marked words to list the facts that cite them." }),
      wrap
    );
    base.addEventListener("click", (ev) => {
      const at = offsetAt(ev.clientX, ev.clientY);
      if (at !== null) listFacts(at);
    });
    base.addEventListener("keydown", (ev) => {
      const m = ev.target.closest("mark");
      if (m && (ev.key === "Enter" || ev.key === " ")) {
        ev.preventDefault();
        listFacts(Number(m.dataset.start));
      }
    });
  }

  // offsetAt maps a point on the text to a code point offset.
  function offsetAt(x, y) {
    const r = document.caretRangeFromPoint ? document.caretRangeFromPoint(x, y) : null;
    if (!r || r.startContainer.nodeType !== Node.TEXT_NODE || r.startContainer.attribOffset === undefined) return null;
    const t = r.startContainer;
    return t.attribOffset + A.codePoints(t.data.slice(0, r.startOffset)).length;
  }

  // listFacts shows, in the panel, every span holding offset at and the
  // facts citing it, each linking to the graph view.
  function listFacts(at) {
    const hits = [...spans.values()].filter((s) => s.start <= at && at < s.end).sort((a, b) => b.start - a.start || a.end - b.end);
    const panel = $("panel");
    document.querySelectorAll("#document mark.current").forEach((m) => m.classList.remove("current"));
    if (!hits.length) {
      panel.replaceChildren(el("p", { class: "empty", text: "No fact cites these words." }));
      return;
    }
    for (const s of hits) document.querySelectorAll(`#document mark[data-start="${s.start}"][data-end="${s.end}"]`).forEach((m) => m.classList.add("current"));
    panel.replaceChildren(
      el("h2", { text: hits.length === 1 ? "1 cited span here" : `${hits.length} cited spans here` }),
      ...hits.map((s) =>
        el(
          "section",
          { class: "span" },
          el("h3", { text: `Code points ${s.start}–${s.end}` }),
          el("blockquote", { class: "source", dir: "auto" }, el("mark", { class: "quote", text: s.exact })),
          s.translation ? el("p", { class: "translation", lang: "en" }, s.translation.text, el("span", { class: "credit", text: ` (non-authoritative translation by ${s.translation.translator})` })) : null,
          el(
            "ul",
            { class: "facts" },
            s.facts.map((f) =>
              el(
                "li",
                {},
                f.root
                  ? el("a", { href: `/graph?root=${encodeURIComponent(f.root)}&depth=2&select=${encodeURIComponent(f.id)}`, dir: "auto" }, f.label)
                  : el("span", { dir: "auto", text: f.label }),
                el("span", { class: "type", text: ` (${f.type})` })
              )
            )
          )
        )
      )
    );
    panel.focus({ preventScroll: true });
  }

  function focusSpan(start, end) {
    const m = document.querySelector(`#document mark[data-start="${start}"][data-end="${end}"]`);
    if (m) {
      m.scrollIntoView({ block: "center" });
      listFacts(start);
    }
  }

  load().catch((e) => {
    status(`Could not load the document: ${e.message}`, true);
    document.body.dataset.ready = "error";
  });
})();
