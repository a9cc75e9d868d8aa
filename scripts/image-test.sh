#!/usr/bin/env bash
# image-test.sh: build plummock's container image offline with buildah, run it, and check it
# from outside the container: health, the health-check command, E1, a refresh, admin token
# protection, the contract suite through the admin token, the version stamp. Prints the image size; exits non-zero on any failure.
#
# Needs root (buildah's chroot isolation, network namespaces) and the Go toolchain at
# /usr/local/go. Installs buildah (and iproute2, curl) with apt-get if missing. No registry is
# contacted: the build stage is a local image made from this machine's Go toolchain, git and CA
# certificates, modules come from the machine's module cache, and the final stage is scratch.
# KEEP_IMAGE=1 keeps the image (localhost/plummock:image-test) for a look afterwards. The
# build-stage image (localhost/plummock-go-build, ~250 MB) is kept and reused while the Go
# toolchain is the same.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
tag=localhost/plummock:image-test
build_image=localhost/plummock-go-build
admin_token=image-test-admin-token
ns=plummock-img-$$
export BUILDAH_ISOLATION=chroot # the OCI runtime cannot run containers in this sandbox
work=$(mktemp -d)
ctr=""
pid=""

log() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
  set +e
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1
  ip netns del "$ns" 2>/dev/null
  [ -n "${KEEP_IMAGE:-}" ] || buildah rmi "$tag" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

need() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  [ "$(id -u)" = 0 ] || fail "run as root (buildah chroot isolation and network namespaces need it)"
}

# build_stage_image commits a build-stage image from this machine: Go, git (so the binary is
# stamped with its revision) with the libraries it links, CA certificates, a writable /tmp.
build_stage_image() {
  local version have
  version=$(/usr/local/go/bin/go version)
  if have=$(buildah inspect --type image --format '{{index .ImageAnnotations "plummock.go"}}' "$build_image" 2>/dev/null); then
    if [ "$have" = "$version" ]; then
      log "reusing $build_image ($version)"
      return
    fi
    buildah rmi "$build_image" >/dev/null # made from another toolchain
  fi
  log "assembling $build_image from $version"
  local c
  c=$(buildah from scratch)
  buildah copy -q "$c" /usr/local/go /usr/local/go >/dev/null
  buildah copy -q "$c" /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt >/dev/null
  local git_bin f
  git_bin=$(command -v git)
  for f in "$git_bin" $(ldd "$git_bin" | grep -o '/[^ ]*'); do
    buildah copy -q "$c" "$(readlink -f "$f")" "$f" >/dev/null
  done
  mkdir -p "$work/empty"
  buildah copy -q --chmod 1777 "$c" "$work/empty" /tmp >/dev/null
  buildah config --env PATH=/usr/local/go/bin:/usr/bin:/bin --env HOME=/root --env GOPATH=/go \
    --env GOCACHE=/tmp/go-build --env GOTOOLCHAIN=local --annotation "plummock.go=$version" "$c"
  buildah commit -q --rm "$c" "$build_image" >/dev/null
}

build_image() {
  local vcs=auto
  if [ ! -d .git ]; then
    vcs=false # a git worktree's .git is a file pointing outside the context
    log "not a plain clone: the binary will not carry a VCS revision"
  fi
  log "downloading modules into the host cache (the build's offline GOPROXY)"
  go mod download
  local proxy
  proxy="$(go env GOMODCACHE)/cache/download"
  log "building $tag"
  local start=$SECONDS
  buildah build --quiet --pull=never --format docker --layers=false \
    --build-arg GO_IMAGE="$build_image" --build-arg GOPROXY=file:///goproxy --build-arg BUILDVCS="$vcs" \
    --volume "$proxy:/goproxy:ro" -t "$tag" -f Dockerfile . >/dev/null
  log "built in $((SECONDS - start))s"
}

# start_container runs the image's entrypoint in its own network namespace, so it listens on
# its real :8080 without clashing with anything on the host.
start_container() {
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  ctr=$(buildah from --pull=never "$tag")
  ip netns exec "$ns" buildah run --env PLUMMOCK_ADMIN_TOKEN="$admin_token" "$ctr" /plummock \
    >"$work/stdout" 2>"$work/stderr" &
  pid=$!
  for _ in $(seq 100); do
    in_ns curl -fsS -o /dev/null http://127.0.0.1:8080/__admin/health 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/stdout" "$work/stderr" >&2
  fail "the container did not answer on :8080"
}

in_ns() { ip netns exec "$ns" "$@"; }

# req METHOD PATH [BODY] [AUTH]: prints "STATUS BODY".
req() {
  local args=(-sS -X "$1" -o "$work/body" -w '%{http_code}' "http://127.0.0.1:8080$2")
  [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data "$3")
  [ -n "${4:-}" ] && args+=(-H "Authorization: Bearer $4")
  local status
  status=$(in_ns curl "${args[@]}")
  printf '%s %s' "$status" "$(cat "$work/body")"
}

expect() { # expect WHAT "STATUS BODY" STATUS REGEX
  local status=${2%% *} body=${2#* }
  [ "$status" = "$3" ] || fail "$1: status $status, want $3; body $body"
  [[ "$body" =~ $4 ]] || fail "$1: body $body does not match $4"
  log "ok: $1"
}

check_container() {
  expect "health" "$(req GET /__admin/health)" 200 '"status":"ok"'
  in_ns buildah run "$ctr" /plummock healthcheck >/dev/null || fail "plummock healthcheck inside the container"
  log "ok: HEALTHCHECK command (/plummock healthcheck) inside the container"
  local hc
  hc=$(buildah inspect --type image --format '{{.Docker.Config.Healthcheck.Test}}' "$tag")
  [[ "$hc" == *"/plummock healthcheck"* ]] || fail "image health check is $hc"
  local e1
  e1=$(req POST /chef/v1/oauth/token/create/user '{"user_input":"admin@demo.example","scope":"user_session"}' demo-company-token)
  expect "E1" "$e1" 200 '"refresh_token":"[A-Za-z0-9_-]{43}"'
  local rt=${e1#*\"refresh_token\":\"}
  rt=${rt%%\"*}
  expect "refresh" "$(req POST /chef/v1/oauth/token/user "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$rt\",\"client_id\":\"demo-client\",\"client_secret\":\"demo-secret\"}")" \
    200 '"access_token":"ey'
  expect "replayed refresh" "$(req POST /chef/v1/oauth/token/user "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$rt\",\"client_id\":\"demo-client\",\"client_secret\":\"demo-secret\"}")" \
    400 '"error":"invalid_grant"'
  expect "admin without the token" "$(req GET /__admin/clock)" 401 '"error":"invalid_token"'
  expect "admin with the token" "$(req POST /__admin/clock/advance '{"duration":"1h"}' "$admin_token")" 200 '"offset":"1h0m0s"'
  local user
  user=$(buildah inspect --type image --format '{{.Docker.Config.User}}' "$tag")
  [ "$user" = "65532:65532" ] || fail "image user is $user"
  log "ok: runs as $user"
}

# check_contract runs the contract suite from the host against the container, through the admin
# token: the image is the fake that CI jobs will run their tests against.
check_contract() {
  go build -o "$work/plummock" ./cmd/plummock
  in_ns "$work/plummock" contract --base-url http://127.0.0.1:8080/chef --admin-url http://127.0.0.1:8080 \
    --admin-token "$admin_token" >"$work/contract" 2>&1 || { cat "$work/contract" >&2; fail "contract suite against the container"; }
  log "ok: contract suite against the container ($(tail -n 1 "$work/contract"))"
}

check_version() {
  local v
  v=$(buildah run "$ctr" /plummock version)
  log "plummock version in the image: $v"
  if [ -d .git ]; then
    local rev
    rev=$(git rev-parse --short=12 HEAD)
    [[ "$v" == *"$rev"* ]] || fail "version $v does not name revision $rev"
    log "ok: version carries the revision $rev"
  fi
}

main() {
  local start=$SECONDS
  need
  build_stage_image
  build_image
  start_container
  check_container
  check_contract
  check_version
  local size
  size=$(buildah images --format '{{.Size}}' "$tag")
  log "image size: $size"
  log "image test passed in $((SECONDS - start))s"
}

main "$@"
