package main

import "parley/store"

// socket says where `parley backup` finds a running console: beside the
// database, or elsewhere when that path is too long for a unix socket.
func (d *doctor) socket(opts options) {
	path, why := store.ControlSocketPlace(opts.db)
	d.note("control socket: %s (%s)", path, why)
}
