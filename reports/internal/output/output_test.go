// This file checks that a report set replaces an earlier one, writes nothing
// when a folder cannot be made, says which files are stale, and refuses
// scenario names that cannot be folders.

package output

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func set(paths ...string) []File {
	var out []File
	for _, p := range paths {
		out = append(out, File{Path: p, Data: []byte("content of " + p + "\n")})
	}
	return out
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWriteSetReplacesTheEarlierSet: a second run's set replaces the first
// one's; files the index does not name are left alone; no temp file stays.
func TestWriteSetReplacesTheEarlierSet(t *testing.T) {
	dir := t.TempDir()
	if err := WriteSet(dir, set("a/report.json", "b/report.json", "junit.xml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteSet(dir, set("a/report.json", "c/report.json", "junit.xml")); err != nil {
		t.Fatal(err)
	}
	want := []string{indexName, "a/report.json", "c/report.json", "junit.xml", "mine.txt"}
	if got := listFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	if info, err := os.Stat(filepath.Join(dir, "a/report.json")); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("report mode: %v %v", info, err)
	}
}

// TestWriteSetWritesNothingWhenAFolderCannotBeMade: a file where a
// scenario's folder goes is found before the first report is written.
func TestWriteSetWritesNothingWhenAFolderCannotBeMade(t *testing.T) {
	dir := t.TempDir()
	if err := WriteSet(dir, set("a/report.json", "b/report.json", "junit.xml")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "b")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b"), []byte("in the way"), 0o644); err != nil {
		t.Fatal(err)
	}
	next := []File{{"a/report.json", []byte("new\n")}, {"b/report.json", []byte("new\n")}, {"junit.xml", []byte("new\n")}}
	err := WriteSet(dir, next)
	if err == nil || !strings.Contains(err.Error(), "is a file where the reports' folder goes") || !strings.Contains(err.Error(), "no report was written") {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a/report.json")); string(b) != "content of a/report.json\n" {
		t.Errorf("a report was written before the check: %q", b)
	}
}

func TestStaleNote(t *testing.T) {
	files := set("a/report.json", "b/report.json", "junit.xml")
	failed := errors.New("disk full")
	if got := staleNote(files, []error{nil, nil, failed}); !strings.Contains(got, "only a/report.json, b/report.json are from this run") {
		t.Errorf("got %q", got)
	}
	if got := staleNote(files, []error{nil, failed, nil}); !strings.Contains(got, "only a/report.json, junit.xml are from this run") {
		t.Errorf("got %q", got)
	}
	if got := staleNote(files, []error{failed, failed, failed}); !strings.Contains(got, "no report was written") {
		t.Errorf("got %q", got)
	}
}

func TestCheckScenarioName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"bad-release", true},
		{"webhook-failure-2", true},
		{"", false},
		{"Bad", false},
		{"a/b", false},
		{"..", false},
		{"with space", false},
		{"ünicode", false},
	}
	for _, tc := range tests {
		if err := CheckScenarioName(tc.name); (err == nil) != tc.ok {
			t.Errorf("CheckScenarioName(%q) = %v; want ok=%t", tc.name, err, tc.ok)
		}
	}
}
