// Package notrace installs a no-op OpenTelemetry tracer provider for the
// whole process. rehearse exports no traces, yet Prometheus's query engine
// opens six spans a query (promql and util/stats call otel.Tracer("")); with
// no provider installed, otel's global delegate still allocates a span for
// each, about a tenth of a query's allocations. A command installs this
// once, at start; a library never should, since it would silence its
// host's tracing.
package notrace

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Install makes every tracer of the process a no-op one.
func Install() { otel.SetTracerProvider(provider{}) }

// provider hands out tracers whose spans cost nothing. otel's own no-op
// tracer still wraps the context in a new one for every span (an
// allocation each, six a query); nothing here ever reads that span back,
// so the context is passed on as it came.
type provider struct{ noop.TracerProvider }

func (provider) Tracer(string, ...trace.TracerOption) trace.Tracer { return tracer{} }

type tracer struct{ noop.Tracer }

// Start returns ctx and the span it already carries (otel's no-op span if
// none) when that span does not record: ending or annotating it does
// nothing, as a new no-op span would. A recording span in ctx (a host
// that traces) is never handed out as the child, lest the child's End end
// it: otel's no-op tracer wraps it instead.
func (t tracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if s := trace.SpanFromContext(ctx); !s.IsRecording() {
		return ctx, s
	}
	return t.Tracer.Start(ctx, name, opts...)
}
