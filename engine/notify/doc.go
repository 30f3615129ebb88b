// Package notify delivers the alerts the engine decides to the Canary's
// AlertProviders, as Flagger's notifier does: each alert of
// spec.analysis.alerts whose severity accepts the message gets one HTTP POST
// to its provider's hook URL (spec.address, or the address key of the
// provider's Secret), in that provider's own payload shape (Slack, MS Teams,
// Discord, Rocket.Chat, Google Chat).
//
// The payload shapes are pure functions (Encode), tested against literal
// JSON; Notifier is the I/O around them. The engine package itself never
// posts anything: it only lists the alerts in its Decision.
package notify
