#!/usr/bin/env bash
# Indexes as teams use them, end to end, on postgresql (see index_features.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/index_features.sh"
