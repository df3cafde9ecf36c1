#!/usr/bin/env bash
# Branches and merges run by retort and by Alembic, on sqlite (see runner_branches.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/runner_branches.sh"
