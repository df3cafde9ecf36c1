#!/usr/bin/env bash
# Type changes to and from ARRAY on PostgreSQL (docs/postgresql.md, "Type
# changes to and from arrays"): String -> ARRAY(String), ARRAY(Integer) ->
# ARRAY(BigInteger), ARRAY(String) -> Text.  The server cannot do them
# without USING: the generated alter_column carries postgresql_using= both
# ways, which Alembic 1.8.1, the current Alembic (../shared/vendor, when
# there) and retort's runner run alike; --sql writes the USING; the rows
# are kept as the warnings say; autogenerate then finds nothing.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-array-change.XXXXXX)
BACKEND=postgresql
trap 'rm -rf "$tmp"; drop_test_databases array_change' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(new_pg_database "retort_array_change_$$")
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }

cat >models/m.model <<'EOF'
model Thing {
  id      Integer         @primary_key
  tags    String(50)?
  nums    ARRAY(Integer)
  labels  ARRAY(String)?
  @@table("things")
}
EOF
out=$("$RETORT" revision --autogenerate -m create --rev-id a1 2>&1) || die "autogenerate a1: $out"
"$RETORT" upgrade a1 --no-backup >/dev/null || die "upgrade a1"
sed -i 's/String(50)?/ARRAY(String(50))?/; s/ARRAY(Integer)$/ARRAY(BigInteger)/; s/ARRAY(String)?/Text?/' models/m.model
out=$("$RETORT" revision --autogenerate -m arrays --rev-id a2 2>&1) || die "autogenerate a2: $out"
file=$(generated_path "$out")
"$RETORT" downgrade base --no-backup >/dev/null || die "downgrade base"
for w in "warning: column 'things.tags' changes from character varying(50) to ARRAY(String(50)): each value becomes an array of one element (NULL stays NULL)" \
         "warning: column 'things.nums' changes from integer[] to ARRAY(BigInteger): the arrays are cast" \
         "warning: column 'things.labels' changes from character varying[] to Text: each array becomes its elements joined by ','"; do
  grep -qF "$w" <<<"$out" || fail "autogenerate a2 lacks: $w: $out"
done
for py in "postgresql_using='CASE WHEN tags IS NULL THEN NULL ELSE ARRAY[CAST(tags AS VARCHAR(50))] END')" \
          "postgresql_using='CAST(nums AS BIGINT[])')" "postgresql_using=\"CAST(array_to_string(labels, ',') AS TEXT)\")" \
          "postgresql_using=\"CAST(array_to_string(tags, ',') AS VARCHAR(50))\")" \
          "postgresql_using='CAST(nums AS INTEGER[])')" \
          "postgresql_using='CASE WHEN labels IS NULL THEN NULL ELSE ARRAY[CAST(labels AS VARCHAR)] END')"; do
  grep -qF "$py" "$file" || fail "the file has no $py: $(cat "$file")"
done
sql=$("$RETORT" upgrade --sql a1:a2 2>&1) || fail "--sql: $sql"
grep -qF "ALTER TABLE things ALTER COLUMN nums TYPE BIGINT[] USING CAST(nums AS BIGINT[]);" <<<"$sql" || fail "--sql: $sql"

state() {
  q "SELECT (SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute
                WHERE attrelid = 'things'::regclass AND attnum > 0 AND NOT attisdropped) || ' ' ||
            (SELECT string_agg(concat_ws('|', id, coalesce(tags::text, 'NULL'), nums::text, coalesce(labels::text, 'NULL')), ' '
                ORDER BY id) FROM things)"
}
before="integer,character varying(50),integer[],character varying[] 1|red|{1,2}|{x} 2|NULL|{}|{a,b}"
after="integer,character varying(50)[],bigint[],text 1|{red}|{1,2}|x 2|NULL|{}|a,b"
back="integer,character varying(50),integer[],character varying[] 1|red|{1,2}|{x} 2|NULL|{}|{\"a,b\"}"

run_with() {   # tool: up to a1, rows, up to a2, down to a1, down to base
  local tool=$1
  run() { migrate_with "$tool" "$@"; }
  run upgrade a1 || { fail "$tool upgrade a1: $(cat "$tmp/err")"; return; }
  q "INSERT INTO things (id, tags, nums, labels) VALUES (1, 'red', '{1,2}', '{x}'), (2, NULL, '{}', '{a,b}')" >/dev/null
  [ "$(state)" = "$before" ] || fail "$tool a1: $(state)"
  run upgrade a2 || { fail "$tool upgrade a2: $(cat "$tmp/err")"; return; }
  [ "$(state)" = "$after" ] || fail "$tool a2: $(state)"
  local d
  d=$("$RETORT" diff 2>&1) || fail "diff after $tool: $d"
  [ "$d" = "No changes detected" ] || fail "diff after $tool: $d"
  run downgrade a1 || { fail "$tool downgrade a1: $(cat "$tmp/err")"; return; }
  [ "$(state)" = "$back" ] || fail "$tool back at a1: $(state)"
  run downgrade base || fail "$tool downgrade base: $(cat "$tmp/err")"
}
for_each_tool run_with
finish
