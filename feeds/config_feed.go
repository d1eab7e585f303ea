package feeds

import (
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// parseFeed checks one [[feed]] table for its kind. errAt builds a
// ConfigError on the line of a key in this table. It reports what it can
// of the table's mistakes: each independent one (strings, keys of another
// kind, every), and the first that the checks after it depend on.
func parseFeed(rf rawFeed, errAt func(key, msg string, args ...any) error) (Feed, []error) {
	var errs []error
	// Every string first: most are shown in the console (the name on every
	// row, or the URL, query or hashtag a default name is made of).
	type field struct{ key, label, value string } // label: how the message names it
	plain := []field{
		{"name", "name", rf.Name}, {"url", "url", rf.URL}, {"every", "every", rf.Every}, {"kind", "kind", rf.Kind},
		{"server", "server", rf.Server}, {"token_env", "token_env", rf.TokenEnv}, {"token_file", "token_file", rf.TokenFile},
		{"api_key_env", "api_key_env", rf.APIKeyEnv}, {"api_key_file", "api_key_file", rf.APIKeyFile},
		{"api_username", "api_username", rf.APIUsername}, {"hashtag", "hashtag", rf.Hashtag},
		{"subreddit", "subreddit", rf.Subreddit}, {"query", "query", rf.Query},
	}
	for i, c := range rf.Categories {
		plain = append(plain, field{"categories", fmt.Sprintf("categories entry %d", i+1), c})
	}
	for _, f := range plain {
		if err := checkPlain(f.label, f.value); err != nil {
			errs = append(errs, errAt(f.key, "%v", err))
		}
	}

	kind := strings.ToLower(strings.TrimSpace(rf.Kind))
	if kind == "" {
		kind = KindFeed
	}
	allowed, ok := feedKeys[kind]
	if !ok {
		return Feed{}, append(errs, errAt("kind", "kind %q is not supported (expected one of: %s)", rf.Kind, strings.Join(Kinds, ", ")))
	}
	// A key that belongs to another kind is a mistake worth naming.
	set := map[string]bool{
		"url": rf.URL != "", "server": rf.Server != "", "token_env": rf.TokenEnv != "", "token_file": rf.TokenFile != "",
		"api_key_env": rf.APIKeyEnv != "", "api_key_file": rf.APIKeyFile != "", "api_username": rf.APIUsername != "",
		"categories": rf.Categories != nil, "hashtag": rf.Hashtag != "", "subreddit": rf.Subreddit != "", "query": rf.Query != "",
	}
	for _, k := range slices.Sorted(maps.Keys(set)) {
		if set[k] && !slices.Contains(allowed, k) {
			errs = append(errs, errAt(k, "%s is not used by kind = %q (it accepts: name, every, kind, %s)", k, kind, strings.Join(allowed, ", ")))
		}
	}

	f := Feed{
		Name:        strings.TrimSpace(rf.Name),
		URL:         strings.TrimSpace(rf.URL),
		Every:       DefaultEvery,
		Kind:        kind,
		APIUsername: strings.TrimSpace(rf.APIUsername),
		Hashtag:     strings.TrimPrefix(strings.TrimSpace(rf.Hashtag), "#"),
		Subreddit:   strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(rf.Subreddit), "/"), "r/"),
		Query:       strings.TrimSpace(rf.Query),
	}
	for _, c := range rf.Categories {
		if c = strings.TrimSpace(c); c != "" {
			f.Categories = append(f.Categories, c)
		}
	}
	if rf.Every != "" {
		d, err := time.ParseDuration(rf.Every)
		switch {
		case err != nil:
			errs = append(errs, errAt("every", "every = %q is not a duration (expected e.g. \"5m\", \"1h\")", rf.Every))
		case d < minEvery:
			errs = append(errs, errAt("every", "every = %q is too often (expected at least 1m)", rf.Every))
		default:
			f.Every = d
		}
	}

	secret := func(envKey, fileKey, envVal, fileVal, example string) error {
		envVal, fileVal = strings.TrimSpace(envVal), strings.TrimSpace(fileVal)
		switch {
		case envVal != "" && fileVal != "":
			return errAt(fileKey, "set %s or %s, not both", envKey, fileKey)
		case envVal == "" && fileVal == "":
			return errAt("kind", "kind = %q needs a token: %s = %q (an environment variable) or %s = \"/path/to/file\" (mode 0600)", kind, envKey, example, fileKey)
		}
		f.Secret = Secret{Env: envVal, File: expandHome(fileVal)}
		return nil
	}
	baseURL := func(key, raw, what string) (string, error) {
		raw = strings.TrimRight(strings.TrimSpace(raw), "/")
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", errAt(key, "%s = %q is not an http(s) URL (expected the %s, e.g. \"https://%s\")", key, raw, what, exampleHost(kind))
		}
		return raw, nil
	}

	var err error
	switch kind {
	case KindFeed:
		if f.URL == "" {
			return Feed{}, append(errs, errAt("url", "missing url (expected url = \"https://…\" or a local file path)"))
		}
		if err := checkFeedURL(f.URL); err != nil {
			return Feed{}, append(errs, errAt("url", "%v", err))
		}
	case KindMastodon:
		server, key := strings.TrimSpace(rf.Server), "server"
		if server == "" {
			server, key = f.URL, "url"
		}
		if server == "" {
			return Feed{}, append(errs, errAt("kind", "kind = \"mastodon\" needs server = \"https://mastodon.example\" (your account's server)"))
		}
		if f.URL, err = baseURL(key, server, "Mastodon server"); err != nil {
			return Feed{}, append(errs, err)
		}
		if err := secret("token_env", "token_file", rf.TokenEnv, rf.TokenFile, "PARLEY_MASTODON_TOKEN"); err != nil {
			return Feed{}, append(errs, err)
		}
	case KindDiscourse:
		if f.URL == "" {
			return Feed{}, append(errs, errAt("kind", "kind = \"discourse\" needs url = \"https://forum.example\" (the forum's base URL)"))
		}
		if f.URL, err = baseURL("url", f.URL, "forum's base URL"); err != nil {
			return Feed{}, append(errs, err)
		}
		if err := secret("api_key_env", "api_key_file", rf.APIKeyEnv, rf.APIKeyFile, "PARLEY_DISCOURSE_KEY"); err != nil {
			return Feed{}, append(errs, err)
		}
		if f.APIUsername == "" {
			return Feed{}, append(errs, errAt("kind", "kind = \"discourse\" needs api_username = \"…\" (the forum user parley posts as)"))
		}
	case KindReddit:
		switch {
		case f.Subreddit == "" && f.Query == "":
			return Feed{}, append(errs, errAt("kind", "kind = \"reddit\" needs subreddit = \"name\" or query = \"words to search\""))
		case f.Subreddit != "" && f.Query != "":
			return Feed{}, append(errs, errAt("query", "set subreddit or query, not both (a query limited to a subreddit: two feeds, or search the subreddit's name)"))
		}
		if strings.ContainsAny(f.Subreddit, "/ ?#&") {
			return Feed{}, append(errs, errAt("subreddit", "subreddit = %q is not a subreddit name (expected e.g. \"golang\")", rf.Subreddit))
		}
		if f.URL, err = baseURL("url", cmp.Or(f.URL, defaultRedditURL), "Reddit base URL"); err != nil {
			return Feed{}, append(errs, err)
		}
	case KindHN:
		if f.Query == "" {
			return Feed{}, append(errs, errAt("kind", "kind = \"hn\" needs query = \"words to search\" (e.g. your product's name)"))
		}
		if f.URL, err = baseURL("url", cmp.Or(f.URL, defaultHNURL), "Algolia HN API base URL"); err != nil {
			return Feed{}, append(errs, err)
		}
	}
	if f.Name == "" {
		f.Name = defaultFeedName(f)
	}
	return f, errs
}

// defaultFeedName names a feed the config left unnamed.
func defaultFeedName(f Feed) string {
	host := f.URL
	if u, err := url.Parse(f.URL); err == nil && u.Host != "" {
		host = u.Host
	}
	switch f.Kind {
	case KindMastodon:
		if f.Hashtag != "" {
			return "Mastodon " + host + " #" + f.Hashtag
		}
		return "Mastodon " + host
	case KindDiscourse:
		return "Discourse " + host
	case KindReddit:
		if f.Subreddit != "" {
			return "r/" + f.Subreddit
		}
		return "Reddit: " + f.Query
	case KindHN:
		return "HN: " + f.Query
	}
	return f.URL
}

func exampleHost(kind string) string {
	switch kind {
	case KindMastodon:
		return "mastodon.example"
	case KindDiscourse:
		return "forum.example"
	case KindReddit:
		return "www.reddit.com"
	}
	return "hn.algolia.com"
}

// expandHome turns a leading ~/ into the home directory, as people write
// paths in config files.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return home + "/" + rest
		}
	}
	return p
}
