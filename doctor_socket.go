package main

import "parley/store"

// socket says where other commands find a running console (beside the
// database, or elsewhere when that path is too long for a unix socket)
// and what is there now: a socket left by a parley that was killed is
// reported with what happens to it.
func (d *doctor) socket(opts options) {
	path, why := store.ControlSocketPlace(opts.db)
	d.note("control socket: %s (%s)", path, why)
	state, sock, detail := store.ControlSocketStatus(opts.db)
	switch state {
	case store.SocketStale:
		// Doctor only reads; the next parley that opens the database
		// (the console or any command) removes it.
		d.note("control socket: %s is stale: the parley that made it stopped without removing it (killed with kill -9, or crashed); "+
			"nothing answers on it and the database is free, so commands open the database themselves. "+
			"Harmless: the next parley that opens the database removes it (or rm %s)", sock, sock)
	case store.SocketRefused:
		d.note("control socket: nothing answers on %s, but the database is in use (a parley fetch of its own, "+
			"or an older parley): commands wait for it; quit it if it stays", sock)
	case store.SocketForeign:
		d.bad("control socket: %s %s", sock, detail)
	}
}
