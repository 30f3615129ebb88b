// This file holds the hand-written checksum print to go-spew's, the print
// Flagger hashes.

package webhook

import (
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/davecgh/go-spew/spew"
	k8srand "k8s.io/apimachinery/pkg/util/rand"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

type printed struct{ strings.Builder }

func (p *printed) add(s string) { p.WriteString(s) }

// spewChecksum is Flagger's computation itself: FNV-32a over spew's print.
func spewChecksum(configs *map[string]string, spec string) (string, string) {
	printer := spew.ConfigState{Indent: " ", SortKeys: true, DisableMethods: true, SpewKeys: true}
	fields := struct {
		TrackedConfigs  *map[string]string
		LastAppliedSpec string
	}{configs, spec}
	text := printer.Sprintf("%#v", fields)
	h := fnv.New32a()
	h.Write([]byte(text))
	return text, k8srand.SafeEncodeString(strconv.FormatUint(uint64(h.Sum32()), 10))
}

// TestChecksumPrintMatchesSpew: nil, nil-map, empty and seeded random
// trackedConfigs with awkward strings print and hash as spew's walk does.
func TestChecksumPrintMatchesSpew(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 10))
	var nilMap map[string]string
	cases := []*map[string]string{nil, &nilMap, {}}
	for range 2000 {
		m := map[string]string{}
		for range r.IntN(12) { // past the 8 keys sortedKeys holds without allocating
			m[randomJSONString(r)] = randomJSONString(r)
		}
		cases = append(cases, &m)
	}
	for i, configs := range cases {
		spec := randomJSONString(r)
		wantText, want := spewChecksum(configs, spec)
		var got printed
		printChecksum(&got, configs, spec)
		if got.String() != wantText {
			t.Fatalf("case %d: printed\n%q\nwant spew's\n%q", i, got.String(), wantText)
		}
		cd := &v1beta1.Canary{Status: v1beta1.CanaryStatus{TrackedConfigs: configs, LastAppliedSpec: spec}}
		if sum := Checksum(cd); sum != want {
			t.Fatalf("case %d: Checksum = %q, want %q", i, sum, want)
		}
	}
}

// TestSafeDecimal: the digit-by-digit encoding is SafeEncodeString's of the
// decimal, at the ends of the range and in between.
func TestSafeDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 11))
	cases := []uint32{0, 1, 9, 10, 99, 100, 1<<31 - 1, 1 << 31, 1<<32 - 1}
	for range 1000 {
		cases = append(cases, r.Uint32())
	}
	for _, n := range cases {
		if got, want := safeDecimal(n), k8srand.SafeEncodeString(strconv.FormatUint(uint64(n), 10)); got != want {
			t.Errorf("safeDecimal(%d) = %q, want %q", n, got, want)
		}
	}
}
