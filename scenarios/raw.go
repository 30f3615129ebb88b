// This file holds the raw YAML shapes a scenario file decodes into before conversion; they stay
// separate from types.go so the checked model never carries unparsed strings or raw JSON.

package scenarios

import "encoding/json"

// The raw types mirror the YAML one to one and are decoded strictly.
// Durations and the values that take several shapes are kept as raw JSON
// so that the converter, which knows each one's path, can report a bad
// value at its line instead of the decoder reporting it without one.

type rawScenario struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Metadata   rawMetadata `json:"metadata"`
	Spec       rawSpec     `json:"spec"`
}

type rawMetadata struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type rawSpec struct {
	Manifests  []string              `json:"manifests"`
	Inline     string                `json:"inline"`
	Canary     string                `json:"canary"`
	Provider   string                `json:"provider"`
	Release    *rawRelease           `json:"release"`
	Versions   map[string]rawVersion `json:"versions"`
	Traffic    *rawTraffic           `json:"traffic"`
	Prometheus *rawPrometheus        `json:"prometheus"`
	Series     []rawSeries           `json:"series"`
	Webhooks   map[string]rawWebhook `json:"webhooks"`
	Script     []rawScriptTick       `json:"script"`
	Events     []rawEvent            `json:"events"`
	Expect     *rawExpect            `json:"expect"`
	Limits     *rawLimits            `json:"limits"`
	Faults     []rawFault            `json:"faults"`
	Recording  *rawRecording         `json:"recording"`
}

type rawRelease struct {
	From string          `json:"from"`
	To   string          `json:"to"`
	At   json.RawMessage `json:"at"`
}

type rawVersion struct {
	SuccessRate *float64      `json:"successRate"`
	Latency     *rawLatency   `json:"latency"`
	Readiness   *rawReadiness `json:"readiness"`
	Changes     []rawChange   `json:"changes"`
}

type rawLatency struct {
	P50 json.RawMessage `json:"p50"`
	P99 json.RawMessage `json:"p99"`
}

type rawReadiness struct {
	ReadyAfter       json.RawMessage `json:"readyAfter"`
	Never            bool            `json:"never"`
	CrashLoop        bool            `json:"crashLoop"`
	DeadlineExceeded bool            `json:"deadlineExceeded"`
}

type rawChange struct {
	At          json.RawMessage `json:"at"`
	SuccessRate *float64        `json:"successRate"`
	Latency     *rawLatency     `json:"latency"`
	Readiness   *rawReadiness   `json:"readiness"`
}

type rawTraffic struct {
	RPS   *float64  `json:"rps"`
	Noise *rawNoise `json:"noise"`
	Seed  int64     `json:"seed"`
}

type rawNoise struct {
	SuccessRate float64 `json:"successRate"`
	Latency     float64 `json:"latency"`
}

type rawPrometheus struct {
	ScrapeInterval json.RawMessage `json:"scrapeInterval"`
}

type rawSeries struct {
	Metric   string          `json:"metric"`
	Values   string          `json:"values"`
	Interval json.RawMessage `json:"interval"`
	Start    json.RawMessage `json:"start"`
}

type rawWebhook struct {
	Answers []rawAnswer `json:"answers"`
	Gate    *rawGate    `json:"gate"`
}

type rawAnswer struct {
	From    json.RawMessage `json:"from"`
	Status  int             `json:"status"`
	Latency json.RawMessage `json:"latency"`
	Timeout bool            `json:"timeout"`
	Refused bool            `json:"refused"`
}

type rawGate struct {
	Open   bool            `json:"open"`
	OpenAt json.RawMessage `json:"openAt"`
}

type rawScriptTick struct {
	Tick     int                        `json:"tick"`
	Metrics  map[string]json.RawMessage `json:"metrics"`
	Webhooks map[string]json.RawMessage `json:"webhooks"`
	Canary   string                     `json:"canary"`
	Primary  string                     `json:"primary"`
	Revision string                     `json:"revision"`
}

type rawEvent struct {
	At        json.RawMessage  `json:"at"`
	Revision  string           `json:"revision"`
	Pause     bool             `json:"pause"`
	Resume    bool             `json:"resume"`
	Delete    bool             `json:"delete"`
	ConfigMap *rawConfigChange `json:"configMap"`
	Secret    *rawConfigChange `json:"secret"`
}

type rawConfigChange struct {
	Name string            `json:"name"`
	Data map[string]string `json:"data"`
}

type rawExpect struct {
	Outcome   string          `json:"outcome"`
	Within    json.RawMessage `json:"within"`
	MaxWeight *int            `json:"maxWeight"`
	Ticks     []rawTickExpect `json:"ticks"`
}

type rawTickExpect struct {
	Tick          int    `json:"tick"`
	Phase         string `json:"phase"`
	CanaryWeight  *int   `json:"canaryWeight"`
	PrimaryWeight *int   `json:"primaryWeight"`
	FailedChecks  *int   `json:"failedChecks"`
	Iterations    *int   `json:"iterations"`
}

type rawLimits struct {
	MaxDuration json.RawMessage `json:"maxDuration"`
}
