#!/usr/bin/env bash
# The Alembic fallback, on postgresql (see runner_alembic_fallback.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/runner_alembic_fallback.sh"
