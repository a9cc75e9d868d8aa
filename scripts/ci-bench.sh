#!/usr/bin/env bash
# Runs every Go benchmark once, briefly, so they keep compiling and running; nothing is
# asserted (figures on a shared CI machine mean little). bench/run.sh is the real measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./... -run '^$' -bench . -benchtime "${BENCHTIME:-20x}"
