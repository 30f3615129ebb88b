// This file checks for a Docker engine before kind is called, so that a
// machine without one gets exit 3 and a sentence naming the other backends.

package kind

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/internal/exit"
)

// ErrNoDocker means there is no Docker engine for kind to run nodes in: the
// machine's problem, so it carries exit status 3.
var ErrNoDocker = exit.Environment(errors.New("kind needs a running Docker engine"))

// dockerInfoTimeout bounds `docker info`: an engine that takes longer to
// answer is in no state to start a cluster.
const dockerInfoTimeout = 5 * time.Second

// fallback is what the user can do instead.
const fallback = "use --cluster memory or envtest"

// dockerProbe finds the docker client and asks it about the engine; tests
// replace both.
type dockerProbe struct {
	lookPath func(file string) (string, error)
	info     func(ctx context.Context, docker string) ([]byte, error)
}

var systemDocker = dockerProbe{lookPath: exec.LookPath, info: dockerInfo}

// CheckDocker fails, wrapping ErrNoDocker, when there is no docker client
// on $PATH or its engine does not answer.
func CheckDocker(ctx context.Context) error { return systemDocker.check(ctx) }

func (p dockerProbe) check(ctx context.Context) error {
	path, err := p.lookPath("docker")
	if err != nil {
		return fmt.Errorf("%w (no docker client: %v); %s", ErrNoDocker, err, fallback)
	}
	ctx, cancel := context.WithTimeout(ctx, dockerInfoTimeout)
	defer cancel()
	if out, err := p.info(ctx, path); err != nil {
		return fmt.Errorf("%w (docker info failed: %s); %s", ErrNoDocker, why(out, err), fallback)
	}
	return nil
}

// dockerInfo asks the engine for its version; fixed arguments, no shell.
func dockerInfo(ctx context.Context, docker string) ([]byte, error) {
	return exec.CommandContext(ctx, docker, "info", "--format", "{{.ServerVersion}}").CombinedOutput()
}

// why prefers the client's own words (such as "Cannot connect to the Docker
// daemon...") to the bare exit status.
func why(out []byte, err error) string {
	if msg := strings.TrimSpace(string(out)); msg != "" {
		return strings.Join(strings.Fields(msg), " ")
	}
	return err.Error()
}
