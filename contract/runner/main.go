// Package runner is the command line of the contract suite: `plummock contract`. It turns flags,
// PLUM_* variables and a credentials file into a contract.Target, runs the suite, prints a
// readable report and writes JUnit and JSON reports and the behaviour profile the run observed
// (--profile-out), never showing a secret.
package runner

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/plummock/plummock/contract"
)

// Exit codes of Main.
const (
	ExitPass  = 0 // every case passed (or was skipped)
	ExitFail  = 1 // a case failed, or --compare found differences between two files
	ExitUsage = 2 // bad usage, or the target could not be reached
)

// Main runs `plummock contract` with args (without the subcommand) and returns the exit code.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitPass
	}
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintf(stderr, "plummock contract: %v\n", err)
		}
		return ExitUsage
	}
	if cfg.compareWith != "" {
		return compareFiles(cfg.comparePath, cfg.compareWith, stdout, stderr)
	}
	t, err := cfg.target(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "plummock contract: %v\n", err)
		return ExitUsage
	}
	return run(ctx, cfg, t, stdout, stderr)
}

// run executes the suite. Every line printed or written goes through the output redactor.
func run(ctx context.Context, cfg *config, t contract.Target, stdout, stderr io.Writer) int {
	out := newRedactor(t.Credentials)
	if persist := t.Persist; persist != nil {
		t.Persist = func(c contract.Credentials) error { out.add(c); return persist(c) }
	}
	cases, err := contract.Select(contract.Cases(), cfg.only)
	if err != nil {
		fmt.Fprintf(stderr, "plummock contract: %v\n", err)
		return ExitUsage
	}
	r, err := contract.Prepare(ctx, t)
	if err != nil {
		fmt.Fprintf(stderr, "plummock contract: %s\n", out.clean(err.Error()))
		return ExitUsage
	}
	rep := runCases(ctx, r, cases, out, stdout)
	if err := writeReports(cfg, rep, out); err != nil {
		fmt.Fprintf(stderr, "plummock contract: %v\n", err)
		return ExitUsage
	}
	if cfg.comparePath != "" {
		if code := compareWithRun(cfg.comparePath, rep, out, stdout, stderr); code == ExitUsage {
			return code
		}
	}
	if rep.Failed() {
		return ExitFail
	}
	return ExitPass
}

func runCases(ctx context.Context, r *contract.Runner, cases []contract.Case, out *redactor, stdout io.Writer) *contract.Report {
	out.print(stdout, header(r.Report()))
	for _, k := range cases {
		if ctx.Err() != nil {
			break
		}
		out.print(stdout, caseLine(r.RunCase(ctx, k)))
	}
	rep := r.Report()
	out.print(stdout, footer(rep))
	return rep
}

func writeReports(cfg *config, rep *contract.Report, out *redactor) error {
	if cfg.jsonPath != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(cfg.jsonPath, []byte(out.clean(string(data))+"\n"), 0o644); err != nil {
			return fmt.Errorf("--json: %w", err)
		}
	}
	if cfg.profilePath != "" {
		if err := os.WriteFile(cfg.profilePath, []byte(out.clean(string(contract.ProfileYAML(rep)))), 0o644); err != nil {
			return fmt.Errorf("--profile-out: %w", err)
		}
	}
	if cfg.junitPath != "" {
		data, err := junitXML(rep)
		if err != nil {
			return err
		}
		if err := os.WriteFile(cfg.junitPath, []byte(out.clean(string(data))), 0o644); err != nil {
			return fmt.Errorf("--junit: %w", err)
		}
	}
	return nil
}
