// Package chart holds what the reports' SVG charts share: an axis tick,
// the spacings of a time axis and the one way a coordinate is written.
package chart
