#!/usr/bin/env bash
# retort check --offline on SQLite projects (see check_offline.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/check_offline.sh"
