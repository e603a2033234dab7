// Package floor is a tiny gqlgen schema with a static resolver: the cost of
// gqlgen's output per field, with no storage behind it, which the benchmarks
// count as part of every query's floor.
package floor

//go:generate go run github.com/99designs/gqlgen generate --config gqlgen.yml
