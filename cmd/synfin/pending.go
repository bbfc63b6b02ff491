package main

import "context"

// Subcommands whose owners have not landed yet. Each owner deletes its line
// here and adds its own file.

func runDemo(ctx context.Context, args []string, e env) error { return usagef("demo: not built yet") }
func runInspect(ctx context.Context, args []string, e env) error {
	return usagef("-r/-i: not built yet")
}
