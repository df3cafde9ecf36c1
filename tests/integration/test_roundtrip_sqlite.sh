#!/usr/bin/env bash
# Round-trip suite on a SQLite file.
set -euo pipefail
tmp=$(mktemp -d /tmp/retort-rt-sqlite.XXXXXX)
export DATABASE_URL="sqlite:///$tmp/roundtrip.db"
trap 'rm -rf "$tmp"' EXIT
ROUNDTRIP_BACKEND=sqlite
ROUNDTRIP_DIR=$tmp
source "$SOURCE_DIR/tests/integration/roundtrip.sh"
