#!/usr/bin/env bash
# Round-trip suite on PostgreSQL, applied by the current Alembic of
# ../shared/vendor (1.19 on SQLAlchemy 2.0); skipped, with a message, when
# that folder is absent (a fresh clone).
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-rt-pg.XXXXXX)
db=retort_roundtrip_119_$$
trap 'rm -rf "$tmp"; drop_pg_database "$db"' EXIT
if ! have_alembic119; then echo "skip: $ALEMBIC119_MISSING: the round trip with Alembic 1.19 (on SQLAlchemy 2.0) needs it"; exit 0; fi
export DATABASE_URL=$(new_pg_database "$db")
ROUNDTRIP_BACKEND=postgresql
ROUNDTRIP_DIR=$tmp
ROUNDTRIP_ALEMBIC=1.19
source "$SOURCE_DIR/tests/integration/roundtrip.sh"
