# shellcheck shell=bash
# Functions for bench/run.sh. They use OUT, CONNS, THREADS, DURATION and PIDS from it.

declare -A URL PID

build() {
  echo "# building into $OUT" >&2
  go build -o "$OUT/plummock" ./cmd/plummock
  go build -o "$OUT/baseline" ./bench/baseline
  go build -o "$OUT/load" ./bench/load
  : >"$OUT/results.tsv"
}

# write_fixtures FILE N: one company whose N Super Admins give each load worker a user (and so a
# refresh chain) of its own.
write_fixtures() {
  {
    echo "companies:"
    echo "  - {id: bench, name: Bench, client_id: bench-client, client_secret: bench-secret,"
    echo "     access_tokens: [bench-company-token], refresh_tokens: [bench-company-refresh], users: ["
    for i in $(seq 0 $(($2 - 1))); do echo "       {email: admin$i@bench.example, super_admin: true, balance: 100},"; done
    echo "     ]}"
  } >"$1"
}

# have_wrk installs Debian's wrk when it is missing and we may (CI runs as root); else the Go
# generator measures alone.
have_wrk() {
  command -v wrk >/dev/null && return 0
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    (apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }) >/dev/null 2>&1 || true
  fi
  command -v wrk >/dev/null
}

# start_server NAME BINARY ARGS...: starts it on a free loopback port and waits for its address.
start_server() {
  local name=$1 bin=$2
  shift 2
  "$bin" "$@" --addr 127.0.0.1:0 >"$OUT/$name.out" 2>/dev/null &
  PID[$name]=$!
  PIDS+=($!)
  for _ in $(seq 1 200); do
    URL[$name]=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$OUT/$name.out" | head -1)
    [[ -n ${URL[$name]} ]] && return 0
    sleep 0.05
  done
  echo "server $name did not start" >&2
  return 1
}

rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }

record_idle() {
  sleep 1
  for name in "${!PID[@]}"; do echo "idle $name $(rss_kb "${PID[$name]}")" >>"$OUT/results.tsv"; done
}

# start_peer PORT: oauth2-mock-server (Node; PEER names its executable) on 127.0.0.1:PORT, the
# peer the issue compares E1 with: it signs RS256 with OpenSSL.
start_peer() {
  "$PEER" -a 127.0.0.1 -p "$1" >"$OUT/peer.out" 2>&1 &
  PID[peer]=$!
  PIDS+=($!)
  for _ in $(seq 1 100); do
    grep -q "listening on" "$OUT/peer.out" && URL[peer]=http://127.0.0.1:$1 && return 0
    sleep 0.05
  done
  echo "oauth2-mock-server did not start" >&2
  return 1
}

# measure ROUND ROW SERVER MODE [TOKENS]: one measurement by each tool, appended to results.tsv.
# TOKENS names the server E4/E8 get their token from (default SERVER): the mock, for the plain
# baseline fed E4's/E8's request. The peer's row is measured by wrk only (the Go generator speaks
# Plum, not its token endpoint).
measure() {
  local round=$1 row=$2 server=$3 mode=$4 base=${URL[$3]} tokens=${URL[${5:-$3}]} line
  if [[ $mode != peer ]]; then
    line=$(timeout 120 "$OUT/load" -url "$base" -token-url "$tokens" -mode "$mode" -c "$CONNS" -d "$DURATION" \
      -company-token bench-company-token -user-format 'admin%d@bench.example' 2> >(sed "s/^/$row round $round: /" >>"$OUT/load.err"))
    read -r rps p50 p99 _ errs <<<"$line"
    echo "$row go $round $rps $p50 $p99 $errs $(rss_kb "${PID[$server]}")" >>"$OUT/results.tsv"
  fi
  if command -v wrk >/dev/null && [[ $mode != e2 ]]; then
    line=$(run_wrk "$base" "$mode" "$tokens")
    echo "$row wrk $round $line $(rss_kb "${PID[$server]}")" >>"$OUT/results.tsv"
  fi
}

# run_wrk BASE MODE [TOKENS] prints "rps p50_ms p99_ms errors" from one wrk run. E4/E8 take their
# user token from TOKENS (default BASE), so the plain baseline can be sent the mock's very request.
run_wrk() {
  local base=$1 mode=$2 tokens=${3:-$1} script="$OUT/$2.lua" url=$1/ token
  case $mode in
  e1) url=$base/chef/v1/oauth/token/create/user
    lua_e1 "$script" ;;
  peer) url=$base/token
    lua_peer "$script" ;;
  e4) url=$base/chef/v1/oauth/token
    token=$(user_token "$tokens"); lua_post "$script" "$token" "" GET ;;
  e8) url=$base/chef/v1/oauth/api
    token=$(user_token "$tokens")
    lua_post "$script" "$token" '{"query":"storesAdmin.query.user_balance","tag":"storeAdmin","variables":{"user_data":{"email":"admin0@bench.example"}}}' ;;
  *) echo "" >"$script" ;;
  esac
  timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$script" "$url" | parse_wrk
}

# lua_post FILE TOKEN BODY [METHOD] writes a wrk script for one fixed request.
lua_post() {
  local method=${4:-POST}
  {
    echo "wrk.method = \"$method\""
    echo "wrk.headers[\"Authorization\"] = \"Bearer $2\""
    if [[ -n $3 ]]; then
      echo "wrk.headers[\"Content-Type\"] = \"application/json\""
      echo "wrk.body = '$3'"
    fi
  } >"$1"
}

# lua_e1 FILE writes a wrk script for E1 that cycles through the Super Admins, as the Go
# generator's workers do (E1 supersedes the user's earlier families; see BENCHMARKS.md).
lua_e1() {
  cat >"$1" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer bench-company-token"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"user_input":"admin' .. (n % $CONNS) .. '@bench.example","scope":"user_session"}')
end
LUA
}

# lua_peer FILE writes a wrk script for oauth2-mock-server's token endpoint: one RS256 JWT per
# request (client_credentials), as E1 signs one.
lua_peer() {
  cat >"$1" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic YmVuY2g6YmVuY2g="
wrk.body = "grant_type=client_credentials&scope=user_session"
LUA
}

user_token() {
  curl -s -X POST "$1/chef/v1/oauth/token/create/user" -H 'Authorization: Bearer bench-company-token' \
    -H 'Content-Type: application/json' -d '{"user_input":"admin0@bench.example","scope":"user_session"}' |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

# parse_wrk turns wrk --latency output into "rps p50_ms p99_ms errors".
parse_wrk() {
  awk '
    function msec(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = msec($2) } $1 == "99%" { p99 = msec($2) }
    /Non-2xx/ { errs += $NF }
    /Socket errors/ { gsub(/,/, ""); errs += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, errs }'
}

report() {
  echo
  echo "== $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); -c$CONNS -d$DURATION, $ROUNDS round(s)"
  "$OUT/load" -report "$OUT/results.tsv"
  if [[ -s "$OUT/load.err" ]]; then
    echo "what the Go generator reported about errors:"
    cat "$OUT/load.err"
  fi
}

startup_time() { "$OUT/load" -startup "$OUT/plummock"; }

# soak DURATION: a fresh mock under the mixed load; resident memory sampled every 30 s.
soak() {
  start_server soak "$OUT/plummock" serve --fixtures "$OUT/fixtures.yaml"
  sleep 1
  local pid=${PID[soak]} start
  start=$(rss_kb "$pid")
  echo "== soak $1: mixed load (10% E1, 30% E2, 60% E4), -c$CONNS"
  echo "t=0s rss=$((start / 1024)) MB"
  "$OUT/load" -url "${URL[soak]}" -mode mix -c "$CONNS" -d "$1" -company-token bench-company-token \
    -user-format 'admin%d@bench.example' >"$OUT/soak.out" &
  local load=$! t=0
  while kill -0 "$load" 2>/dev/null; do
    sleep 30; t=$((t + 30))
    kill -0 "$load" 2>/dev/null && echo "t=${t}s rss=$(($(rss_kb "$pid") / 1024)) MB"
  done
  wait "$load"
  local end
  end=$(rss_kb "$pid")
  echo "soak: req/s p50 p99 requests errors = $(cat "$OUT/soak.out")"
  echo "soak: RSS $((start / 1024)) MB -> $((end / 1024)) MB, growth $(((end - start) / 1024)) MB"
}
