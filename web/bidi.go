package web

import (
	"bytes"
	"net/http"
)

// bidiCSS makes right-to-left strings legible in GraphiQL's result pane.
// The pane shows JSON in CodeMirror 5, one line per property, laid out left
// to right; a string value in Arabic, above all one holding escaped quotes
// (\"…\"), was reordered with the line by the Unicode bidirectional
// algorithm, so its quotation marks and the words around the escaped ones
// landed at the wrong ends. unicode-bidi: plaintext isolates each string
// value (CodeMirror's .cm-string token, quotes included) and gives it the
// direction of its first strong letter: an Arabic value reads right to
// left as a whole, an English one left to right, and the key, colon and
// comma around it keep their places.
const bidiCSS = `.graphiql-container .CodeMirror .cm-string { unicode-bidi: plaintext; }`

// withStyle serves page with css added to its head, as an inline style:
// gqlgen's playground page takes no stylesheet of its own.
func withStyle(page http.Handler, css string) http.Handler {
	tag := []byte("<style>" + css + "</style></head>")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := &buffered{header: http.Header{}, code: http.StatusOK}
		page.ServeHTTP(buf, r)
		body := bytes.Replace(buf.body.Bytes(), []byte("</head>"), tag, 1)
		for k, vs := range buf.header {
			w.Header()[k] = vs
		}
		// The body changed length: net/http counts it again.
		w.Header().Del("Content-Length")
		w.WriteHeader(buf.code)
		_, _ = w.Write(body)
	})
}

// buffered is a ResponseWriter that keeps the response, to be rewritten.
type buffered struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *buffered) Header() http.Header         { return b.header }
func (b *buffered) WriteHeader(code int)        { b.code = code }
func (b *buffered) Write(p []byte) (int, error) { return b.body.Write(p) }
