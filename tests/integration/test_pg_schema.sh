#!/usr/bin/env bash
# [retort] schema = app on PostgreSQL (docs/postgresql.md "The schema that
# is read"): every command uses that schema — the runner creates the tables
# and alembic_version there, a second upgrade finds them, autogenerate reads
# them — and so does Alembic through the shipped env.py; a schema that does
# not exist is an error whose hint is the CREATE SCHEMA to run.  The
# server's own search_path does not matter.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-pg-schema.XXXXXX)
BACKEND=postgresql
trap 'rm -rf "$tmp"; drop_test_databases pg_schema' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(new_pg_database "retort_pg_schema_$$")
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
sed -i 's/^schema = .*/schema = app/' alembic.ini
cp "$SOURCE_DIR"/models/*.model models/
where() { q "SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ',' ORDER BY c.relname), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname IN ('public', 'app')"; }

# a missing schema: refused, nothing created
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" != 0 ] || fail "upgrade into a missing schema succeeded"
grep -q 'the PostgreSQL schema "app" (\[retort\] schema) does not exist' <<<"$out" || fail "no error for the missing schema: $out"
grep -q "hint: create it first: CREATE SCHEMA app" <<<"$out" || fail "no hint: $out"
[ -z "$(where)" ] || fail "tables were created: $(where)"

q "CREATE SCHEMA app" >/dev/null
# a role whose default search_path points elsewhere changes nothing
dbname=${DATABASE_URL##*/}
q "ALTER DATABASE \"$dbname\" SET search_path = public" >/dev/null
out=$("$RETORT" revision --autogenerate -m init --rev-id s1 2>&1) || die "autogenerate: $out"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || die "upgrade: $(cat "$tmp/err")"
expected="app.alembic_version,app.chart_configs,app.datasets,app.import_tasks,app.user_preferences"
[ "$(where)" = "$expected" ] || fail "retort's runner created: $(where)"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "a second upgrade: $(cat "$tmp/err")"
[ "$("$RETORT" current 2>/dev/null)" = "s1 (head)" ] || fail "current: $("$RETORT" current 2>&1)"
out=$("$RETORT" diff 2>&1) || fail "diff: $out"
[ "$out" = "No changes detected" ] || fail "diff in the schema: $out"

# Alembic, through the shipped env.py, uses the same schema
"$RETORT" downgrade base --no-backup >/dev/null 2>"$tmp/err" || fail "downgrade: $(cat "$tmp/err")"
[ "$(where)" = "app.alembic_version" ] || fail "after the downgrade: $(where)"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "alembic upgrade: $(cat "$tmp/err")"
[ "$(where)" = "$expected" ] || fail "Alembic created: $(where)"
[ "$("$RETORT" current 2>/dev/null)" = "s1 (head)" ] || fail "current after Alembic: $("$RETORT" current 2>&1)"
out=$("$RETORT" diff 2>&1) || fail "diff after Alembic: $out"
[ "$out" = "No changes detected" ] || fail "diff after Alembic: $out"
finish
