// Package crashtest holds the crash-durability tests: they run a real
// server process over a real data directory, SIGKILL it at random moments
// while clients write, and check that every acknowledged write survives
// exactly once and the store's invariants hold. The tests are the package;
// this file only documents it.
package crashtest
