#!/usr/bin/env bash
# Two false positives of real models, gone (docs/postgresql.md "Checks and
# predicates: the server's spelling"):
#   - SQLite: a UNIQUE on exactly the primary-key columns makes no index of
#     its own, so it used to be re-added by every autogenerate; PostgreSQL
#     folds such a UNIQUE into the primary key when both are in one CREATE
#     TABLE (the key takes the unique's name), with the same effect;
#   - PostgreSQL: CHECK (x IN ('a', 'b')) is stored as
#     ((x)::text = ANY ((ARRAY['a'::character varying, ...])::text[])), and
#     a partial index's predicate is re-spelled too: both used to come back
#     as dropped + added.  The models' text is now spelled by the server.
# Real changes to either are still found, and a check the server refuses
# gives a warning and falls back to text comparison.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-false-pos.XXXXXX)
BACKEND=postgresql
trap 'rm -rf "$tmp"; drop_test_databases false_pos false_pos_pk' EXIT

# --- SQLite: UNIQUE on the primary key ---------------------------------------
new_project "$tmp/s"
cd "$tmp/s"
export DATABASE_URL="sqlite:///$tmp/s/app.db"
# uniques on exactly the primary keys' columns, of one column and of two
# (the second key named, as a PostgreSQL key that keeps its own name)
pk_unique_models() {
  cat >models/m.model <<'EOF'
model Account {
  id    String(36)  @primary_key  @unique
  name  String(50)
  @@table("accounts")
}
model Pair {
  a  Integer
  b  Integer
  @@table("pairs")
  @@primary_key(a, b, name="pk_pairs")
  @@unique("uq_pairs_ab", a, b)
}
EOF
}
pk_unique_models
out=$("$RETORT" revision --autogenerate -m init --rev-id s1 2>&1) || die "autogenerate: $out"
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade"
out=$("$RETORT" diff 2>&1) || die "diff: $out"
[ "$out" = "No changes detected" ] || fail "SQLite: UNIQUE on the primary key comes back: $out"
# the same tables as Alembic 1.8.1 builds them from the file
rm -f app.db
"${ALEMBIC[@]}" upgrade head >/dev/null 2>&1 || die "alembic upgrade"
out=$("$RETORT" diff 2>&1) || die "diff after alembic: $out"
[ "$out" = "No changes detected" ] || fail "SQLite, after Alembic: $out"
# dropping the unique is still seen
sed -i 's/@primary_key  @unique/@primary_key/' models/m.model
out=$("$RETORT" diff 2>&1) || die "diff: $out"
grep -q "Detected removed unique constraint" <<<"$out" || fail "SQLite: removing the unique is not seen: $out"

# --- PostgreSQL: checks and predicates as the server spells them -------------
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(new_pg_database "retort_false_pos_$$")
cat >models/m.model <<'EOF'
model Task {
  id     Integer     @primary_key
  status String(20)
  kind   Text
  n      Integer
  @@table("tasks")
  @@check("ck_status", "status IN ('new', 'done')")
  @@check("kind in ('a','b') AND n between 1 and 10")
  @@index("ix_live", n, where="status <> 'done' AND kind = ANY (ARRAY['a', 'b'])")
}
EOF
out=$("$RETORT" revision --autogenerate -m init --rev-id p1 2>&1) || die "autogenerate: $out"
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade"
out=$("$RETORT" diff 2>&1) || die "diff: $out"
[ "$out" = "No changes detected" ] || fail "PostgreSQL: re-spelled checks or predicate come back: $out"
"$RETORT" downgrade base --no-backup >/dev/null || die "downgrade"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>&1 || die "alembic upgrade"
out=$("$RETORT" diff 2>&1) || die "diff after alembic: $out"
[ "$out" = "No changes detected" ] || fail "PostgreSQL, after Alembic: $out"
# nothing of the stand-in tables stays
[ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT count(*) FROM pg_class WHERE relname LIKE 'retort_canon%'")" = 0 ] \
  || fail "a stand-in table stayed"

# real changes are still found
sed -i "s/status IN ('new', 'done')/status IN ('new', 'done', 'failed')/; s/status <> 'done'/status <> 'failed'/" models/m.model
out=$("$RETORT" diff 2>&1) || die "diff: $out"
grep -q "Detected removed check constraint 'ck_status'" <<<"$out" || fail "a changed check is not seen: $out"
grep -q "Detected added index 'ix_live'" <<<"$out" || fail "a changed predicate is not seen: $out"
grep -q "tasks_check" <<<"$out" && fail "the unchanged check is reported: $out"

# a check the server refuses: a warning, text comparison, no error
sed -i "s/n between 1 and 10/nn between 1 and 10/" models/m.model
out=$("$RETORT" diff 2>&1) || die "diff with a bad check: $out"
grep -q "warning: could not ask PostgreSQL how it spells the models' checks" <<<"$out" \
  || fail "no warning for the refused check: $out"
grep -q 'column "nn" does not exist' <<<"$out" || fail "the warning does not give the server's reason: $out"

# --- PostgreSQL: UNIQUE on the primary key, folded into it by the server ----
new_project "$tmp/pk"
cd "$tmp/pk"
export DATABASE_URL=$(new_pg_database "retort_false_pos_pk_$$")
pk_unique_models
out=$("$RETORT" revision --autogenerate -m init --rev-id k1 2>&1) || die "autogenerate: $out"
for tool in retort alembic; do
  migrate_with "$tool" upgrade head || die "$tool upgrade: $(cat "$tmp/err")"
  got=$("${SQLQ[@]}" "$DATABASE_URL" "SELECT string_agg(conname || ':' || contype::text, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid IN ('accounts'::regclass, 'pairs'::regclass)")
  [ "$got" = "accounts_id_key:p,pk_pairs:p" ] || fail "$tool: PostgreSQL did not fold the uniques into the keys: $got"
  out=$("$RETORT" diff 2>&1) || die "diff after $tool: $out"
  [ "$out" = "No changes detected" ] || fail "PostgreSQL, after $tool: UNIQUE on the primary key comes back: $out"
  out=$("$RETORT" check 2>&1) || fail "check after $tool: $out"
  migrate_with "$tool" downgrade base || die "$tool downgrade: $(cat "$tmp/err")"
done
finish
