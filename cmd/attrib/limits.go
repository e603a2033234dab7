package main

import (
	"github.com/attrib/attrib/server"
	"github.com/spf13/cobra"
)

// addLimitFlags lets the operator tune every query budget of serve;
// docs/operations.md explains each.
func addLimitFlags(cmd *cobra.Command, lim *server.Limits) {
	*lim = server.DefaultLimits
	f := cmd.Flags()
	f.IntVar(&lim.Budget.MaxTokens, "max-tokens", lim.Budget.MaxTokens, "most lexical tokens in a query (checked before parsing; 0: no limit)")
	f.IntVar(&lim.Budget.MaxFields, "max-fields", lim.Budget.MaxFields, "most fields written in a query, each fragment counted once")
	f.IntVar(&lim.Budget.MaxExpanded, "max-expanded-fields", lim.Budget.MaxExpanded, "most fields once fragment spreads are expanded")
	f.IntVar(&lim.Budget.MaxAliases, "max-aliases", lim.Budget.MaxAliases, "most aliased fields in a query")
	f.IntVar(&lim.Budget.MaxDirectives, "max-directives", lim.Budget.MaxDirectives, "most directives in a query")
	f.IntVar(&lim.Budget.MaxNesting, "max-nesting", lim.Budget.MaxNesting, "deepest selection-set nesting seen by the pre-parse check (inline fragments count)")
	f.IntVar(&lim.ParserTokens, "parser-tokens", lim.ParserTokens, "token limit of the GraphQL parser itself, a backstop: keep it above --max-tokens")
	f.IntVar(&lim.MaxQueryDepth, "max-depth", lim.MaxQueryDepth, "deepest field nesting of a parsed query, fragments followed")
	f.IntVar(&lim.MaxComplexity, "max-complexity", lim.MaxComplexity, "highest query cost, every list weighted by its first or size")
	f.IntVar(&lim.MaxPageSize, "max-page-size", lim.MaxPageSize, "largest first a connection accepts (at most the built-in 100)")
	f.IntVar(&lim.MaxObjects, "max-objects", lim.MaxObjects, "most objects one response may hold, counted while resolving")
	f.DurationVar(&lim.Timeout, "query-timeout", lim.Timeout, "longest one operation may run")
	f.Int64Var(&lim.MaxBody, "max-body", lim.MaxBody, "largest request body in bytes")
	f.BoolVar(&lim.Introspection, "introspection", lim.Introspection, "allow schema introspection and field suggestions in errors")
	f.IntVar(&lim.MaxResponse, "max-response-bytes", lim.MaxResponse, "largest response data in bytes (0: no limit)")
	f.IntVar(&lim.Admission.Slots, "max-heavy-queries", lim.Admission.Slots, "heavy queries (complexity at least --heavy-complexity) running at once; more wait (0: no limit)")
	f.IntVar(&lim.Admission.Heavy, "heavy-complexity", lim.Admission.Heavy, "complexity from which a query is heavy")
	f.IntVar(&lim.Admission.Queue, "heavy-queue", lim.Admission.Queue, "heavy queries that may wait for a slot; past that the server answers 503")
	f.DurationVar(&lim.Admission.Wait, "heavy-wait", lim.Admission.Wait, "longest a heavy query waits for a slot before a 503")
}
