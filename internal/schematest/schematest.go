// Package schematest validates exports in tests: the native format against
// schema/attrib-export.schema.json, and STIX 2.1 bundles against the
// official OASIS schemas copied into testdata/stix2-json-schemas. Schemas
// are read from the repository, never fetched: their $ids are URLs, and a
// loader maps those URLs onto the local copies.
package schematest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// stixBase is the URL prefix of every $id in the official STIX schemas.
const stixBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// nativeID is the $id of the native schema.
const nativeID = "https://github.com/attrib/attrib/schema/attrib-export.schema.json"

// Root is the repository root, found from this file's own location so that
// tests in any package can read schema/ and testdata/.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// localLoader serves the STIX and native schema URLs from the repository.
type localLoader struct{ root string }

func (l localLoader) Load(url string) (any, error) {
	var path string
	switch {
	case strings.HasPrefix(url, stixBase):
		path = filepath.Join(l.root, "testdata", "stix2-json-schemas", "schemas", filepath.FromSlash(strings.TrimPrefix(url, stixBase)))
	case url == nativeID:
		path = filepath.Join(l.root, "schema", "attrib-export.schema.json")
	default:
		return nil, fmt.Errorf("schema %s is not stored locally; tests never fetch", url)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

func compiler() *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(localLoader{Root()})
	return c
}

// Native validates a native export.
func Native(t testing.TB, data []byte) {
	t.Helper()
	sch, err := compiler().Compile(nativeID)
	if err != nil {
		t.Fatalf("compile native schema: %v", err)
	}
	validate(t, sch, data, "native export")
}

// unlistedTypes are the SDO types that bundle.json's first oneOf leaves out.
// Its fallback branch then asks for exactly one of core.json and
// cyber-observable-core.json, but any object valid under core.json is also
// valid under cyber-observable-core.json (it requires only type and id), so
// the official bundle.json refuses every such object, however correct
// (TestBundleSchemaRefusesUnlistedTypes shows it). For these types the
// bundle is checked without them, and each is checked against core.json
// and against its own type's schema.
var unlistedTypes = map[string]bool{"incident": true, "location": true, "note": true, "opinion": true, "grouping": true}

// STIX validates a bundle: the bundle against bundle.json, and each of its
// objects against the schema of its own type.
func STIX(t testing.TB, data []byte) {
	t.Helper()
	c := compiler()
	bundle, err := c.Compile(stixBase + "common/bundle.json")
	if err != nil {
		t.Fatalf("compile bundle schema: %v", err)
	}
	core, err := c.Compile(stixBase + "common/core.json")
	if err != nil {
		t.Fatalf("compile core schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("bundle is not JSON: %v", err)
	}
	top, _ := inst.(map[string]any)
	objs, _ := top["objects"].([]any)
	if len(objs) == 0 {
		t.Fatal("bundle has no objects")
	}
	listed := make([]any, 0, len(objs))
	for _, o := range objs {
		obj := o.(map[string]any)
		typ, _ := obj["type"].(string)
		sch, err := c.Compile(stixBase + SchemaPath(typ))
		if err != nil {
			t.Fatalf("object %v: compile schema of %s: %v", obj["id"], typ, err)
		}
		if err := sch.Validate(obj); err != nil {
			t.Errorf("object %v (%s) does not validate against its own schema: %v", obj["id"], typ, err)
		}
		if !unlistedTypes[typ] {
			listed = append(listed, obj)
			continue
		}
		if err := core.Validate(obj); err != nil {
			t.Errorf("object %v (%s) does not validate against core.json: %v", obj["id"], typ, err)
		}
	}
	env := map[string]any{}
	for k, v := range top {
		env[k] = v
	}
	env["objects"] = listed
	if err := bundle.Validate(env); err != nil {
		t.Errorf("bundle does not validate against bundle.json: %v", err)
	}
}

// Bundle validates data against the official bundle.json alone.
func Bundle(data []byte) error {
	bundle, err := compiler().Compile(stixBase + "common/bundle.json")
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return bundle.Validate(inst)
}

// SchemaPath is the path, under schemas/, of the schema of STIX type typ.
func SchemaPath(typ string) string {
	switch typ {
	case "relationship", "sighting":
		return "sros/" + typ + ".json"
	case "marking-definition", "bundle", "language-content", "extension-definition":
		return "common/" + typ + ".json"
	}
	return "sdos/" + typ + ".json"
}

func validate(t testing.TB, sch *jsonschema.Schema, data []byte, what string) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s is not JSON: %v", what, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("%s does not validate: %v", what, err)
	}
}
