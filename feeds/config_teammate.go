package feeds

// [[teammate]] tables: who may open a console on `parley serve`. The name
// is who they are to the others; unix_user and ssh_keys are how the server
// recognises them. Identity is the whole point of these tables, so every
// ambiguity (two teammates with one name, one user or one key) is refused
// rather than resolved by order.

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Teammate is one [[teammate]] table.
type Teammate struct {
	Name string
	// UnixUser is the login that is this teammate on the server's
	// machine; empty: none.
	UnixUser string
	// SSHKeys are the public keys that log in as this teammate; each
	// entry's comment (user@host) is in SSHKeyComments at the same index.
	SSHKeys        []ssh.PublicKey
	SSHKeyComments []string
}

type rawTeammate struct {
	Name     string   `toml:"name"`
	UnixUser string   `toml:"unix_user"`
	SSHKeys  []string `toml:"ssh_keys"`
}

// teammateKeys are the keys [[teammate]] accepts.
const teammateKeys = "name, unix_user, ssh_keys"

// maxTeammateName keeps a name to what fits beside a thread in the queue.
const maxTeammateName = 40

// unixUserRE is the portable login name (useradd's default rule).
var unixUserRE = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)

// parseTeammates checks every [[teammate]] table and reports each
// mistake. Every table is in the list it returns, even one with a
// mistake, so that an index names the same teammate in both.
func parseTeammates(path, text string, raws []rawTeammate) ([]Teammate, []error) {
	var out []Teammate
	var errs []error
	names := map[string]int{} // lower-cased name -> teammate index
	users := map[string]int{}
	keys := map[string]int{} // marshalled key -> teammate index
	for i, rt := range raws {
		errAt := func(key, msg string, args ...any) error {
			return &ConfigError{Path: path, Line: findArrayTableKeyLine(text, "teammate", key, i),
				Msg: fmt.Sprintf("teammate %d: ", i+1) + fmt.Sprintf(msg, args...)}
		}
		tm := Teammate{Name: strings.TrimSpace(rt.Name), UnixUser: rt.UnixUser}
		nameErr := len(errs)
		switch {
		case tm.Name == "":
			errs = append(errs, errAt("name", `has no name (expected name = "Maya": shown to the others and recorded on every action)`))
		case len([]rune(tm.Name)) > maxTeammateName:
			errs = append(errs, errAt("name", "name %q is longer than %d characters", tm.Name, maxTeammateName))
		}
		if err := checkPlain("name", tm.Name); err != nil {
			errs = append(errs, errAt("name", "%v", err))
		}
		if len(errs) == nameErr {
			if j, dup := names[strings.ToLower(tm.Name)]; dup {
				errs = append(errs, errAt("name", "name %q is already teammate %d's (names must be unique, ignoring case)", tm.Name, j+1))
			}
			names[strings.ToLower(tm.Name)] = i
		}
		if tm.UnixUser != "" {
			if !unixUserRE.MatchString(tm.UnixUser) {
				errs = append(errs, errAt("unix_user", "unix_user = %q is not a login name (expected lower-case letters, digits, _ or -, as in /etc/passwd)", tm.UnixUser))
			} else if j, dup := users[tm.UnixUser]; dup {
				errs = append(errs, errAt("unix_user", "unix_user %q is already teammate %d's (%s): one login is one teammate", tm.UnixUser, j+1, out[j].Name))
			} else {
				users[tm.UnixUser] = i
			}
		}
		for k, line := range rt.SSHKeys {
			keyAt := func(msg string, args ...any) error {
				return &ConfigError{Path: path, Line: findEntryLine(text, "teammate", "ssh_keys", i, line),
					Msg: fmt.Sprintf("teammate %d (%s): ssh_keys entry %d: ", i+1, tm.Name, k+1) + fmt.Sprintf(msg, args...)}
			}
			pk, comment, err := parseAuthorizedKey(line)
			if err != nil {
				errs = append(errs, keyAt("%v", err))
				continue
			}
			id := string(pk.Marshal())
			if j, dup := keys[id]; dup {
				who := tm.Name
				if j < len(out) {
					who = out[j].Name
				}
				errs = append(errs, keyAt("this key is already %s's: one key is one teammate (give each person their own key)", who))
				continue
			}
			keys[id] = i
			tm.SSHKeys = append(tm.SSHKeys, pk)
			tm.SSHKeyComments = append(tm.SSHKeyComments, comment)
		}
		out = append(out, tm)
	}
	return out, errs
}

// parseAuthorizedKey reads one authorized_keys line: a key with an
// optional comment. Options (from=, command=, cert-authority) are
// refused: the server does not apply them, and a from= that is silently
// ignored would be worse than none.
func parseAuthorizedKey(line string) (ssh.PublicKey, string, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return nil, "", fmt.Errorf(`is empty (expected a public key line such as "ssh-ed25519 AAAA… maya@laptop", from ~/.ssh/id_ed25519.pub)`)
	}
	pk, comment, options, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return nil, "", fmt.Errorf(`is not a public key (expected a line such as "ssh-ed25519 AAAA… maya@laptop", from ~/.ssh/id_ed25519.pub; never the private key)`)
	}
	if len(options) > 0 {
		return nil, "", fmt.Errorf("has options (%s) that parley serve does not apply: remove them and keep the key", strings.Join(options, ","))
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return nil, "", fmt.Errorf("holds more than one key: give each key its own entry")
	}
	if err := checkPlain("comment", comment); err != nil {
		return nil, "", err
	}
	return pk, comment, nil
}

// findArrayTableKeyLine finds the line where key is assigned inside the
// n-th [[table]] (falling back to that table's header line); n < 0 looks
// in every [[table]].
func findArrayTableKeyLine(text, table, key string, n int) int {
	keyRE := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	headerRE := regexp.MustCompile(`^\s*\[\[\s*` + regexp.QuoteMeta(table) + `\s*\]\]`)
	seen, current, header := 0, -1, 0
	for i, line := range strings.Split(text, "\n") {
		switch {
		case headerRE.MatchString(line):
			current = seen
			seen++
			if current == n || (n < 0 && header == 0) {
				header = i + 1
			}
			continue
		case tableHeaderRE.MatchString(line):
			current = -1
			continue
		}
		if current < 0 || (n >= 0 && current != n) {
			continue
		}
		if keyRE.MatchString(line) {
			return i + 1
		}
	}
	return header
}

// findEntryLine finds the line of one entry of a list (a key pasted on a
// line of its own in a long ssh_keys list), falling back to the key's line.
func findEntryLine(text, table, key string, n int, entry string) int {
	start := findArrayTableKeyLine(text, table, key, n)
	probe := strings.TrimSpace(entry)
	if start == 0 || len(probe) < 8 {
		return start
	}
	probe = probe[:min(len(probe), 40)]
	lines := strings.Split(text, "\n")
	for i := start - 1; i < len(lines); i++ {
		if i > start-1 && tableHeaderRE.MatchString(lines[i]) {
			break
		}
		if strings.Contains(lines[i], probe) {
			return i + 1
		}
	}
	return start
}
