package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"

	"parley/store"
)

// HostKeyFile is the host key's name in the data directory.
const HostKeyFile = "ssh_host_ed25519_key"

// maxHostKeyBytes bounds what is read: an OpenSSH ed25519 key is ~400 bytes.
const maxHostKeyBytes = 64 << 10

// LoadHostKey reads the server's host key at path, or generates an
// ed25519 key there the first time (created is then true). The key is
// what teammates' ssh clients pin in known_hosts, so it is made once and
// kept: a new key on every start would teach them to accept any. Like
// the database, it lives in a private directory (0700, created if
// missing), is never a link, and must be the server user's own 0600 file.
func LoadHostKey(path string) (signer ssh.Signer, created bool, err error) {
	if err := store.EnsurePrivateDir(filepath.Dir(path)); err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	f, err := store.OpenPrivateFile(path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		signer, err = createHostKey(path)
		return signer, err == nil, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, false, fmt.Errorf("host key %s can be read by others (mode %04o): whoever reads it can pose as this server; run chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHostKeyBytes))
	if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	signer, err = ssh.ParsePrivateKey(data)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %v (move it away and parley serve makes a new one; teammates then accept the new key once)", path, err)
	}
	return signer, false, nil
}

// createHostKey writes a new ed25519 key to path, exclusively: two
// servers starting at once do not overwrite each other's key.
func createHostKey(path string) (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "parley serve host key")
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	f, err := store.OpenPrivateFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write host key: %w", err)
	}
	_, err = f.Write(pem.EncodeToMemory(block))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path) // a half-written key would fail every later start
		return nil, fmt.Errorf("write host key: %w", err)
	}
	return ssh.NewSignerFromKey(priv)
}
