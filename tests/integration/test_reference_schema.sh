#!/usr/bin/env bash
# The reference schema of issue #15 (tests/integration/reference_schema.py),
# built by SQLAlchemy's create_all, on each backend:
#   1. retort pull, then retort diff against it: no change (on PostgreSQL
#      pull reads the second schema, reporting, by include_schemas; diff
#      then reads it because the pulled models name it);
#   2. autogenerate from the pulled models on an empty database, Alembic 1.8.1
#      upgrade head: the catalog (format_type, defaults, identity, generation,
#      pg_get_constraintdef, pg_get_indexdef, pg_enum order, comments; on
#      SQLite the stored SQL and table_xinfo) is create_all's; autogenerate
#      then writes no operation; downgrade base leaves no table and no type;
#   3. the same with retort's own runner, and with the current Alembic
#      (../shared/vendor) when it is there.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-reference.XXXXXX)
trap 'rm -rf "$tmp"; BACKEND=postgresql drop_test_databases refa refb refc' EXIT
REF=(/usr/bin/python3 "$SOURCE_DIR/tests/integration/reference_schema.py")

one_backend() {   # BACKEND is set; ref_url, built_url, ref2_url name three empty databases
  local ref_url=$1 built_url=$2 ref2_url=$3 out
  new_project "$tmp/$BACKEND"
  cd "$tmp/$BACKEND"
  "${REF[@]}" create "$ref_url" || die "$BACKEND: create_all failed"
  "${REF[@]}" catalog "$ref_url" >"$tmp/ref.$BACKEND"
  # What SQLAlchemy 2.0 builds, for the current Alembic (the versions
  # differ: 1.4 writes SQLite's now() as (CURRENT_TIMESTAMP), 2.0 without
  # the parentheses)
  if have_alembic119; then
    vendor_python "${REF[@]:1}" create "$ref2_url" || die "$BACKEND: create_all of SQLAlchemy 2.0 failed"
    vendor_python "${REF[@]:1}" catalog "$ref2_url" >"$tmp/ref2.$BACKEND"
  fi
  export DATABASE_URL=$ref_url
  [ "$BACKEND" = sqlite ] || sed -i 's/^\[retort\]$/[retort]\ninclude_schemas = reporting/' alembic.ini
  out=$("$RETORT" pull --models models 2>&1) || die "$BACKEND: pull: $out"
  sed -i '/^include_schemas = reporting$/d' alembic.ini
  if [ "$BACKEND" = postgresql ]; then
    grep -qF '@@schema("reporting")' models/reporting_totals.model || fail "pull wrote no @@schema: $(ls models)"
  fi
  grep -q warning <<<"$out" && fail "$BACKEND: pull warned: $out"
  out=$("$RETORT" diff 2>&1) || fail "$BACKEND: diff after pull: $out"
  [ "$out" = "No changes detected" ] || fail "$BACKEND: diff of the pulled models: $out"
  if [ "$BACKEND" = sqlite ]; then
    # SQLite keeps no enum labels: the models may say more than pull can
    sed -i -E 's/^(  status +)String\(7\)( +)/\1JobStatus\2/' models/jobs.model
    echo 'enum JobStatus { "pending" "running" "done" }' >models/enums.model
    out=$("$RETORT" diff 2>&1) || fail "$BACKEND: diff with the enum: $out"
    [ "$out" = "No changes detected" ] || fail "$BACKEND: diff with the enum: $out"
  fi

  export DATABASE_URL=$built_url
  # migrations do not make schemas (Alembic's neither): the deployment does
  [ "$BACKEND" = sqlite ] || "${SQLQ[@]}" "$built_url" "CREATE SCHEMA reporting" >/dev/null
  out=$("$RETORT" revision --autogenerate -m reference --rev-id ref1 2>&1) || die "$BACKEND: autogenerate: $out"
  local tool
  for tool in alembic retort alembic119; do
    if [ $tool = alembic119 ] && ! have_alembic119; then echo "skip: $ALEMBIC119_MISSING"; continue; fi
    migrate_with "$tool" upgrade head || { fail "$BACKEND: $tool upgrade: $(cat "$tmp/err")"; continue; }
    "${REF[@]}" catalog "$built_url" >"$tmp/built"
    local want=$tmp/ref.$BACKEND
    [ $tool != alembic119 ] || want=$tmp/ref2.$BACKEND
    diff "$want" "$tmp/built" >"$tmp/catalog.diff" \
      || fail "$BACKEND: the catalog $tool built is not create_all's:"$'\n'"$(cat "$tmp/catalog.diff")"
    out=$("$RETORT" diff 2>&1) || fail "$BACKEND: diff after $tool: $out"
    [ "$out" = "No changes detected" ] || fail "$BACKEND: diff after $tool: $out"
    migrate_with "$tool" downgrade base || fail "$BACKEND: $tool downgrade: $(cat "$tmp/err")"
    "${REF[@]}" catalog "$built_url" >"$tmp/left"
    [ ! -s "$tmp/left" ] || fail "$BACKEND: downgrade base by $tool left:"$'\n'"$(cat "$tmp/left")"
  done
}

BACKEND=postgresql
one_backend "$(test_db_url refa)" "$(test_db_url refb)" "$(test_db_url refc)"
BACKEND=sqlite
one_backend "sqlite:///$tmp/ref.db" "sqlite:///$tmp/built.db" "sqlite:///$tmp/ref2.db"
finish
