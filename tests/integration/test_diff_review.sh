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
