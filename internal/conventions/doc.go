// Package conventions checks the written conventions a newcomer relies on to
// find their way: every Go file opens with a comment saying what it is for,
// and each package's documentation lives in exactly one file, a `// Package x`
// comment directly above its package clause, so `go doc` shows the package's
// comment and not a file's. Its test walks every Go file of the module.
package conventions
