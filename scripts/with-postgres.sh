#!/usr/bin/env bash
# Runs a command with VOTING_TEST_POSTGRES_URL set: to the server given in
# that variable already, or else to a throwaway PostgreSQL cluster that this
# script starts on a private Unix socket (no TCP port) and removes afterwards.
# The cluster runs with fsync=off, which only spares the disk during tests;
# the server-side settings the app relies on (synchronous_commit=on) are kept.
set -euo pipefail
if [ -n "${VOTING_TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "with-postgres: PostgreSQL is not installed (scripts/setup.sh --test installs it)" >&2; exit 1; }

dir=$(mktemp -d /tmp/voting-pg.XXXXXX)
as_owner() { if [ "$(id -u)" = 0 ]; then (cd "$dir" && runuser -u postgres -- "$@"); else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"

cleanup() {
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses='' -k $dir -c fsync=off -c max_connections=200" start >/dev/null

export VOTING_TEST_POSTGRES_URL="postgresql+psycopg://postgres@/postgres?host=$dir"
"$@"
