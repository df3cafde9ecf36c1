#!/usr/bin/env bash
# Enum types (docs/model-language.md "Enum types", docs/postgresql.md "Enum
# types").  PostgreSQL: autogenerate creates the types and the tables; Alembic
# 1.8.1, the current Alembic (../shared/vendor, when there) and retort's
# runner apply it, after which autogenerate finds nothing; labels added (in
# place, outside the transaction), renamed (@renamed_from) and removed (the
# type rebuilt) keep the rows; a row holding a removed label makes the
# upgrade fail with nothing changed; --sql prints what Alembic prints;
# downgrade base leaves no type; pull -> diff is empty.  SQLite: sa.Enum is a
# VARCHAR as long as the longest label, and a longer label alters it.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-enum.XXXXXX)
BACKEND=postgresql
trap 'rm -rf "$tmp"; drop_test_databases enum' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(test_db_url enum)
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
labels() { q "SELECT coalesce(string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder), '-') FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = '$1'"; }
ntypes() { q "SELECT count(*) FROM pg_type WHERE typtype = 'e'"; }
statuses() { q "SELECT string_agg(status::text, ',' ORDER BY id) FROM job"; }
no_change() {
  local d
  d=$("$RETORT" diff 2>&1) || { fail "$1: diff: $d"; return; }
  [ "$d" = "No changes detected" ] || fail "$1: diff reports: $d"
}

cat >models/m.model <<'EOF'
enum TaskStatus {
  "pending" "running" "done"
}
enum Mood { happy "it's fine" @@name("mood_kind") }
model Job {
  id     Integer     @primary_key
  status TaskStatus  @default("pending")
  moods  ARRAY(Mood)?
}
EOF
out=$("$RETORT" revision --autogenerate -m enums --rev-id e1 2>&1) || die "autogenerate: $out"
file=$(generated_path "$out")
for py in "op.execute(\"CREATE TYPE task_status AS ENUM ('pending', 'running', 'done')\")" \
          "postgresql.ENUM('pending', 'running', 'done', name='task_status', create_type=False)" \
          "postgresql.ARRAY(postgresql.ENUM('happy', \"it's fine\", name='mood_kind', create_type=False))" \
          "op.execute('DROP TYPE task_status')"; do
  grep -qF "$py" "$file" || fail "the file has no $py: $(cat "$file")"
done

# Each tool builds the same catalog, which autogenerate then matches; its
# downgrade base leaves no type (Alembic's own autogenerate leaves them).
expected="task_status,mood_kind[]"
catalog() { q "SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'job'::regclass AND attnum > 1"; }
run_with() {
  local tool=$1
  migrate_with "$tool" upgrade head || { fail "$tool upgrade: $(cat "$tmp/err")"; return; }
  [ "$(catalog)" = "$expected" ] || fail "$tool built: $(catalog)"
  [ "$(labels mood_kind)" = "happy,it's fine" ] || fail "$tool: mood_kind is $(labels mood_kind)"
  no_change "after $tool's upgrade"
  migrate_with "$tool" downgrade base || fail "$tool downgrade: $(cat "$tmp/err")"
  [ "$(ntypes)" = 0 ] || fail "downgrade base by $tool left $(ntypes) enum types"
}
for_each_tool run_with

# --sql: what Alembic prints (the blank line after the last COMMIT aside)
diff <("$RETORT" upgrade --sql head) <("${ALEMBIC[@]}" upgrade --sql head 2>/dev/null | sed '$d') >"$tmp/sqldiff" \
  || fail "upgrade --sql differs from Alembic's: $(cat "$tmp/sqldiff")"

"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade"
q "INSERT INTO job (id, status) VALUES (1, 'done'), (2, 'running'), (3, DEFAULT)" >/dev/null

# Labels added before, between and after, and one renamed: in place.
cat >models/m.model <<'EOF'
enum TaskStatus {
  "queued" "pending" "running" "paused"
  "completed" @renamed_from("done")
  "archived"
}
enum Mood { happy "it's fine" @@name("mood_kind") }
model Job {
  id     Integer     @primary_key
  status TaskStatus  @default("pending")
  moods  ARRAY(Mood)?
}
EOF
out=$("$RETORT" revision --autogenerate -m labels --rev-id e2 2>&1) || die "autogenerate: $out"
grep -qF "Detected changed enum type 'task_status': renamed 'done' to 'completed'; added 'queued'; added 'paused'; added 'archived'" <<<"$out" \
  || fail "the change is not described: $out"
grep -qF "warning: enum type 'task_status' gains labels: its downgrade rebuilds the type without them" <<<"$out" \
  || fail "no warning about the downgrade: $out"
file=$(generated_path "$out")
body=$(sed -n '/^def upgrade/,/^def downgrade/p' "$file")
want="    with op.get_context().autocommit_block():
        op.execute(\"ALTER TYPE task_status ADD VALUE IF NOT EXISTS 'queued' BEFORE 'pending'\")
        op.execute(\"ALTER TYPE task_status ADD VALUE IF NOT EXISTS 'paused' AFTER 'running'\")
        op.execute(\"ALTER TYPE task_status ADD VALUE IF NOT EXISTS 'archived'\")
    op.execute(\"ALTER TYPE task_status RENAME VALUE 'done' TO 'completed'\")"
grep -qF "$want" <<<"$body" || fail "the upgrade is not: $want"$'\n'"$body"
v2="queued,pending,running,paused,completed,archived"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "Alembic upgrade e2: $(cat "$tmp/err")"
[ "$(labels task_status)" = "$v2" ] || fail "after e2 by Alembic: $(labels task_status)"
[ "$(statuses)" = "completed,running,pending" ] || fail "rows after e2: $(statuses)"
no_change "after e2 by Alembic"
"${ALEMBIC[@]}" downgrade -1 >/dev/null 2>"$tmp/err" || fail "Alembic downgrade e2: $(cat "$tmp/err")"
[ "$(labels task_status)" = "pending,running,done" ] || fail "after e2's downgrade: $(labels task_status)"
[ "$(statuses)" = "done,running,pending" ] || fail "rows after e2's downgrade: $(statuses)"
# retort's runner: the same, with the labels usable at once
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "retort upgrade e2: $(cat "$tmp/err")"
[ "$(labels task_status)" = "$v2" ] || fail "after e2 by retort: $(labels task_status)"
no_change "after e2 by retort"
q "INSERT INTO job (id, status) VALUES (4, 'paused')" >/dev/null

# A label removed: the type is rebuilt; a row holding it stops the upgrade.
sed -i 's/ "paused"$//' models/m.model
out=$("$RETORT" revision --autogenerate -m remove --rev-id e3 2>&1) || die "autogenerate: $out"
grep -qF "warning: enum type 'task_status' loses label 'paused': the type is rebuilt, and rows holding it make the upgrade fail" <<<"$out" \
  || fail "no warning about the removed label: $out"
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" != 0 ] || fail "the upgrade over a row holding 'paused' succeeded"
grep -q "revision e3 failed: .*invalid input value for enum task_status: \"paused\"" <<<"$out" || fail "the failure: $out"
[ "$(labels task_status)" = "$v2" ] || fail "the failed upgrade changed the type: $(labels task_status)"
[ "$(q "SELECT version_num FROM alembic_version")" = e2 ] || fail "the failed upgrade moved the version"
q "UPDATE job SET status = 'running' WHERE id = 4" >/dev/null
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "retort upgrade e3: $(cat "$tmp/err")"
[ "$(labels task_status)" = "queued,pending,running,completed,archived" ] || fail "after e3: $(labels task_status)"
[ "$(statuses)" = "completed,running,pending,running" ] || fail "rows after e3: $(statuses)"
[ "$(q "SELECT column_default FROM information_schema.columns WHERE table_name = 'job' AND column_name = 'status'")" = "'pending'::task_status" ] \
  || fail "the default was not set again"
[ "$(ntypes)" = 2 ] || fail "the rebuild left the old type"
no_change "after e3"
"$RETORT" downgrade e2 --no-backup >/dev/null 2>"$tmp/err" || fail "retort downgrade e3: $(cat "$tmp/err")"
[ "$(labels task_status)" = "$v2" ] || fail "after e3's downgrade: $(labels task_status)"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "Alembic upgrade e3: $(cat "$tmp/err")"
no_change "after e3 by Alembic"

# pull writes the enum types back
out=$("$RETORT" pull --models "$tmp/pulled" 2>&1) || fail "pull: $out"
grep -qx '  "queued" "pending" "running" "completed" "archived"' "$tmp/pulled/enums.model" \
  || fail "pulled enums: $(cat "$tmp/pulled/enums.model")"
grep -qx 'enum MoodKind {' "$tmp/pulled/enums.model" || fail "pulled enums: $(cat "$tmp/pulled/enums.model")"
grep -Eq '^  moods +ARRAY\(MoodKind\)\?$' "$tmp/pulled/job.model" || fail "pulled job: $(cat "$tmp/pulled/job.model")"
out=$("$RETORT" diff --models "$tmp/pulled" 2>&1) || fail "diff of the pulled models: $out"
[ "$out" = "No changes detected" ] || fail "diff of the pulled models: $out"

# an enum type the models no longer name is dropped after its columns
cat >models/m.model <<'EOF'
enum TaskStatus {
  "queued" "pending" "running" "completed" "archived"
}
model Job {
  id     Integer     @primary_key
  status TaskStatus  @default("pending")
}
EOF
out=$("$RETORT" diff 2>&1) || fail "diff: $out"
[ "$out" = "Detected removed column 'job.moods'
Detected removed enum type 'mood_kind'" ] || fail "dropping an enum type: $out"
"$RETORT" downgrade base --no-backup >/dev/null 2>"$tmp/err" || fail "downgrade base: $(cat "$tmp/err")"
[ "$(ntypes)" = 0 ] || fail "downgrade base left $(ntypes) enum types"

# Type changes to and from an enum carry the USING PostgreSQL needs; rows kept.
new_project "$tmp/c"
cd "$tmp/c"
export DATABASE_URL=$(test_db_url enumc)
cat >models/m.model <<'EOF'
enum TaskStatus { "pending" "running" "done" }
model Job {
  id     Integer     @primary_key
  status String(20)
  other  TaskStatus?
}
EOF
"$RETORT" revision --autogenerate -m a --rev-id c1 >/dev/null 2>&1 || die "autogenerate c1"
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade c1"
q "INSERT INTO job (id, status, other) VALUES (1, 'running', 'done')" >/dev/null
sed -i 's/^  status String(20)/  status TaskStatus/; s/^  other  TaskStatus?/  other  String(20)?/' models/m.model
out=$("$RETORT" revision --autogenerate -m b --rev-id c2 2>&1) || die "autogenerate c2: $out"
file=$(generated_path "$out")
grep -qF "postgresql_using='CAST(CAST(status AS TEXT) AS task_status)'" "$file" || fail "no USING to the enum: $(cat "$file")"
grep -qF "postgresql_using='CAST(CAST(other AS TEXT) AS VARCHAR(20))'" "$file" || fail "no USING from the enum: $(cat "$file")"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "retort upgrade c2: $(cat "$tmp/err")"
[ "$(q "SELECT status::text || ' ' || other FROM job")" = "running done" ] || fail "rows after c2"
no_change "after c2"
"${ALEMBIC[@]}" downgrade c1 >/dev/null 2>"$tmp/err" || fail "Alembic downgrade c2: $(cat "$tmp/err")"
[ "$(q "SELECT status || ' ' || other::text FROM job")" = "running done" ] || fail "rows after c2's downgrade"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "Alembic upgrade c2: $(cat "$tmp/err")"
no_change "after c2 by Alembic"

# SQLite: sa.Enum, a VARCHAR as long as the longest label
new_project "$tmp/s"
cd "$tmp/s"
export DATABASE_URL="sqlite:///$tmp/s/app.db"
cat >models/m.model <<'EOF'
enum TaskStatus { "pending" "done" }
model Job {
  id     Integer     @primary_key
  status TaskStatus  @default("pending")
}
EOF
out=$("$RETORT" revision --autogenerate -m enums --rev-id s1 2>&1) || die "SQLite autogenerate: $out"
file=$(generated_path "$out")
grep -qF "sa.Column('status', sa.Enum('pending', 'done', name='task_status'), server_default='pending', nullable=False)" "$file" \
  || fail "SQLite file: $(cat "$file")"
grep -q "CREATE TYPE\|postgresql" "$file" && fail "a SQLite file with PostgreSQL's types: $(cat "$file")"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "Alembic on SQLite: $(cat "$tmp/err")"
grep -q 'status VARCHAR(7)' <<<"$(sqlite3 app.db .schema)" || fail "SQLite column: $(sqlite3 app.db .schema)"
no_change "SQLite after Alembic"
sed -i 's/"done"/"done" "waiting_for_input"/' models/m.model
out=$("$RETORT" revision --autogenerate -m longer --rev-id s2 2>&1) || die "SQLite autogenerate: $out"
grep -qF "Detected type change from VARCHAR(7) to TaskStatus on 'job.status'" <<<"$out" || fail "longer label: $out"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "retort on SQLite: $(cat "$tmp/err")"
grep -q '"status" VARCHAR(17)\|status VARCHAR(17)' <<<"$(sqlite3 app.db .schema)" || fail "SQLite column: $(sqlite3 app.db .schema)"
no_change "SQLite after the longer label"
finish
