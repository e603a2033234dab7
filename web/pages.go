package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
)

// The graph view and the source view are static pages: a template that
// names its scripts with their SRI hashes, and scripts in app/ that ask the
// GraphQL endpoint for everything they show. The server renders no fact, so
// what a page shows and what a query returns cannot drift apart.

//go:embed app
var appFiles embed.FS

// Third-party files the graph and source views need, as copied into dist/
// by `make assets` (see copy-assets.js).
const (
	cytoscapeJS = "cytoscape.min.js"
	layoutBase  = "layout-base.js"
	coseBase    = "cose-base.js"
	fcoseJS     = "cytoscape-fcose.js"
	fontArabic  = "noto-naskh-arabic-arabic-400-normal.woff2"
	fontArabicB = "noto-naskh-arabic-arabic-700-normal.woff2"
)

// pageVendorNames lists the third-party files of the graph and source views.
var pageVendorNames = []string{cytoscapeJS, layoutBase, coseBase, fcoseJS, fontArabic, fontArabicB}

// pageAppNames lists the pages' own files, committed in app/.
var pageAppNames = []string{"common.js", "graph.js", "document.js", "app.css"}

// GraphPath and DocumentsPath are where the pages are mounted.
const (
	GraphPath     = "/graph"
	DocumentsPath = "/documents/"
)

var pageTemplates = template.Must(template.New("pages").Funcs(template.FuncMap{
	// Filled per handler by pages.render; these stand-ins let Parse check
	// the templates.
	"script": func(string) template.HTML { return "" },
	"style":  func(string) template.HTML { return "" },
}).ParseFS(appFiles, "app/*.html"))

// pages serves the graph view and the source view.
type pages struct {
	endpoint   string
	assets     map[string]asset // vendor and app files; nil when missing
	missingErr error
}

// Pages returns the handler of GET /graph and GET /documents/{id}, which
// talk to the GraphQL endpoint (a path such as "/graphql") and load their
// assets from /assets/, served by Handler.
func Pages(endpoint string) http.Handler {
	return newPages(distFS(), endpoint)
}

func newPages(vendor fs.FS, endpoint string) *pages {
	p := &pages{endpoint: endpoint}
	p.assets, p.missingErr = loadPageAssets(vendor)
	return p
}

// distFS is the embedded dist/ folder.
func distFS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil { // cannot happen: "dist" is a valid path
		panic(err)
	}
	return sub
}

// loadPageAssets reads the pages' vendor files from vendor and their own
// files from app/.
func loadPageAssets(vendor fs.FS) (map[string]asset, error) {
	app, err := fs.Sub(appFiles, "app")
	if err != nil {
		return nil, err
	}
	out, err := loadNamed(vendor, pageVendorNames)
	if err != nil {
		return nil, fmt.Errorf("graph view %w", err)
	}
	own, err := loadNamed(app, pageAppNames)
	if err != nil { // cannot happen: app/ is committed and embedded
		return nil, fmt.Errorf("graph view %w", err)
	}
	for k, v := range own {
		out[k] = v
	}
	return out, nil
}

// PageAssetsBuilt reports whether the graph and source views' third-party
// assets are embedded in this binary.
func PageAssetsBuilt() bool {
	_, err := loadPageAssets(distFS())
	return err == nil
}

func (p *pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowGet(w, r) {
		return
	}
	var name string
	switch {
	case r.URL.Path == GraphPath:
		name = "graph.html"
	case strings.HasPrefix(r.URL.Path, DocumentsPath) && len(r.URL.Path) > len(DocumentsPath) &&
		!strings.Contains(r.URL.Path[len(DocumentsPath):], "/"):
		name = "document.html"
	default:
		http.NotFound(w, r)
		return
	}
	if p.assets == nil {
		serveMissingPage(w, p.endpoint, p.missingErr)
		return
	}
	body, err := p.render(name)
	if err != nil {
		http.Error(w, "the page could not be rendered; see the server log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(body)
}

// render executes page template name with script and style tags that carry
// each asset's SRI hash.
func (p *pages) render(name string) ([]byte, error) {
	tag := func(format, file string) template.HTML {
		a, ok := p.assets[file]
		if !ok {
			panic("page asset not registered: " + file)
		}
		return template.HTML(fmt.Sprintf(format, template.HTMLEscapeString(AssetsPrefix+file), template.HTMLEscapeString(a.sri)))
	}
	t, err := pageTemplates.Clone()
	if err != nil {
		return nil, err
	}
	t.Funcs(template.FuncMap{
		"script": func(file string) template.HTML {
			return tag(`<script src="%s" integrity="%s" crossorigin="anonymous"></script>`, file)
		},
		"style": func(file string) template.HTML {
			return tag(`<link rel="stylesheet" href="%s" integrity="%s" crossorigin="anonymous">`, file)
		},
	})
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, struct{ Endpoint string }{p.endpoint}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var missingPagesTemplate = template.Must(template.New("missing").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>attrib: graph view assets not built</title>
</head>
<body>
<h1>The graph view's assets are not built</h1>
<p>This binary was built without the graph view's browser assets
(Cytoscape.js and the Arabic font), so the graph and source views cannot be shown.</p>
<p>Fetch them from the repository root and rebuild:</p>
<pre>make assets</pre>
<p>The GraphQL API works regardless: send queries with <code>POST {{.Endpoint}}</code>.</p>
<p><small>Detail: {{.Err}}</small></p>
</body>
</html>
`))

func serveMissingPage(w http.ResponseWriter, endpoint string, missing error) {
	var buf bytes.Buffer
	if err := missingPagesTemplate.Execute(&buf, struct {
		Endpoint string
		Err      error
	}{endpoint, missing}); err != nil {
		http.Error(w, "graph view assets are not built; run `make assets`", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(buf.Bytes())
}
