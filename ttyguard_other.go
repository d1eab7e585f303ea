//go:build !unix

package main

const ttyGuardArg = "__parley-tty-guard"

type ttyGuard struct{}

func startTTYGuard(string) *ttyGuard { return nil }

func (*ttyGuard) release() {}

func runTTYGuard() int { return 0 }
