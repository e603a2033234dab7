package edit

import (
	"errors"
	"fmt"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Retract withdraws the fact id (a node or a link) with a reason. The fact
// stays in the store, flagged, and can be restored with Unretract. An
// editor may retract what they wrote; anything else needs an admin.
func (e *Editor) Retract(p auth.Principal, id, reason string, o Opts) (Result, error) {
	return e.setRetraction(p, "retract", id, reason, o)
}

// Unretract undoes the retraction of id, recording why.
func (e *Editor) Unretract(p auth.Principal, id, reason string, o Opts) (Result, error) {
	return e.setRetraction(p, "unretract", id, reason, o)
}

func (e *Editor) setRetraction(p auth.Principal, op, id, reason string, o Opts) (Result, error) {
	if err := firstErr(required("id", id, MaxKey*2), required("reason", reason, MaxString)); err != nil {
		return Result{}, err
	}
	if o.Marking != "" {
		return Result{}, fieldErr("marking", "%s does not change a marking", op)
	}
	in := struct{ ID, Reason string }{id, reason}
	return e.run(p, op, in, o, func(tx *store.Txn, w *writer) (string, error) {
		meta, owner, kind, get, err := load(tx, id)
		if err != nil {
			return "", err
		}
		if !ontology.Covers(p.Role.Clearance(), meta.Marking) {
			// Above the writer's clearance: as if it were not there.
			return "", fieldErr("id", "no node or link %s", id)
		}
		if meta.CreatedBy != p.Name && !p.Can(auth.Admin) {
			by := meta.CreatedBy
			if by == "" {
				by = "the seed"
			}
			return "", &ForbiddenError{Msg: fmt.Sprintf("%s %s: it was written by %s; changing someone else's fact needs the admin role", op, id, by)}
		}
		before, err := get()
		if err != nil {
			return "", err
		}
		switch {
		case op == "retract" && meta.Retraction != nil:
			return "", fieldErr("id", "%s is already retracted (by %s at %s)", id, meta.Retraction.By, meta.Retraction.At)
		case op == "unretract" && meta.Retraction == nil:
			return "", fieldErr("id", "%s is not retracted", id)
		case op == "retract":
			meta.Retraction = &store.Retraction{By: p.Name, At: w.at, Reason: reason}
		default:
			meta.Retraction = nil
		}
		after, err := put(tx, kind, id, meta)
		if err != nil {
			return "", err
		}
		return id, w.audit(op, id, kind, owner, before, after, meta.Marking)
	})
}

// load finds id as a node or an edge, returning a copy of its meta, the
// node whose history it belongs to, its kind, and a reader of the record.
func load(tx *store.Txn, id string) (store.Meta, string, string, func() (any, error), error) {
	if n, err := tx.Node(id); err == nil {
		return n.Meta, "", "node", func() (any, error) { return n, nil }, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.Meta{}, "", "", nil, err
	}
	if ed, err := tx.Edge(id); err == nil {
		return ed.Meta, ed.From, "edge", func() (any, error) { return ed, nil }, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.Meta{}, "", "", nil, err
	}
	return store.Meta{}, "", "", nil, fieldErr("id", "no node or link %s", id)
}

// put rewrites the meta of record id and returns the record as written.
func put(tx *store.Txn, kind, id string, meta store.Meta) (any, error) {
	if kind == "node" {
		n, err := tx.Node(id)
		if err != nil {
			return nil, err
		}
		n.Meta = meta
		_, err = tx.PutNode(n)
		return n, err
	}
	ed, err := tx.Edge(id)
	if err != nil {
		return nil, err
	}
	ed.Meta = meta
	_, err = tx.PutEdge(ed)
	return ed, err
}
