package feeds

import (
	"fmt"

	"github.com/BurntSushi/toml"
)

// Notify is the [notify] table: which new messages, arriving while the
// console runs, ring the terminal's bell and send a desktop notification
// (OSC 9 / OSC 777). Without the table: unhappy and intent messages, both
// ways. on = [] turns notifications off.
type Notify struct {
	Unhappy bool // a message that makes its person unhappy
	Intent  bool // a message with a buying signal
	Any     bool // every new message
	Bell    bool
	Desktop bool
}

// DefaultNotify is what a config without [notify] gets.
var DefaultNotify = Notify{Unhappy: true, Intent: true, Bell: true, Desktop: true}

// Off reports whether nothing notifies.
func (n Notify) Off() bool {
	return !(n.Unhappy || n.Intent || n.Any) || !(n.Bell || n.Desktop)
}

type rawNotify struct {
	On      []string `toml:"on"`
	Bell    *bool    `toml:"bell"`
	Desktop *bool    `toml:"desktop"`
}

const notifyKeys = "on, bell, desktop"

// notifyOn are the values on = [...] takes.
var notifyOn = []string{"unhappy", "intent", "any"}

func parseNotify(path, text string, r rawNotify, md toml.MetaData) (Notify, error) {
	n := DefaultNotify
	if md.IsDefined("notify", "on") {
		n.Unhappy, n.Intent = false, false
		for _, v := range r.On {
			switch v {
			case "unhappy":
				n.Unhappy = true
			case "intent":
				n.Intent = true
			case "any":
				n.Any = true
			default:
				return Notify{}, &ConfigError{Path: path, Line: findTableKeyLine(text, "notify", "on"),
					Msg: fmt.Sprintf("notify.on: %q is not a kind of message (expected some of %q, or [] for none)", v, notifyOn)}
			}
		}
	}
	if r.Bell != nil {
		n.Bell = *r.Bell
	}
	if r.Desktop != nil {
		n.Desktop = *r.Desktop
	}
	return n, nil
}
