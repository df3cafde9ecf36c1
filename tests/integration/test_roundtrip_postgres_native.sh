#!/usr/bin/env bash
# Round-trip suite on PostgreSQL, applied by retort's own runner (no Python):
# the same scenarios, in a database of its own on the test server.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-rt-pg.XXXXXX)
db=retort_roundtrip_native_$$
trap 'rm -rf "$tmp"; drop_pg_database "$db"' EXIT
export DATABASE_URL=$(new_pg_database "$db")
ROUNDTRIP_BACKEND=postgresql
ROUNDTRIP_DIR=$tmp
ROUNDTRIP_APPLY=retort
source "$SOURCE_DIR/tests/integration/roundtrip.sh"
