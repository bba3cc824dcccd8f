#!/usr/bin/env bash
# The integration module's tests against real containers, for CI.
#
#   bash .ci/docker.sh          install the engine if missing, start it, build
#                               or reuse the test images, run the integration
#                               tests, stop every container and the engine
#   bash .ci/docker.sh start    the same without the tests, leaving the engine
#                               running; prints the variables to export
#   bash .ci/docker.sh stop     remove the test containers and stop the engine
#
# Runs as root with no standard input. Nothing from a container may leave
# the machine: the engine runs with --ip-forward=false and no iptables
# rules, and the test containers get no DNS server but 127.0.0.1 (set by the
# integration helpers). No registry is reachable: the images are built here,
# on a Debian base made by debootstrap from the machine's own apt mirror,
# and rebuilt only when their inputs change. The engine's data root and the
# base tarball live under GOMIKRO_CI_CACHE, which survives between CI runs.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
export PATH="/usr/local/go/bin:$PATH"

CACHE="${GOMIKRO_CI_CACHE:-/var/cache/gomikro-ci}"
RUNDIR="${GOMIKRO_CI_RUN:-/run/gomikro-ci-docker}"
SOCK="unix://$RUNDIR/docker.sock"
SUITE=bookworm
LABEL=org.testcontainers=true   # testcontainers-go labels every container it makes
OURS=dev.gomikro.integration=true  # and the helpers add this one

POSTGRES_IMAGE=gomikro/postgres:15
MARIADB_IMAGE=gomikro/mariadb:10.11
FERRETDB_IMAGE=gomikro/ferretdb:1.24

# Debian's client, not a newer one elsewhere on PATH.
DOCKER=/usr/bin/docker
export DOCKER_HOST="$SOCK"

section() { printf '\n==== %s ====\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
hash_of() { sha256sum | cut -c1-16; }

# ------------------------------------------------------------------ install
install_engine() {
  local need=()
  command -v dockerd >/dev/null 2>&1 && [ -x "$DOCKER" ] || need+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  if [ "${#need[@]}" -gt 0 ]; then
    echo "installing ${need[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >/dev/null
  fi
  dockerd --version
}

# ------------------------------------------------------------------- engine
engine_up() { "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start_engine() {
  mkdir -p "$RUNDIR" "$CACHE/docker"
  if engine_up; then
    echo "engine already answers on $SOCK"
    return
  fi
  local t0; t0="$(now)"
  # A pidfile left by an engine that died would stop a new one from starting.
  if [ -f "$RUNDIR/dockerd.pid" ] && ! kill -0 "$(cat "$RUNDIR/dockerd.pid")" 2>/dev/null; then
    rm -f "$RUNDIR/dockerd.pid"
  fi
  dockerd --iptables=false --ip6tables=false --ip-forward=false --storage-driver=overlay2 \
    --data-root "$CACHE/docker" --exec-root "$RUNDIR/exec" --pidfile "$RUNDIR/dockerd.pid" \
    --host "$SOCK" >"$RUNDIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    engine_up && break
    sleep 0.5
  done
  if ! engine_up; then
    echo "dockerd did not answer on $SOCK:"
    tail -n 50 "$RUNDIR/dockerd.log"
    exit 1
  fi
  echo "engine $("$DOCKER" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') up in $(since "$t0")"
}

remove_containers() {
  engine_up || return 0
  local ids
  ids="$( { "$DOCKER" ps -aq --filter "label=$LABEL"; "$DOCKER" ps -aq --filter "label=$OURS"; } | sort -u)"
  if [ -n "$ids" ]; then
    echo "removing containers: $(echo $ids)"
    # shellcheck disable=SC2086
    "$DOCKER" rm -f -v $ids >/dev/null || true
  fi
}

stop_engine() {
  remove_containers || true
  if [ -f "$RUNDIR/dockerd.pid" ]; then
    local pid; pid="$(cat "$RUNDIR/dockerd.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
      echo "engine stopped"
    fi
  fi
}

# ------------------------------------------------------------------- images
# The Debian mirror apt uses on this machine (first "deb" source).
apt_mirror() {
  local m=""
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    m="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources)"
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)"
  fi
  [ -n "$m" ] || { echo "no Debian mirror found in /etc/apt" >&2; return 1; }
  echo "$m"
}

# has_image NAME HASH: the image exists and was built from inputs HASH.
has_image() {
  [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "dev.gomikro.inputs"}}' "$1" 2>/dev/null || true)" = "$2" ]
}

BASE_IMAGE=""
base_image() {
  local mirror h tarball t0
  mirror="$(apt_mirror)"
  h="$(printf '%s\n' "$SUITE" minbase "$mirror" "$(dpkg-query -W -f '${Version}' debootstrap)" | hash_of)"
  BASE_IMAGE="gomikro/debian-base:$h"
  tarball="$CACHE/debian-$SUITE-minbase-$h.tar"
  if ! [ -s "$tarball" ]; then
    t0="$(now)"
    local dir="$CACHE/rootfs-$h"
    rm -rf "$dir"
    echo "debootstrap --variant=minbase $SUITE (from the machine's mirror)"
    debootstrap --variant=minbase "$SUITE" "$dir" "$mirror" >"$CACHE/debootstrap.log" 2>&1 </dev/null \
      || { tail -n 30 "$CACHE/debootstrap.log"; exit 1; }
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    tar -C "$dir" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
    # Older tarballs are of no further use.
    find "$CACHE" -maxdepth 1 -name "debian-$SUITE-minbase-*.tar" ! -name "$(basename "$tarball")" -delete
    echo "base tarball made in $(since "$t0")"
  fi
  if ! "$DOCKER" image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    "$DOCKER" import "$tarball" "$BASE_IMAGE" >/dev/null
    echo "imported $BASE_IMAGE"
  fi
}

# build NAME DIR [EXTRA_FILE...]: builds DIR's Dockerfile on the base image
# unless an image NAME built from the same inputs exists.
build_image() {
  local name="$1" dir="$2" ctx="$3" h t0
  h="$( { echo "$BASE_IMAGE"; (cd "$ctx" && find . -type f | LC_ALL=C sort | xargs sha256sum); } | hash_of)"
  if has_image "$name" "$h"; then
    echo "$name: up to date ($h)"
    return
  fi
  t0="$(now)"
  DOCKER_BUILDKIT=0 "$DOCKER" build -q --network host --build-arg "BASE=$BASE_IMAGE" \
    --label "dev.gomikro.inputs=$h" -t "$name" "$ctx" </dev/null >"$CACHE/build-$(basename "$dir").log" 2>&1 \
    || { tail -n 40 "$CACHE/build-$(basename "$dir").log"; exit 1; }
  echo "$name: built in $(since "$t0") ($h)"
}

build_images() {
  local t0 ctx; t0="$(now)"
  base_image
  build_image "$POSTGRES_IMAGE" integration/images/postgres integration/images/postgres
  build_image "$MARIADB_IMAGE" integration/images/mariadb integration/images/mariadb
  # FerretDB: our own server, built static into a scratch image. The Go
  # build cache makes the binary cheap when nothing changed; the image is
  # rebuilt only when the binary differs.
  ctx="$(mktemp -d)"
  cp integration/images/ferretdb/Dockerfile "$ctx/"
  (cd internal/ferretdb-server && CGO_ENABLED=0 go build -trimpath -o "$ctx/ferretdb-server" .)
  build_image "$FERRETDB_IMAGE" integration/images/ferretdb "$ctx"
  rm -rf "$ctx"
  "$DOCKER" image prune -f >/dev/null 2>&1 || true
  echo "images ready in $(since "$t0")"
}

prepare() {
  section "Docker engine"
  local t0; t0="$(now)"
  install_engine
  start_engine
  section "test images"
  build_images
  echo "engine and images ready in $(since "$t0")"
}

print_env() {
  cat <<EOF
export DOCKER_HOST=$SOCK
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=localhost
export GOMIKRO_POSTGRES_IMAGE=$POSTGRES_IMAGE
export GOMIKRO_MYSQL_IMAGE=$MARIADB_IMAGE
export GOMIKRO_MONGO_IMAGE=$FERRETDB_IMAGE
EOF
}

# -------------------------------------------------------------------- tests
run_tests() {
  # The container path is what is tested: no DSN may point the helpers at
  # the local servers.
  unset GOMIKRO_POSTGRES_DSN GOMIKRO_MYSQL_DSN GOMIKRO_MONGO_URI
  eval "$(print_env)"
  export GOMIKRO_REQUIRE_DOCKER=1

  section "integration: go vet"
  (cd integration && go vet ./...)
  echo "ok"

  section "integration: go test (containers started by testcontainers-go)"
  local t0; t0="$(now)"
  (cd integration && go test -count=1 -timeout 20m ./...)
  echo "integration tests took $(since "$t0")"

  # One backend's conformance suite through the helpers, with no DSN set:
  # it must have run against the container, not been skipped.
  section "integration: PostgreSQL conformance suite in a container"
  local out
  out="$(cd integration && go test -count=1 -run 'TestConformancePostgres$' -v . 2>&1)" \
    || { echo "$out" | tail -n 80; exit 1; }
  if ! grep -q -- '--- PASS: TestConformancePostgres/PersistFlushAndFind' <<<"$out"; then
    echo "the PostgreSQL conformance suite did not run in a container:"
    echo "$out" | tail -n 80
    exit 1
  fi
  grep -E -- '^(--- |ok|PASS|FAIL)' <<<"$out" | tail -n 3
  echo "postgres (container): ran"
}

case "${1:-ci}" in
  start)
    prepare
    section "environment for the integration tests"
    print_env
    ;;
  stop)
    stop_engine
    ;;
  ci)
    trap 'section "cleanup"; stop_engine' EXIT
    prepare
    run_tests
    ;;
  *)
    echo "usage: $0 [ci|start|stop]" >&2
    exit 2
    ;;
esac
