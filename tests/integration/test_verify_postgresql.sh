#!/usr/bin/env bash
# retort verify on PostgreSQL (see verify.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/verify.sh"
