#!/usr/bin/env bash
# count_queries.sh — how many SQL statements each tool sends to PostgreSQL
# for one no-change autogenerate.
#
#   tools/bench/count_queries.sh [N ...]      (default: 100 1000)
#
# Starts a private server with tools/pg-test-server.sh (it needs the server's
# log, so it does not use RETORT_TEST_PG_URL), builds the tree schema of N
# tables (gen_models.py --tables N, metadata.create_all), turns on
# log_statement = 'all' for that database only, and counts the statements the
# server logs during one `retort revision --autogenerate` and one
# `python3 -m alembic revision --autogenerate` (compare_type=True,
# compare_server_default=False: with True Alembic 1.8.1 fails on the JSON
# defaults, see performance.md).  Simple-protocol statements ("statement:")
# and extended-protocol executions ("execute ...:") are both counted, so
# libpq's PQexecParams and psycopg2 are counted alike.
#
# RETORT names the binary (default build-bench/retort, built by run.sh).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
RETORT=${RETORT:-$ROOT/build-bench/retort}
SIZES=${*:-100 1000}
PSQL=/usr/lib/postgresql/15/bin/psql

die() { echo "count_queries: $*" >&2; exit 1; }
[ -x "$RETORT" ] || die "no retort binary at $RETORT (set RETORT)"

WORK=$(mktemp -d /tmp/retort-queries.XXXXXX) || die "mktemp failed"
chmod 755 "$WORK"
PG_DIR=$WORK/pg
trap '"$ROOT/tools/pg-test-server.sh" stop "$PG_DIR" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
BASE=$("$ROOT/tools/pg-test-server.sh" start "$PG_DIR") || die "could not start PostgreSQL"
LOG=$PG_DIR/server.log

# statements_during CMD...: runs CMD, prints how many statements the server
# logged meanwhile.
statements_during() {
    local before after
    before=$(wc -l <"$LOG")
    "$@" >/dev/null 2>&1 || echo "count_queries: failed: $*" >&2
    sleep 0.5                       # let the logger catch up
    after=$(wc -l <"$LOG")
    tail -n +"$((before + 1))" "$LOG" | head -n "$((after - before))" |
        grep -cE 'LOG:  (statement|execute [^:]*):'
}

echo "| tables | retort statements | Alembic statements |"
echo "|---|---|---|"
for n in $SIZES; do
    dir=$WORK/tree$n
    mkdir -p "$dir/alembic/versions"
    "$PY" "$HERE/gen_models.py" --tables "$n" "$dir" >/dev/null || die "gen_models.py failed"
    cp "$ROOT/alembic.ini" "$dir/"
    cp "$ROOT/alembic/script.py.mako" "$dir/alembic/"
    cp "$HERE/alembic_env.py" "$dir/alembic/env.py"
    db=queries_$n
    "$PSQL" -X -q "$BASE" -c "CREATE DATABASE $db" || die "CREATE DATABASE failed"
    url=${BASE%/*}/$db
    "$PY" "$HERE/create_schema.py" "$dir" "$url" || die "create_all failed"
    "$PSQL" -X -q "$BASE" -c "ALTER DATABASE $db SET log_statement = 'all'"
    r=$(cd "$dir" && DATABASE_URL=$url statements_during "$RETORT" revision --autogenerate -m q)
    rm -f "$dir"/alembic/versions/*.py
    a=$(cd "$dir" && DATABASE_URL=$url BENCH_COMPARE_SERVER_DEFAULT=0 \
        statements_during "$PY" -m alembic revision --autogenerate -m q)
    echo "| $n | $r | $a |"
done
