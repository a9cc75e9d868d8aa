// Command plummock is a stateful fake of Xoxoday's Plum authentication API and a contract-test
// harness that runs one suite against the fake or the real sandbox.
//
//	plummock [serve] [flags]   run the mock (default)
//	plummock contract [flags]  run the contract suite against a target
//	plummock token [flags]     mint a token set offline (JSON)
//	plummock healthcheck       exit 0 if the local mock is healthy (for HEALTHCHECK)
//	plummock version           print the version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd, rest := "serve", args
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, rest, os.Getenv, stdout, stderr)
	case "contract":
		return runContract(ctx, rest, stdout, stderr)
	case "token":
		return runToken(ctx, rest, os.Getenv, stdout, stderr)
	case "healthcheck":
		return runHealthcheck(ctx, rest, os.Getenv, stdout, stderr)
	case "version":
		return runVersion(stdout)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "plummock: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

const usage = `Usage:
  plummock [serve] [flags]    run the mock (plummock serve -h for flags)
  plummock contract [flags]   run the contract suite against a target (plummock contract -h)
  plummock token [flags]      mint a token set offline, as JSON (plummock token -h)
  plummock healthcheck        exit 0 if the mock at --addr (or $PLUMMOCK_ADDR) is healthy
  plummock version            print the version
`
