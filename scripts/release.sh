#!/usr/bin/env bash
# release.sh: build plummock's release archives offline, one per platform, with a SHA256SUMS file.
#
#   scripts/release.sh [OUT_DIR]          # default OUT_DIR: dist (git ignores it)
#
# Each archive is plummock_VERSION_OS_ARCH.tar.gz (.zip for Windows) holding one directory with
# the static binary (CGO_ENABLED=0, -trimpath, stripped), README.md and the docs. VERSION is what
# `plummock version` prints as the module version: the git tag when HEAD is tagged (vX.Y.Z) and
# the tree clean, else a Go pseudo-version; the binary also carries the git revision. Both need
# a plain git clone (a worktree's or an export's binaries say "(devel)" and carry no revision).
#
# Environment:
#   TARGETS        GOOS/GOARCH pairs (default: linux, darwin, windows on amd64 and arm64)
#   ALLOW_DIRTY=1  build from a tree with uncommitted changes (the version then says +dirty)
#
# Offline: GOPROXY=off and GOTOOLCHAIN=local, so nothing is downloaded; the modules must be in
# the module cache already (`go mod download` once, online). Archives are reproducible: entries
# are owned by root, timed at the commit (or SOURCE_DATE_EPOCH), with modes 0755/0644.
set -euo pipefail

cd "$(dirname "$0")/.."
out=${1:-dist}
targets=${TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log() { printf '== %s\n' "$*"; }
fail() { printf 'release: %s\n' "$*" >&2; exit 1; }

# settle_env fixes every knob that changes the bytes or would reach the network.
settle_env() {
  local vcs=false
  if [ -d .git ]; then
    vcs=true
  else
    log "not a plain git clone: the binaries carry no revision and say (devel)"
  fi
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOPROXY=off GOFLAGS="-mod=readonly -trimpath -buildvcs=$vcs"
  unset GOOS GOARCH GOAMD64 GOARM64 GOEXPERIMENT
}

check_tree() {
  if git rev-parse --git-dir >/dev/null 2>&1 && [ -n "$(git status --porcelain)" ]; then
    [ -n "${ALLOW_DIRTY:-}" ] || fail "uncommitted changes (git status); commit them or set ALLOW_DIRTY=1"
    log "building from a tree with uncommitted changes (ALLOW_DIRTY)"
  fi
  go list -deps ./cmd/plummock ./scripts/pack >/dev/null 2>"$work/list" ||
    { cat "$work/list" >&2; fail "modules missing from the module cache: run 'go mod download' once, online"; }
  if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
    fail "$out is not empty (stale archives would join SHA256SUMS)"
  fi
  mkdir -p "$out"
}

# source_epoch is the archives' timestamp: SOURCE_DATE_EPOCH, else the commit's time, else 0.
source_epoch() {
  if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    echo "$SOURCE_DATE_EPOCH"
  else
    git log -1 --format=%ct 2>/dev/null || echo 0
  fi
}

# module_version reads the version the go command stamped into a binary.
module_version() {
  local v
  v=$(go version -m "$1" | awk '$1 == "mod" { print $3; exit }')
  [ "$v" = "(devel)" ] && v=devel
  echo "$v"
}

# build_target builds one GOOS/GOARCH into $work/bin/OS_ARCH/.
build_target() {
  local goos=${1%/*} goarch=${1#*/} exe=""
  [ "$goos" = windows ] && exe=.exe
  mkdir -p "$work/bin/${goos}_$goarch"
  GOOS=$goos GOARCH=$goarch go build -ldflags="-s -w" -o "$work/bin/${goos}_$goarch/plummock$exe" ./cmd/plummock
}

# package_target stages one built binary with the docs and archives it into $out.
package_target() {
  local goos=${1%/*} goarch=${1#*/} version=$2 epoch=$3
  local name="plummock_${version}_${goos}_$goarch" ext=tar.gz
  [ "$goos" = windows ] && ext=zip
  mkdir -p "$work/stage/$name"
  cp "$work/bin/${goos}_$goarch/"* README.md "$work/stage/$name/"
  [ -d docs ] && cp -r docs "$work/stage/$name/docs"
  "$work/pack" archive -mtime "$epoch" "$out/$name.$ext" "$work/stage/$name"
  log "$out/$name.$ext ($(du -k "$out/$name.$ext" | cut -f1) KiB)"
}

main() {
  local start=$SECONDS
  settle_env
  check_tree
  go build -o "$work/pack" ./scripts/pack
  local t first=""
  for t in $targets; do
    [[ "$t" =~ ^[a-z0-9]+/[a-z0-9]+$ ]] || fail "target $t is not GOOS/GOARCH"
    log "building $t"
    build_target "$t"
    [ -n "$first" ] || first=$t
  done
  local version epoch
  version=$(module_version "$(ls "$work/bin/${first%/*}_${first#*/}"/plummock*)")
  epoch=$(source_epoch)
  log "version $version, archive time $epoch"
  for t in $targets; do
    package_target "$t" "$version" "$epoch"
  done
  "$work/pack" sums "$out"
  log "$out/SHA256SUMS; done in $((SECONDS - start))s"
}

main "$@"
