// This file applies the garbage collector's setting for rehearse's own
// workload (internal/gctune) as the command starts.

package main

import "github.com/rehearse-dev/rehearse/internal/gctune"

func init() { gctune.Apply() }
