// This file kills the built binary with SIGKILL while it writes its
// reports, and runs two at once on one --out: no report may ever be torn.

package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// killTries is how many runs are killed mid-write; at least minMidWrite of
// the kills must land before the run finished writing, or the test has
// proved nothing about torn files.
const (
	killTries   = 100
	minMidWrite = killTries / 10
)

func TestKillMidWriteTearsNoReport(t *testing.T) {
	bin := builtBinary(t)
	var wg sync.WaitGroup
	torn := make(chan string, killTries*4)
	var midWrite atomic.Int32
	sem := make(chan struct{}, 8)
	for i := range killTries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out := filepath.Join(t.TempDir(), "out")
			if killWhenWriting(t, bin, out, time.Duration(i%10)*time.Millisecond/2) {
				midWrite.Add(1)
			}
			for _, p := range checkReports(out) {
				torn <- p
			}
		}()
	}
	wg.Wait()
	close(torn)
	var bad []string
	for p := range torn {
		bad = append(bad, p)
	}
	n := int(midWrite.Load())
	t.Logf("%d of %d kills landed mid-write, %d torn reports", n, killTries, len(bad))
	if len(bad) > 0 {
		t.Errorf("%d torn reports after %d kills mid-write: %v", len(bad), n, bad)
	}
	if n < minMidWrite {
		t.Errorf("only %d of %d kills landed while the run wrote its reports, want at least %d: the test proved too little", n, killTries, minMidWrite)
	}
}

// killWhenWriting starts a run and kills it with SIGKILL jitter after the
// first report appears in out (or when it ends by itself). It says whether
// the kill landed mid-write: the run died of it before writing its index,
// the set's last file.
func killWhenWriting(t *testing.T, bin, out string, jitter time.Duration) bool {
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Error(err)
		return false
	}
	cmd := exec.Command(bin, "run", "--out", out, "../../scenarios/library/good-release.yaml")
	if err := cmd.Start(); err != nil {
		t.Error(err)
		return false
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	for {
		select {
		case <-done:
			return false
		case <-time.After(200 * time.Microsecond):
		}
		if entries, _ := os.ReadDir(out); len(entries) > 0 {
			time.Sleep(jitter)
			_ = cmd.Process.Kill()
			<-done
			_, err := os.Stat(filepath.Join(out, ".rehearse-reports"))
			return !cmd.ProcessState.Exited() && os.IsNotExist(err)
		}
	}
}

// checkReports lists the reports under out that are not whole.
func checkReports(out string) []string {
	var torn []string
	_ = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		if !wholeReport(p) {
			torn = append(torn, p)
		}
		return nil
	})
	return torn
}

func wholeReport(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 || b[len(b)-1] != '\n' {
		return false
	}
	switch filepath.Ext(path) {
	case ".json":
		return json.Valid(b)
	case ".xml":
		var v any
		return xml.Unmarshal(b, &v) == nil
	}
	return true
}

// TestConcurrentWritersTearNoReport: two runs on one --out leave whole
// reports of one run, never a mix or a torn file.
func TestConcurrentWritersTearNoReport(t *testing.T) {
	bin := builtBinary(t)
	for range 5 {
		out := t.TempDir()
		var wg sync.WaitGroup
		for _, seed := range []string{"1", "2"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(bin, "run", "--out", out, "--seed", seed, "../../scenarios/library/good-release.yaml")
				_ = cmd.Run() // the second may be refused (exit 3) while the first holds the folder
			}()
		}
		wg.Wait()
		if torn := checkReports(out); len(torn) > 0 {
			t.Errorf("torn reports: %v", torn)
		}
	}
}
