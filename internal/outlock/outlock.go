// Package outlock keeps two rehearse commands from writing one --out folder
// at once: a command holds an flock on the folder's lock file for as long as
// it writes there, and a second one is told who holds it (exit 3) or waits.
//
// The lock is the kernel's, so it goes when its holder dies, even by
// SIGKILL: a killed run never leaves a folder locked. The lock file itself
// stays (removing it would let two commands lock two different files of the
// same name); it holds the last holder's pid and command line.
package outlock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rehearse-dev/rehearse/internal/ctxsleep"
	"github.com/rehearse-dev/rehearse/internal/exit"
)

// FileName is the lock file in the --out folder; reports skip dot files.
const FileName = ".rehearse-lock"

// pollEvery is how often a waiting command tries the lock again: flock
// blocks in the kernel, where a signal context cannot reach it.
const pollEvery = 100 * time.Millisecond

// Lock is a held lock on one folder.
type Lock struct{ f *os.File }

// Acquire creates dir when needed and locks it. When another process holds
// the lock, it fails with an exit-3 error naming that process, or, with
// wait, tries again until it gets the lock or ctx ends.
func Acquire(ctx context.Context, dir string, wait bool) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, exit.Environmentf("create the reports folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, exit.Environmentf("open the lock file %s (check the folder's permissions): %w", path, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return &Lock{f: f}, recordHolder(f)
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, exit.Environmentf("lock %s: %w", path, err)
		}
		if !wait {
			holder := readHolder(f)
			f.Close()
			return nil, exit.Environmentf("%s is in use: %s writes its reports there; "+
				"wait for it to finish, pass --wait to wait for it, or choose another --out", dir, holder)
		}
		if err := ctxsleep.Sleep(ctx, pollEvery); err != nil {
			f.Close()
			return nil, fmt.Errorf("waiting for the lock on %s: %w", dir, errors.Join(exit.Interrupted, err))
		}
	}
}

// Release unlocks the folder. Closing the file is what releases the flock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// recordHolder writes our pid and command line into the lock file, for
// the message a second command prints.
func recordHolder(f *os.File) error {
	text := strconv.Itoa(os.Getpid()) + " " + strings.Join(os.Args, " ") + "\n"
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(text), 0)
	return err
}

// readHolder words the holder the lock file names, as "pid 123 (rehearse
// run ...)"; a holder that has not written its line yet is "another process".
func readHolder(f *os.File) string {
	b := make([]byte, 4096)
	n, _ := f.ReadAt(b, 0)
	pid, cmd, ok := strings.Cut(strings.TrimSpace(string(b[:n])), " ")
	if _, err := strconv.Atoi(pid); err != nil || !ok {
		return "another process"
	}
	return "pid " + pid + " (" + cmd + ")"
}
