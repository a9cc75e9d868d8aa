#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME each (default 10s; `make fuzz-long` passes more). The seed
# corpora under testdata/fuzz/ run on every plain `go test`; this explores beyond them. A crash
# fails the script and leaves the input under the package's testdata/fuzz/ to commit as a
# regression seed.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-10s}
targets=(
  "./mockserver/jsonbody FuzzCheck"        # request body decoding
  "./mockserver FuzzBearerToken"           # bearer header parsing
  "./mockserver/tokens FuzzAuthenticate"   # token validation
  "./fixtures FuzzParse"                   # fixture loading
)
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  echo "== fuzz $name ($pkg) for $FUZZTIME"
  go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME"
done
