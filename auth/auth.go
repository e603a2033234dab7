// Package auth checks bearer tokens and names the principal behind a
// request. Tokens are configured in a file or the environment; only their
// SHA-256 hashes are kept in memory, compared in constant time, and a token
// never appears in a log line or an error message.
package auth

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Role is what a principal may do.
type Role int

// Roles, each allowed everything the one before it is.
const (
	Anonymous Role = iota // no token: reads only, and only when allowed
	Reader                // reads
	Editor                // reads, writes, retracts its own facts
	Admin                 // everything, including retracting others' facts
)

var roleNames = []string{"anonymous", "reader", "editor", "admin"}

func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return fmt.Sprintf("role(%d)", int(r))
}

// ParseRole reads a role name of a token file.
func ParseRole(s string) (Role, error) {
	i := slices.Index(roleNames, s)
	if i <= 0 {
		// The value is not echoed: a line in the wrong order would put a
		// token here.
		return 0, fmt.Errorf("the role is not one of reader, editor, admin")
	}
	return Role(i), nil
}

// Principal is who a request acts for.
type Principal struct {
	Name string
	Role Role
}

// Can reports whether p has at least role r.
func (p Principal) Can(r Role) bool { return p.Role >= r }

// ErrRetracted is why a walk that asks for retracted facts is refused.
var ErrRetracted = errors.New("includeRetracted needs the editor role")

// RetractedAllowed says whether p may ask a walk (the subgraph and
// exportSubgraph fields, GET /export) for retracted facts: editors and
// admins may. An export is a file that leaves the server, and a retracted
// fact in it reads as live to a tool that ignores attrib's retraction
// field, so a reader's exports hold live facts only. The error wraps
// ErrRetracted.
func RetractedAllowed(p Principal, includeRetracted bool) error {
	if includeRetracted && !p.Can(Editor) {
		return fmt.Errorf("%w (you are %s); send an editor's token as Authorization: Bearer <token>", ErrRetracted, p.Role)
	}
	return nil
}

// anonymous is the principal of a request without a token.
var anonymous = Principal{Name: "anonymous", Role: Anonymous}

// MinTokenLen is the shortest token accepted: shorter ones are guessable.
const MinTokenLen = 16

type entry struct {
	hash [sha256.Size]byte
	p    Principal
}

// Tokens is a set of hashed tokens.
type Tokens struct {
	entries []entry
}

// Parse reads token entries, one per line (or separated by ';' when they
// come from an environment variable): "name:role:token". Blank lines and
// lines starting with '#' are ignored. Errors name the line, never the
// token.
func Parse(r io.Reader) (*Tokens, error) {
	t := &Tokens{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		if strings.HasPrefix(strings.TrimSpace(sc.Text()), "#") {
			continue // a comment, whatever it holds
		}
		for _, field := range strings.Split(sc.Text(), ";") {
			field = strings.TrimSpace(field)
			if field == "" || strings.HasPrefix(field, "#") {
				continue
			}
			if err := t.add(field); err != nil {
				return nil, fmt.Errorf("tokens: entry on line %d: %w", line, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	return t, nil
}

func (t *Tokens) add(field string) error {
	name, rest, ok1 := strings.Cut(field, ":")
	roleName, token, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || name == "" {
		return fmt.Errorf("want name:role:token")
	}
	role, err := ParseRole(roleName)
	if err != nil {
		return err
	}
	if len(token) < MinTokenLen {
		return fmt.Errorf("token of %s is shorter than %d characters", name, MinTokenLen)
	}
	h := sha256.Sum256([]byte(token))
	for _, e := range t.entries {
		if e.p.Name == name {
			return fmt.Errorf("name %s is used twice", name)
		}
		if e.hash == h {
			return fmt.Errorf("the token of %s is also the token of %s", name, e.p.Name)
		}
	}
	t.entries = append(t.entries, entry{hash: h, p: Principal{Name: name, Role: role}})
	return nil
}

// Len returns the number of tokens.
func (t *Tokens) Len() int { return len(t.entries) }

// Has reports whether some token has role r.
func (t *Tokens) Has(r Role) bool {
	for _, e := range t.entries {
		if e.p.Role == r {
			return true
		}
	}
	return false
}

// Lookup returns the principal whose token is token. Every entry is
// compared, in constant time, so the time taken says nothing of which
// entry matched or how much of a hash did.
func (t *Tokens) Lookup(token string) (Principal, bool) {
	h := sha256.Sum256([]byte(token))
	var found Principal
	ok := 0
	for _, e := range t.entries {
		if subtle.ConstantTimeCompare(h[:], e.hash[:]) == 1 {
			found = e.p
			ok = 1
		}
	}
	return found, ok == 1
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal of ctx; anonymous when none was set.
func FromContext(ctx context.Context) Principal {
	if p, ok := ctx.Value(principalKey{}).(Principal); ok {
		return p
	}
	return anonymous
}

// Clearance is the most restricted TLP marking role r may read: anonymous
// readers see CLEAR, readers GREEN, editors AMBER+STRICT, admins RED.
func (r Role) Clearance() string {
	switch r {
	case Reader:
		return "GREEN"
	case Editor:
		return "AMBER+STRICT"
	case Admin:
		return "RED"
	}
	return "CLEAR"
}
