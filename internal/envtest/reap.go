// This file reaps what an earlier envtest run left when it was killed
// before it could stop its control plane: processes still running from its
// folder and the folder itself (etcd's data, certificates, kubeconfig).

package envtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// ownerlessGrace is how long a run folder without an owner record is left
// alone: another run may be between creating it and writing the record.
const ownerlessGrace = time.Hour

// Reaped is what Reap found of one dead run.
type Reaped struct {
	Dir    string // the run folder, removed
	Killed []int  // its processes that still ran, killed
}

// Reap looks at every run folder in root (the temporary directory when
// empty) whose owner no longer runs, kills the processes it recorded that
// still run (only when pid, start time and command all match, so a stranger
// that reused a pid is never signalled), and removes the folder. A folder
// whose owner still runs is another live run's and is left alone.
func Reap(root string, now time.Time) ([]Reaped, error) {
	if !onLinux {
		return nil, nil // without /proc, a live run cannot be told from a dead one
	}
	if root == "" {
		root = os.TempDir()
	}
	dirs, err := filepath.Glob(filepath.Join(root, runDirPrefix+"*"))
	if err != nil {
		return nil, fmt.Errorf("look for earlier envtest runs in %s: %w", root, err)
	}
	var reaped []Reaped
	var errs []error
	for _, dir := range dirs {
		r, ok, err := reapDir(runDir(dir), now)
		errs = append(errs, err)
		if ok {
			reaped = append(reaped, r)
		}
	}
	return reaped, errors.Join(errs...)
}

// reapDir reaps one folder when its run is dead; ok says it did.
func reapDir(d runDir, now time.Time) (Reaped, bool, error) {
	if !d.dead(now) {
		return Reaped{}, false, nil
	}
	r := Reaped{Dir: string(d)}
	b, _ := os.ReadFile(d.file(pidsFile))
	for pid, start := range parseRecords(string(b)) {
		if d.stillOurs(pid, start) && syscall.Kill(pid, syscall.SIGKILL) == nil {
			r.Killed = append(r.Killed, pid)
		}
	}
	if err := os.RemoveAll(string(d)); err != nil {
		return r, true, fmt.Errorf("remove the envtest folder %s an earlier run left: %w", d, err)
	}
	return r, true, nil
}

// dead says whether the folder's owner has gone: its recorded process no
// longer runs (or another process has its pid). A folder with no record is
// dead only once it is older than ownerlessGrace.
func (d runDir) dead(now time.Time) bool {
	b, err := os.ReadFile(d.file(ownerFile))
	if err != nil {
		info, statErr := os.Stat(string(d))
		return statErr == nil && info.IsDir() && now.Sub(info.ModTime()) > ownerlessGrace
	}
	for pid, start := range parseRecords(string(b)) {
		if got, ok := processStart(pid); ok && got == start {
			return false
		}
	}
	return true
}

// stillOurs says whether pid is the process the record names: same start
// time, and its command is this folder's shim or a required binary.
func (d runDir) stillOurs(pid int, start string) bool {
	got, ok := processStart(pid)
	return ok && got == start && d.runs(pid)
}
