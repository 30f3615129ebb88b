// This file tests that Install makes opening a span, as Prometheus's engine
// does per query, free and still not recording.

package notrace

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
)

func TestInstallMakesSpansFreeAndSilent(t *testing.T) {
	start := func() {
		_, span := otel.Tracer("").Start(context.Background(), "eval")
		span.End()
	}
	before := testing.AllocsPerRun(100, start)
	Install()
	after := testing.AllocsPerRun(100, start)
	if after != 0 {
		t.Fatalf("a span costs %v allocations after Install (%v before): want none", after, before)
	}
	ctx, span := otel.Tracer("").Start(context.Background(), "eval")
	if span.IsRecording() {
		t.Fatal("a span records after Install")
	}
	if _, child := otel.Tracer("").Start(ctx, "child"); child.IsRecording() || child.SpanContext().IsValid() {
		t.Fatal("a child span records, or carries a span context, after Install")
	}
	t.Logf("allocations per span: %v before, %v after", before, after)
}

// recording is a span that says it records, as a host's tracer's would.
type recording struct {
	trace.Span
	ended *bool
}

func (recording) IsRecording() bool            { return true }
func (r recording) End(...trace.SpanEndOption) { *r.ended = true }

func TestARecordingParentIsNeverEndedByItsChild(t *testing.T) {
	Install()
	ended := false
	parent := recording{Span: trace.SpanFromContext(context.Background()), ended: &ended}
	ctx := trace.ContextWithSpan(context.Background(), parent)
	_, child := otel.Tracer("").Start(ctx, "child")
	child.End()
	if ended {
		t.Fatal("ending the child span ended its recording parent")
	}
	if child.IsRecording() {
		t.Fatal("the child of a recording span records after Install")
	}
}
