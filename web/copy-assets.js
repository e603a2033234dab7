// Copies the pinned browser builds from node_modules into dist/, which the
// Go package embeds (//go:embed dist). Run through `npm run copy-assets` or
// `make assets` (which runs `npm ci` first).
"use strict";

const fs = require("fs");
const path = require("path");

const files = [
  // The GraphiQL playground (GET /).
  "graphiql/graphiql.min.js",
  "graphiql/graphiql.min.css",
  "react/umd/react.production.min.js",
  "react-dom/umd/react-dom.production.min.js",
  // The graph and source views (GET /graph, GET /documents/{id}): the
  // drawing library, its fCoSE layout (with the two libraries it is built
  // on), and a libre Arabic font that renders tashkeel.
  "cytoscape/dist/cytoscape.min.js",
  "layout-base/layout-base.js",
  "cose-base/cose-base.js",
  "cytoscape-fcose/cytoscape-fcose.js",
  "@fontsource/noto-naskh-arabic/files/noto-naskh-arabic-arabic-400-normal.woff2",
  "@fontsource/noto-naskh-arabic/files/noto-naskh-arabic-arabic-700-normal.woff2",
];

// Each package's licence travels with its files in the binary, and is
// served at /assets/licenses/<package>.txt.
const licensed = ["graphiql", "react", "react-dom", "cytoscape", "layout-base", "cose-base", "cytoscape-fcose", "@fontsource/noto-naskh-arabic"];

const dist = path.join(__dirname, "dist");
fs.mkdirSync(path.join(dist, "licenses"), { recursive: true });
for (const f of files) {
  const src = path.join(__dirname, "node_modules", f);
  const dst = path.join(dist, path.basename(f));
  fs.copyFileSync(src, dst);
  console.log(`copied ${f} -> dist/${path.basename(f)}`);
}
for (const p of licensed) {
  const dst = `licenses/${path.basename(p)}.txt`;
  fs.copyFileSync(path.join(__dirname, "node_modules", p, "LICENSE"), path.join(dist, dst));
  console.log(`copied ${p}/LICENSE -> dist/${dst}`);
}
