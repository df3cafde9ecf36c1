#!/usr/bin/env bash
# Compatibility: a database built by SQLAlchemy's create_all from an
# equivalent SQLAlchemy definition of the qlib-ui schema is, to retort, the
# schema models/ declares: `retort diff` reports no change, on SQLite and on
# PostgreSQL.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-compat.XXXXXX)
pgdb=""
trap 'rm -rf "$tmp"; [ -z "$pgdb" ] || drop_pg_database "$pgdb"' EXIT
new_project "$tmp"
cp "$SOURCE_DIR"/models/*.model "$tmp/models/"
cd "$tmp"

check_backend() {
  local label=$1
  /usr/bin/python3 "$SOURCE_DIR/tests/integration/qlib_ui_sqlalchemy.py" "$DATABASE_URL" \
    || die "$label: create_all failed"
  out=$("$RETORT" diff 2>&1) || { fail "$label: retort diff failed: $out"; return; }
  [ "$out" = "No changes detected" ] || fail "$label: retort diff reports changes on a create_all schema:"$'\n'"$out"
  echo "ok $label"
}

export DATABASE_URL="sqlite:///$tmp/compat.db"
check_backend sqlite
pgdb=retort_compat_$$
export DATABASE_URL=$(new_pg_database "$pgdb")
check_backend postgresql
finish
