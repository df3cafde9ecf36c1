#!/usr/bin/env bash
# Round-trip suite on a SQLite file, applied by retort's own runner (no Python).
set -euo pipefail
tmp=$(mktemp -d /tmp/retort-rt-sqlite.XXXXXX)
export DATABASE_URL="sqlite:///$tmp/roundtrip.db"
trap 'rm -rf "$tmp"' EXIT
ROUNDTRIP_BACKEND=sqlite
ROUNDTRIP_DIR=$tmp
ROUNDTRIP_APPLY=retort
source "$SOURCE_DIR/tests/integration/roundtrip.sh"
