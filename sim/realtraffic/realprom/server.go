// This file starts and stops one Debian Prometheus process on loopback:
// its generated configuration, scraping only loopback targets, the binary
// run without a shell, and the wait until it is ready.

package realprom

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"sigs.k8s.io/yaml"
)

// Defaults of a Server.
const (
	DefaultBinary = "/usr/bin/prometheus"
	// InstallHint is how to get the binary on Debian and Ubuntu.
	InstallHint   = "apt-get update && apt-get install -y prometheus"
	defaultScrape = time.Second
	readyTimeout  = 30 * time.Second
	stopTimeout   = 10 * time.Second
)

// Server is one Prometheus process on a loopback port.
type Server struct {
	Binary string // DefaultBinary when empty
	// Dir holds the configuration, the TSDB and the log; it must exist
	// (a test's TempDir).
	Dir            string
	ScrapeInterval time.Duration // default 1s
	// AdminAPI turns on /api/v1/admin (Snapshot needs it).
	AdminAPI bool

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	url  string
}

// Available says whether the binary can be run, and if not, what to do.
func Available(binary string) error {
	if binary == "" {
		binary = DefaultBinary
	}
	info, err := os.Stat(binary)
	if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return fmt.Errorf("no Prometheus server at %s: install it with `%s`", binary, InstallHint)
	}
	return nil
}

// Start writes a configuration scraping targets (loopback host:port, at
// /metrics), starts Prometheus on a free loopback port and waits until it
// is ready. It returns the server's base URL.
func (s *Server) Start(ctx context.Context, targets []string) (string, error) {
	if err := checkTargets(targets); err != nil {
		return "", err
	}
	if err := Available(s.Binary); err != nil {
		return "", err
	}
	cfg, err := s.writeConfig(targets)
	if err != nil {
		return "", err
	}
	addr, err := freePort()
	if err != nil {
		return "", err
	}
	if err := s.launch(cfg, addr); err != nil {
		return "", err
	}
	if err := s.waitReady(ctx); err != nil {
		return "", errors.Join(err, s.Stop())
	}
	return s.url, nil
}

// checkTargets refuses anything but loopback addresses: the tier only ever
// scrapes the rehearsal's own workloads.
func checkTargets(targets []string) error {
	if len(targets) == 0 {
		return errors.New("no scrape target given")
	}
	for _, t := range targets {
		host, _, err := net.SplitHostPort(t)
		ip := net.ParseIP(host)
		if err != nil || ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("scrape target %q is not a loopback host:port", t)
		}
	}
	return nil
}

// config is the part of Prometheus's configuration the tier sets.
type config struct {
	Global        globalConfig   `json:"global"`
	ScrapeConfigs []scrapeConfig `json:"scrape_configs"`
}

type globalConfig struct {
	ScrapeInterval     string `json:"scrape_interval"`
	EvaluationInterval string `json:"evaluation_interval"`
}

type scrapeConfig struct {
	JobName        string         `json:"job_name"`
	ScrapeInterval string         `json:"scrape_interval"`
	ScrapeTimeout  string         `json:"scrape_timeout"`
	MetricsPath    string         `json:"metrics_path"`
	StaticConfigs  []staticConfig `json:"static_configs"`
}

type staticConfig struct {
	Targets []string `json:"targets"`
}

func (s *Server) writeConfig(targets []string) (string, error) {
	every := s.ScrapeInterval
	if every <= 0 {
		every = defaultScrape
	}
	c := config{Global: globalConfig{ScrapeInterval: every.String(), EvaluationInterval: every.String()},
		ScrapeConfigs: []scrapeConfig{{JobName: "workloads", ScrapeInterval: every.String(), ScrapeTimeout: every.String(),
			MetricsPath: "/metrics", StaticConfigs: []staticConfig{{Targets: targets}}}}}
	b, err := yaml.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("writing the Prometheus configuration: %w", err)
	}
	path := filepath.Join(s.Dir, "prometheus.yml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("writing the Prometheus configuration: %w", err)
	}
	return path, nil
}

// freePort finds a loopback port no one listens on now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free loopback port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// launch runs the binary directly, never through a shell.
func (s *Server) launch(cfg, addr string) error {
	logf, err := os.Create(filepath.Join(s.Dir, "prometheus.log"))
	if err != nil {
		return fmt.Errorf("creating the Prometheus log: %w", err)
	}
	bin := s.Binary
	if bin == "" {
		bin = DefaultBinary
	}
	args := []string{"--config.file=" + cfg, "--storage.tsdb.path=" + filepath.Join(s.Dir, "data"),
		"--web.listen-address=" + addr, "--log.level=warn"}
	if s.AdminAPI {
		args = append(args, "--web.enable-admin-api")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return fmt.Errorf("starting %s: %w", bin, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = logf.Close()
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.done, s.url = cmd, done, "http://"+addr
	s.mu.Unlock()
	return nil
}

// waitReady asks /-/ready until Prometheus says yes, exits, or time is up.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	defer client.CloseIdleConnections()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if ready(ctx, client, s.url+"/-/ready") {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("prometheus exited before it was ready: see %s", filepath.Join(s.Dir, "prometheus.log"))
		case <-ctx.Done():
			return fmt.Errorf("prometheus was not ready within %s: see %s", readyTimeout, filepath.Join(s.Dir, "prometheus.log"))
		case <-tick.C:
		}
	}
}

func ready(ctx context.Context, c *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// URL is the server's base URL once started.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Stop ends Prometheus (SIGTERM, then SIGKILL if it lingers) and waits for
// it; it is safe to call when it never started, and more than once.
func (s *Server) Stop() error {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
		return nil
	case <-time.After(stopTimeout):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("prometheus did not stop within %s of SIGTERM and was killed", stopTimeout)
	}
}
