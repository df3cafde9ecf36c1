#!/usr/bin/env bash
# Branches and merges run by retort and by Alembic, on postgresql (see runner_branches.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/runner_branches.sh"
