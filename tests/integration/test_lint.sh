#!/usr/bin/env bash
# retort lint (docs/lint.md): rules that fire and their safe variants, allow
# comments, the five formats (SARIF's required fields), exit codes, the
# [retort] settings, autogenerate's notes and refuse_unacknowledged.  The
# PostgreSQL rules are linted with --dialect postgresql: no server needed.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
new_project .
export DATABASE_URL="sqlite:///$tmp/lint.db"

rules() { /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted({f["rule"] for f in json.load(sys.stdin)["findings"] if not f["acknowledged"]})))'; }

# --- hand-written files: risky ops on a table of an earlier revision -------
revfile r1 None "create" \
  "op.create_table('users', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('email', sa.String(50)), sa.Column('bio', sa.Text()))" \
  "op.create_index('ix_users_email', 'users', ['email'])" \
  "op.create_unique_constraint('uq_users_bio', 'users', ['bio'])"
revfile r2 "'r1'" "risky" \
  "op.drop_column('users', 'bio')" \
  "op.add_column('users', sa.Column('role', sa.String(20), nullable=False))" \
  "op.alter_column('users', 'email', existing_type=sa.String(50), type_=sa.String(10))" \
  "op.create_index('ix_users_role', 'users', ['role'])" \
  "op.create_unique_constraint('uq_users_email', 'users', ['email'])" \
  "op.create_check_constraint('ck_users_email', 'users', 'length(email) > 0')" \
  "op.alter_column('users', 'email', new_column_name='mail')" \
  "op.rename_table('users', 'people')" \
  "op.drop_table('people')"
revfile r3 "'r2'" "safe" \
  "op.create_table('items', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('name', sa.String(50)))" \
  "op.create_index('ix_items_name', 'items', ['name'])" \
  "op.add_column('items', sa.Column('note', sa.String(20), nullable=False))" \
  "with op.batch_alter_table('items') as batch_op:" \
  "    batch_op.alter_column('name', existing_type=sa.String(50), type_=sa.String(255))" \
  "op.add_column('items', sa.Column('flag', sa.Boolean(), nullable=True))"

out=$("$RETORT" lint r1 --format json) || fail "r1 (safe: ops on the table it creates) exits 1"
[ "$(rules <<<"$out")" = "" ] || fail "r1 has findings: $(rules <<<"$out")"
set +e; out=$("$RETORT" lint r2 --format json); rc=$?; set -e
[ $rc = 1 ] || fail "r2 exits $rc, not 1"
want="compat/rename-column compat/rename-table data/add-check data/add-not-null-without-default data/add-unique data/narrow-type destructive/drop-column destructive/drop-table portability/non-batch-alter-on-sqlite sqlite/table-rebuild"
[ "$(rules <<<"$out")" = "$want" ] || fail "sqlite rules of r2: $(rules <<<"$out")"
grep -q '"line": 15,' <<<"$out" || fail "json has no line 15"
grep -q '"revision": "r2"' <<<"$out" || fail "json has no revision"
set +e; out=$("$RETORT" lint r2 --dialect postgresql --format json); rc=$?; set -e
want_pg="compat/rename-column compat/rename-table data/add-check data/add-not-null-without-default data/add-unique data/narrow-type destructive/drop-column destructive/drop-table lock/add-unique-constraint lock/alter-type-rewrite lock/create-index-not-concurrently"
[ "$(rules <<<"$out")" = "$want_pg" ] || fail "postgresql rules of r2: $(rules <<<"$out")"
# safe variants: widen a String, index a table created in the same migration
out=$("$RETORT" lint r3 --dialect postgresql --format json 2>&1) || true
[ "$(rules <<<"$out")" = "" ] || fail "r3 on postgresql has findings: $(rules <<<"$out")"

# --- text, github, markdown, sarif ----------------------------------------
set +e; text=$("$RETORT" lint r2 2>&1); rc=$?; set -e
[ $rc = 1 ] || fail "text exits $rc"
grep -q "alembic/versions/r2.py:15:5: error: destructive/drop-column: " <<<"$text" || fail "text not located: $text"
grep -q "^ 15 |     op.drop_column('users', 'bio')" <<<"$text" || fail "text has no source line"
grep -q "^    |     ^~~~~~~~~~~~~~" <<<"$text" || fail "text has no caret"
gh=$("$RETORT" lint r2 --format github) || true
grep -q "^::error file=.*r2.py,line=15,col=5,title=destructive/drop-column::column users.bio is dropped" <<<"$gh" || fail "github: $gh"
grep -q "^::warning file=.*title=compat/rename-table::" <<<"$gh" || fail "github warning"
md=$("$RETORT" lint r2 --format markdown) || true
grep -q "^| Severity | Rule | Where | What happens | What to do |" <<<"$md" || fail "markdown header"
grep -q '^| error | `destructive/drop-table` |' <<<"$md" || fail "markdown row"
"$RETORT" lint r2 --format sarif >sarif.json || true
/usr/bin/python3 - sarif.json <<'PY' || fail "sarif fields"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["version"] == "2.1.0" and s["$schema"].endswith("sarif-2.1.0.json")
run = s["runs"][0]
assert run["tool"]["driver"]["name"] == "retort"
ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
assert "destructive/drop-column" in ids and "portability/non-batch-alter-on-sqlite" in ids
assert run["results"]
for r in run["results"]:
    assert r["ruleId"] in ids and r["level"] in ("error", "warning", "note") and r["message"]["text"]
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("r2.py")
    assert loc["region"]["startLine"] >= 15 and loc["region"]["startColumn"] >= 1
PY

# --- usage ------------------------------------------------------------------
set +e
"$RETORT" lint --format yaml >/dev/null 2>&1; [ $? = 2 ] || fail "bad format is not exit 2"
"$RETORT" lint --bogus >/dev/null 2>&1; [ $? = 2 ] || fail "bad option is not exit 2"
set -e

# --- allow comments: on the op's line, above it, or above its batch block ---
revfile r4 "'r3'" "acknowledged" \
  "# retort: allow destructive/drop-column" \
  "op.drop_column('items', 'flag')" \
  "op.drop_column('items', 'note')  # retort: allow destructive" \
  "# retort: allow destructive/drop-table, portability/non-batch-alter-on-sqlite" \
  "op.drop_table('items')"
out=$("$RETORT" lint r4 --format json) || fail "acknowledged r4 exits 1"
[ "$(rules <<<"$out")" = "" ] || fail "r4 not quiet: $(rules <<<"$out")"
grep -q '"acknowledged": true' <<<"$out" || fail "json keeps acknowledged findings"
revfile r5 "'r4'" "typo" "# retort: allow destructive/drop-colum" "op.drop_table('items')"
set +e; err=$("$RETORT" lint r5 2>&1 >/dev/null); set -e
grep -q "r5.py:15:.*warning: unknown lint rule 'destructive/drop-colum' in an allow comment" <<<"$err" || fail "allow typo: $err"
grep -q "did you mean 'destructive/drop-column'" <<<"$err" || fail "allow typo hint"
rm alembic/versions/r4.py alembic/versions/r5.py

# --- [retort] settings --------------------------------------------------------
cp alembic.ini alembic.ini.orig
sed -i 's/^\[retort\]$/[retort]\nlint_ignore = destructive\/* data\/add-not-null-without-default\nlint_error = compat\/rename-table/' alembic.ini
set +e; out=$("$RETORT" lint r2 --format json); rc=$?; set -e
[ $rc = 1 ] || fail "rename-table as an error: exit $rc"
/usr/bin/python3 -c 'import json,sys; f=json.load(sys.stdin)["findings"]; assert not [x for x in f if x["rule"].startswith("destructive/")]; assert [x for x in f if x["rule"]=="compat/rename-table" and x["severity"]=="error"]' <<<"$out" || fail "lint_ignore / lint_error"
sed -i 's/^lint_error = .*/lint_error = compat\/rename-tabel/' alembic.ini
set +e; err=$("$RETORT" lint r2 2>&1 >/dev/null); rc=$?; set -e
[ $rc = 2 ] || fail "unknown rule in [retort] (a configuration error): exit $rc"
grep -q "alembic.ini:[0-9]*:14: error: unknown lint rule 'compat/rename-tabel'" <<<"$err" || fail "unknown rule not located: $err"
grep -q "did you mean 'compat/rename-table'" <<<"$err" || fail "unknown rule hint"
cp alembic.ini.orig alembic.ini

# --- default range: what the database has not applied ------------------------
rm -f alembic/versions/r2.py
sed -i "s/down_revision = 'r2'/down_revision = 'r1'/" alembic/versions/r3.py
"$RETORT" upgrade head >/dev/null
out=$("$RETORT" lint --format json) || fail "nothing pending exits 1"
[ "$(rules <<<"$out")" = "" ] || fail "applied revisions linted: $(rules <<<"$out")"

# --- autogenerate: notes above risky ops, warnings on stderr ------------------
printf 'model User {\n  id Integer @primary_key\n  email String(10)?\n  bio Text?\n  @@unique("uq_users_bio", bio)\n  @@table("users")\n}\n' >models/user.model
printf 'model Item {\n  id Integer @primary_key\n  name String(255)?\n  note String(20)\n  @@table("items")\n}\n' >models/item.model
"$RETORT" revision --autogenerate -m sync --rev-id r6 >out.txt 2>err.txt || fail "autogenerate: $(cat err.txt)"
f=$(generated_path "$(cat out.txt)")
grep -q "^ *# retort: destructive/drop-column — column items.flag is dropped" "$f" || fail "no note in $f"
grep -B2 "batch_op.drop_column('flag')" "$f" | grep -q "# retort: sqlite/table-rebuild" || fail "note is not above its op"
grep -q "^ *# retort: compat/drop-column-without-deprecation — column items.flag is dropped in one step" "$f" \
  || fail "no drop-column-without-deprecation note in $f"
grep -q "$(basename "$f"):[0-9]*:[0-9]*: warning: destructive/drop-column: " err.txt || fail "no warning: $(cat err.txt)"
set +e; "$RETORT" lint >/dev/null 2>&1; rc=$?; set -e
[ $rc = 1 ] || fail "lint of the generated file exits $rc"
# refuse_unacknowledged stops upgrade before anything runs
sed -i 's/^\[retort\]$/[retort]\nrefuse_unacknowledged = destructive/' alembic.ini
set +e; err=$("$RETORT" upgrade head 2>&1); rc=$?; set -e
[ $rc = 1 ] || fail "refused upgrade exits $rc"
grep -q "error: refused (refuse_unacknowledged): destructive/drop-column" <<<"$err" || fail "refusal: $err"
[ "$("$RETORT" current 2>/dev/null)" = "r3" ] || fail "the refused upgrade moved the database"
sed -i "s/^\(        batch_op.drop_column('flag')\)$/        # retort: allow destructive\/drop-column\n\1/" "$f"
"$RETORT" upgrade head >/dev/null 2>&1 || fail "acknowledged upgrade refused"
# no findings: the file is as before (no notes)
printf 'model Item {\n  id Integer @primary_key\n  name String(255)?\n  note String(20)\n  extra String(5)?\n  @@table("items")\n}\n' >models/item.model
"$RETORT" revision --autogenerate -m quiet --rev-id r7 >out.txt 2>err.txt || fail "autogenerate r7"
f=$(generated_path "$(cat out.txt)")
if grep -q "# retort:" "$f"; then fail "notes without findings"; fi
[ ! -s err.txt ] || fail "warnings without findings: $(cat err.txt)"
# a file the migration reader does not read: a located warning, the others linted
revfile r8 "'r7'" "unreadable" "conn = op.get_bind()"
out=$("$RETORT" lint r7:r8 2>&1) || true
grep -q "r8.py:15:.*warning: revision r8 is not linted: retort cannot run op.get_bind()" <<<"$out" \
  || fail "no located warning for an unreadable file: $out"
md=$("$RETORT" show r8 --format markdown) || fail "show r8 --format markdown"
grep -q "^retort's migration reader does not read this file (line 15: retort cannot run op.get_bind()): review it by hand.$" \
  <<<"$md" || fail "show markdown of an unreadable file: $md"
rm alembic/versions/r8.py

# --- PostgreSQL, through autogenerate: an enum type losing a label ----------
# (a file's op.execute("ALTER TYPE ...") is raw SQL to the reader, so the
# ALTER_ENUM op only comes from the differ against a real database)
if [ -n "${RETORT_TEST_PG_URL:-}" ]; then
  pgdb="retort_lintpg_$$"
  trap 'rm -rf "$tmp"; drop_pg_database "$pgdb"' EXIT
  new_project "$tmp/pg"
  cd "$tmp/pg"
  export DATABASE_URL=$(new_pg_database "$pgdb")
  printf 'enum JobStatus {\n  "new" "running" "done" "failed"\n}\nmodel Job {\n  id Integer @primary_key\n  status JobStatus?\n  note Text?\n}\n' >models/m.model
  out=$("$RETORT" revision --autogenerate -m init --rev-id p1 2>&1) || die "pg autogenerate p1: $out"
  if grep -q "retort: destructive/drop-enum-value" "$(generated_path "$out")"; then fail "p1 (new type) has a drop-enum-value note"; fi
  "$RETORT" upgrade head --no-backup >/dev/null 2>&1 || die "pg upgrade p1"
  # safe variant: a label added
  sed -i 's/"failed"$/"failed" "queued"/' models/m.model
  out=$("$RETORT" revision --autogenerate -m add --rev-id p2 2>&1) || die "pg autogenerate p2: $out"
  f=$(generated_path "$out")
  if grep -q "retort: destructive/drop-enum-value" "$f"; then fail "an added label has a drop-enum-value note: $(cat "$f")"; fi
  if grep -q "destructive/drop-enum-value" <<<"$out"; then fail "an added label warns: $out"; fi
  "$RETORT" upgrade head --no-backup >/dev/null 2>&1 || die "pg upgrade p2"
  # a label removed, and note made NOT NULL, on a table the planner knows has 3 rows
  "${SQLQ[@]}" "$DATABASE_URL" "INSERT INTO job (id, note) VALUES (1, 'a'), (2, 'b'), (3, 'c')" >/dev/null
  "${SQLQ[@]}" "$DATABASE_URL" "ANALYZE job" >/dev/null
  sed -i 's/ "failed"//; s/note Text?/note Text/' models/m.model
  set +e; out=$("$RETORT" revision --autogenerate -m remove --rev-id p3 2>&1); set -e
  f=$(generated_path "$out")
  [ -n "$f" ] || die "pg autogenerate p3: $out"
  grep -q "^ *# retort: destructive/drop-enum-value — enum type job_status loses failed" "$f" \
    || fail "no drop-enum-value note in p3: $(cat "$f")"
  grep -q "warning: destructive/drop-enum-value: \|error: destructive/drop-enum-value: " <<<"$out" || fail "no drop-enum-value on the terminal: $out"
  grep -q "^ *# retort: data/set-not-null — job.note becomes NOT NULL" "$f" || fail "no set-not-null note in p3: $(cat "$f")"
  grep -q "^ *# retort: lock/set-not-null-scan — SET NOT NULL on job.note" "$f" || fail "no set-not-null-scan note in p3"
  grep -q "^ *# retort: lock/set-not-null-scan — .*(table job: about 3 rows)" "$f" \
    || fail "the note does not say the planner's row estimate: $(grep 'set-not-null-scan' "$f")"
  # read back from the file, the enum change is op.execute (raw SQL): lint
  # sees the set-not-null warnings only, and exits 0
  lout=$("$RETORT" lint --format json) || fail "lint of p3 exits 1"
  grep -q '"rule": "lock/set-not-null-scan"' <<<"$lout" || fail "lint of p3 on postgresql: $lout"
  cd "$tmp"
else
  echo "skip: PostgreSQL part of test_lint (RETORT_TEST_PG_URL is not set)"
fi

finish
