#!/usr/bin/env bash
# Quoting, bookkeeping and hostile input, on sqlite (see hardening.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/hardening.sh"
