// This file names the signals that stop a command: Ctrl-C, and SIGTERM,
// which CI runners, timeout(1) and Kubernetes send. Both stop a rehearsal
// the same way: what finished is written, marked interrupted, exit 130.

package main

import (
	"os"
	"syscall"
)

// stopSignals cancel the command's context.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}
