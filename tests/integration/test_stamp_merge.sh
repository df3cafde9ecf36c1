#!/usr/bin/env bash
# retort stamp and retort merge, checked by real Alembic 1.8.1: what stamp
# writes into alembic_version (head, base, a revision, several revisions,
# --purge; the table exactly as Alembic creates it) is what `alembic
# current` then reads; `stamp --sql` prints Alembic's script; a merge file
# written by retort is one Alembic lists as the single head and upgrades
# onto.  SQLite and PostgreSQL (RETORT_TEST_PG_URL; the test fails without
# it unless RETORT_ALLOW_NO_PG=1).
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-stamp.XXXXXX)
pgdb=retort_stamp_$$
trap 'rm -rf "$tmp"; if [[ -n "${RETORT_TEST_PG_URL:-}" ]]; then drop_pg_database "$pgdb"; fi' EXIT

alembic_current() { "${ALEMBIC[@]}" current 2>/dev/null | sort; }

# expect_current LABEL LINES: `alembic current` prints LINES (sorted).
expect_current() {
  local got
  got=$(alembic_current | tr '\n' '|')
  [[ "$got" == "$2" ]] || fail "$1: alembic current is '$got', expected '$2'"
}

scenario() {
  local backend=$1 dir=$tmp/$1
  new_project "$dir"
  cd "$dir"
  echo "== $backend"
  "$RETORT" revision -m "one" --rev-id aaaa00000001 >/dev/null
  "$RETORT" revision -m "two" --rev-id bbbb00000002 >/dev/null
  "$RETORT" revision -m "side" --rev-id cccc00000003 --head aaaa00000001 --splice --branch-label side >/dev/null
  "$RETORT" revision -m "three" --rev-id dddd00000004 --head bbbb00000002 >/dev/null

  # stamp on a database without alembic_version creates it as Alembic does
  "$RETORT" stamp aaaa00000001 || fail "stamp aaaa"
  expect_current "$backend stamp rev" "aaaa00000001 (branchpoint)|"
  if [[ $backend == sqlite ]]; then
    schema=$(/usr/bin/sqlite3 "$tmp/sqlite/app.db" ".schema alembic_version")
    [[ "$schema" == *"version_num VARCHAR(32) NOT NULL"* && "$schema" == *"CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)"* ]] ||
      fail "alembic_version schema: $schema"
  else
    pk=$("${SQLQ[@]}" "$DATABASE_URL" "SELECT conname FROM pg_constraint WHERE conrelid = 'alembic_version'::regclass" 2>/dev/null || true)
    [[ "$pk" == *alembic_version_pkc* ]] || fail "alembic_version primary key: $pk"
  fi
  # Each stamp, then what Alembic reads (the rows Alembic's own stamp
  # leaves for the same sequence; recorded from alembic 1.8.1).
  local steps=(
    "bbbb00000002 cccc00000003=bbbb00000002|cccc00000003 (head)|"
    "heads=dddd00000004 (head)|"
    "aaaa00000001=aaaa00000001 (branchpoint)|"
    "side@head=cccc00000003 (head)|"
    "bbbb00000002=bbbb00000002|cccc00000003 (head)|"
    "dddd00000004=cccc00000003 (head)|dddd00000004 (head)|"
    "base="
    "heads=cccc00000003 (head)|dddd00000004 (head)|"
  )
  for step in "${steps[@]}"; do
    local target=${step%%=*} want=${step#*=}
    # shellcheck disable=SC2086
    "$RETORT" stamp $target || fail "$backend stamp $target"
    expect_current "$backend stamp $target" "$want"
  done
  # several heads: "head" is refused with Alembic's stamp message
  if out=$("$RETORT" stamp head 2>&1); then fail "stamp head with two heads succeeded"; fi
  grep -q "Multiple heads are present; please specify a single target revision" <<<"$out" || fail "stamp head message: $out"
  # --purge: a row naming no revision is cleared first
  "${SQLQ[@]}" "$DATABASE_URL" "INSERT INTO alembic_version VALUES ('gone00000000')" >/dev/null 2>&1 ||
    /usr/bin/sqlite3 "$tmp/sqlite/app.db" "INSERT INTO alembic_version VALUES ('gone00000000')"
  if out=$("$RETORT" stamp heads 2>&1); then fail "stamp with an unknown row succeeded"; fi
  grep -q "Can't locate revision identified by 'gone00000000'" <<<"$out" || fail "unknown row message: $out"
  "$RETORT" stamp --purge aaaa00000001 || fail "stamp --purge"
  expect_current "$backend stamp purge" "aaaa00000001 (branchpoint)|"
  "$RETORT" current >/dev/null || fail "retort current after purge"

  # --sql prints Alembic's script
  for range in "aaaa00000001:dddd00000004" "dddd00000004:base" "heads"; do
    want=$("${ALEMBIC[@]}" stamp "$range" --sql 2>/dev/null) || fail "alembic stamp $range --sql"
    got=$("$RETORT" stamp "$range" --sql) || fail "retort stamp $range --sql"
    [[ "$want" == "$got" ]] || { fail "$backend stamp $range --sql differs"; diff <(echo "$want") <(echo "$got") >&2 || true; }
  done
  if out=$("$RETORT" stamp head --sql --purge 2>&1); then fail "--sql --purge accepted"; fi
  grep -q "Can't use --purge with --sql mode" <<<"$out" || fail "--sql --purge message: $out"

  # merge: the two heads become one; Alembic agrees and upgrades onto it
  "$RETORT" stamp --purge cccc00000003 dddd00000004 >/dev/null
  before=$(ls alembic/versions | wc -l)
  if out=$("$RETORT" merge heads -m "x" --rev-id aaaa00000001 2>&1); then fail "merge with an existing id succeeded"; fi
  [[ $(ls alembic/versions | wc -l) == "$before" ]] || fail "a refused merge wrote a file"
  "$RETORT" merge heads -m "merge heads" --rev-id eeee00000005 >/dev/null || fail "merge"
  f=$(ls alembic/versions/*eeee00000005*.py)
  # "heads" lists them in directory order, as `alembic merge heads` does
  grep -Eq "^down_revision = \('(cccc00000003', 'dddd00000004|dddd00000004', 'cccc00000003)'\)$" "$f" ||
    fail "merge down_revision: $(grep down_revision "$f")"
  grep -Eq "^Revises: (cccc00000003, dddd00000004|dddd00000004, cccc00000003)$" "$f" || fail "merge docstring"
  grep -q "^branch_labels = None$" "$f" || fail "merge branch_labels"
  [[ "$("${ALEMBIC[@]}" heads 2>/dev/null)" == "eeee00000005 (side) (head)" ]] || fail "alembic heads after merge"
  [[ "$("$RETORT" heads)" == "eeee00000005 (side) (head)" ]] || fail "retort heads after merge"
  "${ALEMBIC[@]}" upgrade head 2>/dev/null || fail "$backend alembic upgrade head onto the merge"
  expect_current "$backend after merge" "eeee00000005 (head) (mergepoint)|"
  [[ "$("$RETORT" current)" == "eeee00000005 (head) (mergepoint)" ]] || fail "retort current at the merge"
  # and back below the merge: both rows.  (Alembic 1.8.1 and 1.19 update the
  # moved row a second time and stop with a KeyError, one row written.)
  "$RETORT" stamp cccc00000003 dddd00000004 || fail "stamp under the merge"
  expect_current "$backend unmerged" "cccc00000003|dddd00000004|"
  "$RETORT" stamp head || fail "stamp head onto the merge"
  expect_current "$backend stamp merge" "eeee00000005 (head) (mergepoint)|"
  # revision --depends-on keeps a label as written; Alembic reads it
  "$RETORT" revision -m "needs side" --rev-id ffff00000006 --depends-on side >/dev/null || fail "--depends-on"
  grep -q "^depends_on = 'side'$" alembic/versions/*ffff00000006*.py || fail "depends_on not written as the label"
  [[ "$("${ALEMBIC[@]}" show ffff00000006 2>/dev/null | sed -n 3p)" == "Also depends on: side" ]] ||
    fail "alembic does not read depends_on"
  "$RETORT" revision -m "needs b" --rev-id 0000aaaa0007 --depends-on bbbb >/dev/null || fail "--depends-on prefix"
  grep -q "^depends_on = 'bbbb00000002'$" alembic/versions/*0000aaaa0007*.py || fail "depends_on prefix not resolved"
  # a merge with a branch label, in a project of its own
  new_project "$dir/labelled"
  cd "$dir/labelled"
  "$RETORT" revision -m a --rev-id a1a1a1a1a1a1 >/dev/null
  "$RETORT" revision -m b --rev-id b1b1b1b1b1b1 >/dev/null
  "$RETORT" revision -m c --rev-id c1c1c1c1c1c1 --head a1a1a1a1a1a1 --splice >/dev/null
  "$RETORT" merge heads -m "join" --rev-id d1d1d1d1d1d1 --branch-label trunk >/dev/null || fail "labelled merge"
  grep -q "^branch_labels = ('trunk',)$" alembic/versions/*d1d1d1d1d1d1*.py || fail "merge branch_labels"
  [[ "$("${ALEMBIC[@]}" heads 2>/dev/null)" == "d1d1d1d1d1d1 (trunk) (head)" ]] || fail "alembic heads after labelled merge"
  [[ "$("$RETORT" heads)" == "d1d1d1d1d1d1 (trunk) (head)" ]] || fail "retort heads after labelled merge"
  cd "$SOURCE_DIR"
}

mkdir -p "$tmp/sqlite"
export DATABASE_URL="sqlite:///$tmp/sqlite/app.db"
scenario sqlite

if [[ -z "${RETORT_TEST_PG_URL:-}" ]]; then
  if [[ "${RETORT_ALLOW_NO_PG:-}" == 1 ]]; then
    echo "PostgreSQL skipped (RETORT_ALLOW_NO_PG=1)"
  else
    fail "RETORT_TEST_PG_URL is not set (set RETORT_ALLOW_NO_PG=1 to skip PostgreSQL)"
  fi
else
  export DATABASE_URL=$(new_pg_database "$pgdb")
  scenario postgresql
fi
finish
