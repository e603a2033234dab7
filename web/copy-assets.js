// Copies the pinned UMD builds from node_modules into dist/, which the Go
// package embeds (//go:embed dist). Run through `npm run copy-assets` or
// `make assets` (which runs `npm ci` first).
"use strict";

const fs = require("fs");
const path = require("path");

const files = [
  "graphiql/graphiql.min.js",
  "graphiql/graphiql.min.css",
  "react/umd/react.production.min.js",
  "react-dom/umd/react-dom.production.min.js",
];

const dist = path.join(__dirname, "dist");
fs.mkdirSync(dist, { recursive: true });
for (const f of files) {
  const src = path.join(__dirname, "node_modules", f);
  const dst = path.join(dist, path.basename(f));
  fs.copyFileSync(src, dst);
  console.log(`copied ${f} -> dist/${path.basename(f)}`);
}
