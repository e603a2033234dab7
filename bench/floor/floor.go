package floor

import (
	"fmt"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
)

// MaxItems is the most items one request may ask for.
const MaxItems = 1000

// static is built once, so a request costs gqlgen's work and nothing else.
var static = func() []*Item {
	items := make([]*Item, MaxItems)
	for i := range items {
		id := fmt.Sprintf("item-%04d", i)
		items[i] = &Item{ID: id, Name: "Item " + id, Kind: "STATIC", Date: "2022-09-07", Count: i, Ok: i%2 == 0,
			Child: &Child{ID: "child-" + id, Name: "Child " + id}}
	}
	return items
}()

// NewHandler serves the floor schema with the same transports and query
// cache as the attrib handler, and nothing else.
func NewHandler() http.Handler {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{}}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	return srv
}

// ItemsQuery asks for n items with every field: 9 output fields per item
// (7 on the item, 2 on its child) and the list field itself.
func ItemsQuery(n int) string {
	return fmt.Sprintf(`{ items(n: %d) { id name kind date count ok child { id name } } }`, n)
}
