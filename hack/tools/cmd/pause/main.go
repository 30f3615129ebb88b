// Command pause is the sandbox process of a kind node's pods: it holds the
// pod's namespaces open and does nothing else. kubeadm names an image
// registry.k8s.io/pause, which cannot be pulled here, so the node image
// builds this one from source instead.
//
// As PID 1 of a pod that shares its process namespace it reaps the zombies
// the pod's containers leave; SIGINT and SIGTERM end it.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range sigs {
		if sig == syscall.SIGCHLD {
			reap()
			continue
		}
		os.Exit(0)
	}
}

// reap collects every child that has exited, without blocking.
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
