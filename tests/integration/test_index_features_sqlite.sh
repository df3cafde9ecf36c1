#!/usr/bin/env bash
# Indexes as teams use them, end to end, on sqlite (see index_features.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/index_features.sh"
