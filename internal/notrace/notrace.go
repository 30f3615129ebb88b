// Package notrace installs a no-op OpenTelemetry tracer provider for the
// whole process. rehearse exports no traces, yet Prometheus's query engine
// opens six spans a query (promql and util/stats call otel.Tracer("")); with
// no provider installed, otel's global delegate still allocates a span for
// each, about a tenth of a query's allocations. A command installs this
// once, at start; a library never should, since it would silence its
// host's tracing.
package notrace

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"
)

// Install makes every tracer of the process a no-op one.
func Install() { otel.SetTracerProvider(noop.NewTracerProvider()) }
