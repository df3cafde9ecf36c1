#!/usr/bin/env bash
# Install what retort needs to build and test, from Debian's packages.
# Safe to run again: apt-get skips what is installed.
set -euo pipefail
PACKAGES=(
  build-essential cmake pkg-config flex bison
  libsqlite3-dev sqlite3 libpq-dev libjansson-dev libcmocka-dev liburing-dev
  postgresql postgresql-client
  python3 python3-alembic python3-sqlalchemy python3-psycopg2
  valgrind
  # The fuzz harnesses (tests/fuzz/): clang, libFuzzer (in libclang-rt-dev,
  # a Recommends of clang that --no-install-recommends leaves out), and
  # llvm-symbolizer (in llvm) for readable sanitizer reports.
  clang libclang-rt-dev llvm
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
