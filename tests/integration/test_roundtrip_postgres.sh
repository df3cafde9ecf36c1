#!/usr/bin/env bash
# Round-trip suite on PostgreSQL: the same scenarios as on SQLite, in a
# database of its own on the test server (RETORT_TEST_PG_URL).
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-rt-pg.XXXXXX)
db=retort_roundtrip_$$
trap 'rm -rf "$tmp"; drop_pg_database "$db"' EXIT
export DATABASE_URL=$(new_pg_database "$db")
ROUNDTRIP_BACKEND=postgresql
ROUNDTRIP_DIR=$tmp
source "$SOURCE_DIR/tests/integration/roundtrip.sh"
