package ui

import (
	"strings"
	"testing"
)

// A key written in an order Bubble Tea never names ("alt+ctrl+x"), or
// "shift+a" (a terminal sends "A"), would be accepted and never fire:
// both are reported with the spelling that works.
func TestKeysConfigReportsKeysThatNeverFire(t *testing.T) {
	cfg := parseKeysConfig(t, `[keys]
"queue.reply" = "alt+ctrl+x"
"queue.done" = "shift+a"
"queue.snooze" = "ctrl+ctrl+s"
"queue.undo" = ["ctrl+alt+u", "shift+tab", "Z", "shift+1"]
`)
	errs := ApplyKeys(DefaultKeyMap(), cfg.Path, cfg.Keys)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`config.toml:2: [keys] "queue.reply" = "alt+ctrl+x": write it "ctrl+alt+x"`,
		`config.toml:3: [keys] "queue.done" = "shift+a": write it "A"`,
		`config.toml:4: [keys] "queue.snooze" = "ctrl+ctrl+s": write it "ctrl+s"`,
		`config.toml:5: [keys] "queue.undo" = "shift+1": write the character shift types`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("errors lack %q; got:\n%s", want, all)
		}
	}
	if len(errs) != 4 {
		t.Errorf("%d errors, want 4 (ctrl+alt+u, shift+tab and Z are fine):\n%s", len(errs), all)
	}
}
