// The graph view: a node's neighbourhood from the GraphQL subgraph field,
// drawn with Cytoscape.js and the fCoSE layout, with filters, a side panel
// that opens every citation, a timeline with an as-of slider (the GraphQL
// timeline's asOf), PNG/SVG export, and JGF/Cytoscape files opened by drop.
"use strict";

(function () {
  const A = window.attrib;
  const { el } = A;
  // fCoSE registers itself when it finds cytoscape loaded first.
  if (typeof cytoscape("layout", "fcose") !== "function") cytoscape.use(cytoscapeFcose);

  const $ = (id) => document.getElementById(id);
  const status = (msg, isError) => {
    const s = $("status");
    s.textContent = msg || "";
    s.classList.toggle("error", !!isError);
  };

  // The types that carry a date and so sit on the timeline.
  const DATED = new Set(["Incident", "Attribution", "Response", "Statement"]);
  const BANDS = ["ALMOST_CERTAIN", "VERY_LIKELY", "LIKELY", "ROUGHLY_EVEN", "UNLIKELY", "VERY_UNLIKELY", "REMOTE", "UNSTATED"];
  const BAND_COLOUR = {
    ALMOST_CERTAIN: "#7f1d1d",
    VERY_LIKELY: "#b91c1c",
    LIKELY: "#dc2626",
    ROUGHLY_EVEN: "#f97316",
    UNLIKELY: "#fbbf24",
    VERY_UNLIKELY: "#fde68a",
    REMOTE: "#fef3c7",
    UNSTATED: "#ffffff",
  };

  // One style per type. Claims (Attribution) are diamonds coloured by band;
  // an unstated band is white with a dashed border.
  const TYPE_STYLE = {
    State: { shape: "hexagon", color: "#1d4ed8", size: 34 },
    Organization: { shape: "round-rectangle", color: "#0f766e", size: 26 },
    Person: { shape: "ellipse", color: "#a16207", size: 24 },
    Incident: { shape: "star", color: "#b91c1c", size: 44 },
    Attribution: { shape: "diamond", color: "#7f1d1d", size: 32 },
    Response: { shape: "triangle", color: "#6d28d9", size: 26 },
    Statement: { shape: "round-tag", color: "#64748b", size: 18 },
    Document: { shape: "rectangle", color: "#94a3b8", size: 24 },
    Assessment: { shape: "octagon", color: "#be185d", size: 26 },
    Stance: { shape: "round-triangle", color: "#0e7490", size: 22 },
    ThreatActor: { shape: "vee", color: "#991b1b", size: 32 },
    Campaign: { shape: "barrel", color: "#c2410c", size: 30 },
    Malware: { shape: "concave-hexagon", color: "#4d7c0f", size: 28 },
  };
  const OTHER_STYLE = { shape: "ellipse", color: "#6b7280", size: 24 };

  function stylesheet() {
    const s = [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-family": '"Noto Naskh Arabic", system-ui, sans-serif',
          "font-size": 11,
          "text-wrap": "wrap",
          "text-max-width": 140,
          "text-valign": "bottom",
          "text-margin-y": 3,
          color: "#111827",
          "text-outline-color": "#ffffff",
          "text-outline-width": 2,
          "border-width": 1,
          "border-color": "#1f2937",
          "min-zoomed-font-size": 6,
        },
      },
      {
        selector: "edge",
        style: {
          label: "data(label)",
          "font-size": 8,
          color: "#4b5563",
          "text-rotation": "autorotate",
          "text-outline-color": "#ffffff",
          "text-outline-width": 2,
          width: 1.2,
          "line-color": "#9ca3af",
          "target-arrow-color": "#9ca3af",
          "target-arrow-shape": "triangle",
          "arrow-scale": 0.8,
          "curve-style": "bezier",
          "min-zoomed-font-size": 7,
        },
      },
      { selector: "edge[type = 'BLAMES']", style: { "line-color": "#7f1d1d", "target-arrow-color": "#7f1d1d", width: 2 } },
      { selector: "edge[type = 'ATTRIBUTED_BY']", style: { "line-color": "#1d4ed8", "target-arrow-color": "#1d4ed8", width: 2 } },
      { selector: ".hidden", style: { display: "none" } },
      { selector: ":selected", style: { "border-width": 4, "border-color": "#f59e0b", "line-color": "#f59e0b", "target-arrow-color": "#f59e0b" } },
      { selector: "node.root", style: { "border-width": 3, "border-color": "#111827" } },
    ];
    for (const [type, st] of Object.entries(TYPE_STYLE)) {
      s.splice(2, 0, {
        selector: `node[type = '${type}']`,
        style: { shape: st.shape, "background-color": st.color, width: st.size, height: st.size },
      });
    }
    for (const b of BANDS) {
      s.splice(2 + Object.keys(TYPE_STYLE).length, 0, {
        selector: `node[type = 'Attribution'][band = '${b}']`,
        style: {
          "background-color": BAND_COLOUR[b],
          "border-style": b === "UNSTATED" ? "dashed" : "solid",
          "border-width": b === "UNSTATED" ? 2 : 1,
        },
      });
    }
    return s;
  }

  const cy = cytoscape({
    container: $("cy"),
    style: stylesheet(),
    minZoom: 0.05,
    maxZoom: 4,
  });

  // What the view holds, by element ID: the record as GraphQL or the file
  // gave it, its type, and the documents' texts for quote context.
  const state = {
    records: new Map(), // id -> {kind: "node"|"link", type, label, fields, citations, from, to}
    docs: new Map(), // document id -> {text, language, title}
    root: null,
    source: "graphql", // or "file"
    timeline: null, // {events, incidents}
    asOfHidden: new Set(),
    lastLayoutMs: null,
  };

  // --- Loading ---

  const LINK_FIELDS = `id type from { id } to { id } citations { ...C }`;

  async function subgraphQuery(root, depth) {
    const frag = await A.nodeFields();
    return A.gql(
      `query Graph($root: ID!, $depth: Int) {
        subgraph(root: $root, depth: $depth) {
          nodes { ...N }
          links { ${LINK_FIELDS} }
          documents { id title language published text }
        }
      }
      ${frag}`,
      { root, depth }
    );
  }

  // fromGraphQL turns a subgraph answer into the view's model. Documents
  // are drawn only when a link in view touches them; the others are the
  // sources the quotes come from and open from the side panel.
  function fromGraphQL(sg) {
    const nodes = [];
    const links = [];
    const docs = new Map();
    for (const d of sg.documents) docs.set(d.id, { text: d.text, language: d.language, title: d.title, record: d });
    for (const n of sg.nodes) {
      nodes.push({ id: n.id, type: n.__typename, label: A.label(n), fields: n, citations: n.citations || n.references || [] });
    }
    for (const l of sg.links) {
      links.push({ id: l.id, type: l.type, from: l.from.id, to: l.to.id, label: A.words(l.type), citations: l.citations });
    }
    return { nodes, links, docs };
  }

  // fromFile reads a JGF or Cytoscape.js file exported by attrib.
  function fromFile(json) {
    const nodes = [];
    const links = [];
    const docs = new Map();
    const addNode = (id, label, m) => {
      const props = m.properties || {};
      if (m.type === "Document") {
        docs.set(id, { text: props.text, language: props.language, title: props.title, record: Object.assign({ __typename: "Document", id }, props) });
      }
      nodes.push({
        id,
        type: m.type,
        label,
        fields: Object.assign({ __typename: m.type, id }, props, m.marking ? { marking: m.marking } : {}),
        citations: m.citations || [],
      });
    };
    if (json && json.graph && json.graph.nodes) {
      for (const [id, n] of Object.entries(json.graph.nodes)) addNode(id, n.label, n.metadata || {});
      for (const e of json.graph.edges || []) {
        const m = e.metadata || {};
        links.push({ id: e.id, type: e.relation || m.type, from: e.source, to: e.target, label: e.label || A.words(e.relation), citations: m.citations || [] });
      }
    } else if (json && json.elements) {
      for (const n of json.elements.nodes || []) addNode(n.data.id, n.data.label, n.data);
      for (const e of json.elements.edges || []) {
        const d = e.data;
        links.push({ id: d.id, type: d.type, from: d.source, to: d.target, label: d.label || A.words(d.type), citations: d.citations || [] });
      }
    } else {
      throw new Error("this is not a JGF or Cytoscape.js file exported by attrib (expected a \"graph\" or an \"elements\" object)");
    }
    // Documents stand as nodes in these files; draw them as the live view
    // does, only when a link touches them.
    const linked = new Set(links.flatMap((l) => [l.from, l.to]));
    return { nodes: nodes.filter((n) => n.type !== "Document" || linked.has(n.id)), links, docs };
  }

  // show replaces the drawing with model m, or with add extends it: the
  // new nodes start beside node near and the layout keeps the others
  // roughly where the reader last saw them.
  function show(m, add, near) {
    if (!add) {
      cy.elements().remove();
      state.records.clear();
      state.docs.clear();
    }
    for (const [id, d] of m.docs) state.docs.set(id, d);
    const present = new Set(cy.nodes().map((n) => n.id()));
    const els = [];
    for (const n of m.nodes) {
      if (n.type === "Document" && !m.links.some((l) => l.from === n.id || l.to === n.id)) continue;
      state.records.set(n.id, Object.assign({ kind: "node" }, n));
      if (present.has(n.id)) continue;
      present.add(n.id);
      const f = n.fields || {};
      els.push({
        group: "nodes",
        data: { id: n.id, label: n.label, type: n.type, band: f.band || "" },
      });
    }
    // Linked documents absent from m.nodes (GraphQL lists them apart).
    for (const l of m.links) {
      for (const end of [l.from, l.to]) {
        if (present.has(end) || !m.docs.has(end)) continue;
        const d = m.docs.get(end);
        present.add(end);
        const rec = { kind: "node", id: end, type: "Document", label: A.label(d.record || { __typename: "Document", title: d.title }), fields: d.record || {}, citations: [] };
        state.records.set(end, rec);
        els.push({ group: "nodes", data: { id: end, label: rec.label, type: "Document", band: "" } });
      }
    }
    const existing = new Set(cy.edges().map((e) => e.id()));
    for (const l of m.links) {
      if (!present.has(l.from) || !present.has(l.to)) continue;
      state.records.set(l.id, Object.assign({ kind: "link" }, l));
      if (existing.has(l.id)) continue;
      els.push({ group: "edges", data: { id: l.id, source: l.from, target: l.to, label: l.label, type: l.type } });
    }
    const added = cy.add(els);
    if (add && near && cy.$id(near).length) {
      const p = cy.$id(near).position();
      added.nodes().forEach((n, i) => n.position({ x: p.x + 40 * Math.cos(i), y: p.y + 40 * Math.sin(i) }));
    }
    if (state.root) cy.$id(state.root).addClass("root");
    buildFilters();
    applyVisibility();
    return layout(!add);
  }

  // layout runs fCoSE and records how long it took (the browser test logs
  // it for docs/performance.md). From scratch it starts from a random
  // placement; otherwise from the current one (fCoSE then needs its
  // "proof" quality).
  function layout(fresh) {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const l = cy.layout({
        name: "fcose",
        quality: fresh ? "default" : "proof",
        randomize: fresh,
        animate: false,
        nodeDimensionsIncludeLabels: true,
        nodeRepulsion: () => 9000,
        idealEdgeLength: () => 90,
        packComponents: true,
        padding: 20,
      });
      l.one("layoutstop", () => {
        state.lastLayoutMs = performance.now() - t0;
        cy.fit(cy.elements(":visible"), 30);
        resolve();
      });
      l.run();
    });
  }

  let failed = false; // the last load failed (tests wait on it)

  async function loadRoot(root, depth, add) {
    status(add ? "Expanding…" : "Loading the graph…");
    try {
      const data = await subgraphQuery(root, depth);
      if (!add) state.root = root;
      await show(fromGraphQL(data.subgraph), add, root);
      state.source = "graphql";
      status(`${cy.nodes().length} nodes, ${cy.edges().length} links.`);
      await loadTimeline();
    } catch (e) {
      status(`Could not load the graph: ${e.message}`, true);
      failed = true;
    }
  }

  async function loadFile(text, name) {
    let json;
    try {
      json = JSON.parse(text);
    } catch (e) {
      status(`${name || "The file"} is not JSON: ${e.message}`, true);
      failed = true;
      return;
    }
    try {
      state.root = null;
      await show(fromFile(json));
      state.source = "file";
      $("search-results").hidden = true;
      status(`${cy.nodes().length} nodes, ${cy.edges().length} links from ${name || "the file"}.`);
      await loadTimeline();
    } catch (e) {
      status(`Could not open ${name || "the file"}: ${e.message}`, true);
      failed = true;
    }
  }

  // --- Filters: by type and by band. Keyboard-reachable checkboxes. ---

  const filterOff = { type: new Set(), band: new Set() };

  function buildFilters() {
    const types = [...new Set(cy.nodes().map((n) => n.data("type")))].sort();
    const bands = BANDS.filter((b) => cy.nodes(`[type = 'Attribution'][band = '${b}']`).length);
    fill($("type-filter"), "type", types, (t) => t);
    fill($("band-filter"), "band", bands, A.words);
  }

  function fill(fs, kind, values, text) {
    fs.querySelectorAll("label").forEach((l) => l.remove());
    fs.hidden = values.length === 0;
    for (const v of values) {
      const box = el("input", { type: "checkbox", value: v, "data-filter": kind });
      box.checked = !filterOff[kind].has(v);
      box.addEventListener("change", () => {
        if (box.checked) filterOff[kind].delete(v);
        else filterOff[kind].add(v);
        applyVisibility();
      });
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.background = kind === "band" ? BAND_COLOUR[v] : (TYPE_STYLE[v] || OTHER_STYLE).color;
      fs.append(el("label", {}, box, swatch, ` ${text(v)}`));
    }
  }

  // applyVisibility hides what the filters and the as-of date leave out,
  // and the nodes (other than the root) left with no visible link by it.
  function applyVisibility() {
    cy.batch(() => {
      cy.elements().removeClass("hidden");
      cy.nodes().forEach((n) => {
        const type = n.data("type");
        const hide =
          filterOff.type.has(type) ||
          (type === "Attribution" && filterOff.band.has(n.data("band"))) ||
          state.asOfHidden.has(n.id());
        if (hide) n.addClass("hidden");
      });
      if (state.asOfHidden.size) {
        cy.nodes().forEach((n) => {
          if (n.hasClass("hidden") || n.id() === state.root || DATED.has(n.data("type"))) return;
          if (n.connectedEdges().filter((e) => !e.source().hasClass("hidden") && !e.target().hasClass("hidden")).length === 0) {
            n.addClass("hidden");
          }
        });
      }
    });
    renderTimeline();
  }

  // --- Side panel ---

  function select(id) {
    const r = state.records.get(id);
    const panel = $("panel");
    panel.replaceChildren();
    if (!r) {
      panel.append(el("p", { class: "empty", text: "Nothing selected." }));
      return;
    }
    cy.elements().unselect();
    cy.getElementById(id).select();
    const type = r.kind === "link" ? A.words(r.type) : r.type;
    panel.append(el("h2", { dir: "auto", text: r.label }), el("p", { class: "type", text: r.kind === "link" ? `link: ${type}` : type }));
    if (r.kind === "link") {
      const from = state.records.get(r.from);
      const to = state.records.get(r.to);
      panel.append(
        el(
          "p",
          { class: "ends" },
          el("button", { type: "button", "data-select": r.from }, from ? from.label : "?"),
          ` ${type} `,
          el("button", { type: "button", "data-select": r.to }, to ? to.label : "?")
        )
      );
    } else {
      panel.append(A.fieldsTable(r.fields));
    }
    const cites = r.citations || [];
    panel.append(el("h3", { text: cites.length === 1 ? "1 citation" : `${cites.length} citations` }));
    const emphasis = r.fields && (r.fields.certaintyText || r.fields.certainty_text);
    panel.append(
      el(
        "ol",
        { class: "citations" },
        cites.map((c) => {
          const docID = c.document && c.document.id ? c.document.id : c.document;
          const d = state.docs.get(docID) || {};
          return A.citationView(c, d.text, emphasis, d.language);
        })
      )
    );
    const nav = el("p", { class: "panel-actions" });
    if (r.kind === "node") {
      nav.append(
        el("a", { href: `/graph?root=${encodeURIComponent(r.id)}&depth=2` }, "Centre the graph here"),
        " · ",
        el("button", { type: "button", "data-expand": r.id }, "Expand"),
        " · "
      );
    }
    const pg = A.playgroundURL(r.kind === "link" ? r.from : r.id, r.kind === "link" ? (state.records.get(r.from) || {}).type : r.type);
    nav.append(el("a", { href: pg }, r.kind === "link" ? "Query its source node in the playground" : "Query it in the playground"));
    panel.append(nav);
    $("playground-link").href = pg;
    panel.focus({ preventScroll: true });
  }

  $("panel").addEventListener("click", (ev) => {
    const b = ev.target.closest("button");
    if (!b) return;
    if (b.dataset.select) select(b.dataset.select);
    if (b.dataset.expand) expand(b.dataset.expand);
  });

  cy.on("tap", "node, edge", (ev) => select(ev.target.id()));
  // A double-click expands the node under it. Cytoscape's own dbltap
  // needs both taps within its debounce time as the page sees them, which
  // a busy page misses; the browser's dblclick does not. Touch keeps dbltap.
  let lastExpand = { id: null, at: 0 };
  function expandOnce(id) {
    const now = performance.now();
    if (lastExpand.id === id && now - lastExpand.at < 1000) return;
    lastExpand = { id, at: now };
    expand(id);
  }
  cy.on("dbltap", "node", (ev) => expandOnce(ev.target.id()));
  $("cy").addEventListener("dblclick", (ev) => {
    const box = $("cy").getBoundingClientRect();
    const pan = cy.pan();
    const z = cy.zoom();
    const x = (ev.clientX - box.left - pan.x) / z;
    const y = (ev.clientY - box.top - pan.y) / z;
    const hit = cy.nodes().filter((n) => {
      if (n.hasClass("hidden")) return false;
      const b = n.boundingBox({ includeLabels: false });
      return x >= b.x1 && x <= b.x2 && y >= b.y1 && y <= b.y2;
    });
    if (hit.length) expandOnce(hit[0].id());
  });

  // expand adds a node's neighbours from the server, in a file's view too.
  function expand(id) {
    return loadRoot(id, 1, true);
  }

  // --- Timeline and as-of ---

  const DAY = 86400000;
  const toDay = (s) => Math.round(Date.parse(s + "T00:00:00Z") / DAY);
  const fromDay = (d) => new Date(d * DAY).toISOString().slice(0, 10);

  // loadTimeline reads the timeline of the incidents in view (at most 25).
  // A file's view draws its timeline from the dates it carries.
  async function loadTimeline() {
    state.asOfHidden.clear();
    const incidents = cy.nodes("[type = 'Incident']").map((n) => n.id()).slice(0, 25);
    let events = [];
    // The server's timeline when the view holds incidents; otherwise (a
    // file, or a view with no incident) the dates the records carry.
    const fromServer = state.source === "graphql" && incidents.length > 0;
    if (fromServer) {
      try {
        events = await timelineQuery(incidents, null);
      } catch (e) {
        status(`Could not load the timeline: ${e.message}`, true);
      }
    } else {
      events = localEvents();
    }
    state.timeline = { events, fromServer };
    const slider = $("asof");
    const hadTimeline = !$("timeline").hidden;
    $("timeline").hidden = events.length === 0;
    if (hadTimeline !== !$("timeline").hidden) {
      // The drawing's box changed size: fit the graph to it again.
      cy.resize();
      cy.fit(cy.elements(":visible"), 30);
    }
    if (events.length) {
      const days = events.map((e) => toDay(e.date.date));
      slider.min = Math.min(...days) - 1;
      slider.max = Math.max(...days);
      slider.value = slider.max;
      $("asof-out").textContent = `${fromDay(Number(slider.max))} (everything)`;
    }
    applyVisibility();
  }

  async function timelineQuery(incidents, asOf) {
    const parts = incidents.map(
      (id, i) => `t${i}: timeline(incident: ${JSON.stringify(id)}${asOf ? `, asOf: ${JSON.stringify(asOf)}` : ""}) {
        events { kind date { date precision inferred basis } node { id } incidents { id } daysSinceIncident }
      }`
    );
    const data = await A.gql(`{ ${parts.join("\n")} }`);
    const seen = new Map();
    for (const k of Object.keys(data)) {
      for (const e of data[k].events) seen.set(e.node.id, { id: e.node.id, kind: e.kind, date: e.date, incidents: e.incidents.map((i) => i.id), days: e.daysSinceIncident });
    }
    return [...seen.values()];
  }

  // localEvents reads the dates of the records in view: GraphQL's
  // DateInfo, or a file's date, date_precision, date_inferred properties.
  function localEvents() {
    const out = [];
    for (const r of state.records.values()) {
      const f = r.fields || {};
      if (r.kind !== "node" || !DATED.has(r.type) || !f.date) continue;
      const date =
        typeof f.date === "object"
          ? f.date
          : { date: f.date, precision: f.date_precision || "DAY", inferred: !!f.date_inferred, basis: f.date_basis };
      out.push({ id: r.id, kind: r.type.toUpperCase(), date, incidents: [], days: null });
    }
    return out;
  }

  let asOfSeq = 0;
  // setAsOf shows the graph as it stood on day (a day number); the last
  // day shows everything.
  async function setAsOf(day) {
    const slider = $("asof");
    const seq = ++asOfSeq;
    const last = day >= Number(slider.max);
    const date = fromDay(day);
    $("asof-out").textContent = last ? `${date} (everything)` : date;
    if (last) {
      state.asOfHidden.clear();
      applyVisibility();
      return;
    }
    let kept;
    if (state.timeline.fromServer) {
      const incidents = cy.nodes("[type = 'Incident']").map((n) => n.id()).slice(0, 25);
      try {
        kept = new Set((await timelineQuery(incidents, date)).map((e) => e.id));
      } catch (e) {
        status(`Could not read the graph as of ${date}: ${e.message}`, true);
        return;
      }
    } else {
      kept = new Set(state.timeline.events.filter((e) => e.date.date <= date).map((e) => e.id));
    }
    if (seq !== asOfSeq) return; // a later move wins
    state.asOfHidden = new Set(state.timeline.events.map((e) => e.id).filter((id) => !kept.has(id)));
    applyVisibility();
    document.body.dataset.asof = date;
  }

  $("asof").addEventListener("input", (ev) => setAsOf(Number(ev.target.value)));

  const KIND_ROWS = ["INCIDENT", "ATTRIBUTION", "RESPONSE"];
  const SVGNS = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs, text) => {
    const e = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // renderTimeline draws the incident, each attribution and each response
  // on a time axis: a filled dot for a date the text gives, a hollow one
  // for an inferred date, a bar as wide as the precision (a month, a year)
  // when it is coarser than a day, and for each claim the days since the
  // incident. Items the as-of date or a filter hides are left out.
  function renderTimeline() {
    const box = $("timeline-axis");
    if (!state.timeline || !state.timeline.events.length) {
      box.replaceChildren();
      return;
    }
    const all = state.timeline.events.filter((e) => KIND_ROWS.includes(e.kind));
    const visible = all.filter((e) => {
      const n = cy.getElementById(e.id);
      return n.length && !n.hasClass("hidden");
    });
    const slider = $("asof");
    const d0 = Number(slider.min);
    const d1 = Number(slider.max) + 1;
    const width = Math.max(box.clientWidth || 600, 400);
    const left = 16;
    const right = Math.min(380, width / 2); // room for labels of the last day
    const x = (day) => left + ((day - d0) / Math.max(d1 - d0, 1)) * (width - left - right);
    const lineH = 15;
    // Stack items that share a row and a day.
    const rows = KIND_ROWS.map((k) => visible.filter((e) => e.kind === k));
    let y = 18;
    const g = svg("svg", { width, role: "list", "aria-label": "timeline of the incident, the claims and the responses" });
    const incidentX = new Map();
    for (const e of visible) if (e.kind === "INCIDENT") incidentX.set(e.id, x(toDay(e.date.date)));
    const parts = [];
    KIND_ROWS.forEach((kind, ri) => {
      const items = rows[ri];
      parts.push(svg("text", { x: 2, y: y, class: "row-name" }, A.words(kind) + (kind === "INCIDENT" ? "" : "s")));
      y += 12;
      const stack = new Map();
      for (const e of items.sort((a, b) => a.date.date.localeCompare(b.date.date) || labelOf(a).localeCompare(labelOf(b)))) {
        const day = toDay(e.date.date);
        const n = stack.get(day) || 0;
        stack.set(day, n + 1);
        const cyy = y + n * lineH;
        const cx = x(day);
        const item = svg("g", { class: `tl-item ${e.kind.toLowerCase()}`, role: "listitem", tabindex: 0, "data-id": e.id, "data-date": e.date.date });
        const span = e.date.precision === "YEAR" ? 365 : e.date.precision === "MONTH" ? 30 : 0;
        if (span) item.append(svg("rect", { x: cx, y: cyy - 3, width: Math.max(x(day + span) - cx, 2), height: 6, class: "precision" }));
        item.append(svg("circle", { cx, cy: cyy, r: 4, class: e.date.inferred ? "inferred" : "given" }));
        if (kind === "ATTRIBUTION" && e.days !== null && e.days !== undefined) {
          const ix = e.incidents.map((id) => incidentX.get(id)).find((v) => v !== undefined);
          if (ix !== undefined) item.append(svg("line", { x1: ix, y1: cyy, x2: cx - 5, y2: cyy, class: "delay" }));
        }
        const days = kind === "ATTRIBUTION" && e.days !== null && e.days !== undefined ? ` · ${e.days} days` : "";
        const precision = `${e.date.date}${e.date.precision !== "DAY" ? ` (${e.date.precision.toLowerCase()})` : ""}${e.date.inferred ? ", inferred" : ""}`;
        const t = svg("text", { x: cx + 8, y: cyy + 4 }, `${labelOf(e)}${days}`);
        item.append(t, svg("title", {}, `${labelOf(e)}: ${precision}${e.date.basis ? " (" + e.date.basis + ")" : ""}${days ? `, ${e.days} days after the incident` : ""}`));
        item.addEventListener("click", () => select(e.id));
        item.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") select(e.id);
        });
        parts.push(item);
      }
      const tallest = Math.max(0, ...stack.values());
      y += Math.max(tallest, 1) * lineH + 6;
    });
    // The axis: first and last day, and each day something happened.
    const axisY = y;
    parts.push(svg("line", { x1: left, y1: axisY, x2: width - right, y2: axisY, class: "axis" }));
    const ticks = new Set(all.map((e) => toDay(e.date.date)));
    for (const d of ticks) {
      parts.push(svg("line", { x1: x(d), y1: axisY - 3, x2: x(d), y2: axisY + 3, class: "axis" }));
      parts.push(svg("text", { x: x(d), y: axisY + 15, class: "tick" }, fromDay(d)));
    }
    g.setAttribute("height", axisY + 22);
    g.append(...parts);
    box.replaceChildren(g);
  }

  function labelOf(e) {
    const r = state.records.get(e.id);
    return r ? r.label : A.words(e.kind);
  }

  // --- Search ---

  $("search").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = $("search-box").value.trim();
    if (!q) return;
    status("Searching…");
    const list = $("search-results");
    try {
      const frag = await A.nodeFields();
      const data = await A.gql(`query Find($q: String!) { search(query: $q, first: 20) { totalCount edges { node { ...N } snippet field } } } ${frag}`, { q });
      list.replaceChildren(
        ...data.search.edges.map((e) =>
          el(
            "li",
            {},
            el("a", { href: `/graph?root=${encodeURIComponent(e.node.id)}&depth=2` }, A.label(e.node)),
            el("span", { class: "type", text: ` ${e.node.__typename}` })
          )
        )
      );
      list.hidden = false;
      status(`${data.search.totalCount} found for “${q}”.`);
    } catch (e) {
      status(`Search failed: ${e.message}`, true);
    }
  });

  // --- Export ---

  function download(blob, name) {
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
  const pngBlob = () => cy.png({ output: "blob", full: false, bg: "#ffffff", scale: 2 });
  // svgText writes the current view as SVG: each visible link as a line
  // (or the curve it is drawn with) with its arrow, each visible node in its
  // shape and colours, and every label as text, where and as large as it is
  // drawn. Cytoscape.js draws on a canvas and writes no SVG itself; the
  // extension that does is GPL-licensed, so this uses the geometry Cytoscape
  // has already computed for the canvas.
  function svgText() {
    const w = cy.width();
    const h = cy.height();
    const z = cy.zoom();
    const pan = cy.pan();
    const at = (p) => ({ x: p.x * z + pan.x, y: p.y * z + pan.y });
    const esc = (v) => String(v).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
    const num = (v) => Math.round(v * 100) / 100;
    const font = (ele) => num(ele.numericStyle("font-size") * z);
    const text = (x, y, size, colour, lines, extra) =>
      `<text x="${num(x)}" y="${num(y)}" font-size="${size}" fill="${esc(colour)}" text-anchor="middle" stroke="#ffffff" stroke-width="${num(size / 4)}" paint-order="stroke"${extra || ""}>` +
      lines.map((l, i) => `<tspan x="${num(x)}" dy="${i ? "1.2em" : "0"}">${esc(l)}</tspan>`).join("") +
      `</text>`;
    const out = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="'Noto Naskh Arabic', system-ui, sans-serif">`,
      `<title>attrib graph view</title>`,
      `<rect width="${w}" height="${h}" fill="#ffffff"/>`,
      `<g class="links">`,
    ];
    cy.edges().forEach((e) => {
      if (!e.visible()) return;
      const a = e.renderedSourceEndpoint();
      const b = e.renderedTargetEndpoint();
      const colour = e.style("line-color");
      const rs = e[0]._private.rscratch;
      const c = rs.ctrlpts && rs.ctrlpts.length >= 2 ? at({ x: rs.ctrlpts[0], y: rs.ctrlpts[1] }) : null;
      const d = c ? `M${num(a.x)},${num(a.y)} Q${num(c.x)},${num(c.y)} ${num(b.x)},${num(b.y)}` : `M${num(a.x)},${num(a.y)} L${num(b.x)},${num(b.y)}`;
      out.push(`<path d="${d}" fill="none" stroke="${esc(colour)}" stroke-width="${num(e.numericStyle("width") * z)}"/>`);
      // The arrow points along the last stretch of the line.
      const from = c || a;
      const len = Math.hypot(b.x - from.x, b.y - from.y) || 1;
      const ux = (b.x - from.x) / len;
      const uy = (b.y - from.y) / len;
      const s = 7 * z;
      const p1 = `${num(b.x - ux * s - uy * s * 0.5)},${num(b.y - uy * s + ux * s * 0.5)}`;
      const p2 = `${num(b.x - ux * s + uy * s * 0.5)},${num(b.y - uy * s - ux * s * 0.5)}`;
      out.push(`<polygon points="${num(b.x)},${num(b.y)} ${p1} ${p2}" fill="${esc(colour)}"/>`);
      const m = e.renderedMidpoint();
      let angle = (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI;
      if (angle > 90) angle -= 180;
      if (angle < -90) angle += 180;
      out.push(text(m.x, m.y, font(e), e.style("color"), [e.data("label")], ` transform="rotate(${num(angle)} ${num(m.x)} ${num(m.y)})"`));
    });
    out.push(`</g>`, `<g class="nodes">`);
    const shapes = cy.renderer().nodeShapes || {};
    cy.nodes().forEach((n) => {
      if (!n.visible()) return;
      const p = n.renderedPosition();
      const rw = n.renderedWidth();
      const rh = n.renderedHeight();
      const shape = n.style("shape");
      const paint = `fill="${esc(n.style("background-color"))}" stroke="${esc(n.style("border-color"))}" stroke-width="${num(n.numericStyle("border-width") * z)}"${n.style("border-style") === "dashed" ? ` stroke-dasharray="${num(4 * z)} ${num(3 * z)}"` : ""}`;
      const pts = shapes[shape] && shapes[shape].points;
      if (shape === "ellipse" || !pts) {
        out.push(`<ellipse cx="${num(p.x)}" cy="${num(p.y)}" rx="${num(rw / 2)}" ry="${num(rh / 2)}" ${paint}/>`);
      } else {
        const ps = [];
        for (let i = 0; i + 1 < pts.length; i += 2) ps.push(`${num(p.x + (pts[i] * rw) / 2)},${num(p.y + (pts[i + 1] * rh) / 2)}`);
        out.push(`<polygon points="${ps.join(" ")}" ${paint}/>`);
      }
      const size = font(n);
      const lines = n[0]._private.rscratch.labelWrapCachedLines || [n.data("label")];
      const y = p.y + rh / 2 + n.numericStyle("text-margin-y") * z + size;
      out.push(text(p.x, y, size, n.style("color"), lines));
    });
    out.push(`</g>`, `</svg>`);
    return out.join("\n");
  }
  $("export-png").addEventListener("click", () => download(pngBlob(), "attrib-graph.png"));
  $("export-svg").addEventListener("click", () => download(new Blob([svgText()], { type: "image/svg+xml" }), "attrib-graph.svg"));

  // --- Files: drop anywhere, the file input, or ?file=PATH on this server ---

  let dragDepth = 0;
  window.addEventListener("dragenter", (ev) => {
    ev.preventDefault();
    dragDepth++;
    $("drop-veil").hidden = false;
  });
  window.addEventListener("dragleave", () => {
    if (--dragDepth <= 0) $("drop-veil").hidden = true;
  });
  window.addEventListener("dragover", (ev) => ev.preventDefault());
  window.addEventListener("drop", async (ev) => {
    ev.preventDefault();
    dragDepth = 0;
    $("drop-veil").hidden = true;
    const f = ev.dataTransfer && ev.dataTransfer.files[0];
    if (f) await loadFile(await f.text(), f.name);
  });
  $("file-input").addEventListener("change", async (ev) => {
    const f = ev.target.files[0];
    if (f) await loadFile(await f.text(), f.name);
  });

  async function openFileParam(path) {
    // Only this server: a page that works offline fetches nothing else.
    const u = new URL(path, location.href);
    if (u.origin !== location.origin) {
      status("?file= must be a path on this server, such as /export?root=…&format=jgf", true);
      return;
    }
    try {
      const res = await fetch(u, { headers: A.authHeaders() });
      if (!res.ok) throw new Error(`${res.status}: ${(await res.text()).trim()}`);
      await loadFile(await res.text(), u.pathname);
    } catch (e) {
      status(`Could not open ${path}: ${e.message}`, true);
    }
  }

  // --- Start ---

  async function start() {
    const q = new URLSearchParams(location.search);
    const depth = q.has("depth") ? Number(q.get("depth")) : 2;
    if (q.get("file")) {
      await openFileParam(q.get("file"));
    } else if (q.get("root")) {
      await loadRoot(q.get("root"), depth);
    } else {
      status("Search for a node to open its neighbourhood, or drop a file exported by attrib.");
      $("search-box").focus();
    }
    if (q.get("select") && state.records.has(q.get("select"))) select(q.get("select"));
    document.body.dataset.ready = failed ? "error" : "true";
  }

  // For tests and the curious: the drawing and the view's state.
  window.attribGraph = { cy, state, select, setAsOf, loadFile, pngBlob, svgText };
  start();
})();
