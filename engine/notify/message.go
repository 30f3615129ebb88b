// This file builds the provider-neutral alert message from a Canary and an engine alert (subject,
// text, severity and the fields shown under it) before any provider shapes it.

package notify

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Message is one alert before a provider shapes it: which Canary it is
// about, what it says, and the facts attached to it.
type Message struct {
	Name, Namespace string // the Canary's
	Text            string
	Fields          []Field
	Severity        v1beta1.AlertSeverity
}

// Field is one fact shown under the message (a Slack field, a Teams fact).
type Field struct{ Name, Value string }

// subject is how every provider names the Canary: name.namespace.
func (m Message) subject() string { return m.Name + "." + m.Namespace }

// NewMessage builds the message Flagger sends for alert a of Canary cd: a
// Cluster field when the controller was given a cluster name, then, when
// the alert asks for them, the Canary's target, threshold, progress
// deadline and traffic routing.
func NewMessage(cd *v1beta1.Canary, a engine.Alert, cluster string) Message {
	m := Message{Name: cd.Name, Namespace: cd.Namespace, Text: a.Message, Severity: a.Severity}
	if cluster != "" {
		m.Fields = append(m.Fields, Field{"Cluster", cluster})
	}
	if a.Metadata {
		m.Fields = append(m.Fields, metadataFields(cd)...)
	}
	return m
}

func metadataFields(cd *v1beta1.Canary) []Field {
	t := cd.Spec.TargetRef
	fields := []Field{
		{"Target", fmt.Sprintf("%s/%s.%s", t.Kind, t.Name, cd.Namespace)},
		{"Failed checks threshold", strconv.Itoa(cd.GetAnalysisThreshold())},
		{"Progress deadline", fmt.Sprintf("%ds", int(cd.GetProgressDeadline().Seconds()))},
	}
	if r := routing(cd); r != "" {
		fields = append(fields, Field{"Traffic routing", r})
	}
	return fields
}

// routing describes the strategy as written in the Canary; a progressive
// canary with neither stepWeight nor stepWeights gets no routing field.
func routing(cd *v1beta1.Canary) string {
	switch cd.DeploymentStrategy() {
	case v1beta1.StrategyABTesting:
		return "A/B Testing"
	case v1beta1.StrategyBlueGreen:
		return "Blue/Green"
	}
	a := cd.GetAnalysis()
	switch {
	case a == nil:
		return ""
	case a.StepWeight > 0:
		return fmt.Sprintf("Weight step: %d max: %d", a.StepWeight, a.MaxWeight)
	case len(a.StepWeights) > 0:
		steps := make([]string, len(a.StepWeights))
		for i, w := range a.StepWeights {
			steps[i] = strconv.Itoa(w)
		}
		return fmt.Sprintf("Weight steps: %s max: %d", strings.Join(steps, ","), a.MaxWeight)
	}
	return ""
}

// Receives says whether an alert of the Canary, filtering at severity
// want, is sent a message of severity got. An info alert gets everything;
// a warn alert gets warnings and errors; an error alert gets errors. An
// alert with no severity gets nothing: Flagger's documentation calls info
// the default, but its code compares the empty severity as written.
func Receives(want, got v1beta1.AlertSeverity) bool {
	switch want {
	case v1beta1.SeverityInfo:
		return true
	case v1beta1.SeverityWarn:
		return got == v1beta1.SeverityWarn || got == v1beta1.SeverityError
	case "":
		return false
	}
	return got == want
}
