#!/usr/bin/env bash
# Several PostgreSQL schemas (docs/postgresql.md "The schemas that are
# read", docs/model-language.md @@schema).  Models in the default schema and
# in `audit`, an enum type in `audit`, foreign keys both ways and two tables
# called `events` (one per schema, each with an index of the same name):
# autogenerate writes schema= everywhere; Alembic 1.8.1, the current Alembic
# and retort's runner build the same catalog, after which autogenerate finds
# nothing, and downgrade base leaves nothing in either schema; --sql prints
# what Alembic prints; check --offline agrees and verify passes on an empty
# database (with the schema made beforehand, as a deployment makes it).  A table moved to `audit` (and renamed) keeps its
# rows, up and down.  A schema no model names is not read unless
# include_schemas says so; pull -> diff is empty with include_schemas.  A
# project whose default schema is `app`.  SQLite refuses @@schema and
# include_schemas at their lines.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-schemas.XXXXXX)
BACKEND=postgresql
trap 'rm -rf "$tmp"; drop_test_databases schemas schemas_app schemas_verify' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(test_db_url schemas)
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
no_change() {
  local d
  d=$("$RETORT" diff 2>&1) || { fail "$1: diff: $d"; return; }
  [ "$d" = "No changes detected" ] || fail "$1: diff reports: $d"
}
# every table, "schema.table", of the two schemas
tables() { q "SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ',' ORDER BY n.nspname, c.relname), '-') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname IN ('public', 'audit') AND c.relname NOT IN ('alembic_version', 'retort_migrations')"; }
fks() { q "SELECT coalesce(string_agg(conrelid::regclass || '->' || confrelid::regclass, ',' ORDER BY conrelid::regclass::text), '-') FROM pg_constraint WHERE contype = 'f'"; }
ntypes() { q "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND n.nspname IN ('public', 'audit')"; }

q "CREATE SCHEMA audit" >/dev/null
cat >models/m.model <<'EOF'
enum Level { "low" "high" @@schema("audit") }

model User {
  id    Integer     @primary_key
  email String(200) @index
}

model Event {
  id         Integer @primary_key
  created_at DateTime
  @@table("events")
  @@index("ix_events_created_at", created_at)
}

model AuditEvent {
  id      Integer @primary_key
  user_id Integer @foreign_key("user.id", ondelete="CASCADE")
  level   Level   @default("low")
  created_at DateTime
  @@table("events")
  @@schema("audit")
  @@index("ix_events_created_at", created_at)
}

model Log {
  id       Integer @primary_key
  event_id Integer @foreign_key("audit.events.id")
  @@table("logs")
}
EOF
out=$("$RETORT" revision --autogenerate -m schemas --rev-id s1 2>&1) || die "autogenerate: $out"
file=$(generated_path "$out")
for want in "Detected added table 'audit.events'" "Detected added enum type 'audit.level' ('low', 'high')"; do
  grep -qF "$want" <<<"$out" || fail "autogenerate did not say $want: $out"
done
for py in "op.execute(\"CREATE TYPE audit.level AS ENUM ('low', 'high')\")" \
          "postgresql.ENUM('low', 'high', name='level', schema='audit', create_type=False)" \
          "schema='audit'" \
          "with op.batch_alter_table('events', schema='audit') as batch_op:" \
          "sa.ForeignKeyConstraint(['event_id'], ['audit.events.id'], name='logs_event_id_fkey')" \
          "op.drop_table('events', schema='audit')" \
          "op.execute('DROP TYPE audit.level')"; do
  grep -qF "$py" "$file" || fail "the file has no $py: $(cat "$file")"
done

expected_tables="audit.events,public.events,public.logs,public.user"
expected_fks="audit.events->\"user\",logs->audit.events"
run_with() {
  local tool=$1
  migrate_with "$tool" upgrade head || { fail "$tool upgrade: $(cat "$tmp/err")"; return; }
  [ "$(tables)" = "$expected_tables" ] || fail "$tool built the tables $(tables)"
  [ "$(fks)" = "$expected_fks" ] || fail "$tool built the foreign keys $(fks)"
  [ "$(q "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'audit.events'::regclass AND attname = 'level'")" = audit.level ] \
    || fail "$tool: audit.events.level is not audit.level"
  no_change "after $tool's upgrade"
  migrate_with "$tool" downgrade base || fail "$tool downgrade: $(cat "$tmp/err")"
  [ "$(tables)" = - ] || fail "downgrade base by $tool left $(tables)"
  [ "$(ntypes)" = 0 ] || fail "downgrade base by $tool left $(ntypes) enum types"
}
for_each_tool run_with

# --sql: what Alembic prints (the blank line after the last COMMIT aside)
diff <("$RETORT" upgrade --sql head) <("${ALEMBIC[@]}" upgrade --sql head 2>/dev/null | sed '$d') >"$tmp/sqldiff" \
  || fail "upgrade --sql differs from Alembic's: $(cat "$tmp/sqldiff")"

offline_ok() {
  local o
  o=$("$RETORT" check --offline 2>&1) || fail "$1: check --offline: $o"
}
offline_ok "the first revision"
verify_url=$(test_db_url schemas_verify)
"${SQLQ[@]}" "$verify_url" "CREATE SCHEMA audit" >/dev/null
verify_ok() {
  local o
  o=$("$RETORT" verify --url "$verify_url" 2>&1) || fail "$1: verify: $o"
  [ "$("${SQLQ[@]}" "$verify_url" "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'audit') AND c.relkind = 'r'")" = 0 ] \
    || fail "$1: verify left tables behind"
}
verify_ok "the first revision"

# A table moved to audit and renamed, with a label added: rows stay, both ways.
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade"
q "INSERT INTO \"user\" (id, email) VALUES (1, 'a'); INSERT INTO audit.events (id, user_id, created_at) VALUES (1, 1, now()); INSERT INTO logs (id, event_id) VALUES (7, 1)" >/dev/null
sed -i 's/@@table("logs")/@@table("log_entries")\n  @@schema("audit")\n  @@renamed_from("public.logs")/; s/"low" "high"/"low" "mid" "high"/' models/m.model
out=$("$RETORT" revision --autogenerate -m move --rev-id s2 2>&1) || die "autogenerate the move: $out"
file=$(generated_path "$out")
grep -qF "Detected table 'logs' moved to schema 'audit'" <<<"$out" || fail "the move was not detected: $out"
grep -qF "Detected renamed table 'audit.logs' to 'audit.log_entries'" <<<"$out" || fail "the rename was not detected: $out"
grep -qF "op.execute('ALTER TABLE public.logs SET SCHEMA audit')" "$file" || fail "no SET SCHEMA: $(cat "$file")"
grep -qF "op.execute('ALTER TABLE audit.logs SET SCHEMA public')" "$file" || fail "no SET SCHEMA back: $(cat "$file")"
grep -q "drop_table\|create_table" "$file" && fail "the move drops or creates a table: $(cat "$file")"
grep -qF "compat/rename-table" <<<"$out" || fail "lint said nothing of the move: $out"
for tool in retort alembic; do
  migrate_with "$tool" upgrade head || { fail "$tool upgrade of the move: $(cat "$tmp/err")"; continue; }
  [ "$(q "SELECT id FROM audit.log_entries")" = 7 ] || fail "$tool: the row did not move: $(tables)"
  no_change "after $tool moved the table"
  migrate_with "$tool" downgrade -1 || { fail "$tool downgrade of the move: $(cat "$tmp/err")"; continue; }
  [ "$(q "SELECT id FROM public.logs")" = 7 ] || fail "$tool: the row did not move back: $(tables)"
done
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade after the move"
offline_ok "the move"
verify_ok "the move"
out=$("$RETORT" lint s2 2>&1) || true
grep -qF "table public.logs moves to schema audit" <<<"$out" || fail "retort lint on the file: $out"

# A schema the models do not name is not read; include_schemas reads it.
q "CREATE SCHEMA other; CREATE TABLE other.stray (id integer PRIMARY KEY)" >/dev/null
no_change "with a stray table in another schema"
sed -i 's/^\[retort\]$/[retort]\ninclude_schemas = other/' alembic.ini
out=$("$RETORT" diff 2>&1) || true
grep -qF "Detected removed table 'other.stray'" <<<"$out" || fail "include_schemas = other: $out"
sed -i 's/^include_schemas = other$/include_schemas = all/' alembic.ini
out=$("$RETORT" diff 2>&1) || true
grep -qF "Detected removed table 'other.stray'" <<<"$out" || fail "include_schemas = all: $out"
# pull reads the schemas include_schemas names, and writes @@schema
sed -i 's/^include_schemas = all$/include_schemas = audit/' alembic.ini
out=$("$RETORT" pull --models "$tmp/pulled" 2>&1) || fail "pull: $out"
grep -qF '@@schema("audit")' "$tmp/pulled"/audit_events.model || fail "pulled audit_events.model: $(ls "$tmp/pulled"; cat "$tmp/pulled"/*)"
grep -qF '@foreign_key("audit.events.id"' "$tmp/pulled"/audit_log_entries.model 2>/dev/null \
  || grep -qF '"audit.events"' "$tmp/pulled"/*.model || fail "pulled foreign key: $(cat "$tmp/pulled"/*)"
out=$("$RETORT" diff --models "$tmp/pulled" 2>&1) || fail "diff of the pulled models: $out"
[ "$out" = "No changes detected" ] || fail "pull -> diff: $out"
sed -i '/^include_schemas = audit$/d' alembic.ini

# A bad @@schema, and a foreign key to the other schema's table without it
# (an unqualified name is a table of the default schema, as in SQLAlchemy).
printf 'model Note {\n  id       Integer @primary_key\n  entry_id Integer @foreign_key("log_entries.id")\n  @@schema("audit")\n}\n' >models/note.model
out=$("$RETORT" diff 2>&1) && fail "an unqualified target in another schema was accepted"
grep -qF "note.model:3:33: error: foreign key of table 'audit.note' references unknown table 'log_entries'" <<<"$out" \
  || fail "the unqualified target: $out"
grep -qF 'write "audit.log_entries" for the table of schema audit' <<<"$out" || fail "no hint for the unqualified target: $out"
rm models/note.model
printf 'model Bad {\n  id Integer @primary_key\n  @@schema("pg_catalog")\n}\n' >models/bad.model
out=$("$RETORT" diff 2>&1) && fail "@@schema(\"pg_catalog\") was accepted"
grep -qF 'bad.model:3:3: error: @@schema("pg_catalog"): that schema belongs to PostgreSQL itself' <<<"$out" || fail "pg_catalog: $out"
rm models/bad.model

# A project whose default schema is app: unqualified there, public qualified.
export DATABASE_URL=$(test_db_url schemas_app)
new_project "$tmp/app"
cd "$tmp/app"
q "CREATE SCHEMA app" >/dev/null
sed -i 's/^schema = public$/schema = app/' alembic.ini
grep -qx "schema = app" alembic.ini || die "no schema key in the project's alembic.ini"

cat >models/m.model <<'EOF'
model Account {
  id Integer @primary_key
}
model Country {
  id   Integer @primary_key
  code String(2)
  @@schema("public")
}
model Address {
  id         Integer @primary_key
  account_id Integer @foreign_key("account.id")
  country_id Integer @foreign_key("public.country.id")
}
EOF
out=$("$RETORT" revision --autogenerate -m app --rev-id a1 2>&1) || die "autogenerate (schema = app): $out"
file=$(generated_path "$out")
grep -qF "sa.ForeignKeyConstraint(['country_id'], ['public.country.id']" "$file" || fail "app file: $(cat "$file")"
for tool in alembic retort; do
  migrate_with "$tool" upgrade head || { fail "$tool upgrade (schema = app): $(cat "$tmp/err")"; continue; }
  got=$(q "SELECT string_agg(n.nspname || '.' || c.relname, ',' ORDER BY n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname IN ('app', 'public') AND c.relname <> 'retort_migrations'")
  [ "$got" = "app.account,app.address,app.alembic_version,public.country" ] || fail "$tool (schema = app) built $got"
  no_change "after $tool's upgrade (schema = app)"
  migrate_with "$tool" downgrade base || fail "$tool downgrade (schema = app): $(cat "$tmp/err")"
done

# SQLite: @@schema and include_schemas are refused where they are written.
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/app.db"
rm -f alembic/versions/*.py alembic/versions/retort.sum   # the models alone, on an empty database
out=$("$RETORT" diff 2>&1) && fail "SQLite accepted @@schema"
grep -qF "error: table 'events' is in schema 'audit', which SQLite does not have" <<<"$out" || fail "SQLite @@schema: $out"
grep -qE 'm\.model:[0-9]+:3: error' <<<"$out" || fail "SQLite @@schema is not located: $out"
sed -i 's/^\[retort\]$/[retort]\ninclude_schemas = audit/' alembic.ini
out=$("$RETORT" diff 2>&1) && fail "SQLite accepted include_schemas"
grep -qE "alembic.ini:[0-9]+:[0-9]+: error: include_schemas: the database \(DATABASE_URL\) is SQLite, which has no schemas" <<<"$out" \
  || fail "SQLite include_schemas: $out"
finish
