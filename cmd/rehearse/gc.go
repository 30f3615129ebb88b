// The garbage collector's setting for rehearse's own workload.
package main

import "github.com/rehearse-dev/rehearse/internal/gctune"

func init() { gctune.Apply() }
