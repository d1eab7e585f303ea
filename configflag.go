package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// namedConfigExists refuses a --config that names no file. Without
// --config a missing config is fine (the console shows a welcome, fetch
// says what to write); a path the user typed is most likely a typo, and
// running on no feeds would hide it.
func namedConfigExists(path, defaultPath string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no config at %s: --config names a file that does not exist (check the path; without --config parley reads %s)", path, defaultPath)
	}
	return nil
}
