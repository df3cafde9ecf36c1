#!/usr/bin/env bash
# Round-trip suite on a SQLite file, applied by the current Alembic of
# ../shared/vendor (1.19 on SQLAlchemy 2.0); skipped, with a message, when
# that folder is absent (a fresh clone).
set -euo pipefail
tmp=$(mktemp -d /tmp/retort-rt-sqlite.XXXXXX)
export DATABASE_URL="sqlite:///$tmp/roundtrip.db"
trap 'rm -rf "$tmp"' EXIT
ROUNDTRIP_BACKEND=sqlite
ROUNDTRIP_DIR=$tmp
ROUNDTRIP_ALEMBIC=1.19
source "$SOURCE_DIR/tests/integration/roundtrip.sh"
