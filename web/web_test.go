package web

import (
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeAssets returns a file system holding small stand-ins for every asset.
func fakeAssets() fstest.MapFS {
	m := fstest.MapFS{"README.md": {Data: []byte("placeholder")}}
	for _, name := range assetNames {
		m[name] = &fstest.MapFile{Data: []byte("/* fake " + name + " */")}
	}
	return m
}

func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func TestRedirectCarriesDefaultQuery(t *testing.T) {
	const defaultQuery = `{ work(id: "a b") { title } }`
	h := newHandler(fakeAssets(), "/graphql", defaultQuery)

	res, _ := get(t, h, "/")
	if res.StatusCode != http.StatusFound {
		t.Fatalf("GET / status = %d, want 302", res.StatusCode)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if loc.Path != "/" {
		t.Errorf("redirect path = %q, want /", loc.Path)
	}
	if got := loc.Query().Get("query"); got != defaultQuery {
		t.Errorf("redirect query = %q, want %q", got, defaultQuery)
	}

	// Other parameters survive the redirect.
	res, _ = get(t, h, "/?variables=%7B%7D")
	loc, _ = url.Parse(res.Header.Get("Location"))
	if loc.Query().Get("variables") != "{}" || loc.Query().Get("query") != defaultQuery {
		t.Errorf("redirect lost parameters: %s", loc)
	}
}

func TestPageUsesOnlyLocalAssets(t *testing.T) {
	fsys := fakeAssets()
	h := newHandler(fsys, "/graphql", "{ hello }")

	res, body := get(t, h, "/?query=%7B%20hello%20%7D")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200; body:\n%s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
	checkPageLocal(t, body)

	// Every asset is referenced with the SRI hash of its bytes.
	got := integrities(body)
	for _, name := range assetNames {
		if want := sri(fsys[name].Data); got[AssetsPrefix+name] != want {
			t.Errorf("page references /assets/%s with integrity %q, want %q", name, got[AssetsPrefix+name], want)
		}
	}
}

// integrities maps each src/href in the page to its (unescaped) integrity
// attribute; html/template writes "+" as "&#43;".
func integrities(body string) map[string]string {
	re := regexp.MustCompile(`(?:src|href)="([^"]*)"\s+integrity="([^"]*)"`)
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out[html.UnescapeString(m[1])] = html.UnescapeString(m[2])
	}
	return out
}

// checkPageLocal asserts the page loads nothing from outside the server.
func checkPageLocal(t *testing.T, body string) {
	t.Helper()
	for _, bad := range []string{"https://", "http://", "cdn.", "jsdelivr", "unpkg"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	var refs [][]string
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		if m[0] == `href="`+GraphPath+`"` { // the link to the graph view, a page of this server
			continue
		}
		refs = append(refs, m)
	}
	if len(refs) != len(assetNames) {
		t.Errorf("page has %d src/href references, want %d: %v", len(refs), len(assetNames), refs)
	}
	for _, m := range refs {
		if !strings.HasPrefix(m[1], AssetsPrefix) {
			t.Errorf("page references %q, outside %s", m[1], AssetsPrefix)
		}
	}
	if !strings.Contains(body, `crossorigin="anonymous"`) {
		t.Error("page lacks crossorigin attributes")
	}
	if !strings.Contains(body, `<a href="/graph"`) {
		t.Error("the playground does not link to the graph view")
	}
}

func TestAssetsServed(t *testing.T) {
	fsys := fakeAssets()
	h := newHandler(fsys, "/graphql", "{ hello }")
	for _, tc := range []struct{ name, ct string }{
		{graphiqlJS, "text/javascript; charset=utf-8"},
		{graphiqlCSS, "text/css; charset=utf-8"},
		{reactJS, "text/javascript; charset=utf-8"},
		{reactDOMJS, "text/javascript; charset=utf-8"},
	} {
		res, body := get(t, h, "/assets/"+tc.name)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", tc.name, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != tc.ct {
			t.Errorf("%s: Content-Type = %q, want %q", tc.name, got, tc.ct)
		}
		if body != string(fsys[tc.name].Data) {
			t.Errorf("%s: wrong body %q", tc.name, body)
		}
		// Revalidation with the ETag answers 304.
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/assets/"+tc.name, nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			t.Errorf("%s: revalidation status %d, want 304", tc.name, rec.Code)
		}
	}
	for _, p := range []string{"/assets/README.md", "/assets/nope.js", "/assets/", "/other"} {
		if res, _ := get(t, h, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, res.StatusCode)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", rec.Code)
	}
}

func TestMissingAssets(t *testing.T) {
	for name, fsys := range map[string]fs.FS{
		"placeholder only": fstest.MapFS{"README.md": {Data: []byte("placeholder")}},
		"one missing": func() fs.FS {
			m := fakeAssets()
			delete(m, reactDOMJS)
			return m
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			h := newHandler(fsys, "/graphql", "{ hello }")
			for _, target := range []string{"/", "/?query=%7B%20hello%20%7D"} {
				res, body := get(t, h, target)
				if res.StatusCode != http.StatusServiceUnavailable {
					t.Fatalf("GET %s: status %d, want 503", target, res.StatusCode)
				}
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type = %q", ct)
				}
				for _, want := range []string{"not built", "make assets", "npm ci", "POST /graphql"} {
					if !strings.Contains(body, want) {
						t.Errorf("missing-assets page lacks %q:\n%s", want, body)
					}
				}
				if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
					t.Error("missing-assets page contains an http URL")
				}
			}
			if res, _ := get(t, h, "/assets/"+graphiqlJS); res.StatusCode != http.StatusNotFound {
				t.Errorf("asset served while assets are missing: %d", res.StatusCode)
			}
		})
	}
}

// TestEmbedded checks the real embedded dist: the full page when `make
// assets` has run, the 503 page otherwise.
func TestEmbedded(t *testing.T) {
	h := Handler("/graphql", "{ hello }")
	res, body := get(t, h, "/?query=%7B%20hello%20%7D")
	if !AssetsBuilt() {
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("assets not built: status %d, want 503", res.StatusCode)
		}
		t.Skip("playground assets not embedded; run `make assets` to test them")
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	checkPageLocal(t, body)
	got := integrities(body)
	for _, name := range assetNames {
		res, body := get(t, h, "/assets/"+name)
		if want := sri([]byte(body)); got[AssetsPrefix+name] != want {
			t.Errorf("%s: page integrity %q, served bytes hash to %q", name, got[AssetsPrefix+name], want)
		}
		if res.StatusCode != http.StatusOK || len(body) < 1000 {
			t.Errorf("%s: status %d, %d bytes", name, res.StatusCode, len(body))
		}
		if want := contentType(name); res.Header.Get("Content-Type") != want {
			t.Errorf("%s: Content-Type %q, want %q", name, res.Header.Get("Content-Type"), want)
		}
	}
}

// TestEmbeddedSRIMatchesUpstream pins the embedded assets to the exact
// published npm files: these are the hashes gqlgen v0.17.98 uses for the
// same versions on its CDN default.
func TestEmbeddedSRIMatchesUpstream(t *testing.T) {
	if !AssetsBuilt() {
		t.Skip("playground assets not embedded; run `make assets`")
	}
	want := map[string]string{
		graphiqlJS:  "sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=",
		graphiqlCSS: "sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU=",
		reactJS:     "sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=",
		reactDOMJS:  "sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc=",
	}
	sub, _ := fs.Sub(dist, "dist")
	for name, w := range want {
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			t.Fatal(err)
		}
		if got := sri(b); got != w {
			t.Errorf("%s: SRI %s, want %s", name, got, w)
		}
	}
}
