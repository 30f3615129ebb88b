// Package text words values the same way in every report: numbers and
// durations in one format, free text folded onto one line and made safe
// for Markdown, sentences and plurals.
package text
