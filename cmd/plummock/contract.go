package main

import (
	"context"
	"io"
	"os"

	"github.com/plummock/plummock/contract/runner"
)

// runContract is `plummock contract ...`: the contract suite's command line (contract/README.md).
func runContract(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runner.Main(ctx, args, os.Getenv, stdout, stderr)
}
