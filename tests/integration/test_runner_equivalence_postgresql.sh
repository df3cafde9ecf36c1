#!/usr/bin/env bash
# retort's runner against real Alembic on postgresql (see runner_equivalence.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/runner_equivalence.sh"
