#!/usr/bin/env bash
# run.sh — retort's scale benchmark against Alembic 1.8.1.
#
#   tools/bench/run.sh [RESULTS_FILE]
#
# For each schema shape (tree of 100 tables, tree of 1,000 tables, a
# 1,000-deep foreign-key chain; see gen_models.py) and each backend (SQLite in
# a temp file; PostgreSQL when one is available), it times two things:
#
#   initial    `revision --autogenerate` against an empty database
#   no-change  `revision --autogenerate` against a database that already has
#              the schema (built once with SQLAlchemy's metadata.create_all,
#              no alembic_version table, empty versions folder)
#
# once with `retort revision --autogenerate` and once with
# `/usr/bin/python3 -m alembic revision --autogenerate` (the env.py in
# alembic_env.py: compare_type=True, compare_server_default=True).  Each tool
# runs once first to check its result (that run also warms the caches), then
# is timed with hyperfine (or a date +%s.%N loop when hyperfine is missing),
# the versions folder emptied before every run.  Each slow case (a first run
# over FAST_LIMIT seconds) is timed SLOW_RUNS times instead of RUNS times.
#
# Correct means: initial — the tool detected N added tables and 2N added
# indexes; no-change — retort printed "No changes detected" and detected
# nothing; for Alembic the number of operations it reports on the unchanged
# database is shown (each one a false positive).  A tool that fails (Alembic's
# RecursionError on the deep chain, its JSON default comparison on
# PostgreSQL) is recorded as "fails" with its last error line, and the run goes
# on.  On PostgreSQL, where Alembic's no-change run fails with
# compare_server_default=True, it is also timed with compare_server_default
# off (row "no-change*").
#
# PostgreSQL: RETORT_TEST_PG_URL (a base URL such as
# postgresql://postgres@127.0.0.1:5432/postgres; the benchmark creates and
# drops its databases there), else a private server from
# tools/pg-test-server.sh, stopped at the end; no PostgreSQL at all skips
# those rows.
#
# Environment knobs (defaults in brackets): RETORT [builds build-bench/retort
# in Release], BENCH_TREES ["100 1000"], BENCH_CHAIN [1000; 0 = none],
# BENCH_BACKENDS ["sqlite postgresql"], RUNS [5], SLOW_RUNS [3],
# FAST_LIMIT [8], BENCH_ROUNDTRIP_MAX [1000: largest N for the round-trip
# check], BENCH_TIMER=loop (time without hyperfine), BENCH_KEEP=1 keeps the
# work folder.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
RESULTS_FILE=${1:-}
TREES=${BENCH_TREES:-"100 1000"}
CHAIN=${BENCH_CHAIN:-1000}
BACKENDS=${BENCH_BACKENDS:-"sqlite postgresql"}
RUNS=${RUNS:-5}
SLOW_RUNS=${SLOW_RUNS:-3}
FAST_LIMIT=${FAST_LIMIT:-8}
ROUNDTRIP_MAX=${BENCH_ROUNDTRIP_MAX:-1000}

die() { echo "bench: $*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/retort-bench.XXXXXX) || die "mktemp failed"
chmod 755 "$WORK"              # pg-test-server runs the server as "postgres"
PG_DIR=
PG_BASE=

cleanup() {
    if [ -n "$PG_DIR" ]; then
        "$ROOT/tools/pg-test-server.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
    fi
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "bench: work folder kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# --- the binary ---------------------------------------------------------------
if [ -z "${RETORT:-}" ]; then
    echo "bench: building retort (Release) in $ROOT/build-bench ..." >&2
    cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
        cmake --build "$ROOT/build-bench" -j"$(nproc)" --target retort >/dev/null ||
        die "build failed"
    RETORT=$ROOT/build-bench/retort
fi
[ -x "$RETORT" ] || die "no retort binary at $RETORT"

HYPERFINE=$(command -v hyperfine || true)
[ "${BENCH_TIMER:-}" = loop ] && HYPERFINE=

# --- PostgreSQL ---------------------------------------------------------------
case " $BACKENDS " in
*" postgresql "*)
    if [ -n "${RETORT_TEST_PG_URL:-}" ]; then
        PG_BASE=$RETORT_TEST_PG_URL
    elif [ -x "$ROOT/tools/pg-test-server.sh" ]; then
        PG_DIR=$WORK/pg
        PG_BASE=$("$ROOT/tools/pg-test-server.sh" start "$PG_DIR") || {
            echo "bench: could not start PostgreSQL; skipping it" >&2
            PG_DIR=
            PG_BASE=
        }
    else
        echo "bench: no RETORT_TEST_PG_URL and no tools/pg-test-server.sh; skipping PostgreSQL" >&2
    fi
    ;;
esac
PSQL=/usr/lib/postgresql/15/bin/psql
[ -x "$PSQL" ] || PSQL=psql

pg_url() { echo "${PG_BASE%/*}/$1"; }          # same server, database $1
pg_sql() { PGOPTIONS="-c client_min_messages=warning" "$PSQL" -X -q -v ON_ERROR_STOP=1 "$PG_BASE" -c "$1" >/dev/null; }

# --- the machine --------------------------------------------------------------
machine_info() {
    echo "date:        $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu:         $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') ($(nproc) cores online)"
    echo "memory:      $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
    echo "kernel:      $(uname -sr)"
    echo "retort:      $("$RETORT" --version 2>/dev/null | head -1) ($RETORT)"
    echo "sqlite:      $("$PY" -c 'import sqlite3; print(sqlite3.sqlite_version)') (Python's), retort links $(pkg-config --modversion sqlite3 2>/dev/null || echo '?')"
    if [ -n "$PG_BASE" ]; then
        echo "postgresql:  $("$PSQL" -X -A -t "$PG_BASE" -c 'show server_version' 2>/dev/null)"
    else
        echo "postgresql:  (not used)"
    fi
    echo "python:      $("$PY" -c 'import sys; print(sys.version.split()[0])')"
    echo "alembic:     $("$PY" -c 'import alembic; print(alembic.__version__)')"
    echo "sqlalchemy:  $("$PY" -c 'import sqlalchemy; print(sqlalchemy.__version__)')"
    echo "psycopg2:    $("$PY" -c 'import psycopg2; print(psycopg2.__version__.split()[0])' 2>/dev/null || echo none)"
    if [ -n "$HYPERFINE" ]; then
        echo "timer:       $("$HYPERFINE" --version)"
    else
        echo "timer:       date +%s.%N loop"
    fi
}

# --- a project folder per schema shape ---------------------------------------
# make_project NAME SHAPE_ARGS...: $WORK/NAME with alembic.ini, alembic/,
# models/ and metadata.py.
make_project() {
    local name=$1; shift
    local dir=$WORK/$name
    mkdir -p "$dir/alembic/versions"
    "$PY" "$HERE/gen_models.py" "$@" "$dir" || die "gen_models.py $* failed"
    cp "$ROOT/alembic.ini" "$dir/alembic.ini"
    cp "$ROOT/alembic/script.py.mako" "$dir/alembic/"
    cp "$HERE/alembic_env.py" "$dir/alembic/env.py"
}

# --- timing -------------------------------------------------------------------
# median_of_runs RUNS DIR CMD: prints the median wall time (seconds) of CMD
# run RUNS times in DIR, the versions folder emptied before each run.
median_of_runs() {
    local runs=$1 dir=$2 cmd=$3
    if [ -n "$HYPERFINE" ]; then
        local json=$WORK/hf.json
        (cd "$dir" && "$HYPERFINE" --runs "$runs" --style none \
            --prepare "rm -f alembic/versions/*.py" \
            --export-json "$json" "$cmd" >/dev/null 2>&1) || { echo "?"; return; }
        "$PY" -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$json"
    else
        local i t0 t1 times=()
        for ((i = 0; i < runs; i++)); do
            rm -f "$dir"/alembic/versions/*.py
            t0=$(date +%s.%N)
            (cd "$dir" && eval "$cmd" >/dev/null 2>&1)
            t1=$(date +%s.%N)
            times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
        done
        printf '%s\n' "${times[@]}" | sort -g | "$PY" -c 'import sys,statistics; print("%.4f" % statistics.median(float(x) for x in sys.stdin))'
    fi
}

# --- one measurement ----------------------------------------------------------
ROWS=()
FAILURES=()

# check_result TOOL PHASE N LOG RC: prints the "result" cell.
check_result() {
    local tool=$1 phase=$2 n=$3 log=$4 rc=$5
    local tables indexes ops
    tables=$(grep -c "Detected added table" "$log")
    indexes=$(grep -c "Detected added index" "$log")
    # Alembic's "Detected sequence named ... assuming SERIAL and omitting" is
    # information, not an operation.
    ops=$(grep "Detected " "$log" | grep -vc "Detected sequence named")
    if [ "$rc" != 0 ]; then
        local err
        err=$(grep -E '^[A-Za-z_.]+(Error|Exception): |^retort: ' "$log" | tail -1 |
            sed -E 's/^sqlalchemy\.exc\.//; s/ \([a-z0-9_.]+\.[A-Za-z]+\) / /' | cut -c1-80)
        echo "fails: ${err:-exit $rc}"
        return
    fi
    if [ "$phase" = initial ]; then
        if [ "$tables" = "$n" ] && [ "$indexes" = $((2 * n)) ]; then
            echo "ok ($tables tables, $indexes indexes)"
        else
            echo "WRONG ($tables tables, $indexes indexes; want $n, $((2 * n)))"
        fi
    else
        if [ "$tool" = retort ]; then
            if grep -q "No changes detected" "$log" && [ "$ops" = 0 ]; then
                echo "ok (No changes detected)"
            else
                echo "WRONG ($ops ops)"
            fi
        elif [ "$ops" = 0 ]; then
            echo "ok (0 ops)"
        else
            echo "$ops false ops"
        fi
    fi
}

# measure CASE BACKEND PHASE N DIR URL [ALEMBIC_ENV]: one table row.
measure() {
    local case=$1 backend=$2 phase=$3 n=$4 dir=$5 url=$6 aenv=${7:-}
    local label=$phase
    [ -n "$aenv" ] && label="$phase*"
    local rcmd="DATABASE_URL='$url' '$RETORT' revision --autogenerate -m bench"
    local acmd="DATABASE_URL='$url' $aenv $PY -m alembic revision --autogenerate -m bench"
    local tool cmd log rc t0 t1 first runs med res
    local rmed=- amed=- rres=- ares=- rruns=0 aruns=0
    for tool in retort alembic; do
        [ "$tool" = retort ] && cmd=$rcmd || cmd=$acmd
        if [ -n "$aenv" ] && [ "$tool" = retort ]; then continue; fi
        log=$WORK/$case-$backend-$label-$tool.log
        rm -f "$dir"/alembic/versions/*.py
        t0=$(date +%s.%N)
        (cd "$dir" && eval "$cmd") >"$log" 2>&1
        rc=$?
        t1=$(date +%s.%N)
        first=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        res=$(check_result "$tool" "$phase" "$n" "$log" "$rc")
        if [ "$rc" = 0 ]; then
            runs=$RUNS
            if awk -v f="$first" -v l="$FAST_LIMIT" 'BEGIN { exit !(f > l) }'; then runs=$SLOW_RUNS; fi
            med=$(median_of_runs "$runs" "$dir" "$cmd")
        else
            runs=0
            med=-
            FAILURES+=("$case $backend $label: $tool (exit $rc; command: $cmd)" "$(tail -n 4 "$log" | cut -c1-200 | sed 's/^/    /')")
        fi
        if [ "$tool" = retort ]; then rmed=$med rres=$res rruns=$runs; else amed=$med ares=$res aruns=$runs; fi
        echo "bench: $case $backend $label $tool: first run ${first}s, median ${med}s x$runs: $res" >&2
    done
    rm -f "$dir"/alembic/versions/*.py
    local ratio=-
    if [ "$rmed" != - ] && [ "$amed" != - ] && [ "$rmed" != "?" ] && [ "$amed" != "?" ]; then
        ratio=$("$PY" -c 'import sys; print("%.0fx" % (float(sys.argv[2]) / float(sys.argv[1])))' "$rmed" "$amed")
    fi
    ROWS+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s/%s |' \
        "$case" "$backend" "$label" "$(fmt "$rmed")" "$(fmt "$amed")" "$ratio" "$rres" "$ares" "$rruns" "$aruns")")
}

# roundtrip CASE BACKEND DIR URL: does retort's initial migration do what it
# says?  retort writes it against the empty database URL, real Alembic runs it
# (upgrade head), and retort's next autogenerate must find no changes.
ROUNDTRIPS=()
roundtrip() {
    local case=$1 backend=$2 dir=$3 url=$4 log=$WORK/$1-$2-roundtrip.log res t0 t1
    rm -f "$dir"/alembic/versions/*.py
    t0=$(date +%s)
    if ! (cd "$dir" && DATABASE_URL=$url "$RETORT" revision --autogenerate -m initial) >"$log" 2>&1; then
        res="retort revision fails: $(tail -1 "$log" | cut -c1-90)"
    elif ! (cd "$dir" && DATABASE_URL=$url "$PY" -m alembic upgrade head) >>"$log" 2>&1; then
        res="alembic upgrade head of retort's file fails: $(grep -E '^[A-Za-z_.]+(Error|Exception): ' "$log" | tail -1 | cut -c1-120)"
    else
        # The database is now at head (retort's file): the realistic next step.
        if (cd "$dir" && DATABASE_URL=$url "$RETORT" revision --autogenerate -m again) >"$log.2" 2>&1 &&
                grep -q "No changes detected" "$log.2"; then
            res="ok: Alembic ran retort's migration; retort then finds no changes"
        else
            res="WRONG: after upgrade retort reports: $(grep -m3 Detected "$log.2" | tr '\n' ';' | cut -c1-200)$(tail -1 "$log.2" | cut -c1-120)"
        fi
    fi
    t1=$(date +%s)
    rm -f "$dir"/alembic/versions/*.py
    echo "bench: $case $backend round trip ($((t1 - t0)) s): $res" >&2
    ROUNDTRIPS+=("| $case | $backend | $res |")
}

# fmt SECONDS: "0.123 s" or "-".
fmt() { case $1 in -|"?") echo "$1" ;; *) printf '%.3f s' "$1" ;; esac; }

# --- the cases ----------------------------------------------------------------
START=$(date +%s)
CASES=()
for n in $TREES; do CASES+=("tree$n:--tables:$n"); done
[ "$CHAIN" -gt 0 ] 2>/dev/null && CASES+=("chain$CHAIN:--chain:$CHAIN")

for spec in "${CASES[@]}"; do
    IFS=: read -r case flag n <<<"$spec"
    make_project "$case" "$flag" "$n"
    dir=$WORK/$case
    for backend in $BACKENDS; do
        case $backend in
        sqlite)
            empty_url=sqlite:///$WORK/$case-empty.db
            full_url=sqlite:///$WORK/$case-full.db
            rt_url=sqlite:///$WORK/$case-roundtrip.db
            : >"$WORK/$case-empty.db"
            : >"$WORK/$case-roundtrip.db"
            ;;
        postgresql)
            [ -n "$PG_BASE" ] || continue
            pg_sql "DROP DATABASE IF EXISTS bench_${case}_empty" &&
                pg_sql "CREATE DATABASE bench_${case}_empty" &&
                pg_sql "DROP DATABASE IF EXISTS bench_${case}_full" &&
                pg_sql "CREATE DATABASE bench_${case}_full" &&
                pg_sql "DROP DATABASE IF EXISTS bench_${case}_roundtrip" &&
                pg_sql "CREATE DATABASE bench_${case}_roundtrip" || die "cannot create PostgreSQL databases on $PG_BASE"
            empty_url=$(pg_url "bench_${case}_empty")
            full_url=$(pg_url "bench_${case}_full")
            rt_url=$(pg_url "bench_${case}_roundtrip")
            ;;
        *) die "unknown backend $backend" ;;
        esac
        echo "bench: $case on $backend: building the schema with metadata.create_all ..." >&2
        "$PY" "$HERE/create_schema.py" "$dir" "$full_url" || die "create_all failed for $case on $backend"

        measure "$case" "$backend" initial "$n" "$dir" "$empty_url"
        measure "$case" "$backend" no-change "$n" "$dir" "$full_url"
        if [ "$n" -le "$ROUNDTRIP_MAX" ]; then
            roundtrip "$case" "$backend" "$dir" "$rt_url"
        fi
        if [ "$backend" = postgresql ] && grep -q "json = unknown" "$WORK/$case-$backend-no-change-alembic.log"; then
            measure "$case" "$backend" no-change "$n" "$dir" "$full_url" "BENCH_COMPARE_SERVER_DEFAULT=0"
        fi
        if [ "$backend" = postgresql ]; then
            pg_sql "DROP DATABASE IF EXISTS bench_${case}_empty"
            pg_sql "DROP DATABASE IF EXISTS bench_${case}_full"
            pg_sql "DROP DATABASE IF EXISTS bench_${case}_roundtrip"
        fi
    done
done
ELAPSED=$(( $(date +%s) - START ))

# --- the report ---------------------------------------------------------------
{
    echo '```'
    machine_info
    echo "elapsed:     ${ELAPSED} s"
    echo '```'
    echo
    echo "| case | backend | run | retort median | alembic median | alembic/retort | retort result | alembic result | runs r/a |"
    echo "|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "no-change* = Alembic with compare_server_default=False (with True it fails on PostgreSQL)."
    echo "runs r/a = timed runs of retort / Alembic after one checking run; 0 = failed, not timed."
    if [ ${#ROUNDTRIPS[@]} -gt 0 ]; then
        echo
        echo "Round trip (retort's initial migration applied by Alembic 1.8.1, then retort again):"
        echo
        echo "| case | backend | result |"
        echo "|---|---|---|"
        printf '%s\n' "${ROUNDTRIPS[@]}"
    fi
    if [ ${#FAILURES[@]} -gt 0 ]; then
        echo
        echo "Failures (last lines of output):"
        echo '```'
        printf '%s\n' "${FAILURES[@]}"
        echo '```'
    fi
} | tee "${RESULTS_FILE:-/dev/null}"
