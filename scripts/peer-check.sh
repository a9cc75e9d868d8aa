#!/usr/bin/env bash
# Second opinions from spec-driven peers (npm, so not part of CI): Spectral lints both specs, and
# the contract suite runs through a Prism validating proxy in front of the mock, so Prism checks
# every answer the suite provokes against openapi.yaml. Prints Prism's response violations.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
printf 'extends: ["spectral:oas"]\n' > "$work/.spectral.yaml"
echo "== Spectral: openapi.yaml and admin.yaml"
npx -y @stoplight/spectral-cli@6 lint -r "$work/.spectral.yaml" openapi.yaml mockserver/admin.yaml || true

go build -o "$work/plummock" ./cmd/plummock
"$work/plummock" --addr 127.0.0.1:18080 > "$work/mock.log" 2>&1 &
npx -y @stoplight/prism-cli@5 proxy openapi.yaml http://127.0.0.1:18080/chef --port 4010 > "$work/prism.log" 2>&1 &
for _ in $(seq 120); do curl -s -o /dev/null 127.0.0.1:4010/v1/oauth/token && break; sleep 1; done
echo "== the contract suite through Prism's proxy"
"$work/plummock" contract --base-url http://127.0.0.1:4010 --admin-url http://127.0.0.1:18080 | tail -3 || true
echo "== Prism's response violations (request violations are the suite's deliberate bad inputs)"
sed 's/\x1b\[[0-9;]*m//g' "$work/prism.log" | grep 'VALIDATOR' | grep -i 'response' || echo "none"
