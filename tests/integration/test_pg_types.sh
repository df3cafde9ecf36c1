#!/usr/bin/env bash
# PostgreSQL's own types in the model language (docs/model-language.md
# "Types"): ARRAY (with dimensions), JSONB, native UUID, INET, CIDR,
# MACADDR, TSVECTOR.  Autogenerate on an empty database, then Alembic 1.8.1,
# the current Alembic (../shared/vendor, when there) and retort's runner
# each build the same catalog, after which autogenerate finds nothing;
# downgrade base leaves no table; `retort pull` writes the same types back;
# a real type change is found; a SQLite project refuses the types at the
# model line.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-pg-types.XXXXXX)
BACKEND=postgresql
trap 'rm -rf "$tmp"; drop_test_databases pg_types' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(new_pg_database "retort_pg_types_$$")
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }

cat >models/m.model <<'EOF'
model Thing {
  id     Integer                        @primary_key
  tags   ARRAY(String(50))
  grid   ARRAY(Integer, dimensions=2)?
  stamps ARRAY(DateTime(timezone=true))?
  doc    JSONB                          @default("{}")
  ip     INET?
  net    CIDR?
  mac    MACADDR?
  search TSVECTOR?
  uid    UUID?
  puid   Uuid?
  @@table("things")
}
EOF
expected="integer,character varying(50)[],integer[],timestamp with time zone[],jsonb,inet,cidr,macaddr,tsvector,uuid,character varying(36)"
catalog() { q "SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'things'::regclass AND attnum > 0 AND NOT attisdropped"; }

out=$("$RETORT" revision --autogenerate -m types --rev-id t1 2>&1) || die "autogenerate: $out"
file=$(generated_path "$out")
for py in "postgresql.ARRAY(sa.String(length=50))" "postgresql.ARRAY(sa.Integer(), dimensions=2)" \
          "postgresql.JSONB(astext_type=sa.Text())" "postgresql.INET()" "postgresql.UUID()" \
          "from sqlalchemy.dialects import postgresql"; do
  grep -qF "$py" "$file" || fail "the file has no $py: $(cat "$file")"
done

run_with() {   # tool: upgrade, compare the catalog, diff, downgrade base
  local tool=$1
  migrate_with "$tool" upgrade head || { fail "$tool upgrade: $(cat "$tmp/err")"; return; }
  [ "$(catalog)" = "$expected" ] || fail "$tool built: $(catalog)"
  [ "$(q "SELECT attndims FROM pg_attribute WHERE attrelid = 'things'::regclass AND attname = 'grid'")" = 2 ] \
    || [ "$tool" != retort ] || fail "retort's runner lost the dimensions"
  q "INSERT INTO things (id, tags, grid, doc, ip, uid) VALUES (1, '{a,b}', '{{1,2},{3,4}}', '{\"k\": 1}', '10.0.0.1', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')" >/dev/null \
    || fail "$tool: insert"
  local d
  d=$("$RETORT" diff 2>&1) || fail "diff after $tool: $d"
  [ "$d" = "No changes detected" ] || fail "diff after $tool: $d"
  "$RETORT" downgrade base --no-backup >/dev/null 2>"$tmp/err" || fail "downgrade after $tool: $(cat "$tmp/err")"
  [ "$(q "SELECT count(*) FROM pg_class WHERE relname = 'things'")" = 0 ] || fail "downgrade base after $tool left the table"
}
for_each_tool run_with

# pull writes the same types back
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade"
out=$("$RETORT" pull --models "$tmp/pulled" 2>&1) || fail "pull: $out"
grep -q "warning" <<<"$out" && fail "pull warned: $out"
for line in "tags +ARRAY\(String\(50\)\)$" "grid +ARRAY\(Integer\)\?$" "doc +JSONB +@default" "ip +INET\?$" "uid +UUID\?$" \
            "search +TSVECTOR\?$" "puid +String\(36\)\?$"; do
  grep -Eq "^  $line" "$tmp/pulled/things.model" || fail "pulled file lacks /$line/: $(cat "$tmp/pulled/things.model")"
done
out=$("$RETORT" diff --models "$tmp/pulled" 2>&1) || fail "diff of the pulled models: $out"
[ "$out" = "No changes detected" ] || fail "diff of the pulled models: $out"

# real changes are found: INET -> Text, JSONB -> JSON, an array's element
sed -i 's/^  ip     INET?/  ip     Text?/; s/^  doc    JSONB /  doc    JSON  /; s/ARRAY(String(50))/ARRAY(Text)/' models/m.model
out=$("$RETORT" diff 2>&1) || fail "diff: $out"
grep -qF "Detected type change from inet to Text on 'things.ip'" <<<"$out" || fail "INET -> Text: $out"
grep -qF "Detected type change from jsonb to JSON on 'things.doc'" <<<"$out" || fail "JSONB -> JSON: $out"
grep -qF "Detected type change from character varying(50)[] to ARRAY(Text) on 'things.tags'" <<<"$out" || fail "array element: $out"

# a SQLite project refuses them, each at its model line
new_project "$tmp/s"
cd "$tmp/s"
export DATABASE_URL="sqlite:///$tmp/s/app.db"
cp "$tmp/p/models/m.model" models/
set +e; out=$("$RETORT" diff 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "SQLite with PostgreSQL types exited $rc: $out"
# (the models as edited above: the arrays, CIDR, MACADDR, TSVECTOR, UUID)
grep -q "m.model:3:3: error: ARRAY(Text) is a PostgreSQL type, and the database is SQLite" <<<"$out" \
  || fail "no located error for the array: $out"
grep -q "m.model:11:3: error: UUID is a PostgreSQL type, and the database is SQLite" <<<"$out" \
  || fail "no located error for UUID: $out"
grep -q "hint: use a portable type (JSON, Text, String, Uuid) for Thing.uid, or a PostgreSQL database" <<<"$out" \
  || fail "no hint: $out"
n=$(grep -c "is a PostgreSQL type, and the database is SQLite" <<<"$out" || true)
[ "$n" = 7 ] || fail "not every PostgreSQL type is refused ($n): $out"
[ ! -e app.db ] || fail "the refused diff created the database"
finish
