// This file reads a recording from an OpenMetrics or text-exposition file
// with Prometheus's own parser, refusing samples without timestamps and
// seconds written where milliseconds belong.

package recording

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
)

// maxFileSize bounds an exposition file: a recording of hours of a few
// services is tens of megabytes; beyond this, a TSDB snapshot is the
// better carrier.
const maxFileSize = 1 << 30

// Content types of the two text formats textparse reads.
const (
	openMetricsType = "application/openmetrics-text"
	textType        = "text/plain"
)

// ReadFile reads an OpenMetrics file (it ends with "# EOF") or a file in
// Prometheus's text exposition format, where every sample carries its
// timestamp: OpenMetrics writes seconds (`x_total 12 1767225600.5`), the
// text format milliseconds (`x_total 12 1767225600500`).
func ReadFile(path string) (*Recording, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	format, ctype := "text exposition", textType
	if isOpenMetrics(data) {
		format, ctype = "OpenMetrics", openMetricsType
	}
	r, err := parseExposition(data, ctype)
	if err == nil && ctype == textType {
		err = checkMillis(r)
	}
	if err != nil {
		return nil, fmt.Errorf("%s (read as %s): %w", path, format, err)
	}
	r.Source, r.Format = path, format
	return r, nil
}

func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("the recording %s cannot be read: %w", path, err)
	case st.Size() > maxFileSize:
		return nil, fmt.Errorf("the recording %s is %d MiB, above the %d MiB an exposition file may have: give a TSDB snapshot instead",
			path, st.Size()>>20, maxFileSize>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("the recording %s cannot be read: %w", path, err)
	}
	return data, nil
}

// isOpenMetrics: an OpenMetrics exposition has the line "# EOF" (its
// last; the parser refuses anything after it).
func isOpenMetrics(data []byte) bool {
	for line := range bytes.Lines(data) {
		if string(bytes.TrimRight(line, "\r\n")) == "# EOF" {
			return true
		}
	}
	return false
}

// secondsLike is a millisecond timestamp so small (before 1973) that it
// was written in seconds: OpenMetrics' unit, in a file without # EOF.
const secondsLike = 1e11

// checkMillis refuses text-format timestamps that read as 1970.
func checkMillis(r *Recording) error {
	for _, s := range r.Series {
		if len(s.Samples) > 0 && s.Samples[0].T < secondsLike {
			return fmt.Errorf("%s has timestamps in 1970 when read as milliseconds, as the text format writes them: if they are seconds, this is an OpenMetrics file missing its last line, # EOF",
				s.Labels)
		}
	}
	return nil
}

// parseExposition reads every sample with Prometheus's own parser.
func parseExposition(data []byte, contentType string) (*Recording, error) {
	p, err := textparse.New(data, contentType, labels.NewSymbolTable(), textparse.ParserOptions{})
	if err != nil {
		return nil, err
	}
	r := &Recording{Counters: map[string]bool{}}
	b := newBuilder()
	for {
		entry, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := readEntry(p, entry, data, r, b); err != nil {
			return nil, err
		}
	}
	if r.Series, err = b.series(); err != nil {
		return nil, err
	}
	return r, nil
}

func readEntry(p textparse.Parser, entry textparse.Entry, data []byte, r *Recording, b *builder) error {
	switch entry {
	case textparse.EntryType:
		name, typ := p.Type()
		r.Counters[string(name)] = isCounterType(typ)
	case textparse.EntrySeries:
		text, ts, v := p.Series()
		if ts == nil {
			return fmt.Errorf("line %d: %s has no timestamp: every sample of a recording needs its time (OpenMetrics: `%s 1 1767225600`)",
				lineOf(data, text), text, nameOf(p))
		}
		var l labels.Labels
		p.Labels(&l)
		b.add(l, *ts, v)
	case textparse.EntryHistogram:
		text, _, _, _ := p.Histogram()
		r.Skipped = append(r.Skipped, fmt.Sprintf("native histogram %s (rehearse loads float samples; classic histograms work)", text))
	}
	return nil
}

func isCounterType(t model.MetricType) bool {
	switch t {
	case model.MetricTypeCounter, model.MetricTypeHistogram, model.MetricTypeSummary:
		return true
	}
	return false
}

func nameOf(p textparse.Parser) string {
	var l labels.Labels
	p.Labels(&l)
	return l.Get(labels.MetricName)
}

// lineOf finds the line on which text first occurs, for messages.
func lineOf(data, text []byte) int {
	i := bytes.Index(data, text)
	if i < 0 {
		return 0
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}
