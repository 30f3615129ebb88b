// This file holds readBody, the read of a webhook's answer, to
// io.ReadAll over an io.LimitReader, the read it replaces.

package webhook

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadBodyMatchesReadAll: whatever the body and whatever length the
// answer claims (right, unknown, short, long), readBody gives the bytes and
// the error io.ReadAll(io.LimitReader(body, maxBody)) gives.
func TestReadBodyMatchesReadAll(t *testing.T) {
	broken := errors.New("connection reset")
	bodies := map[string]func() io.Reader{
		"empty":            func() io.Reader { return strings.NewReader("") },
		"short":            func() io.Reader { return strings.NewReader("OK") },
		"exactly 512":      func() io.Reader { return strings.NewReader(strings.Repeat("x", 512)) },
		"past 512":         func() io.Reader { return strings.NewReader(strings.Repeat("y", 1500)) },
		"at the limit":     func() io.Reader { return strings.NewReader(strings.Repeat("z", maxBody)) },
		"past the limit":   func() io.Reader { return strings.NewReader(strings.Repeat("w", maxBody+700)) },
		"byte by byte":     func() io.Reader { return iotest.OneByteReader(strings.NewReader("slow answer")) },
		"data with EOF":    func() io.Reader { return iotest.DataErrReader(strings.NewReader("last bytes")) },
		"error at once":    func() io.Reader { return iotest.ErrReader(broken) },
		"error after data": func() io.Reader { return io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(broken)) },
	}
	for name, body := range bodies {
		n, _ := io.Copy(io.Discard, body())
		for _, length := range []int64{n, -1, 0, n / 2, n + 10} {
			want, wantErr := io.ReadAll(io.LimitReader(body(), maxBody))
			got, err := readBody(&http.Response{Body: io.NopCloser(body()), ContentLength: length})
			if !bytes.Equal(got, want) || !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
				t.Errorf("%s, length %d: read %d bytes, %v; want %d bytes, %v", name, length, len(got), err, len(want), wantErr)
			}
		}
	}
	if got, err := readBody(&http.Response{Body: http.NoBody}); got != nil || err != nil {
		t.Errorf("http.NoBody: read %q, %v; want nothing", got, err)
	}
}
