// Package validatereport writes what rehearse validate found: the Markdown
// summary for a pull request or a CI step summary, the details for a
// terminal, and GitHub Actions workflow commands at each Canary's file and
// line.
//
// It reads a Validation, which sim/policy builds from its plan and the
// finished runs; the package is named validatereport so that it reads
// apart from the policies where both are imported.
package validatereport
