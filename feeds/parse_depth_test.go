package feeds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// depthCases are documents whose depth the byte scan must not under-rate:
// markup hidden in comments, CDATA, quoted values and instructions.
var depthCases = []string{
	`<a><b><c/></b></a>`,
	`<a><b><!-- </b></a> --><c><d>`,
	`<a><b><![CDATA[</b></a>]]><c><d>`,
	`<a><b x="/b></a>" y='"/>'><c><d>`,
	`<a><?pi </b></a> ?><c><d>`,
	`<a><!---></a>--><b><c>`,
	`<a><!-- -- --></a><b><c>`,
	`<?xml version="1.0" encoding="ISO-2022-JP"?><a><b><c>`,
	`<!DOCTYPE a [<!ENTITY x "</a>">]><a><b><c>`,
	`<a/><b/><c/><d/>`,
	`<a b=c/><d><e><f>`,
	`<a b/><d><e><f>`,
	`</a></a><a><b><c>`,
	`<a><b></b ><c><d>`,
	`<a><b>]]></b><c><d>`,
}

func TestXMLDepthScan(t *testing.T) {
	for _, doc := range depthCases {
		for limit := range 5 {
			if exact, scan := xmlTooDeepExact([]byte(doc), limit), xmlMaybeTooDeep([]byte(doc), limit); exact && !scan {
				t.Errorf("%q at limit %d: the scan says shallow, the exact check deep", doc, limit)
			}
		}
	}
	// A real feed is cleared by the scan alone.
	for _, name := range []string{"wordpress-comments.rss", "forum-thread.atom"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if xmlMaybeTooDeep(data, maxXMLDepth) {
			t.Errorf("%s: the scan cannot clear it", name)
		}
	}
	deep := strings.Repeat("<x>", maxXMLDepth+1)
	if !xmlTooDeep([]byte(deep), maxXMLDepth) || xmlTooDeep([]byte(deep[3:]), maxXMLDepth) {
		t.Error("limit not applied exactly")
	}
}

// FuzzXMLDepthScan: the byte scan may over-rate depth, never under-rate
// it: whenever the exact check finds nesting past the limit, so does the
// scan. Small limits make the fuzzer reach them.
func FuzzXMLDepthScan(f *testing.F) {
	for _, doc := range depthCases {
		f.Add([]byte(doc), uint8(2))
	}
	for _, name := range []string{"wordpress-comments.rss", "forum-thread.atom"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(4))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint8) {
		l := int(limit % 16)
		if xmlTooDeepExact(data, l) && !xmlMaybeTooDeep(data, l) {
			t.Fatalf("at limit %d: the scan says shallow, the exact check deep", l)
		}
	})
}
