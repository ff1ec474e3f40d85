#!/usr/bin/env bash
# Run the test suite against a real PostgreSQL server: a throwaway cluster in a temp dir, listening on a
# free port on 127.0.0.1 only, stopped and deleted on exit. Arguments go to pytest; its exit code is ours.
# PostgreSQL refuses to run as root, so as root the server runs as Debian's `postgres` system user.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_server_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

workdir=$(mktemp -d "${TMPDIR:-/tmp}/yizhi-pg.XXXXXX")
cleanup() {
    as_server_user "$PG_BIN/pg_ctl" -D "$workdir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$workdir"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres: "$workdir"

port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_server_user "$PG_BIN/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# A test server: no durability needed (fsync off), enough connections for the concurrency tests.
as_server_user "$PG_BIN/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$workdir \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null \
    || { cat "$workdir/server.log"; exit 1; }
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

status=0
MARKETPLACE_TEST_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:$port/postgres" \
    "$PYTHON" -m pytest "$@" || status=$?
exit "$status"
