#!/usr/bin/env bash
# The Alembic fallback, on sqlite (see runner_alembic_fallback.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/runner_alembic_fallback.sh"
