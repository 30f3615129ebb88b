// This file shows, as a runnable example, how to read a run's JSON report.

package reports_test

import (
	"fmt"
	"os"

	"github.com/rehearse-dev/rehearse/reports"
)

// ReadJSON reads a report.json that rehearse run wrote.
func ExampleReadJSON() {
	f, err := os.Open("testdata/cluster-lost.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	r, err := reports.ReadJSON(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("scenario:", r.Scenario)
	fmt.Println("decision:", r.Decision)
	fmt.Println("passed:", r.Passed)
	// Output:
	// scenario: cluster-lost
	// decision: undecided
	// passed: false
}
