// This file checks that the Markdown the commands write renders on GitHub:
// real summaries (run, validate, chaos) go through a GFM renderer (goldmark
// with its GFM extension, as GitHub's cmark-gfm reads tables) and the HTML
// is opened in headless chromium, whose DOM must hold every table, row for
// row, with no raw "|" row left as text.

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/rehearse-dev/rehearse/internal/browser"
)

func TestMarkdownRendersOnGitHub(t *testing.T) {
	if why := browser.Available(); why != "" {
		t.Skip(why)
	}
	lib := "../../scenarios/library/"
	run, validate, chaos := t.TempDir(), t.TempDir(), t.TempDir()
	for _, args := range [][]string{
		{"run", "--out", run, lib},
		{"validate", "--out", validate, exampleRepo},
		{"chaos", "--faults", "catalogue", "--out", chaos, lib + "good-release.yaml", lib + "bad-release.yaml"},
	} {
		if code, _, errOut := runBinary(t, args...); code != 0 && code != 1 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	for name, path := range map[string]string{
		"run summary":      filepath.Join(run, "summary.md"),
		"run report":       filepath.Join(run, "bad-release", "report.md"),
		"validate summary": filepath.Join(validate, "summary.md"),
		"chaos report":     filepath.Join(chaos, "chaos.md"),
	} {
		t.Run(name, func(t *testing.T) { checkRendered(t, readFile(t, path)) })
	}
}

// checkRendered renders md as GitHub does and checks the browser's DOM.
func checkRendered(t *testing.T, md string) {
	t.Helper()
	var html bytes.Buffer
	html.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n")
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(md), &html); err != nil {
		t.Fatal(err)
	}
	html.WriteString("</body></html>\n")
	dir := t.TempDir()
	page := filepath.Join(dir, "page.html")
	if err := os.WriteFile(page, html.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, logs, err := browser.Run(t.Context(), filepath.Join(dir, "profile"), "--dump-dom", "file://"+page)
	if err != nil {
		t.Fatal(err)
	}
	tables, rows := markdownTables(md)
	if tables == 0 {
		t.Fatalf("the document has no table to check:\n%s", md)
	}
	if got := strings.Count(dom, "<table"); got != tables {
		t.Errorf("the browser shows %d tables, the Markdown has %d", got, tables)
	}
	if got := strings.Count(dom, "<tr"); got != rows {
		t.Errorf("the browser shows %d table rows, the Markdown has %d (header included)", got, rows)
	}
	if leaked := rawTableRow.FindString(outsideTables(dom)); leaked != "" {
		t.Errorf("a table row was left as text: %q", leaked)
	}
	if problems := browser.ConsoleProblems(logs); len(problems) > 0 {
		t.Errorf("the page logged to the console:\n%s", strings.Join(problems, "\n"))
	}
}

// markdownTables counts the GFM tables of md (a header row, then a
// delimiter row) and their rows, header included.
func markdownTables(md string) (tables, rows int) {
	lines := strings.Split(md, "\n")
	inTable := false
	for i, l := range lines {
		isRow := strings.HasPrefix(l, "|")
		switch {
		case isRow && !inTable && i+1 < len(lines) && delimiterRow.MatchString(lines[i+1]):
			tables, rows, inTable = tables+1, rows+1, true
		case isRow && inTable && !delimiterRow.MatchString(l):
			rows++
		case !isRow:
			inTable = false
		}
	}
	return tables, rows
}

var (
	delimiterRow = regexp.MustCompile(`^\|(\s*:?-+:?\s*\|)+\s*$`)
	// rawTableRow is a line of the page's text that still starts and ends
	// with a pipe: a table GitHub would not have drawn.
	rawTableRow = regexp.MustCompile(`(?m)(^|>)\s*\|[^\n<]*\|\s*($|<)`)
	tableBlock  = regexp.MustCompile(`(?s)<table.*?</table>`)
)

// outsideTables is the DOM with its tables cut out.
func outsideTables(dom string) string { return tableBlock.ReplaceAllString(dom, "") }

// TestRawRowsAreCaught makes sure the check above can fail: a table whose
// delimiter row is missing renders as text, and the check sees it.
func TestRawRowsAreCaught(t *testing.T) {
	broken := "| scenario | result |\n| good-release | PASSED |\n"
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(broken), &html); err != nil {
		t.Fatal(err)
	}
	if tables, _ := markdownTables(broken); tables != 0 {
		t.Errorf("counted %d tables in a document with none", tables)
	}
	if rawTableRow.FindString(outsideTables(html.String())) == "" {
		t.Errorf("the leaked rows went unseen in %q", html.String())
	}
}
