// Command kechuang runs a government's annual science-and-technology work
// plan (科技创新工作要点): `kechuang serve --demo` starts it with the 2022
// Qingyunpu plan loaded; `kechuang help` lists the other commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"kechuang/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
