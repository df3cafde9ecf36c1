#!/usr/bin/env bash
# Nothing half-applied, on sqlite (see runner_safety.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/runner_safety.sh"
