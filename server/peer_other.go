//go:build !linux

package server

import (
	"errors"
	"net"
)

// peerUID cannot ask the kernel here: the local attach is refused rather
// than trusting anything else (identity never comes from file modes).
func peerUID(net.Conn) (int, error) {
	return -1, errors.New("the local attach needs SO_PEERCRED (Linux)")
}
