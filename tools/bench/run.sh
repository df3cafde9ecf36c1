#!/usr/bin/env bash
# run.sh — retort's benchmark: against the catalog floor, against Debian's
# Alembic 1.8.1 and against the current Alembic, from 100 to 10,000 tables
# and 1,000 to 10,000 revisions.
#
#   tools/bench/run.sh [RESULTS_FILE]
#
# What it measures, per backend (SQLite in a temp file; PostgreSQL when one
# is available):
#
#   autogenerate  `revision --autogenerate` of the schemas of gen_models.py
#                 (trees of 100 and 1,000 tables, a 1,000-deep foreign-key
#                 chain: 13 columns, 2 indexes, a unique, a check and a
#                 foreign key per table), against an empty database
#                 ("initial") and against one that has the schema, built by
#                 SQLAlchemy's create_all ("no-change"), by retort, Alembic
#                 1.8.1 and the current Alembic (../shared/vendor: SQLAlchemy
#                 2 and Alembic 1.19, skipped when absent), with each tool's
#                 correctness: the tables and indexes it detected, its false
#                 changes on the unchanged database, or how it failed.
#   floor         retort_floor (tools/bench/floor.c): the statements of
#                 retort's introspector, every value read, nothing built, on
#                 the no-change database, alternated with retort's no-change
#                 run: retort / floor, the median of the pairs' ratios
#                 (FLOOR_RUNS pairs: the ratio of one pair on a shared
#                 machine spreads from 0.7 to 2.7).  On SQLite, where all
#                 the work is the process's own, also by instructions
#                 (valgrind's callgrind, one run each, when valgrind is
#                 installed and the case is under FAST_LIMIT): the same ratio without
#                 the neighbours' noise, and without what costs time but
#                 few instructions (page faults, cache misses).
#   scaling       the same no-change run at 10,000 tables: retort's and the
#                 floor's time against 1,000 tables, and peak memory.
#   revisions     `heads`, `history`, `current` over 1,000 and 10,000
#                 revision files (gen_revisions.py), by each tool.
#   upgrade       `upgrade head` creating 1,000 tables (the migration retort
#                 writes for the 1,000-table tree) and applying a
#                 1,000-revision chain from base, by each tool, checked by
#                 counting the tables made.
#
# Times are CPU time (user + sys of the command and its children; on
# PostgreSQL plus the server's CPU for the connection, read from the
# postmaster of a local server), the median of RUNS runs (SLOW_RUNS when the
# first, checking run took over FAST_LIMIT seconds), after that checking
# run.  Wall time on a machine others share measures the neighbours; CPU
# time much less, and ratios of commands run side by side less still: the
# report gives ratios first.  Peak memory is the largest peak RSS of the
# runs (ru_maxrss).  measure.py does the timing.
#
# PostgreSQL: a private server from tools/pg-test-server.sh (stopped at the
# end), with max_locks_per_transaction raised (create_all and each tool's
# catalog read lock every table in one transaction); RETORT_TEST_PG_URL
# instead names a server of your own (its CPU is counted when it is local
# and its postmaster readable, else only the client's).
#
# Environment knobs [defaults]: RETORT [builds build-bench/ in Release],
# BENCH_TREES ["100 1000"], BENCH_CHAIN [1000; 0 = none], BENCH_SCALE
# [10000; 0 = no scaling run], BENCH_BACKENDS ["sqlite postgresql"],
# BENCH_ALEMBICS ["1.8 current"], BENCH_ALEMBIC_MAX [1000: Alembic is timed
# up to this many tables; it takes minutes at 10,000], BENCH_REVISIONS
# ["1000 10000"; "" = none], BENCH_UPGRADE [1000; 0 = none], RUNS [5],
# SLOW_RUNS [3], FLOOR_RUNS [21], FLOOR_SLOW_RUNS [5], FAST_LIMIT [8],
# BENCH_ROUNDTRIP_MAX [1000], BENCH_CALLGRIND [1; 0 = no instruction
# counts], BENCH_KEEP=1 keeps the work folder.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
MEASURE=("$PY" "$HERE/measure.py")
RESULTS_FILE=${1:-}
TREES=${BENCH_TREES:-"100 1000"}
CHAIN=${BENCH_CHAIN:-1000}
SCALE=${BENCH_SCALE:-10000}
BACKENDS=${BENCH_BACKENDS:-"sqlite postgresql"}
ALEMBICS=${BENCH_ALEMBICS:-"1.8 current"}
ALEMBIC_MAX=${BENCH_ALEMBIC_MAX:-1000}
REVISIONS=${BENCH_REVISIONS-"1000 10000"}
UPGRADE=${BENCH_UPGRADE:-1000}
RUNS=${RUNS:-5}
SLOW_RUNS=${SLOW_RUNS:-3}
FLOOR_RUNS=${FLOOR_RUNS:-21}
FLOOR_SLOW_RUNS=${FLOOR_SLOW_RUNS:-5}
CALLGRIND=${BENCH_CALLGRIND:-1}
FAST_LIMIT=${FAST_LIMIT:-8}
ROUNDTRIP_MAX=${BENCH_ROUNDTRIP_MAX:-1000}
VENDOR=${BENCH_VENDOR:-$(cd "$ROOT/.." && pwd)/shared/vendor}

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

WORK=$(mktemp -d /tmp/retort-bench.XXXXXX) || die "mktemp failed"
chmod 755 "$WORK"              # pg-test-server runs the server as "postgres"
PG_DIR=
PG_BASE=
PG_PORT=

cleanup() {
    if [ -n "$PG_DIR" ]; then
        "$ROOT/tools/pg-test-server.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
    fi
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        say "work folder kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# --- the binaries -------------------------------------------------------------
if [ -z "${RETORT:-}" ]; then
    say "building retort and retort_floor (Release) in $ROOT/build-bench ..."
    cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
        cmake --build "$ROOT/build-bench" -j"$(nproc)" --target retort retort_floor >/dev/null ||
        die "build failed"
    RETORT=$ROOT/build-bench/retort
fi
FLOOR=${FLOOR:-$(dirname "$RETORT")/retort_floor}
[ -x "$RETORT" ] || die "no retort binary at $RETORT"
[ -x "$FLOOR" ] || die "no retort_floor binary at $FLOOR (cmake --build ... --target retort_floor)"

# --- the tools ----------------------------------------------------------------
# tool_cmd TOOL: the command line (an array in TOOL_CMD) of retort, Alembic
# 1.8.1 (a18) or the current Alembic (acur).
TOOLS=(retort)
declare -A TOOL_NAME=([retort]=retort [a18]="Alembic 1.8.1" [acur]="Alembic (current)")
for a in $ALEMBICS; do
    case $a in
    1.8) TOOLS+=(a18) ;;
    current)
        if [ -d "$VENDOR/alembic" ] && [ -d "$VENDOR/sqlalchemy" ]; then
            TOOLS+=(acur)
        else
            say "no $VENDOR (the current Alembic): its columns are skipped"
        fi
        ;;
    *) die "BENCH_ALEMBICS: 1.8 and/or current, not $a" ;;
    esac
done
VENDOR_PYTHONPATH=$VENDOR/sqlalchemy:$VENDOR/alembic:$VENDOR/typing_extensions
tool_cmd() {
    case $1 in
    retort) TOOL_CMD=("$RETORT") ;;
    a18) TOOL_CMD=("$PY" -m alembic) ;;
    acur) TOOL_CMD=(env PYTHONPATH="$VENDOR_PYTHONPATH" PYTHONPYCACHEPREFIX="$WORK/pycache" "$PY" -m alembic) ;;
    esac
}
tool_version() {
    case $1 in
    retort) "$RETORT" --version 2>/dev/null | head -1 ;;
    a18) "$PY" -c 'import alembic, sqlalchemy; print("alembic", alembic.__version__, "on SQLAlchemy", sqlalchemy.__version__)' ;;
    acur) env PYTHONPATH="$VENDOR_PYTHONPATH" "$PY" -c 'import alembic, sqlalchemy; print("alembic", alembic.__version__, "on SQLAlchemy", sqlalchemy.__version__)' ;;
    esac
}

# --- PostgreSQL ---------------------------------------------------------------
PSQL=/usr/lib/postgresql/15/bin/psql
[ -x "$PSQL" ] || PSQL=psql
case " $BACKENDS " in
*" postgresql "*)
    if [ -n "${RETORT_TEST_PG_URL:-}" ]; then
        PG_BASE=$RETORT_TEST_PG_URL
    elif [ -x "$ROOT/tools/pg-test-server.sh" ]; then
        PG_DIR=$WORK/pg
        PG_BASE=$(PG_SERVER_OPTS="-c max_locks_per_transaction=1024" "$ROOT/tools/pg-test-server.sh" start "$PG_DIR") || {
            say "could not start PostgreSQL; skipping it"
            PG_DIR=
            PG_BASE=
        }
    else
        say "no RETORT_TEST_PG_URL and no tools/pg-test-server.sh; skipping PostgreSQL"
    fi
    ;;
esac
# A server of one's own must hold the largest case's locks: metadata.create_all
# takes 15 per bench table in its one transaction (755 for 50 tables, counted
# in pg_locks on PostgreSQL 15), and the tools' catalog reads lock every
# relation too.  PostgreSQL sizes its lock table for max_locks_per_transaction
# x (max_connections + max_prepared_transactions) and lends it spare shared
# memory beyond that: the private server's 1024 x 100 carries 10,000 tables,
# the default 64 x 100 does not.  Refused here, before minutes of work, rather
# than by create_all at the last case.
if [ -n "$PG_BASE" ] && [ -n "${RETORT_TEST_PG_URL:-}" ]; then
    largest=0
    for n in $TREES "$CHAIN" "$SCALE"; do [ "$n" -gt "$largest" ] 2>/dev/null && largest=$n; done
    lock_slots=$("$PSQL" -X -A -t "$PG_BASE" -c "SELECT current_setting('max_locks_per_transaction')::int * (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int)" 2>/dev/null) ||
        die "cannot connect to RETORT_TEST_PG_URL ($PG_BASE)"
    if [ "$lock_slots" -lt $((largest * 10)) ]; then
        die "the server at RETORT_TEST_PG_URL has $lock_slots lock slots (max_locks_per_transaction x (max_connections + max_prepared_transactions)); the $largest-table case needs about $((largest * 10)): start it with -c max_locks_per_transaction=$(( (largest * 10 + 99) / 100 )) or more (for 100 connections), or unset RETORT_TEST_PG_URL and run.sh starts its own server"
    fi
fi
if [ -n "$PG_BASE" ]; then
    PG_PORT=$(sed -E 's|.*://[^/]*:([0-9]+)/.*|\1|; t; s|.*|5432|' <<<"$PG_BASE")
fi
pg_url() { echo "${PG_BASE%/*}/$1"; }          # same server, database $1
pg_sql() { PGOPTIONS="-c client_min_messages=warning" "$PSQL" -X -q -v ON_ERROR_STOP=1 "$PG_BASE" -c "$1" >/dev/null; }
pg_recreate_cmd() {                              # a shell command: database $1, new and empty
    printf 'PGOPTIONS="-c client_min_messages=warning" %q -X -q %q -c %q -c %q >/dev/null' "$PSQL" "$PG_BASE" \
        "DROP DATABASE IF EXISTS $1 WITH (FORCE)" "CREATE DATABASE $1"
}

# --- the machine --------------------------------------------------------------
machine_info() {
    echo "date:        $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu:         $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') ($(nproc) cores online)"
    echo "memory:      $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
    echo "kernel:      $(uname -sr)"
    echo "load:        $LOAD_START at the start, $LOAD_END at the end (1, 5, 15 min averages, 2 cores)"
    echo "retort:      $(tool_version retort) ($RETORT)"
    echo "sqlite:      $("$PY" -c 'import sqlite3; print(sqlite3.sqlite_version)') (Python's), retort links $(pkg-config --modversion sqlite3 2>/dev/null || echo '?')"
    if [ -n "$PG_BASE" ]; then
        echo "postgresql:  $("$PSQL" -X -A -t "$PG_BASE" -c 'show server_version' 2>/dev/null)$([ -n "$PG_DIR" ] && echo ', a private server (tools/pg-test-server.sh, fsync off)')"
    else
        echo "postgresql:  (not used)"
    fi
    echo "python:      $("$PY" -c 'import sys; print(sys.version.split()[0])')"
    local t
    for t in "${TOOLS[@]}"; do [ "$t" = retort ] || echo "$(printf '%-12s' "${TOOL_NAME[$t]}:") $(tool_version "$t")"; done
}

# --- helpers ------------------------------------------------------------------
# The server whose CPU is added to the client's: PostgreSQL's, when the
# command at hand runs against it (set per backend below).
COUNT_PORT=
use_backend() { if [ "$1" = postgresql ]; then COUNT_PORT=$PG_PORT; else COUNT_PORT=; fi; }
# jget JSON KEY: one field of measure.py's output ("-" when null).
jget() { "$PY" -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("-" if v is None else v)' "$1" "$2"; }
fmt_s() { case $1 in -|"") echo - ;; *) printf '%.3f s' "$1" ;; esac; }
fmt_mb() { case $1 in -|"") echo - ;; *) awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }' ;; esac; }
ratio() {                                        # ratio A B: B / A as "12x", or -
    case "$1$2" in *-*|"") echo - ; return ;; esac
    awk -v a="$1" -v b="$2" 'BEGIN { if (a <= 0) print "-"; else if (b / a >= 10) printf "%.0fx", b / a; else printf "%.1fx", b / a }'
}
slow() { awk -v f="$1" -v l="$FAST_LIMIT" 'BEGIN { exit !(f > l) }'; }

# measure_cmd LOG CWD PREPARE ENV... -- CMD...: one checking run (its output
# in LOG), then RUNS timed runs (SLOW_RUNS when the checking run was slow).
# Prints measure.py's JSON of the timed runs, or of the checking run when it
# failed (rc != 0).
measure_cmd() {
    local log=$1 cwd=$2 prep=$3
    shift 3
    local envs=() pg=()
    while [ "$1" != -- ]; do envs+=(--env "$1"); shift; done
    shift
    [ -n "$COUNT_PORT" ] && pg=(--pg-port "$COUNT_PORT")
    local first runs
    first=$("${MEASURE[@]}" run --runs 1 --cwd "$cwd" --prepare "$prep" --log "$log" "${envs[@]}" "${pg[@]}" -- "$@")
    if [ "$(jget "$first" rc)" != 0 ]; then echo "$first"; return; fi
    runs=$RUNS
    slow "$(jget "$first" cpu)" && runs=$SLOW_RUNS
    "${MEASURE[@]}" run --runs "$runs" --cwd "$cwd" --prepare "$prep" "${envs[@]}" "${pg[@]}" -- "$@"
}

# --- a project folder per schema shape ---------------------------------------
make_project() {
    local name=$1; shift
    local dir=$WORK/$name
    mkdir -p "$dir/alembic/versions"
    "$PY" "$HERE/gen_models.py" "$@" "$dir" || die "gen_models.py $* failed"
    cp "$ROOT/alembic.ini" "$dir/alembic.ini"
    cp "$ROOT/alembic/script.py.mako" "$dir/alembic/"
    cp "$HERE/alembic_env.py" "$dir/alembic/env.py"
}

# --- correctness --------------------------------------------------------------
# check_result TOOL PHASE N LOG RC: the "result" cell.
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
        err=$(grep -E '^[A-Za-z_.]+(Error|Exception): |^retort: |error: ' "$log" | tail -1 |
            sed -E 's/^sqlalchemy\.exc\.//; s/ \([a-z0-9_.]+\.[A-Za-z]+\) / /' | cut -c1-70)
        echo "fails: ${err:-exit $rc}"
        return
    fi
    if [ "$phase" = initial ]; then
        if [ "$tables" = "$n" ] && [ "$indexes" = $((2 * n)) ]; then
            echo "ok"
        else
            echo "WRONG ($tables tables, $indexes indexes; want $n, $((2 * n)))"
        fi
    elif [ "$tool" = retort ]; then
        if grep -q "No changes detected" "$log" && [ "$ops" = 0 ]; then echo "ok"; else echo "WRONG ($ops ops)"; fi
    elif [ "$ops" = 0 ]; then
        echo "ok"
    else
        echo "$ops false changes"
    fi
}

# --- autogenerate -------------------------------------------------------------
AG_ROWS=()
FLOOR_ROWS=()
FAILURES=()
declare -A NOCHANGE_CPU FLOOR_CPU NOCHANGE_RSS FLOOR_RATIO

# autogen CASE BACKEND PHASE N DIR URL [EXTRA_ENV]: one row of the table.
autogen() {
    local case=$1 backend=$2 phase=$3 n=$4 dir=$5 url=$6 extra=${7:-}
    local label=$phase
    [ -n "$extra" ] && label="$phase*"
    local t json rc cpu cells=() rcpu=- envs=(DATABASE_URL="$url")
    [ -n "$extra" ] && envs+=("$extra")
    for t in "${TOOLS[@]}"; do
        if [ -n "$extra" ] && [ "$t" = retort ]; then cells+=("-" "-" "-"); continue; fi
        if [ "$t" != retort ] && [ "$n" -gt "$ALEMBIC_MAX" ]; then cells+=("(not run)" "-" "-"); continue; fi
        tool_cmd "$t"
        local log=$WORK/$case-$backend-$label-$t.log
        json=$(measure_cmd "$log" "$dir" "rm -f alembic/versions/*.py" "${envs[@]}" -- "${TOOL_CMD[@]}" revision --autogenerate -m bench)
        rc=$(jget "$json" rc)
        cpu=$(jget "$json" cpu)
        local res
        res=$(check_result "$t" "$phase" "$n" "$log" "$rc")
        if [ "$rc" != 0 ]; then
            cpu=-
            FAILURES+=("$case $backend $label: ${TOOL_NAME[$t]} (exit $rc)" "$(tail -n 4 "$log" | cut -c1-200 | sed 's/^/    /')")
        fi
        [ "$t" = retort ] && rcpu=$cpu
        local cell
        cell="$(fmt_s "$cpu") / $(fmt_mb "$(jget "$json" rss_kb)")"
        [ "$rc" != 0 ] && cell="-"
        if [ "$t" = retort ]; then cells+=("$cell" "$res" ""); else cells+=("$cell" "$(ratio "$rcpu" "$cpu")" "$res"); fi
        say "$case $backend $label ${TOOL_NAME[$t]}: cpu $cpu s x$(jget "$json" runs), $res"
        if [ "$t" = retort ] && [ "$phase" = no-change ] && [ -z "$extra" ]; then
            NOCHANGE_CPU[$case-$backend]=$cpu
            NOCHANGE_RSS[$case-$backend]=$(jget "$json" rss_kb)
        fi
    done
    rm -f "$dir"/alembic/versions/*.py
    local row="| $case | $backend | $label | ${cells[0]} | ${cells[1]}"
    local i=3
    while [ $i -lt ${#cells[@]} ]; do row+=" | ${cells[$i]} | ${cells[$((i + 1))]} | ${cells[$((i + 2))]}"; i=$((i + 3)); done
    AG_ROWS+=("$row |")
}

# instructions DIR URL CMD...: the instructions CMD executes (callgrind's
# total, run in DIR with DATABASE_URL=URL), or nothing when it failed.
instructions() {
    local dir=$1 url=$2; shift 2
    (cd "$dir" && DATABASE_URL=$url valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null) |
        awk '/I +refs:/ { gsub(",", "", $NF); n = $NF } END { if (n) print n }'
}

# floor CASE BACKEND DIR URL: retort's no-change run alternated with the floor's.
floor() {
    local case=$1 backend=$2 dir=$3 url=$4 pg=() json runs=$FLOOR_RUNS fast=1
    [ -n "$COUNT_PORT" ] && pg=(--pg-port "$COUNT_PORT")
    slow "${NOCHANGE_CPU[$case-$backend]:-0}" && { runs=$FLOOR_SLOW_RUNS; fast=0; }
    json=$("${MEASURE[@]}" pair --runs "$runs" --cwd "$dir" --env DATABASE_URL="$url" "${pg[@]}" \
        -- "$FLOOR" "$url" --- "$RETORT" diff)
    local a b
    a=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["a"]["cpu"])' "$json")
    b=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["b"]["cpu"])' "$json")
    local r rmin rmax srv by_ins="-"
    r=$(jget "$json" ratio); rmin=$(jget "$json" ratio_min); rmax=$(jget "$json" ratio_max)
    srv=$([ "$(jget "$json" server_counted)" = True ] && echo "client + server" || echo "client only")
    if [ "$CALLGRIND" = 1 ] && [ "$backend" = sqlite ] && [ "$fast" = 1 ] && command -v valgrind >/dev/null; then
        local floor_ins retort_ins
        floor_ins=$(instructions "$dir" "$url" "$FLOOR" "$url")
        retort_ins=$(instructions "$dir" "$url" "$RETORT" diff)
        if [ -n "$floor_ins" ] && [ -n "$retort_ins" ]; then
            by_ins="$(awk -v r="$retort_ins" -v f="$floor_ins" 'BEGIN { printf "%.3f (%.1f M / %.1f M)", r / f, r / 1e6, f / 1e6 }')"
        fi
    fi
    FLOOR_CPU[$case-$backend]=$a
    FLOOR_RATIO[$case-$backend]=$r
    FLOOR_ROWS+=("| $case | $backend | $(fmt_s "$a") | $(fmt_s "$b") | **${r}** ($rmin–$rmax, $runs pairs) | $by_ins | $srv |")
    say "$case $backend floor: floor $a s, retort diff $b s, retort/floor $r ($rmin-$rmax), by instructions $by_ins"
}

# roundtrip CASE BACKEND DIR URL: retort's initial migration, applied by
# Alembic 1.8.1, then retort again must find no changes.
ROUNDTRIPS=()
roundtrip() {
    local case=$1 backend=$2 dir=$3 url=$4 log=$WORK/$1-$2-roundtrip.log res
    rm -f "$dir"/alembic/versions/*.py
    if ! (cd "$dir" && DATABASE_URL=$url "$RETORT" revision --autogenerate -m initial) >"$log" 2>&1; then
        res="retort revision fails: $(tail -1 "$log" | cut -c1-90)"
    elif ! (cd "$dir" && DATABASE_URL=$url "$PY" -m alembic upgrade head) >>"$log" 2>&1; then
        res="alembic upgrade head of retort's file fails: $(grep -E '^[A-Za-z_.]+(Error|Exception): ' "$log" | tail -1 | cut -c1-120)"
    elif (cd "$dir" && DATABASE_URL=$url "$RETORT" revision --autogenerate -m again) >"$log.2" 2>&1 &&
            grep -q "No changes detected" "$log.2"; then
        res="ok: Alembic 1.8.1 ran retort's migration; retort then finds no changes"
    else
        res="WRONG: after upgrade retort reports: $(grep -m3 Detected "$log.2" | tr '\n' ';' | cut -c1-200)"
    fi
    rm -f "$dir"/alembic/versions/*.py
    say "$case $backend round trip: $res"
    ROUNDTRIPS+=("| $case | $backend | $res |")
}

# database URLs of a case: EMPTY_URL FULL_URL RT_URL, created (empty).
new_databases() {
    local case=$1 backend=$2
    case $backend in
    sqlite)
        EMPTY_URL=sqlite:///$WORK/$case-empty.db
        FULL_URL=sqlite:///$WORK/$case-full.db
        RT_URL=sqlite:///$WORK/$case-roundtrip.db
        : >"$WORK/$case-empty.db"
        : >"$WORK/$case-roundtrip.db"
        rm -f "$WORK/$case-full.db"
        ;;
    postgresql)
        local d
        for d in empty full roundtrip; do
            pg_sql "DROP DATABASE IF EXISTS bench_${case}_$d WITH (FORCE)" &&
                pg_sql "CREATE DATABASE bench_${case}_$d" || die "cannot create PostgreSQL databases on $PG_BASE"
        done
        EMPTY_URL=$(pg_url "bench_${case}_empty")
        FULL_URL=$(pg_url "bench_${case}_full")
        RT_URL=$(pg_url "bench_${case}_roundtrip")
        ;;
    esac
}
drop_databases() {
    [ "$2" = postgresql ] || return 0
    local d
    for d in empty full roundtrip; do pg_sql "DROP DATABASE IF EXISTS bench_${1}_$d WITH (FORCE)"; done
}

START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
CASES=()
for n in $TREES; do CASES+=("tree$n:--tables:$n"); done
[ "$CHAIN" -gt 0 ] 2>/dev/null && CASES+=("chain$CHAIN:--chain:$CHAIN")
[ "$SCALE" -gt 0 ] 2>/dev/null && CASES+=("tree$SCALE:--tables:$SCALE")

for spec in "${CASES[@]}"; do
    IFS=: read -r case flag n <<<"$spec"
    make_project "$case" "$flag" "$n"
    dir=$WORK/$case
    for backend in $BACKENDS; do
        [ "$backend" = postgresql ] && [ -z "$PG_BASE" ] && continue
        use_backend "$backend"
        new_databases "$case" "$backend"
        say "$case on $backend: building the schema with metadata.create_all ..."
        "$PY" "$HERE/create_schema.py" "$dir" "$FULL_URL" || die "create_all failed for $case on $backend"
        [ "$backend" = postgresql ] && "$PSQL" -X -q "$FULL_URL" -c "VACUUM ANALYZE" >/dev/null 2>&1
        autogen "$case" "$backend" initial "$n" "$dir" "$EMPTY_URL"
        autogen "$case" "$backend" no-change "$n" "$dir" "$FULL_URL"
        floor "$case" "$backend" "$dir" "$FULL_URL"
        [ "$n" -le "$ROUNDTRIP_MAX" ] && roundtrip "$case" "$backend" "$dir" "$RT_URL"
        if [ "$backend" = postgresql ] && grep -qs "json = unknown" "$WORK/$case-$backend-no-change-a18.log" "$WORK/$case-$backend-no-change-acur.log"; then
            autogen "$case" "$backend" no-change "$n" "$dir" "$FULL_URL" "BENCH_COMPARE_SERVER_DEFAULT=0"
        fi
        drop_databases "$case" "$backend"
        [ "$backend" = sqlite ] && rm -f "$WORK/$case"-*.db
    done
done

# --- revisions ----------------------------------------------------------------
REV_ROWS=()
use_backend sqlite
for n in $REVISIONS; do
    dir=$WORK/revs$n
    "$PY" "$HERE/gen_revisions.py" "$n" "$dir" || die "gen_revisions.py $n failed"
    url=sqlite:///$WORK/revs$n.db
    (cd "$dir" && DATABASE_URL=$url "$RETORT" stamp head >/dev/null 2>&1) || die "retort stamp head failed over $n revisions"
    for cmd in heads history current; do
        row="| $cmd | $n"
        rcpu=-
        for t in "${TOOLS[@]}"; do
            tool_cmd "$t"
            log=$WORK/revs$n-$cmd-$t.log
            json=$(measure_cmd "$log" "$dir" "" DATABASE_URL="$url" -- "${TOOL_CMD[@]}" "$cmd")
            cpu=$(jget "$json" cpu)
            if [ "$(jget "$json" rc)" != 0 ]; then
                cpu=-
                FAILURES+=("$cmd over $n revisions: ${TOOL_NAME[$t]}" "$(tail -n 4 "$log" | cut -c1-200 | sed 's/^/    /')")
            fi
            [ "$t" = retort ] && rcpu=$cpu
            if [ "$t" = retort ]; then row+=" | $(fmt_s "$cpu") / $(fmt_mb "$(jget "$json" rss_kb)")"
            else row+=" | $(fmt_s "$cpu") | $(ratio "$rcpu" "$cpu")"; fi
            say "$cmd over $n revisions ${TOOL_NAME[$t]}: $cpu s"
        done
        REV_ROWS+=("$row |")
    done
    rm -f "$WORK/revs$n.db"
done

# --- upgrade ------------------------------------------------------------------
UP_ROWS=()
# count_tables BACKEND URL: tables in the database, alembic_version included.
count_tables() {
    case $1 in
    sqlite) "$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from sqlite_master where type=\"table\"").fetchone()[0])' "${2#sqlite:///}" ;;
    postgresql) "$PSQL" -X -A -t "$2" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" ;;
    esac
}
# upgrade_row WHAT N DIR BACKEND: `upgrade head` from an empty database
# by each tool; N + 1 tables expected (alembic_version).
upgrade_row() {
    local what=$1 n=$2 dir=$3 backend=$4 url prep row rcpu=- t json cpu got res
    case $backend in
    sqlite) url=sqlite:///$WORK/upgrade.db; prep="rm -f $WORK/upgrade.db" ;;
    postgresql) url=$(pg_url bench_upgrade); prep=$(pg_recreate_cmd bench_upgrade) ;;
    esac
    row="| $what | $backend"
    for t in "${TOOLS[@]}"; do
        tool_cmd "$t"
        local extra=()
        [ "$t" = retort ] && extra=(--no-backup)
        local log=$WORK/upgrade-$what-$backend-$t.log
        json=$(measure_cmd "$log" "$dir" "$prep" DATABASE_URL="$url" -- "${TOOL_CMD[@]}" upgrade head "${extra[@]}")
        cpu=$(jget "$json" cpu)
        if [ "$(jget "$json" rc)" != 0 ]; then
            res="fails: $(grep -E 'Error: |error: ' "$log" | tail -1 | cut -c1-70)"
            FAILURES+=("upgrade $what $backend: ${TOOL_NAME[$t]}" "$(tail -n 4 "$log" | cut -c1-200 | sed 's/^/    /')")
            cpu=-
        else
            got=$(count_tables "$backend" "$url")
            [ "$got" = $((n + 1)) ] && res=ok || res="WRONG ($got tables, want $((n + 1)))"
        fi
        [ "$t" = retort ] && rcpu=$cpu
        if [ "$t" = retort ]; then row+=" | $(fmt_s "$cpu") / $(fmt_mb "$(jget "$json" rss_kb)") | $res"
        else row+=" | $(fmt_s "$cpu") | $(ratio "$rcpu" "$cpu") | $res"; fi
        say "upgrade $what $backend ${TOOL_NAME[$t]}: $cpu s, $res"
    done
    [ "$backend" = postgresql ] && pg_sql "DROP DATABASE IF EXISTS bench_upgrade WITH (FORCE)"
    rm -f "$WORK/upgrade.db"
    UP_ROWS+=("$row |")
}
if [ "$UPGRADE" -gt 0 ] 2>/dev/null; then
    # The migration retort writes for the tree of UPGRADE tables.
    make_project "up$UPGRADE" --tables "$UPGRADE"
    updir=$WORK/up$UPGRADE
    (cd "$updir" && DATABASE_URL=sqlite:///$WORK/missing.db "$RETORT" revision --autogenerate -m initial >/dev/null 2>&1) ||
        die "retort could not write the initial migration of $UPGRADE tables"
    "$PY" "$HERE/gen_revisions.py" "$UPGRADE" "$WORK/chain-up$UPGRADE" || die "gen_revisions.py failed"
    for backend in $BACKENDS; do
        [ "$backend" = postgresql ] && [ -z "$PG_BASE" ] && continue
        use_backend "$backend"
        upgrade_row "$UPGRADE tables, one revision" "$UPGRADE" "$updir" "$backend"
        upgrade_row "$UPGRADE revisions, a table each" "$UPGRADE" "$WORK/chain-up$UPGRADE" "$backend"
    done
fi
ELAPSED=$(( $(date +%s) - START ))
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the report ---------------------------------------------------------------
scaling_rows() {
    local backend small=1000 big=$SCALE
    for backend in $BACKENDS; do
        local rs=${NOCHANGE_CPU[tree$small-$backend]:-} rb=${NOCHANGE_CPU[tree$big-$backend]:-}
        local fs=${FLOOR_CPU[tree$small-$backend]:-} fb=${FLOOR_CPU[tree$big-$backend]:-}
        [ -n "$rs" ] && [ -n "$rb" ] || continue
        echo "| $backend | $(ratio "$rs" "$rb") | $(ratio "$fs" "$fb") | ${FLOOR_RATIO[tree$small-$backend]:-} | ${FLOOR_RATIO[tree$big-$backend]:-} | $(fmt_mb "${NOCHANGE_RSS[tree$big-$backend]:-}") |"
    done
}
# section TITLE HEAD SEP TOOL_HEAD TOOL_SEP ROW...: a titled table whose
# header has, per Alembic, its name and TOOL_HEAD; nothing without rows.
section() {
    local title=$1 h=$2 s=$3 th=$4 ts=$5 t
    shift 5
    [ $# -gt 0 ] || return 0
    printf '\n### %s\n\n' "$title"
    for t in "${TOOLS[@]}"; do [ "$t" = retort ] || { h+=" | ${TOOL_NAME[$t]}$th"; s+=$ts; }; done
    echo "$h |"
    echo "$s|"
    printf '%s\n' "$@"
}
header_cells() {
    local t h=""
    for t in "${TOOLS[@]}"; do [ "$t" = retort ] || h+=" | ${TOOL_NAME[$t]} CPU / peak | retort faster | result"; done
    echo "$h"
}
sep_cells() { local t s=""; for t in "${TOOLS[@]}"; do [ "$t" = retort ] || s+="|---|---|---"; done; echo "$s"; }
{
    echo '```'
    machine_info
    echo "elapsed:     ${ELAPSED} s"
    echo '```'
    echo
    echo "Times are CPU time (user + sys; on PostgreSQL plus the server's CPU for the connection), medians."
    echo
    echo "### Against the catalog floor (no-change autogenerate)"
    echo
    echo "| case | backend | floor | retort diff | retort / floor (median of pairs, min–max) | by instructions (retort / floor) | CPU counted |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${FLOOR_ROWS[@]}"
    echo
    if [ "$SCALE" -gt 0 ] 2>/dev/null; then
        echo "### Scaling, 1,000 -> $SCALE tables (no-change autogenerate)"
        echo
        echo "| backend | retort time | floor time | retort / floor at 1,000 | at $SCALE | retort peak memory at $SCALE |"
        echo "|---|---|---|---|---|---|"
        scaling_rows
        echo
    fi
    echo "### Autogenerate: retort against Alembic"
    echo
    echo "| case | backend | run | retort CPU / peak | retort result$(header_cells) |"
    echo "|---|---|---|---|---$(sep_cells)|"
    printf '%s\n' "${AG_ROWS[@]}"
    echo
    echo "no-change* = Alembic with compare_server_default=False (with True it fails on PostgreSQL)."
    echo "(not run) = more tables than BENCH_ALEMBIC_MAX ($ALEMBIC_MAX)."
    section "Reading the revisions" "| command | revisions | retort CPU / peak" "|---|---|---" \
        " | retort faster" "|---|---" "${REV_ROWS[@]}"
    section "Upgrade head from an empty database" "| migration | backend | retort CPU / peak | retort result" \
        "|---|---|---|---" " | retort faster | result" "|---|---|---" "${UP_ROWS[@]}"
    if [ ${#ROUNDTRIPS[@]} -gt 0 ]; then
        echo
        echo "### Round trip (retort's initial migration applied by Alembic 1.8.1, then retort again)"
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
