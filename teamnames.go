package main

import "parley/feeds"

// teammateNames are the config's teammates as the console's assign
// picker lists them.
func teammateNames(team []feeds.Teammate) []string {
	names := make([]string, 0, len(team))
	for _, tm := range team {
		names = append(names, tm.Name)
	}
	return names
}
