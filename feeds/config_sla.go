package feeds

import (
	"fmt"
	"time"
)

// SLA is the [sla] table: how long a person may wait for a reply before
// the queue colours their row's age (warn) and counts them as breached.
// A zero duration is off.
type SLA struct {
	Warn   time.Duration
	Breach time.Duration
}

type rawSLA struct {
	Warn   string `toml:"warn"`
	Breach string `toml:"breach"`
}

const slaKeys = "warn, breach"

func parseSLA(path, text string, r rawSLA) (SLA, error) {
	var s SLA
	for _, f := range []struct {
		key  string
		raw  string
		dest *time.Duration
	}{{"warn", r.Warn, &s.Warn}, {"breach", r.Breach, &s.Breach}} {
		if f.raw == "" {
			continue
		}
		d, err := time.ParseDuration(f.raw)
		if err != nil || d <= 0 {
			return SLA{}, &ConfigError{Path: path, Line: findTableKeyLine(text, "sla", f.key),
				Msg: fmt.Sprintf("sla.%s = %q is not a positive duration (expected e.g. %s = \"4h\"; units h, m)", f.key, f.raw, f.key)}
		}
		*f.dest = d
	}
	if s.Warn > 0 && s.Breach > 0 && s.Warn >= s.Breach {
		return SLA{}, &ConfigError{Path: path, Line: findTableKeyLine(text, "sla", "warn"),
			Msg: fmt.Sprintf("sla.warn (%s) must be shorter than sla.breach (%s): the warning comes first", s.Warn, s.Breach)}
	}
	return s, nil
}
