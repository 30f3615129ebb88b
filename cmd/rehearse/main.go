// Package main is the rehearse command: flags, wiring and exit codes, nothing more.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "rehearse: no commands yet")
	os.Exit(2)
}
