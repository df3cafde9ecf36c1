#!/usr/bin/env bash
# pg-test-server.sh — a private, throw-away PostgreSQL 15 server for retort's
# tests.
#
#   tools/pg-test-server.sh start DIR   initdb + start; prints the base URL
#   tools/pg-test-server.sh url DIR     prints the base URL of a running one
#   tools/pg-test-server.sh stop DIR    stops the server and removes DIR
#
# The server keeps its data directory and its Unix socket inside DIR, listens
# on 127.0.0.1 on a free port, and trusts local and loopback connections, so
# the base URL needs no password:
#
#   postgresql://postgres@127.0.0.1:PORT/postgres
#
# For password tests it also has two roles that must authenticate over TCP:
# retort_pw (SCRAM-SHA-256) and retort_md5 (md5), both with password "secret".
#
# PostgreSQL refuses to run as root, so when run as root initdb, pg_ctl and
# the server run as the "postgres" user (runuser) and DIR is chowned to it.
# DIR may be under /tmp; a stale DIR left by an earlier run is stopped and
# cleaned first.  The binaries are Debian's (/usr/lib/postgresql/15/bin), or
# those of $PG_BIN when set.  PG_SERVER_OPTS adds server options ("-c
# max_locks_per_transaction=1024": the benchmark creates and reads 10,000
# tables in one transaction, past the default lock table).
#
# The test runner calls "start", exports RETORT_TEST_PG_URL with the printed
# URL, and calls "stop" at the end.  A developer who already has a server can
# set RETORT_TEST_PG_URL himself; the runner then uses that one and this
# script is not needed.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=postgres

die() { echo "pg-test-server: $*" >&2; exit 1; }

usage() { die "usage: $0 start|stop|url DIR"; }

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
data=$dir/data
sock=$dir/sock
log=$dir/server.log

# Run a command as the server's user (directly when we are not root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_USER" -- "$@"
    else
        "$@"
    fi
}

port_of() { cat "$dir/port" 2>/dev/null || true; }

base_url() { echo "postgresql://postgres@127.0.0.1:$(port_of)/postgres"; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_server() {
    if [ -f "$data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            as_pg "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
}

start() {
    [ -x "$PG_BIN/initdb" ] || die "no PostgreSQL binaries in $PG_BIN (apt-get install postgresql-15)"
    if [ -e "$dir" ]; then            # stale directory from an earlier run
        stop_server
        rm -rf "$dir"
    fi
    mkdir -p "$sock"
    if [ "$(id -u)" = 0 ]; then
        chown -R "$PG_USER:" "$dir"
        # The server's user must be able to reach DIR through its parents.
        as_pg test -w "$dir" || die "user $PG_USER cannot write $dir (choose a DIR under /tmp)"
    fi
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=trust \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    # Password roles first: pg_hba.conf is read top to bottom.
    {
        echo "# written by pg-test-server.sh"
        echo "local all all                       trust"
        echo "host  all retort_pw  127.0.0.1/32   scram-sha-256"
        echo "host  all retort_md5 127.0.0.1/32   md5"
        echo "host  all all        127.0.0.1/32   trust"
        echo "host  all all        ::1/128        trust"
    } >"$data/pg_hba.conf"

    local tries=0 port
    while :; do
        tries=$((tries + 1))
        [ $tries -le 20 ] || { cat "$log" >&2 || true; die "could not start a server on a free port"; }
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
        port_in_use "$port" && continue
        echo "$port" >"$dir/port"
        if as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 \
                -o "-c listen_addresses=127.0.0.1 -p $port -k $sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_SERVER_OPTS:-}" \
                start >/dev/null 2>&1; then
            break
        fi
        stop_server                   # e.g. the port was taken meanwhile
    done
    local i
    for i in $(seq 1 100); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U postgres && break
        sleep 0.1
    done
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U postgres ||
        { cat "$log" >&2; die "server did not become ready"; }

    as_pg "$PG_BIN/psql" -X -q -h "$sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SET password_encryption = 'scram-sha-256';
CREATE ROLE retort_pw LOGIN CREATEDB PASSWORD 'secret';
SET password_encryption = 'md5';
CREATE ROLE retort_md5 LOGIN CREATEDB PASSWORD 'secret';
SQL
    base_url
}

case $cmd in
start) start ;;
url)
    [ -f "$dir/port" ] || die "no server in $dir"
    base_url
    ;;
stop)
    stop_server
    rm -rf "$dir"
    ;;
*) usage ;;
esac
