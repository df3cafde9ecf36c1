#!/usr/bin/env bash
# retort pull on SQLite (see pull.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/pull.sh"
