// This file reads a user's file within bounds (regular files only, a size limit, UTF-8 text), so a
// wrong path is refused with a message instead of exhausting memory or hanging.

package manifest

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Bounds on what the loaders read, so that a wrong path (a device, a huge
// log, the root folder) is refused with a message instead of exhausting
// memory or hanging the run.
const (
	// MaxFileSize is the largest file the loaders read. Real manifests and
	// scenarios are kilobytes; ten MiB leaves room for generated ones.
	MaxFileSize = 10 << 20
	// MaxFiles is the most YAML files one load reads from folders.
	MaxFiles = 1000
)

// ReadFile reads a user's file: a regular file (not a folder, device, pipe
// or socket) of at most MaxFileSize bytes. what names the file's role in
// messages ("scenario", "manifest"). Every error is an *Error naming path.
func ReadFile(path, what string) ([]byte, error) {
	// Stat before opening: opening a pipe would block until a writer came.
	info, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read the %s: check the path and permissions", what), Err: err}
	}
	if err := checkRegular(path, what, info); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read the %s: check the path and permissions", what), Err: err}
	}
	defer f.Close()
	// The size may change between Stat and read (or lie, as in /proc), so
	// the read itself is bounded too.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read the %s", what), Err: err}
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(path, what, -1)
	}
	return data, nil
}

func checkRegular(path, what string, info os.FileInfo) error {
	switch {
	case info.IsDir():
		return &Error{File: path, Msg: fmt.Sprintf("is a folder, not a %s file: give a YAML file", what)}
	case !info.Mode().IsRegular():
		return &Error{File: path, Msg: fmt.Sprintf("is %s, not a file: a %s is a YAML file", special(info.Mode()), what)}
	case info.Size() > MaxFileSize:
		return tooLarge(path, what, info.Size())
	}
	return nil
}

// special names a kind of file the loaders do not read.
func special(m os.FileMode) string {
	switch {
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// tooLarge words the size limit; size is -1 when only a bounded read saw it.
func tooLarge(path, what string, size int64) *Error {
	over := "over"
	if size >= 0 {
		over = fmt.Sprintf("%.1f MiB, over", float64(size)/(1<<20))
	}
	return &Error{File: path, Msg: fmt.Sprintf("the %s is %s the limit of %d MiB for one file: split it or give the right file",
		what, over, MaxFileSize>>20)}
}

// encodingError refuses text the line-based steps cannot read: UTF-16 or
// UTF-32 (a byte-order mark, or NUL bytes), or binary data. The YAML parser
// would decode UTF-16 on its own, but document splitting, CRLF handling and
// inline offsets work on UTF-8 bytes and would report wrong lines.
func (d *Doc) encodingError(data []byte) *Error {
	line := 1
	switch i := bytes.IndexByte(data, 0); {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}):
	case i >= 0:
		line += bytes.Count(data[:i], []byte("\n"))
	default:
		return nil
	}
	return &Error{File: d.file, Line: d.offset + line, Msg: "not UTF-8 text (UTF-16, UTF-32 or binary data): save the file as UTF-8"}
}
