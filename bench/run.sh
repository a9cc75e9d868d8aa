#!/usr/bin/env bash
# bench/run.sh: measures plummock's hot paths and the two baselines in one run, with the same load
# generators, and prints requests/s, p50, p99, resident memory and the ratios to the baselines.
#
#   bench/run.sh                      # wrk -t2 -c50 -d10s and the Go generator, 3 rounds, medians
#   DURATION=2s ROUNDS=1 bench/run.sh # quick (CI)
#   ALGS="RS256 ES256 EdDSA" bench/run.sh   # also E1/E2 with --key generate --alg ...
#   BORING=1 bench/run.sh             # also E1/E2 with a GOEXPERIMENT=boringcrypto build
#   OPENSSL=1 bench/run.sh            # also E1/E2 with the OpenSSL-signing build (-tags openssl)
#   SOAK=10m bench/run.sh             # then a soak: mixed E1/E2/E4 load, RSS sampled every 30 s
#   PEER=path/to/oauth2-mock-server bench/run.sh   # also the peer's token endpoint (wrk only)
#   BEFORE=path/to/older/plummock bench/run.sh      # also E1/E2/E4/E8 of an older build, interleaved
#   ROWS_ONLY="E4 E8" bench/run.sh    # only these mock rows (plain and sign always measured,
#                                     # plain-e4/plain-e8 whenever E4/E8 are)
#
# Only 127.0.0.1 is loaded; every load loop is bounded by DURATION. Every server it starts is
# stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s} CONNS=${CONNS:-50} THREADS=${THREADS:-2} ROUNDS=${ROUNDS:-3}
ALGS=${ALGS:-} BORING=${BORING:-} SOAK=${SOAK:-} PEER=${PEER:-} BEFORE=${BEFORE:-} OPENSSL=${OPENSSL:-} ROWS_ONLY=${ROWS_ONLY:-}
OUT=$(mktemp -d /tmp/plummock-bench.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

source bench/lib.sh

build
write_fixtures "$OUT/fixtures.yaml" "$CONNS"
have_wrk || echo "# wrk not available: Go load generator only" >&2

# Start every server once; rounds interleave the targets so background noise spreads evenly.
start_server plain "$OUT/baseline" -mode plain
start_server sign "$OUT/baseline" -mode sign
start_server mock "$OUT/plummock" serve --fixtures "$OUT/fixtures.yaml" --log-level info
for alg in $ALGS; do
  start_server "mock-$alg" "$OUT/plummock" serve --fixtures "$OUT/fixtures.yaml" --key generate --alg "$alg"
done
if [[ -n "$BORING" ]]; then
  GOEXPERIMENT=boringcrypto go build -o "$OUT/plummock-boring" ./cmd/plummock
  start_server mock-boring "$OUT/plummock-boring" serve --fixtures "$OUT/fixtures.yaml"
fi
if [[ -n "$OPENSSL" ]]; then
  CGO_ENABLED=1 go build -tags openssl -o "$OUT/plummock-openssl" ./cmd/plummock
  start_server mock-openssl "$OUT/plummock-openssl" serve --fixtures "$OUT/fixtures.yaml"
fi
[[ -n "$BEFORE" ]] && start_server mock-before "$BEFORE" serve --fixtures "$OUT/fixtures.yaml" --log-level info
[[ -n "$PEER" ]] && start_peer "${PEER_PORT:-18095}"
record_idle

# plain-e4/plain-e8: the plain handler sent E4's/E8's very request (a token from the mock), the
# like-for-like yardstick of E4/E8, measured whenever they are.
ROWS=("plain plain plain")
for e in ${ROWS_ONLY:-E1 E2 E4 E8}; do
  if [[ $e == E4 || $e == E8 ]]; then ROWS+=("plain-${e,,} plain ${e,,} mock"); fi
done
ROWS+=("sign sign plain")
for e in ${ROWS_ONLY:-E1 E2 E4 E8}; do
  ROWS+=("$e mock ${e,,}")
  [[ -n "$BEFORE" ]] && ROWS+=("$e-before mock-before ${e,,}")
done
for alg in $ALGS; do ROWS+=("E1-$alg mock-$alg e1" "E2-$alg mock-$alg e2"); done
[[ -n "$BORING" ]] && ROWS+=("E1-boring mock-boring e1" "E2-boring mock-boring e2")
[[ -n "$OPENSSL" ]] && ROWS+=("E1-openssl mock-openssl e1" "E2-openssl mock-openssl e2")
[[ -n "$PEER" ]] && ROWS+=("peer-oauth2-mock-server peer peer")

for round in $(seq 1 "$ROUNDS"); do
  echo "# round $round/$ROUNDS" >&2
  for row in "${ROWS[@]}"; do measure "$round" $row; done
done

report
startup_time
[[ -n "$SOAK" ]] && soak "$SOAK"
exit 0
