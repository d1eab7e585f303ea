package main

import (
	"strings"
	"testing"
)

func TestRereadProgress(t *testing.T) {
	var b strings.Builder
	p := rereadProgress(&b)
	p(10, 20) // too few to tell
	p(4800, 12000)
	p(12000, 12000)
	want := "parley: re-reading 12,000 conversations (the funnel rules changed): 40%\r" +
		"parley: re-reading 12,000 conversations (the funnel rules changed): 100%\n"
	if b.String() != want {
		t.Errorf("progress = %q\nwant       %q", b.String(), want)
	}
	if rereadProgress(nil) != nil {
		t.Error("no writer: want no callback")
	}
}
