# Shared helpers of the integration tests (sourced).
# Environment from ctest: RETORT (the binary), SOURCE_DIR, BUILD_DIR.
set -euo pipefail
: "${RETORT:?run through ctest}" "${SOURCE_DIR:?}"
ALEMBIC=(/usr/bin/python3 -m alembic)
SQLQ=(/usr/bin/python3 "$SOURCE_DIR/tests/integration/sqlq.py")
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }

# A fresh project in $1: alembic.ini, alembic/{env.py,script.py.mako},
# empty versions/ and models/.  The database comes from DATABASE_URL.
new_project() {
  local dir=$1
  mkdir -p "$dir/alembic/versions" "$dir/models"
  cp "$SOURCE_DIR/alembic.ini" "$dir/"
  cp "$SOURCE_DIR/alembic/env.py" "$SOURCE_DIR/alembic/script.py.mako" "$dir/alembic/"
}

# A PostgreSQL database of its own for this test: prints its URL.
# Needs RETORT_TEST_PG_URL (a server URL ending in /postgres or another db).
new_pg_database() {
  local name=$1 base=${RETORT_TEST_PG_URL:?RETORT_TEST_PG_URL is not set: run the tests through tools/run-tests.sh}
  "${SQLQ[@]}" "$base" "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true
  /usr/bin/python3 - "$base" "$name" <<'PY'
import sys, sqlalchemy as sa
e = sa.create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with e.connect() as c:
    c.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % sys.argv[2]))
    c.execute(sa.text('CREATE DATABASE "%s"' % sys.argv[2]))
PY
  echo "${base%/*}/$name"
}

drop_pg_database() {
  /usr/bin/python3 - "${RETORT_TEST_PG_URL}" "$1" <<'PY' || true
import sys, sqlalchemy as sa
e = sa.create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with e.connect() as c:
    c.execute(sa.text('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[2]))
PY
}

# A fresh database named $1 for a test that runs on $BACKEND (sqlite: a file
# in $tmp; postgresql: a database of its own, which drop_test_databases
# removes): prints its URL.
test_db_url() {
  if [ "$BACKEND" = sqlite ]; then echo "sqlite:///$tmp/$1.db"
  else new_pg_database "retort_${1}_$$"; fi
}
# Call with the names given to test_db_url (the subshell of $(...) cannot
# record them itself).
drop_test_databases() {
  [ "${BACKEND:-}" = postgresql ] || return 0
  local n
  for n in "$@"; do drop_pg_database "retort_${n}_$$"; done
}

# revfile ID DOWN DOC BODY-LINE...: a revision file alembic/versions/ID.py
# as Alembic writes one (docstring, header, upgrade() with the body lines,
# an empty downgrade()).  DOWN is Python: None, "'r1'", "('a', 'b')".  The
# first body line is line 15 of the file.
revfile() {
  local id=$1 down=$2 doc=$3; shift 3
  {
    printf '"""%s\n\nRevision ID: %s\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n' "$doc" "$id"
    printf "revision = '%s'\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n\n\n" "$id" "$down"
    printf 'def upgrade() -> None:\n'
    for line in "$@"; do printf '    %s\n' "$line"; done
    printf '\n\ndef downgrade() -> None:\n    pass\n'
  } >"alembic/versions/$id.py"
}

# The path of the file a `retort revision` run wrote, from its output.
generated_path() { sed -n 's/^Generating \(.*\) \.\.\.  done$/\1/p' <<<"$1"; }

finish() {
  if ((failures)); then echo "$failures check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}
