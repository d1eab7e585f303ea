package feeds

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// testKeyLine is an authorized_keys line for a fixed ed25519 key.
func testKeyLine(t *testing.T, seed byte, comment string) string {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pk, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
	if comment != "" {
		line += " " + comment
	}
	return line
}

func TestParseConfigTeammates(t *testing.T) {
	maya, maya2, bob := testKeyLine(t, 1, "maya@laptop"), testKeyLine(t, 2, ""), testKeyLine(t, 3, "bob@desk")
	cfg, err := ParseConfig("c.toml", []byte(fmt.Sprintf(`
[[feed]]
url = "/srv/reviews.atom"

[[teammate]]
name      = "  Maya "
unix_user = "maya"
ssh_keys  = [
  %q,
  %q,
]

[[teammate]]
name     = "Bob"
ssh_keys = [%q]

[[teammate]]
name      = "Ana"
unix_user = "ana"
`, maya, maya2, bob)))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Teammates) != 3 {
		t.Fatalf("teammates = %+v, want 3", cfg.Teammates)
	}
	m := cfg.Teammates[0]
	if m.Name != "Maya" || m.UnixUser != "maya" || len(m.SSHKeys) != 2 {
		t.Errorf("maya = %+v, want name trimmed, unix_user maya, 2 keys", m)
	}
	if len(m.SSHKeyComments) != 2 || m.SSHKeyComments[0] != "maya@laptop" || m.SSHKeyComments[1] != "" {
		t.Errorf("maya's comments = %q", m.SSHKeyComments)
	}
	want, _, _, _, _ := ssh.ParseAuthorizedKey([]byte(bob))
	if b := cfg.Teammates[1]; b.Name != "Bob" || b.UnixUser != "" || len(b.SSHKeys) != 1 || !bytes.Equal(b.SSHKeys[0].Marshal(), want.Marshal()) {
		t.Errorf("bob = %+v, want his one key", b)
	}
	if a := cfg.Teammates[2]; a.Name != "Ana" || a.UnixUser != "ana" || a.SSHKeys != nil {
		t.Errorf("ana = %+v, want a local user without keys", a)
	}
	if len(cfg.Feeds) != 1 {
		t.Errorf("the feed after teammates was lost: %+v", cfg.Feeds)
	}
}

func TestParseConfigNoTeammates(t *testing.T) {
	cfg, err := ParseConfig("c.toml", []byte("[[feed]]\nurl = \"/a.atom\"\n"))
	if err != nil || cfg.Teammates != nil {
		t.Fatalf("cfg.Teammates = %+v, err %v; want none", cfg.Teammates, err)
	}
}

func TestParseConfigTeammateErrorsNameLineAndExpectation(t *testing.T) {
	maya, bob := testKeyLine(t, 1, "maya@laptop"), testKeyLine(t, 3, "bob@desk")
	cases := []struct {
		name, conf string
		line       int
		want       string
	}{
		{"no name", "[[teammate]]\nunix_user = \"maya\"\n", 1, "teammate 1: has no name"},
		{"blank name", "[[teammate]]\nname = \"  \"\n", 2, "teammate 1: has no name"},
		{"control in name", "[[teammate]]\nname = \"Ma\\u001bya\"\n", 2, "control character U+001B"},
		{"long name", "[[teammate]]\nname = \"" + strings.Repeat("x", 41) + "\"\n", 2, "longer than 40"},
		{"duplicate name", "[[teammate]]\nname = \"Maya\"\n\n[[teammate]]\nname = \"maya\"\n", 5, `teammate 2: name "maya" is already teammate 1's`},
		{"bad unix_user", "[[teammate]]\nname = \"Maya\"\nunix_user = \"Maya Smith\"\n", 3, "is not a login name"},
		{"duplicate unix_user", "[[teammate]]\nname = \"Maya\"\nunix_user = \"maya\"\n[[teammate]]\nname = \"Bob\"\nunix_user = \"maya\"\n", 6, `unix_user "maya" is already teammate 1's (Maya)`},
		{"not a key", "[[teammate]]\nname = \"Maya\"\nssh_keys = [\"ssh-ed25519 notbase64 maya@laptop\"]\n", 3, "ssh_keys entry 1: is not a public key"},
		{"private key pasted", "[[teammate]]\nname = \"Maya\"\nssh_keys = [\"-----BEGIN OPENSSH PRIVATE KEY-----\"]\n", 3, "never the private key"},
		{"empty key", "[[teammate]]\nname = \"Maya\"\nssh_keys = [\"\"]\n", 3, "ssh_keys entry 1: is empty"},
		{"key with options", "[[teammate]]\nname = \"Maya\"\nssh_keys = [\"from=\\\"10.0.0.1\\\" " + maya + "\"]\n", 3, `has options (from="10.0.0.1")`},
		{"two keys in one entry", "[[teammate]]\nname = \"Maya\"\nssh_keys = [\"" + maya + "\\n" + bob + "\"]\n", 3, "more than one key"},
		{"key on its own line", "[[teammate]]\nname = \"Maya\"\nssh_keys = [\n  \"" + maya + "\",\n  \"ssh-rsa AAAAnope\",\n]\n", 5, "ssh_keys entry 2"},
		{"one key, two teammates", "[[teammate]]\nname = \"Maya\"\nssh_keys = [\"" + maya + "\"]\n[[teammate]]\nname = \"Bob\"\nssh_keys = [\"" + bob + "\", \"" + maya + "\"]\n", 6, "teammate 2 (Bob): ssh_keys entry 2: this key is already Maya's"},
		{"same key twice", "[[teammate]]\nname = \"Maya\"\nssh_keys = [\"" + maya + "\", \"" + maya + " other\"]\n", 3, "this key is already Maya's"},
		{"unknown key", "[[teammate]]\nname = \"Maya\"\nemail = \"m@example.com\"\n", 3, `unknown key "email" in [[teammate]] (expected one of: name, unix_user, ssh_keys)`},
		{"keys as a string", "[[teammate]]\nname = \"Maya\"\nssh_keys = \"" + maya + "\"\n", 3, "teammate.ssh_keys must be an array of strings"},
		{"single table", "[teammate]\nname = \"Maya\"\n", 1, "teammate must be a list of tables (expected [[teammate]]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("c.toml", []byte(tc.conf))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			if !strings.Contains(ce.Msg, tc.want) {
				t.Errorf("msg = %q, want it to contain %q", ce.Msg, tc.want)
			}
			if tc.line > 0 && ce.Line != tc.line {
				t.Errorf("line = %d, want %d (%s)", ce.Line, tc.line, ce.Msg)
			}
		})
	}
}
