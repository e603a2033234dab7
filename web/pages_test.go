package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// fakePageAssets returns stand-ins for the playground's and the pages'
// third-party files.
func fakePageAssets() fstest.MapFS {
	m := fakeAssets()
	for _, name := range pageVendorNames {
		m[name] = &fstest.MapFile{Data: []byte("/* fake " + name + " */")}
	}
	return m
}

// pageRefs returns every src and href of a page with its integrity.
func pageRefs(body string) map[string]string {
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out[m[1]] = ""
	}
	for k, v := range integrities(body) {
		out[k] = v
	}
	return out
}

func TestPagesLoadOnlyTheirOwnAssetsWithSRI(t *testing.T) {
	fsys := fakePageAssets()
	p := newPages(fsys, "/graphql")
	assets := newHandler(fsys, "/graphql", "{ hello }")
	for _, target := range []string{"/graph", "/graph?root=abc&depth=2", "/documents/RG9jdW1lbnQ6eA"} {
		res, body := get(t, p, target)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", target, res.StatusCode, res.Header.Get("Content-Type"))
		}
		for _, bad := range []string{"https://", "http://", "//cdn", "unpkg", "jsdelivr"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s contains %q", target, bad)
			}
		}
		if !strings.Contains(body, `data-endpoint="/graphql"`) {
			t.Errorf("%s does not name the GraphQL endpoint", target)
		}
		scripts := 0
		for ref, integrity := range pageRefs(body) {
			switch {
			case ref == "data:,", ref == "/graph", ref == "/": // no favicon; links to pages
				continue
			case !strings.HasPrefix(ref, AssetsPrefix):
				t.Errorf("%s references %q, outside %s", target, ref, AssetsPrefix)
				continue
			}
			scripts++
			// The asset is served, and its bytes hash to the page's SRI.
			res, served := get(t, assets, ref)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: %s answers %d", target, ref, res.StatusCode)
				continue
			}
			if want := sri([]byte(served)); integrity != want {
				t.Errorf("%s: %s has integrity %q, served bytes hash to %q", target, ref, integrity, want)
			}
		}
		if scripts < 3 {
			t.Errorf("%s loads %d assets", target, scripts)
		}
	}
	// The fonts the stylesheet names are served, as fonts.
	for _, f := range []string{fontArabic, fontArabicB} {
		res, _ := get(t, assets, AssetsPrefix+f)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "font/woff2" {
			t.Errorf("%s: %d %s", f, res.StatusCode, res.Header.Get("Content-Type"))
		}
		css, err := fs.ReadFile(appFiles, "app/app.css")
		if err != nil || !strings.Contains(string(css), AssetsPrefix+f) {
			t.Errorf("app.css does not load %s", f)
		}
	}
}

func TestPagesRefuseOtherPathsAndMethods(t *testing.T) {
	p := newPages(fakePageAssets(), "/graphql")
	for _, target := range []string{"/graphs", "/documents/", "/documents/a/b", "/other"} {
		if res, _ := get(t, p, target); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, res.StatusCode)
		}
	}
	res, _ := request(t, p, http.MethodPost, "/graph")
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /graph: %d, want 405", res.StatusCode)
	}
}

// A binary built before `make assets` says how to build them.
func TestPagesWithoutAssets(t *testing.T) {
	m := fakePageAssets()
	delete(m, cytoscapeJS)
	p := newPages(m, "/graphql")
	for _, target := range []string{"/graph", "/documents/x"} {
		res, body := get(t, p, target)
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("GET %s: %d, want 503", target, res.StatusCode)
		}
		for _, want := range []string{"not built", "make assets", "POST /graphql", cytoscapeJS} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q:\n%s", target, want, body)
			}
		}
	}
	// The playground keeps working without the graph view's assets.
	if res, _ := get(t, newHandler(m, "/graphql", "{ hello }"), "/?query=%7B%7D"); res.StatusCode != http.StatusOK {
		t.Errorf("playground: %d", res.StatusCode)
	}
}

// copy-assets.js copies every third-party file the pages name, so a clean
// clone's `make assets` builds what the binary embeds.
func TestCopyAssetsCopiesEveryPageAsset(t *testing.T) {
	b, err := os.ReadFile("copy-assets.js")
	if err != nil {
		t.Fatal(err)
	}
	var copied []string
	for _, m := range regexp.MustCompile(`"([^"]+\.(?:js|css|woff2))",`).FindAllStringSubmatch(string(b), -1) {
		copied = append(copied, m[1][strings.LastIndex(m[1], "/")+1:])
	}
	for _, name := range append(slices.Clone(assetNames), pageVendorNames...) {
		if !slices.Contains(copied, name) {
			t.Errorf("copy-assets.js does not copy %s", name)
		}
	}
}

// The licences of the embedded packages are served; nothing else in the
// folder is.
func TestLicensesServed(t *testing.T) {
	m := fakePageAssets()
	m["licenses/cytoscape.txt"] = &fstest.MapFile{Data: []byte("MIT licence")}
	m["licenses/other.js"] = &fstest.MapFile{Data: []byte("x")}
	h := newHandler(m, "/graphql", "{ hello }")
	res, body := get(t, h, "/assets/licenses/cytoscape.txt")
	if res.StatusCode != http.StatusOK || body != "MIT licence" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("licence: %d %q %s", res.StatusCode, body, res.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/assets/licenses/other.js", "/assets/licenses/../README.md", "/assets/licenses/nope.txt"} {
		if res, _ := get(t, h, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
}

// TestEmbeddedPages checks the real embedded assets when `make assets` has
// run: every page asset is there and non-trivial.
func TestEmbeddedPages(t *testing.T) {
	if !PageAssetsBuilt() {
		if os.Getenv("CI") != "" {
			t.Fatal("graph view assets are not embedded: run `make assets` (make test does)")
		}
		t.Skip("graph view assets not embedded; run `make assets` to test them")
	}
	p := newPages(distFS(), "/graphql")
	for name, a := range p.assets {
		if len(a.body) < 1000 {
			t.Errorf("%s: %d bytes", name, len(a.body))
		}
	}
	// The font's licence (SIL OFL) and the others travel with the files.
	h := Handler("/graphql", "{ hello }")
	for _, l := range []string{"noto-naskh-arabic", "cytoscape", "cytoscape-fcose", "layout-base", "cose-base"} {
		if res, body := get(t, h, AssetsPrefix+licensesDir+l+".txt"); res.StatusCode != http.StatusOK || len(body) < 500 {
			t.Errorf("licence of %s: %d, %d bytes", l, res.StatusCode, len(body))
		}
	}
}

func request(t *testing.T, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Result(), rec.Body.String()
}
