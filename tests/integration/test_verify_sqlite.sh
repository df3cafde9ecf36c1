#!/usr/bin/env bash
# retort verify on a temporary SQLite file (see verify.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/verify.sh"
