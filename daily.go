package main

import (
	"log/slog"
	"path/filepath"

	"parley/feeds"
	"parley/ui"
)

// withDaily adds to a console's deps what [sla], [notify], [[template]]
// and the templates folder (templates/ beside the config file:
// $XDG_CONFIG_HOME/parley/templates) ask for.
func withDaily(d ui.Deps, cfg feeds.Config) ui.Deps {
	d.SLA, d.Notify = cfg.SLA, cfg.Notify
	d.Templates = append(d.Templates, cfg.Templates...)
	if filepath.IsAbs(cfg.Path) {
		d.TemplateDir = filepath.Join(filepath.Dir(cfg.Path), "templates")
		ts, problems := feeds.LoadTemplateDir(d.TemplateDir)
		for _, p := range problems {
			slog.Warn("templates", "problem", p)
		}
		d.Templates = append(d.Templates, ts...)
		d.TemplateProblems = problems
	}
	return d
}
