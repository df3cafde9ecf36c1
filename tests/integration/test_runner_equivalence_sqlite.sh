#!/usr/bin/env bash
# retort's runner against real Alembic on sqlite (see runner_equivalence.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/runner_equivalence.sh"
