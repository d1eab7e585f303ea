//go:build !unix

package feeds

import "os"

// clearNonblock: O_NONBLOCK means nothing to opening a file here.
func clearNonblock(*os.File) error { return nil }
