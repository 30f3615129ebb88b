// This file asks a running Prometheus for a TSDB snapshot through its
// admin API, the folder rehearse backtest reads.

package realprom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"time"
)

// Snapshot asks the running server for a TSDB snapshot through its admin
// API (the server must have been started with AdminAPI) and returns the
// snapshot's folder: one block per folder inside, head included, as
// `promtool tsdb` and rehearse backtest read it.
func (s *Server) Snapshot(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/api/v1/admin/tsdb/snapshot", nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("asking Prometheus for a snapshot: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Name string `json:"name"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", fmt.Errorf("reading Prometheus's snapshot answer (HTTP %d): %w", resp.StatusCode, err)
	}
	if out.Status != "success" || out.Data.Name == "" {
		return "", fmt.Errorf("Prometheus made no snapshot (HTTP %d): %s (is the admin API on?)", resp.StatusCode, out.Error)
	}
	return filepath.Join(s.Dir, "data", "snapshots", out.Data.Name), nil
}
