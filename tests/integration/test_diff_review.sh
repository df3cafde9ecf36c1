#!/usr/bin/env bash
# What `retort diff` gives a reviewer (docs/commands.md "retort diff"):
# --json carries the old and new value of every altered attribute of an
# alter_column, and what an added or dropped column is; --format markdown
# is a pull-request comment (per table, the findings, the SQL per backend).
# SQLite, no server needed.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
new_project .
export DATABASE_URL="sqlite:///$tmp/app.db"

cat >models/app.model <<'M'
model Item {
  id     Integer      @primary_key
  name   String(50)?
  status String(20)   @default("new")
  note   Text?        @comment("old comment")
  legacy Integer?
}
M
out=$("$RETORT" revision --autogenerate -m init --rev-id d1 2>&1) || die "autogenerate d1: $out"
"$RETORT" upgrade head --no-backup >/dev/null 2>&1 || die "upgrade d1"

cat >models/app.model <<'M'
model Item {
  id     Integer      @primary_key
  name   String(100)
  status String(20)   @default("open")
  note   Text?        @comment("new comment")
  added  Boolean      @default(false)
}
M

# --- diff --json: old and new values -------------------------------------
out=$("$RETORT" diff --json) || fail "diff --json exits $?"
/usr/bin/python3 - "$out" <<'PY' || fail "diff --json values: $out"
import json, sys
ops = json.loads(sys.argv[1])["operations"]
by = {}
for o in ops:
    by.setdefault((o["op"], o.get("column")), []).append(o)
def alter(col):
    return {k: v for o in by[("alter_column", col)] for k, v in o["changes"].items()}
name = alter("name")
assert name["type"] == {"from": "String(50)", "to": "String(100)"}, name
assert name["nullable"] == {"from": True, "to": False}, name
status = alter("status")
assert status["server_default"] == {"from": "'new'", "to": "'open'"}, status
assert "type" not in status and "nullable" not in status, status
# (SQLite keeps no comments: the comment change is checked on PostgreSQL below)
assert ("alter_column", "note") not in by, by
added = by[("add_column", "added")][0]
assert added["type"] == "Boolean" and added["nullable"] is False and added["server_default"] == "false", added
assert added["comment"] is None, added
dropped = by[("drop_column", "legacy")][0]
assert dropped["type"] == "Integer" and dropped["nullable"] is True and dropped["server_default"] is None, dropped
for o in ops:
    assert o["description"].startswith("Detected"), o
PY

# --- diff --format markdown: a pull-request comment ------------------------
set +e; md=$("$RETORT" diff --format markdown --exit-code); rc=$?; set -e
[ $rc = 3 ] || fail "markdown with --exit-code exits $rc"
grep -qx "## Migration summary" <<<"$md" || fail "markdown title: $md"
grep -q "^[0-9]* changes on 1 table; [0-9]* lint findings, \*\*1 unacknowledged error\*\*" <<<"$md" || fail "markdown counts: $md"
grep -qx '### Table `item`' <<<"$md" || fail "markdown table heading"
grep -qxF -e "- Detected type change from VARCHAR(50) to String(100) on 'item.name'" <<<"$md" || fail "markdown change line: $md"
grep -qxF -e "- Detected NOT NULL on column 'item.name'" <<<"$md" || fail "markdown: an alter's second line"
grep -qx "| Severity | Rule | What happens | What to do |" <<<"$md" || fail "markdown findings header"
grep -q '^| \*\*error\*\* | `destructive/drop-column` | column item.legacy is dropped' <<<"$md" || fail "markdown error row"
grep -q '^| warning | `compat/drop-column-without-deprecation` |' <<<"$md" || fail "markdown warning row"
grep -qx "<summary>SQL for SQLite (the database)</summary>" <<<"$md" || fail "markdown sqlite details"
grep -qx "<summary>SQL for PostgreSQL</summary>" <<<"$md" || fail "markdown postgresql details"
# each backend's SQL in its own block: SQLite moves and copies, PostgreSQL alters
sqlite_sql=$(sed -n '/SQL for SQLite/,/<\/details>/p' <<<"$md")
pg_sql=$(sed -n '/SQL for PostgreSQL/,/<\/details>/p' <<<"$md")
grep -q "^INSERT INTO _alembic_tmp_item " <<<"$sqlite_sql" || fail "sqlite SQL: $sqlite_sql"
grep -qx "ALTER TABLE item DROP COLUMN legacy;" <<<"$pg_sql" || fail "postgresql SQL: $pg_sql"
grep -qx "ALTER TABLE item ALTER COLUMN name SET NOT NULL;" <<<"$pg_sql" || fail "postgresql SQL: $pg_sql"
[ "$(grep -c '^```' <<<"$md")" = 4 ] || fail "markdown fences do not pair"
# acknowledged findings are marked, not hidden; severities follow [retort]
sed -i 's/^\[retort\]$/[retort]\nlint_ignore = compat\/drop-column-without-deprecation/' alembic.ini
md=$("$RETORT" diff --format=markdown) || fail "markdown exits $?"
if grep -q "compat/drop-column-without-deprecation" <<<"$md"; then fail "lint_ignore not applied to markdown"; fi
# usage, and no changes
set +e; "$RETORT" diff --format yaml >/dev/null 2>&1; rc=$?; set -e
[ $rc = 2 ] || fail "diff --format yaml exits $rc"
"$RETORT" revision --autogenerate -m sync --rev-id d2 >/dev/null 2>&1 || fail "autogenerate d2"
"$RETORT" upgrade head --no-backup >/dev/null 2>&1 || fail "upgrade d2"
md=$("$RETORT" diff --format markdown) || fail "markdown without changes exits $?"
[ "$md" = $'## Migration summary\n\nNo changes detected.' ] || fail "markdown without changes: $md"

# --- show REV --format markdown: a revision file, located findings, its SQL --
md=$("$RETORT" show d2 --format markdown) || fail "show --format markdown exits $?"
grep -qx '## Revision `d2`: sync' <<<"$md" || fail "show markdown heading: $md"
grep -q '^File `.*d2_sync.py`; down_revision `d1`.$' <<<"$md" || fail "show markdown file line"
grep -qx '### Table `item`' <<<"$md" || fail "show markdown table heading"
grep -qxF -e "- Detected removed column 'item.legacy'" <<<"$md" || fail "show markdown change line: $md"
grep -q '^| \*\*error\*\* | `destructive/drop-column` | line [0-9]*: column item.legacy is dropped' <<<"$md" \
  || fail "show markdown located error row: $md"
grep -qx "<summary>SQL for SQLite (retort upgrade --sql)</summary>" <<<"$md" || fail "show markdown details"
# the other backend's SQL too, rendered offline (no PostgreSQL server is opened)
pg_show=$(sed -n '/SQL for PostgreSQL (retort upgrade --sql)/,/<\/details>/p' <<<"$md")
grep -q '^ALTER TABLE item DROP COLUMN legacy;$' <<<"$pg_show" || fail "show markdown PostgreSQL SQL: $pg_show"
grep -qx -- "-- Running upgrade d1 -> d2" <<<"$md" || fail "show markdown SQL: $md"
grep -q "^UPDATE alembic_version SET version_num='d2'" <<<"$md" || fail "show markdown SQL version row"
# an allow comment: the finding is marked acknowledged, the error count drops
f=$(ls alembic/versions/*d2_sync.py)
sed -i "s/^\(        batch_op.drop_column('legacy')\)$/        # retort: allow destructive\/drop-column\n\1/" "$f"
md=$("$RETORT" show d2 --format markdown) || fail "show --format markdown exits $?"
grep -q '^| \*\*error\*\* (acknowledged) | `destructive/drop-column` |' <<<"$md" || fail "show markdown acknowledged: $md"
if grep -q "unacknowledged error" <<<"$md"; then fail "acknowledged error still counted"; fi
# the text form is unchanged; a bad format is usage
"$RETORT" show d2 | grep -q "^Rev: d2 (head)$" || fail "show text form"
set +e; "$RETORT" show d2 --format yaml >/dev/null 2>&1; rc=$?; set -e
[ $rc = 2 ] || fail "show --format yaml exits $rc"

# --- PostgreSQL: comments (SQLite keeps none) --------------------------------
if [ -n "${RETORT_TEST_PG_URL:-}" ]; then
  pgdb="retort_diffreview_$$"
  trap 'rm -rf "$tmp"; drop_pg_database "$pgdb"' EXIT
  new_project "$tmp/pg"
  cd "$tmp/pg"
  export DATABASE_URL=$(new_pg_database "$pgdb")
  printf 'model Item {\n  id Integer @primary_key\n  note Text? @comment("old comment")\n  qty Integer?\n}\n' >models/app.model
  out=$("$RETORT" revision --autogenerate -m init --rev-id p1 2>&1) || die "pg autogenerate: $out"
  "$RETORT" upgrade head --no-backup >/dev/null 2>&1 || die "pg upgrade"
  printf 'model Item {\n  id Integer @primary_key\n  note Text?\n  qty BigInteger? @comment("how many")\n}\n' >models/app.model
  out=$("$RETORT" diff --json) || fail "pg diff --json exits $?"
  /usr/bin/python3 - "$out" <<'PY' || fail "pg diff --json values: $out"
import json, sys
ops = {o["column"]: o for o in json.loads(sys.argv[1])["operations"] if o["op"] == "alter_column"}
assert ops["note"]["changes"] == {"comment": {"from": "old comment", "to": None}}, ops["note"]
assert ops["qty"]["changes"]["comment"] == {"from": None, "to": "how many"}, ops["qty"]
assert ops["qty"]["changes"]["type"] == {"from": "Integer", "to": "BigInteger"}, ops["qty"]
PY
  cd "$tmp"
else
  echo "skip: PostgreSQL part of test_diff_review (RETORT_TEST_PG_URL is not set)"
fi

finish
