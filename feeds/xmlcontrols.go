package feeds

import (
	"bytes"
	"regexp"
)

// xmlControlRE matches what XML 1.0 forbids in a document and feeds still
// carry (a comment pasted from a terminal, a title with colour codes): a
// C0 control other than tab, newline and carriage return, and, when it is
// ESC, the terminal sequence it starts (CSI up to its final byte, OSC up
// to BEL or ST), so no "[31m" or hidden OSC 8 address is left as text.
var xmlControlRE = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b\x0c\x0e-\x1f]`)

// dropXMLControls removes those bytes from an XML document before it is
// parsed. encoding/xml refuses the whole document at the first one
// ("illegal character code U+001B"), so one hostile comment would hide
// every other item of its feed; the text would be stripped of them later
// anyway (Sanitize). JSON and anything that is not XML are left alone.
func dropXMLControls(data []byte) []byte {
	body := bytes.TrimLeft(data, "\ufeff \t\r\n")
	if len(body) == 0 || body[0] != '<' || !hasXMLControl(data) {
		return data
	}
	return xmlControlRE.ReplaceAll(data, nil)
}

func hasXMLControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}
