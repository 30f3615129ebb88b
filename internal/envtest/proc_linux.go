// This file reads processes from /proc and ties envtest's children to our
// life with PR_SET_PDEATHSIG, which only Linux has.

package envtest

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// onLinux: the shim ties envtest's processes to us and /proc tells ours apart.
const onLinux = true

// init turns this executable into the shim when envtest starts it under a
// run folder's bin/ name: it asks the kernel to SIGKILL it when the process
// that started it dies (even by SIGKILL), then becomes the real binary.
// controller-runtime builds the exec.Cmd itself, so its SysProcAttr cannot
// carry Pdeathsig; the attribute survives execve, so the shim carries it.
func init() {
	if real, owner, ok := shimTarget(os.Args[0]); ok {
		os.Exit(runShim(real, owner))
	}
}

// shimTarget resolves argv0 "<run folder>/bin/<name>" to the real binary
// the folder links and the pid of the run that owns the folder.
func shimTarget(argv0 string) (real string, owner int, ok bool) {
	name := filepath.Base(argv0)
	bin := filepath.Dir(argv0)
	dir := runDir(filepath.Dir(bin))
	if filepath.Base(bin) != shimDir || !strings.HasPrefix(filepath.Base(string(dir)), runDirPrefix) {
		return "", 0, false
	}
	real, err := os.Readlink(filepath.Join(dir.file(realDir), name))
	if err != nil {
		return "", 0, false
	}
	b, _ := os.ReadFile(dir.file(ownerFile))
	for pid := range parseRecords(string(b)) {
		owner = pid
	}
	return real, owner, owner != 0
}

// runShim sets the death signal and execs real; it returns only on failure.
func runShim(real string, owner int) int {
	runtime.LockOSThread() // the death signal belongs to this thread, which execs
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0, 0, 0); err != nil {
		os.Stderr.WriteString("rehearse envtest shim: set the death signal: " + err.Error() + "\n")
		return 1
	}
	if os.Getppid() != owner {
		return 1 // the run died before the signal was set: nobody would stop us
	}
	err := syscall.Exec(real, os.Args, os.Environ())
	os.Stderr.WriteString("rehearse envtest shim: start " + real + ": " + err.Error() + "\n")
	return 1
}

// processStart is field 22 of /proc/PID/stat, the start time in clock ticks
// since boot: with the pid, it names one process for the life of the system.
func processStart(pid int) (string, bool) {
	f, ok := statFields(pid)
	if !ok || len(f) < 20 {
		return "", false
	}
	return f[19], true // fields after "pid (comm)" start at field 3
}

// statFields are the fields of /proc/PID/stat after the command name; a
// zombie counts as gone.
func statFields(pid int) ([]string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 || f[0] == "Z" {
		return nil, false
	}
	return f, true
}

// processArgv0 is the first word of the process's command line.
func processArgv0(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	argv0, _, _ := strings.Cut(string(b), "\x00")
	return argv0
}

// childrenOf lists the processes whose parent is pid.
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f, ok := statFields(p); ok && f[1] == strconv.Itoa(pid) {
			kids = append(kids, p)
		}
	}
	return kids
}

// processExists says whether pid is still in the process table, a zombie
// not yet reaped included.
func processExists(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}
