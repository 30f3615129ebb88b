// This file applies the garbage collector's setting for rehearse's own
// workload (internal/gctune) as the process starts, before the
// dependencies' start-up allocations (see internal/gctune/atstart).

package main

import _ "github.com/rehearse-dev/rehearse/internal/gctune/atstart"
