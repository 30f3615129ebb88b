// This file checks that a GitHub workflow command escapes its data and
// properties as the Actions runner reads them.

package validatereport

import (
	"bytes"
	"testing"
)

func TestWriteCommandEscapes(t *testing.T) {
	var esc bytes.Buffer
	writeCommand(&esc, "error", "a,b:c.yaml", 3, "t%1", "50% done\nnext")
	if got := esc.String(); got != "::error file=a%2Cb%3Ac.yaml,line=3,title=t%251::50%25 done%0Anext\n" {
		t.Errorf("escaped command %q", got)
	}
}
