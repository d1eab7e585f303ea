package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"parley/feeds"
	"parley/ui"
)

const keysUsage = `Usage: parley keys [--config PATH]

List every action of the console with its keys (after the config's [keys]
table) and what it does. Rebind an action in the config by its name:

  [keys]
  "queue.done"  = ["e", "x"]   # a list: any of them
  "global.quit" = "Q"          # one key
  "all.snooze"  = "z"          # every screen that has the action
  "queue.undo"  = []           # unbound

Keys are written as Bubble Tea names them: "x", "X", "ctrl+x", "alt+x",
"enter", "esc", "tab", "space", "up", "pgdown", "f1". Unknown actions, keys
that no terminal sends and two actions on one key on the same screen are
reported with the config line.
`

// keysCmd lists the actions; it needs only the config, not the database.
func keysCmd(opts options, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return unexpectedArg(stderr, "keys", args[0])
	}
	km := ui.DefaultKeyMap()
	if !opts.demo {
		cfg, err := feeds.LoadConfig(opts.config)
		if err != nil && !errors.Is(err, feeds.ErrNoConfig) {
			fmt.Fprintf(stderr, "parley keys: %v\n", err)
			return listDefaultKeys(stdout, stderr)
		}
		if errs := ui.ApplyKeys(km, cfg.Path, cfg.Keys); len(errs) > 0 {
			printKeyErrors(stderr, "parley keys", errs)
			return listDefaultKeys(stdout, stderr)
		}
	}
	listKeys(stdout, km)
	return 0
}

// listDefaultKeys answers a config parley cannot use with the default
// keys: the mistakes say "run parley keys for the list", so the list must
// come even then. The exit status stays 1.
func listDefaultKeys(stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "parley keys: fix the mistakes above; until then, the default keys:")
	listKeys(stdout, ui.DefaultKeyMap())
	return 1
}

func listKeys(stdout io.Writer, km *ui.KeyMap) {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tKEYS\tWHAT IT DOES")
	for _, a := range km.Actions() {
		keys := strings.Join(a.Keys(), " ")
		if keys == "" {
			keys = "(unbound)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, keys, a.Desc())
	}
	tw.Flush()
}

// checkKeys reports the [keys] mistakes of cfg: the console refuses to
// start on them, as on any other config mistake, rather than run with
// keys the user did not ask for.
func checkKeys(cfg feeds.Config, stderr io.Writer, prefix string) bool {
	errs := ui.ApplyKeys(ui.DefaultKeyMap(), cfg.Path, cfg.Keys)
	printKeyErrors(stderr, prefix, errs)
	return len(errs) == 0
}

func printKeyErrors(w io.Writer, prefix string, errs []error) {
	for _, err := range errs {
		fmt.Fprintf(w, "%s: %v\n", prefix, err)
	}
}
