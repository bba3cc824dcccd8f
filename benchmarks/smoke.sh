#!/bin/sh
# Smoke test of the benchmarks module for CI: build and vet it, then run
# every workload of every implementation once at a small size on every
# backend (the servers of GOMIKRO_POSTGRES_DSN, GOMIKRO_MYSQL_DSN and
# GOMIKRO_MONGO_URI; SQLite always). Every workload checks the database
# after its timed part; any mismatch fails the script. Under
# GOMIKRO_REQUIRE_DB=1 a missing server is a failure, otherwise its
# backend is left out.
set -eu
cd "$(dirname "$0")"
test -z "$(gofmt -l .)" || { echo "gofmt:"; gofmt -l .; exit 1; }
go build ./...
go vet ./...
backends=sqlite
for b in postgres:GOMIKRO_POSTGRES_DSN mysql:GOMIKRO_MYSQL_DSN mongo:GOMIKRO_MONGO_URI; do
	name=${b%%:*}
	var=${b#*:}
	if eval "test -n \"\${$var:-}\""; then
		backends="$backends,$name"
	elif [ "${GOMIKRO_REQUIRE_DB:-}" = 1 ]; then
		echo "smoke: $var is not set and GOMIKRO_REQUIRE_DB=1" >&2
		exit 1
	fi
done
# The runner: one round, each implementation in its own process.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! go run ./cmd/benchrun -backends "$backends" -n 100 -single-n 100 -k 1,2 -rounds 1 \
	-min-time 1ms -max-iters 1 -conc-time 100ms -out "" >/dev/null 2>"$log"; then
	tr '\r' '\n' <"$log" | tail -20
	exit 1
fi
# The Go benchmark functions, once each.
GOMIKRO_BENCH_N=100 go test -count=1 -run '^$' -bench . -benchtime 1x . >/dev/null
# The unit tests of the module.
go test -count=1 ./...
echo "smoke: benchmarks ok on $backends"
