// This file cuts a multi-document file at its separator lines, keeping each document's line and
// column numbers those of the file.

package manifest

import (
	"bytes"
)

// Document is one YAML document of a multi-document file.
type Document struct {
	Data []byte
	// LineOffset is added to a line number inside Data to get the line in the file.
	LineOffset int
}

// SplitDocuments cuts a file at its "---" (and "...") separator lines. CRLF
// line ends and a byte-order mark are normalised first. A separator line
// becomes the first line of the document it opens, with the marker blanked,
// so line and column numbers inside each document match the file. Empty
// documents are returned too; decoding skips them.
func SplitDocuments(data []byte) []Document {
	data = normalize(data)
	var docs []Document
	start, startLine := 0, 0
	line := 0
	for pos := 0; pos < len(data); line++ {
		end := lineEnd(data, pos)
		if isSeparator(data[pos:end]) {
			docs = append(docs, Document{Data: data[start:pos], LineOffset: startLine})
			blankMarker(data[pos : pos+3])
			start, startLine = pos, line
		}
		pos = end + 1
	}
	return append(docs, Document{Data: data[start:], LineOffset: startLine})
}

// normalize returns a private copy (SplitDocuments blanks markers in place)
// without a BOM and with LF line ends.
func normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
}

func lineEnd(data []byte, pos int) int {
	if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
		return pos + i
	}
	return len(data)
}

// isSeparator is true for "---" or "..." alone or followed by a blank.
func isSeparator(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) && !bytes.HasPrefix(line, []byte("...")) {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t'
}

func blankMarker(marker []byte) {
	for i := range marker {
		marker[i] = ' '
	}
}
