#!/usr/bin/env bash
# Runs every Go benchmark once, briefly, and the load script for a second per row, so neither
# can rot. Nothing is asserted: figures on a shared CI machine mean little (BENCHMARKS.md has
# the measured ones and the command that produced them).
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./... -run '^$' -bench . -benchtime "${BENCHTIME:-100x}"
DURATION=${DURATION:-1s} ROUNDS=1 CONNS=${CONNS:-10} bench/run.sh
