// This file writes the run report's alerts section: the alerts the Canary's
// AlertProviders received, tick by tick.

package reports

import (
	"bytes"
	"fmt"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// writeAlerts lists the alerts the Canary's providers received, tick by
// tick; nothing when none was sent.
func writeAlerts(b *bytes.Buffer, r *Run) {
	var rows []string
	for _, t := range r.Ticks {
		for _, a := range t.Alerts {
			rows = append(rows, fmt.Sprintf("| %d | %s | %s (%s) | %s | %s |",
				t.Tick, text.Duration(t.T), text.MdInline(a.Provider), text.MdInline(a.Type), text.MdInline(a.Severity), alertText(a)))
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("## Alerts\n\n| tick | t | provider | severity | message |\n|---:|---:|---|---|---|\n")
	for _, row := range rows {
		b.WriteString(row + "\n")
	}
	b.WriteString("\n")
}

func alertText(a Alert) string {
	if a.Error != "" {
		return text.MdInline(a.Message) + " ✗ refused by the receiver: " + text.MdInline(a.Error)
	}
	return text.MdInline(a.Message)
}
