#!/usr/bin/env bash
# Nothing half-applied, on postgresql (see runner_safety.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/runner_safety.sh"
