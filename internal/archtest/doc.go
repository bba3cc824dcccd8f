// Package archtest holds tests that guard the shape of the module: the
// direction of the import graph written down in DESIGN.md, and the rule that
// core packages never branch on a dialect's name.
//
// The package has no exported API and imports nothing of the module; its
// tests run the go command on the module's source.
package archtest
