// This file tests the exit-status contract: each class, wrapping, and what
// wins when classes meet.
package exit

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestCode(t *testing.T) {
	plain := errors.New("disk full")
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, CodeOK},
		{"failed", Failed, CodeFailed},
		{"failed wrapped", fmt.Errorf("2 scenarios: %w", Failed), CodeFailed},
		{"bad input", BadInputf("x.yaml:3: unknown field"), CodeBadInput},
		{"bad input wrapped twice", fmt.Errorf("loading: %w", BadInput(plain)), CodeBadInput},
		{"environment", Environment(plain), CodeEnvironment},
		{"environment beats bad input", BadInput(Environment(plain)), CodeEnvironment},
		{"interrupted", Interrupted, CodeInterrupted},
		{"context canceled", fmt.Errorf("sweep: %w", context.Canceled), CodeInterrupted},
		{"interrupted beats environment", errors.Join(Environment(plain), Interrupted), CodeInterrupted},
		{"unclassified is the environment, not bad input", plain, CodeEnvironment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Code(tt.err); got != tt.want {
				t.Errorf("Code(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestMarksKeepTheCause(t *testing.T) {
	cause := errors.New("no executable etcd")
	err := Environmentf("start envtest: %w", cause)
	if !errors.Is(err, cause) || err.Error() != "start envtest: no executable etcd" {
		t.Errorf("marked error lost its cause or wording: %v", err)
	}
	if BadInput(nil) != nil || Environment(nil) != nil {
		t.Error("marking nil must stay nil")
	}
	if IsBadInput(err) || !IsEnvironment(err) {
		t.Error("Environmentf marked the wrong class")
	}
}
