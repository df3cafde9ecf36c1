#!/usr/bin/env bash
# Views over modeled tables, on PostgreSQL (docs/postgresql.md "Views over
# modeled tables"): the server refuses to change the type of a column a
# view uses, to drop it, or to drop the table.  Autogenerate warns at the
# model's line when a migration would do the first two (the upgrade would
# stop there), and leaves a table a view uses alone rather than dropping
# it; a change the views do not stand in the way of gets no warning.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
need_postgresql
tmp=$(mktemp -d /tmp/retort-views.XXXXXX)
BACKEND=postgresql
trap 'rm -rf "$tmp"; drop_test_databases views' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(test_db_url views)
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }

cat >models/m.model <<'EOF2'
model Item {
  id    Integer     @primary_key
  email String(100)
  note  Text?
  @@table("items")
}
model Extra {
  id Integer @primary_key
  @@table("extra")
}
EOF2
cp models/m.model "$tmp/m.model.init"
out=$("$RETORT" revision --autogenerate -m init --rev-id v1 2>&1) || die "autogenerate: $out"
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade"
q "CREATE VIEW v_items AS SELECT id, email FROM items; CREATE VIEW v_extra AS SELECT count(*) AS n FROM extra" >/dev/null

# the views alone: no change, no word of the columns
out=$("$RETORT" diff 2>&1) || die "diff: $out"
grep -q "used by view" <<<"$out" && fail "a warning without a change: $out"

# a type change of a column v_items uses: the warning at the model's line
sed -i 's/email String(100)/email String(200)/' models/m.model
out=$("$RETORT" diff 2>&1) || die "diff: $out"
grep -qF "m.model:3:3: warning: column 'items.email' is used by view 'v_items': PostgreSQL refuses to change its type while the view exists" <<<"$out" \
  || fail "no warning for the type change under the view: $out"
grep -qF "hint: drop the view in the migration before the alter_column and create it again after it" <<<"$out" \
  || fail "no hint for the type change: $out"
# ... which is right: the server refuses it
out=$("$RETORT" revision --autogenerate -m widen --rev-id v2 2>&1) || die "autogenerate the change: $out"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" && fail "the server changed a type under a view"
grep -q "cannot alter type of a column used by a view or rule" "$tmp/err" || fail "the upgrade failed otherwise: $(cat "$tmp/err")"
[ "$(q "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'email'")" = "character varying(100)" ] \
  || fail "the failed upgrade changed the column"
rm alembic/versions/*v2_widen.py
"$RETORT" hash >/dev/null 2>&1 || true
sed -i 's/email String(200)/email String(100)/' models/m.model

# a column no view uses changes type: no warning
sed -i 's/note  Text?/note  String(50)?/' models/m.model
out=$("$RETORT" diff 2>&1) || die "diff: $out"
grep -q "used by view" <<<"$out" && fail "a warning for a column no view uses: $out"
grep -q "Detected type change" <<<"$out" || fail "the change is not seen: $out"
sed -i 's/note  String(50)?/note  Text?/' models/m.model

# a dropped column the view uses
sed -i '/^  email String(100)$/d' models/m.model
out=$("$RETORT" diff 2>&1) || die "diff: $out"
grep -qF "warning: column 'items.email' is used by view 'v_items': PostgreSQL refuses to drop it while the view exists" <<<"$out" \
  || fail "no warning for the dropped column: $out"
grep -qF "before the drop_column" <<<"$out" || fail "no hint for the drop: $out"

# a table a view uses, gone from the models: left alone, not dropped
cp "$tmp/m.model.init" models/m.model
sed -i '/^model Extra {$/,/^}$/d' models/m.model
out=$("$RETORT" diff 2>&1) || die "diff: $out"
grep -qF "table 'extra' is not in the models, and has what retort cannot model: view 'v_extra' uses it: left alone" <<<"$out" \
  || fail "the table under a view is not left alone: $out"
grep -q "Detected removed table 'extra'" <<<"$out" && fail "the table under a view is dropped: $out"
finish
