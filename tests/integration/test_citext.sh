#!/usr/bin/env bash
# CITEXT (docs/model-language.md, "PostgreSQL's own types"): the citext
# extension's type.  Without the extension the upgrade stops with what to
# do (the generated file's guard, Alembic and retort alike); with it,
# Alembic 1.8.1 (SQLAlchemy 1.4, no postgresql.CITEXT: the file's fallback),
# the current Alembic (../shared/vendor, when there) and retort's runner
# build the same columns, compare case-insensitively, keep a row through
# Text -> CITEXT and back, and autogenerate then finds nothing; --sql;
# `retort pull` writes CITEXT back; a SQLite project refuses it at the
# model line.  Skipped when the server has no citext extension to install.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-citext.XXXXXX)
BACKEND=postgresql
trap 'rm -rf "$tmp"; drop_test_databases citext' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(new_pg_database "retort_citext_$$")
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
if [ "$(q "SELECT count(*) FROM pg_available_extensions WHERE name = 'citext'")" = 0 ]; then
  echo "skip: the PostgreSQL server has no citext extension (postgresql-contrib)"
  exit 0
fi

cat >models/m.model <<'EOF'
model User {
  id       Integer         @primary_key
  email    CITEXT          @unique
  aliases  ARRAY(CITEXT)?
  notes    Text?
  @@table("users")
}
EOF
out=$("$RETORT" revision --autogenerate -m create --rev-id t1 2>&1) || die "autogenerate t1: $out"
f1=$(generated_path "$out")
for py in "    from sqlalchemy.dialects.postgresql import CITEXT" "except ImportError:" \
          "    class CITEXT(sa.types.UserDefinedType):" "sa.Column('email', CITEXT(), nullable=False)," \
          "sa.Column('aliases', postgresql.ARRAY(CITEXT()), nullable=True)," "RAISE EXCEPTION 'type citext does not exist"; do
  grep -qF "$py" "$f1" || fail "the file has no $py: $(cat "$f1")"
done

# no extension: a clear stop, nothing created
set +e
out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?
set -e
[ "$rc" != 0 ] || fail "retort upgrade without citext succeeded"
grep -qF "type citext does not exist, the citext extension is not installed in this database" <<<"$out" || fail "retort: $out"
grep -qF "hint: the citext extension is not installed in this database: run CREATE EXTENSION citext" <<<"$out" || fail "retort hint: $out"
if "${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err"; then fail "alembic upgrade without citext succeeded"; fi
grep -qF "HINT:  run CREATE EXTENSION citext" "$tmp/err" || fail "alembic: $(tail -5 "$tmp/err")"
[ "$(q "SELECT count(*) FROM pg_class WHERE relname IN ('users', 'alembic_version')")" = 0 ] || fail "a failed upgrade left tables"

q "CREATE EXTENSION citext" >/dev/null
"$RETORT" upgrade t1 --no-backup >/dev/null || die "upgrade t1"
sed -i 's/^  notes    Text?/  notes    CITEXT?/' models/m.model
out=$("$RETORT" revision --autogenerate -m notes --rev-id t2 2>&1) || die "autogenerate t2: $out"
f2=$(generated_path "$out")
grep -qF "Detected type change from text to CITEXT on 'users.notes'" <<<"$out" || fail "autogenerate t2: $out"
grep -qF "type_=CITEXT()," "$f2" || fail "t2: $(cat "$f2")"
"$RETORT" downgrade base --no-backup >/dev/null || die "downgrade base"
sql=$("$RETORT" upgrade --sql base:t2 2>&1) || fail "--sql: $sql"
grep -qF "    email CITEXT NOT NULL, " <<<"$sql" || fail "--sql: $sql"
grep -qF "ALTER TABLE users ALTER COLUMN notes TYPE CITEXT;" <<<"$sql" || fail "--sql: $sql"

state() {
  q "SELECT (SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute
                WHERE attrelid = 'users'::regclass AND attnum > 0 AND NOT attisdropped) || ' ' ||
            (SELECT count(*) FROM users WHERE email = 'ann@EXAMPLE.org' AND notes = 'Hello' AND 'B@X' = ANY (aliases))"
}
run_with() {   # tool: up to t1, a row, up to t2, down to base
  local tool=$1
  run() { migrate_with "$tool" "$@"; }
  run upgrade t1 || { fail "$tool upgrade t1: $(cat "$tmp/err")"; return; }
  q "INSERT INTO users (id, email, aliases, notes) VALUES (1, 'Ann@Example.org', '{a@x,b@x}', 'hello')" >/dev/null
  [ "$(state)" = "integer,citext,citext[],text 0" ] || fail "$tool t1: $(state)"
  run upgrade t2 || { fail "$tool upgrade t2: $(cat "$tmp/err")"; return; }
  [ "$(state)" = "integer,citext,citext[],citext 1" ] || fail "$tool t2: $(state)"
  local d
  d=$("$RETORT" diff 2>&1) || fail "diff after $tool: $d"
  [ "$d" = "No changes detected" ] || fail "diff after $tool: $d"
  run downgrade base || fail "$tool downgrade base: $(cat "$tmp/err")"
}
for_each_tool run_with

# pull writes CITEXT back
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade"
out=$("$RETORT" pull --models "$tmp/pulled" 2>&1) || fail "pull: $out"
grep -Eq '^  email +CITEXT +@unique$' "$tmp/pulled/users.model" || fail "pulled: $(cat "$tmp/pulled/users.model")"
grep -Eq '^  aliases +ARRAY\(CITEXT\)\?$' "$tmp/pulled/users.model" || fail "pulled: $(cat "$tmp/pulled/users.model")"
out=$("$RETORT" diff --models "$tmp/pulled" 2>&1) || fail "diff of the pulled models: $out"
[ "$out" = "No changes detected" ] || fail "diff of the pulled models: $out"

# a SQLite project refuses CITEXT at its model line
new_project "$tmp/s"
cd "$tmp/s"
export DATABASE_URL="sqlite:///$tmp/s/app.db"
cp "$tmp/p/models/m.model" models/
set +e; out=$("$RETORT" diff 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "SQLite with CITEXT exited $rc: $out"
grep -qF "m.model:3:3: error: CITEXT is a PostgreSQL type, and the database is SQLite" <<<"$out" || fail "no located error: $out"
grep -qF "m.model:4:3: error: ARRAY(CITEXT) is a PostgreSQL type, and the database is SQLite" <<<"$out" || fail "no located error: $out"
finish
