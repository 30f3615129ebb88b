// Package jsonwire is how every report encodes JSON: indented and readable,
// lists never null, numbers that may not be finite written as Prometheus
// writes them.
package jsonwire
