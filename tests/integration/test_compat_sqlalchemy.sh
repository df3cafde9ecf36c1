#!/usr/bin/env bash
# Compatibility: a database built by SQLAlchemy's create_all from an
# equivalent SQLAlchemy definition of the qlib-ui schema is, to retort, the
# schema models/ declares: `retort diff` reports no change, on SQLite and on
# PostgreSQL; with Debian's SQLAlchemy 1.4 and with the SQLAlchemy 2.0 of
# ../shared/vendor (skipped, with a message, when that folder is absent).
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-compat.XXXXXX)
pgdb=""
trap 'rm -rf "$tmp"; [ -z "$pgdb" ] || drop_pg_database "$pgdb"' EXIT
new_project "$tmp"
cp "$SOURCE_DIR"/models/*.model "$tmp/models/"
cd "$tmp"

check_backend() {
  local label=$1 python=(/usr/bin/python3)
  [[ $label != *"SQLAlchemy 2"* ]] || python=(vendor_python)
  "${python[@]}" "$SOURCE_DIR/tests/integration/qlib_ui_sqlalchemy.py" "$DATABASE_URL" \
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
if have_alembic119; then
  [[ $(vendor_python -c 'import sqlalchemy; print(sqlalchemy.__version__)') == 2.* ]] || die "the vendored SQLAlchemy is not 2.x"
  export DATABASE_URL="sqlite:///$tmp/compat2.db"
  check_backend "sqlite, SQLAlchemy 2"
  export DATABASE_URL=$(new_pg_database "$pgdb")
  check_backend "postgresql, SQLAlchemy 2"
else
  echo "skip: $ALEMBIC119_MISSING: create_all with SQLAlchemy 2.0 is not compared"
fi
finish
