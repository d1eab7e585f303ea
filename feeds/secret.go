package feeds

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Secret says where an API token comes from: an environment variable or a
// file readable only by its owner. Never the config itself, which people
// paste into bug reports and dotfile repos.
type Secret struct {
	Env  string // name of the environment variable
	File string // path of a file holding the token (mode 0600 or stricter)
}

// IsZero reports whether no source of the secret is configured.
func (s Secret) IsZero() bool { return s.Env == "" && s.File == "" }

// ErrNoSecret is returned (wrapped) when a configured secret is not there.
var ErrNoSecret = errors.New("secret missing")

// Load returns the token, trimmed. Its errors name the variable or file
// and say what to do; the token itself never appears in one.
func (s Secret) Load() (string, error) {
	switch {
	case s.Env != "":
		v, ok := os.LookupEnv(s.Env)
		if !ok || strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("%w: environment variable %s is not set (export %s=<token>)", ErrNoSecret, s.Env, s.Env)
		}
		return strings.TrimSpace(v), nil
	case s.File != "":
		fi, err := os.Stat(s.File)
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w: token file %s does not exist", ErrNoSecret, s.File)
		}
		if err != nil {
			return "", fmt.Errorf("token file: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return "", fmt.Errorf("token file %s is readable by others (mode %04o): run chmod 600 %s", s.File, fi.Mode().Perm(), s.File)
		}
		if what := notRegular(fi.Mode()); what != "" {
			return "", fmt.Errorf("token file %s is %s: put the token in a regular file", s.File, what)
		}
		data, err := readSmall(s.File, maxTokenBytes)
		if err != nil {
			return "", fmt.Errorf("token file: %w", err)
		}
		tok := strings.TrimSpace(string(data))
		if tok == "" {
			return "", fmt.Errorf("%w: token file %s is empty", ErrNoSecret, s.File)
		}
		return tok, nil
	}
	return "", fmt.Errorf("%w: no token_env or token_file configured", ErrNoSecret)
}

// maxTokenBytes is far more than any API token; a bigger "token file" is
// the wrong file.
const maxTokenBytes = 64 << 10

// readSmall reads path, failing if it holds more than limit bytes.
func readSmall(path string, limit int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("%s is larger than %s: not a token", path, formatSize(limit))
	}
	return data, err
}
