package export

import (
	"bufio"
)

// NativeFormat is the value of the native file's "format" member.
const NativeFormat = "attrib/1"

// writeNative writes attrib's own format, schema/attrib-export.schema.json:
// records exactly as the store keeps them (properties, citations, marking,
// author, retraction), so importing the file and exporting again gives the
// same bytes. Documents carry their full text so the file alone verifies
// every citation.
func writeNative(w *bufio.Writer, src *source) error {
	w.WriteString("{\n  \"format\": \"" + NativeFormat + "\",\n  \"nodes\": [")
	l := &list{w: w, indent: "    "}
	for _, id := range src.sel.Nodes {
		if err := src.writeRecord(l, false, id); err != nil {
			return err
		}
	}
	l.close("],\n  \"edges\": [")
	l = &list{w: w, indent: "    "}
	for _, id := range src.sel.Edges {
		if err := src.writeRecord(l, true, id); err != nil {
			return err
		}
	}
	l.close("],\n  \"documents\": [")
	l = &list{w: w, indent: "    "}
	for _, id := range src.sel.Documents {
		if err := src.writeRecord(l, false, id); err != nil {
			return err
		}
	}
	l.close("]\n}\n")
	return nil
}
