// Package web serves attrib's browser pages with every asset embedded in
// the binary, so they work with no internet access: the GraphiQL
// playground at GET /, the graph view at GET /graph and the source view at
// GET /documents/{id} (pages.go). The pages get their data from the public
// GraphQL API only, like any other client.
//
// Third-party assets (GraphiQL 4.1.2, React 18.2.0, Cytoscape.js with the
// fCoSE layout, the Noto Naskh Arabic font) are fetched by
// `make assets`, which runs `npm ci` in web/ and copies them into web/dist/.
// Only web/dist/README.md is committed, which keeps `//go:embed dist`
// compiling before the assets exist; a binary built then answers each page
// with a 503 page that says how to fetch them. The pages' own scripts and
// styles live in web/app/ and are committed.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
)

//go:embed dist
var dist embed.FS

// Asset file names, as copied into dist/ by `make assets`.
const (
	graphiqlJS  = "graphiql.min.js"
	graphiqlCSS = "graphiql.min.css"
	reactJS     = "react.production.min.js"
	reactDOMJS  = "react-dom.production.min.js"
)

// assetNames lists every file the playground page needs.
var assetNames = []string{graphiqlJS, graphiqlCSS, reactJS, reactDOMJS}

// AssetsPrefix is the URL path under which the embedded assets are served.
const AssetsPrefix = "/assets/"

// licensesDir holds, under dist/ and AssetsPrefix, the licence of each
// third-party package whose files are embedded.
const licensesDir = "licenses/"

// PageTitle is the title of the playground page.
const PageTitle = "attrib GraphiQL"

// Handler returns an http.Handler for the playground, meant to be mounted at
// "/" next to the GraphQL endpoint. It serves
//
//   - GET /assets/<file>: the embedded GraphiQL/React assets;
//   - GET / without a query parameter: a 302 redirect to /?query=<defaultQuery>;
//   - GET /?query=...: the GraphiQL page, which talks to endpoint (a path such
//     as "/graphql", resolved against the page's own host) and keeps its
//     state in the URL;
//
// and 404 for any other path. If the assets were not built into the binary,
// GET / answers 503 with a page that says how to build them.
//
// It also serves the graph and source views' assets under /assets/ (see
// Pages), and the playground page links to the graph view.
func Handler(endpoint, defaultQuery string) http.Handler {
	return newHandler(distFS(), endpoint, defaultQuery)
}

// AssetsBuilt reports whether the playground assets are embedded in this
// binary (false when it was built before `make assets`).
func AssetsBuilt() bool {
	_, err := loadAssets(distFS())
	return err == nil
}

type asset struct {
	body        []byte
	contentType string
	sri         string // "sha256-<base64>"
}

type handler struct {
	endpoint     string
	defaultQuery string
	assets       map[string]asset // nil when the assets are missing
	missingErr   error            // why the assets are missing
	pageAssets   map[string]asset // the graph and source views'; nil when missing
	dist         fs.FS            // where the licences are
	page         http.Handler     // the GraphiQL page; nil when assets are missing
	modTime      time.Time
}

// newHandler builds the handler from assets, a file system holding the asset
// files at its root (dist/ in production, an fstest.MapFS in tests).
func newHandler(assets fs.FS, endpoint, defaultQuery string) *handler {
	h := &handler{endpoint: endpoint, defaultQuery: defaultQuery, modTime: time.Now(), dist: assets}
	h.pageAssets, _ = loadPageAssets(assets) // Pages reports them missing
	loaded, err := loadAssets(assets)
	if err != nil {
		h.missingErr = err
		return h
	}
	h.assets = loaded
	u := func(name string) string { return AssetsPrefix + name }
	h.page = withStyle(playground.Handler(PageTitle, endpoint,
		playground.WithGraphiqlVersion(
			u(graphiqlJS), u(graphiqlCSS),
			loaded[graphiqlJS].sri, loaded[graphiqlCSS].sri),
		playground.WithGraphiqlReactVersion(
			u(reactJS), u(reactDOMJS),
			loaded[reactJS].sri, loaded[reactDOMJS].sri),
		playground.WithGraphiqlPersistStateInURL(true),
		playground.WithGraphiqlEnablePluginExplorer(false),
	), bidiCSS)
	return h
}

// loadAssets reads every playground asset and computes its SRI hash.
func loadAssets(fsys fs.FS) (map[string]asset, error) {
	out, err := loadNamed(fsys, assetNames)
	if err != nil {
		return nil, fmt.Errorf("playground %w", err)
	}
	return out, nil
}

// loadNamed reads the files names from fsys and computes their SRI hashes.
func loadNamed(fsys fs.FS, names []string) (map[string]asset, error) {
	out := make(map[string]asset, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("asset %s: %w", name, err)
		}
		if len(b) == 0 {
			return nil, fmt.Errorf("asset %s is empty", name)
		}
		out[name] = asset{body: b, contentType: contentType(name), sri: sri(b)}
	}
	return out, nil
}

// sri returns the Subresource Integrity value of b ("sha256-<base64>").
func sri(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".woff2":
		return "font/woff2"
	default:
		return "application/octet-stream"
	}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, AssetsPrefix):
		if !allowGet(w, r) {
			return
		}
		h.serveAsset(w, r, strings.TrimPrefix(r.URL.Path, AssetsPrefix))
	case r.URL.Path == "/":
		if !allowGet(w, r) {
			return
		}
		h.serveRoot(w, r)
	default:
		http.NotFound(w, r)
	}
}

func allowGet(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

func (h *handler) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := h.assets[name]
	if !ok {
		a, ok = h.pageAssets[name]
	}
	if !ok && strings.HasPrefix(name, licensesDir) && path.Ext(name) == ".txt" && fs.ValidPath(name) {
		// The licences of the embedded third-party files.
		if b, err := fs.ReadFile(h.dist, name); err == nil {
			a, ok = asset{body: b, contentType: "text/plain; charset=utf-8", sri: sri(b)}, true
		}
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	// The URLs carry no version, so make browsers revalidate; the ETag (the
	// content hash) keeps that to a 304.
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", `"`+a.sri+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, h.modTime, bytes.NewReader(a.body))
}

func (h *handler) serveRoot(w http.ResponseWriter, r *http.Request) {
	if h.page == nil {
		h.serveMissing(w)
		return
	}
	q := r.URL.Query()
	if !q.Has("query") {
		q.Set("query", h.defaultQuery)
		http.Redirect(w, r, "/?"+encodeQuery(q), http.StatusFound)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	rec := &bufferedResponse{header: w.Header()}
	h.page.ServeHTTP(rec, r)
	body := rec.body.Bytes()
	if rec.status == 0 || rec.status == http.StatusOK {
		body = withGraphLink(body)
		// The body changed length: net/http counts it again.
		w.Header().Del("Content-Length")
	}
	if rec.status != 0 {
		w.WriteHeader(rec.status)
	}
	_, _ = w.Write(body)
}

// graphLink is added to the playground page: a plain link, top right over
// GraphiQL's header, to the graph view.
const graphLink = `<a href="` + GraphPath + `" style="position:fixed;top:6px;right:12px;z-index:10;` +
	`font:14px system-ui,sans-serif;padding:4px 10px;border-radius:4px;background:#1f4e79;color:#fff;text-decoration:none">Graph view</a>`

// withGraphLink inserts graphLink before the page's closing body tag.
func withGraphLink(page []byte) []byte {
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return page
	}
	out := make([]byte, 0, len(page)+len(graphLink))
	out = append(out, page[:i]...)
	out = append(out, graphLink...)
	return append(out, page[i:]...)
}

// bufferedResponse holds a response so the page can be edited before it
// is sent.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }

// encodeQuery is url.Values.Encode but with spaces as %20 rather than "+",
// which reads better in the address bar; both decode the same.
func encodeQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

var missingPage = template.Must(template.New("missing").Parse(`<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{{.Title}}: assets not built</title>
</head>
<body>
<h1>GraphiQL playground assets are not built</h1>
<p>This binary was built without the playground's browser assets
(GraphiQL and React), so the playground cannot be shown.</p>
<p>Fetch them from the repository root and rebuild:</p>
<pre>make assets</pre>
<p>(<code>make assets</code> runs <code>npm ci --no-audit --no-fund</code> in
<code>web/</code> and copies the files into <code>web/dist/</code>, which the
binary embeds.)</p>
<p>The GraphQL API works regardless: send queries with <code>POST {{.Endpoint}}</code>.</p>
<p><small>Detail: {{.Err}}</small></p>
</body>
</html>
`))

func (h *handler) serveMissing(w http.ResponseWriter) {
	var buf bytes.Buffer
	if err := missingPage.Execute(&buf, struct {
		Title    string
		Endpoint string
		Err      error
	}{PageTitle, h.endpoint, h.missingErr}); err != nil {
		http.Error(w, "playground assets are not built; run `make assets`", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(buf.Bytes())
}
