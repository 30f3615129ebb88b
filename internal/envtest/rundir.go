// This file keeps each envtest run's files in one folder of its own, with a
// record of who owns it and which processes it started, so that a later run
// can reap what a run killed with SIGKILL left behind (issue 15).

package envtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	crenvtest "sigs.k8s.io/controller-runtime/pkg/envtest"
)

// runDirPrefix names every run folder in the temporary directory; Reap looks
// only at folders with this prefix.
const runDirPrefix = "rehearse-envtest-"

// Files and folders inside a run folder.
const (
	ownerFile = "owner" // "<pid> <start time>" of the rehearse process
	pidsFile  = "pids"  // one "<pid> <start time>" line per control-plane process
	shimDir   = "bin"   // what envtest starts: links to our own executable
	realDir   = "real"  // links to the real kube-apiserver and etcd
	etcdDir   = "etcd"  // etcd's data
	certDir   = "apiserver"
)

// runDir is one run's folder.
type runDir string

// newRunDir creates a run folder in the temporary directory and records this
// process as its owner before anything is started.
func newRunDir() (runDir, error) {
	path, err := os.MkdirTemp("", runDirPrefix)
	if err != nil {
		return "", fmt.Errorf("create a folder for the envtest control plane (check $TMPDIR): %w", err)
	}
	d := runDir(path)
	owner, err := processRecord(os.Getpid())
	if err == nil {
		err = writeFileAtomic(d.file(ownerFile), owner)
	}
	if err == nil {
		err = os.MkdirAll(d.file(etcdDir), 0o700)
	}
	if err == nil {
		err = os.MkdirAll(d.file(certDir), 0o700)
	}
	if err != nil {
		return "", errors.Join(fmt.Errorf("prepare the envtest folder %s: %w", path, err), os.RemoveAll(path))
	}
	return d, nil
}

func (d runDir) file(name string) string { return filepath.Join(string(d), name) }

// wire points envtest's etcd and kube-apiserver at this folder, so that all
// their files live in it and die with it, and starts them through the
// death-signal shim where the platform has one.
func (d runDir) wire(env *crenvtest.Environment, assets string) error {
	etcd := &crenvtest.Etcd{DataDir: d.file(etcdDir)}
	// A lone etcd member waits one election timeout (1s by default) before
	// it leads and answers; with no peer whose heartbeats could be late, a
	// tenth of that is safe and every start is that much shorter (issue 13:
	// envtest.Start 5.1 → 4.4 s wall at load ~2).
	etcd.Configure().Set("heartbeat-interval", "10").Set("election-timeout", "100")
	api := &crenvtest.APIServer{CertDir: d.file(certDir)}
	env.ControlPlane = crenvtest.ControlPlane{APIServer: api, Etcd: etcd}
	var err error
	if etcd.Path, err = d.binary(assets, "etcd"); err != nil {
		return err
	}
	api.Path, err = d.binary(assets, "kube-apiserver")
	return err
}

// binary is the path envtest starts for name: the shim when this platform
// can tie a child's life to ours, else the real binary.
func (d runDir) binary(assets, name string) (string, error) {
	real := filepath.Join(assets, name)
	if !onLinux {
		return real, nil
	}
	self, err := os.Executable()
	if err != nil {
		return real, nil // no shim: the reaper still covers a killed run
	}
	for _, link := range []struct{ dir, target string }{{realDir, real}, {shimDir, self}} {
		if err := os.MkdirAll(d.file(link.dir), 0o700); err != nil {
			return "", fmt.Errorf("prepare the envtest folder %s: %w", d, err)
		}
		if err := os.Symlink(link.target, filepath.Join(d.file(link.dir), name)); err != nil {
			return "", fmt.Errorf("prepare the envtest folder %s: %w", d, err)
		}
	}
	return filepath.Join(d.file(shimDir), name), nil
}

// recordChildren writes the pid and start time of every process this run
// started (our children whose command lies in the folder or is a required
// binary), so that Reap can tell them from a stranger that reused a pid.
func (d runDir) recordChildren() error {
	var lines []string
	for _, pid := range childrenOf(os.Getpid()) {
		if !d.runs(pid) {
			continue
		}
		if rec, err := processRecord(pid); err == nil {
			lines = append(lines, rec)
		}
	}
	if err := writeFileAtomic(d.file(pidsFile), strings.Join(lines, "")); err != nil {
		return fmt.Errorf("record the envtest processes in %s: %w", d, err)
	}
	return nil
}

// child is the pid of this run's process started as name (kube-apiserver,
// etcd), found among our children as recordChildren finds them.
func (d runDir) child(name string) (int, bool) {
	if d == "" {
		return 0, false
	}
	for _, pid := range childrenOf(os.Getpid()) {
		if d.runs(pid) && filepath.Base(processArgv0(pid)) == name {
			return pid, true
		}
	}
	return 0, false
}

// runs says whether pid's command is one of this folder's shims or, where
// there is no shim, one of the required binaries.
func (d runDir) runs(pid int) bool {
	argv0 := processArgv0(pid)
	if strings.HasPrefix(argv0, d.file(shimDir)+string(filepath.Separator)) {
		return true
	}
	return slices.Contains(requiredBinaries, filepath.Base(argv0))
}

// processRecord is "<pid> <start time>\n"; the start time tells a process
// from a later one given the same pid.
func processRecord(pid int) (string, error) {
	start, ok := processStart(pid)
	if !ok {
		return "", fmt.Errorf("process %d: no start time", pid)
	}
	return strconv.Itoa(pid) + " " + start + "\n", nil
}

// parseRecords reads "<pid> <start time>" lines; malformed lines are skipped,
// since a torn record must never make us signal a wrong pid.
func parseRecords(text string) map[int]string {
	recs := map[int]string{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		if pid, err := strconv.Atoi(f[0]); err == nil && pid > 1 {
			recs[pid] = f[1]
		}
	}
	return recs
}

// writeFileAtomic writes through a temporary file and a rename: a reader
// (Reap in another process) sees the whole record or none.
func writeFileAtomic(path, text string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
