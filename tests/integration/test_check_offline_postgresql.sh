#!/usr/bin/env bash
# retort check --offline on PostgreSQL (see check_offline.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/check_offline.sh"
