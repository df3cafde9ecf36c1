#!/usr/bin/env bash
# Computed (generated) columns in the models, @computed("expr") and on
# SQLite @computed("expr", stored=false) (docs/model-language.md): created
# as sa.Computed, found equal however the server re-spells the expression,
# a changed expression is a drop and an add of the column (no database
# alters it in place), rows kept, both ways; `retort pull` writes them
# back.  Alembic applies the create on both backends; on SQLite its batch
# move-and-copy cannot copy a table with a generated column ("cannot
# INSERT into generated column"), so the change runs with retort's runner
# there (docs/generated-migrations.md, Known limits).
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-computed.XXXXXX)
trap 'rm -rf "$tmp"; BACKEND=postgresql drop_test_databases computed' EXIT

for BACKEND in sqlite postgresql; do
  new_project "$tmp/$BACKEND"
  cd "$tmp/$BACKEND"
  export DATABASE_URL=$(test_db_url computed)
  q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
  virtual=""
  [ "$BACKEND" = sqlite ] && virtual='  half   Integer?  @computed("price / 2", stored=false)'
  {
    echo 'model Line {'
    echo '  id     Integer   @primary_key'
    echo '  title  String(20)'
    echo '  price  Integer'
    echo '  qty    Integer'
    echo '  total  Integer?  @computed("price * qty")'
    echo '  len    Integer?  @computed("length(title)")'
    echo "$virtual"
    echo '  @@table("lines")'
    echo '}'
  } >models/m.model
  out=$("$RETORT" revision --autogenerate -m one --rev-id c1 2>&1) || die "$BACKEND autogenerate: $out"
  file=$(generated_path "$out")
  grep -qF "sa.Column('total', sa.Integer(), sa.Computed('price * qty', persisted=True), nullable=True)" "$file" \
    || fail "$BACKEND: no sa.Computed: $(cat "$file")"
  "${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || die "$BACKEND: alembic upgrade: $(cat "$tmp/err")"
  out=$("$RETORT" diff 2>&1) || fail "$BACKEND diff: $out"
  [ "$out" = "No changes detected" ] || fail "$BACKEND: diff after Alembic's create: $out"
  q "INSERT INTO lines (id, title, price, qty) VALUES (1, 'abc', 10, 3)" >/dev/null
  [ "$(q "SELECT total FROM lines")" = 30 ] || fail "$BACKEND: total is not computed"

  # the expression changes: drop + add, the rows stay
  sed -i 's/"price \* qty"/"price * qty + 1"/' models/m.model
  out=$("$RETORT" diff 2>&1) || fail "$BACKEND diff: $out"
  { grep -q "Detected removed column 'lines.total'" <<<"$out" && grep -q "Detected added column 'lines.total'" <<<"$out"; } \
    || fail "$BACKEND: the changed expression is not a drop and an add: $out"
  grep -q "lines.len" <<<"$out" && fail "$BACKEND: the unchanged expression (re-spelled by the server) is reported: $out"
  out=$("$RETORT" revision --autogenerate -m two --rev-id c2 2>&1) || die "$BACKEND autogenerate c2: $out"
  "$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "$BACKEND: upgrade c2: $(cat "$tmp/err")"
  [ "$(q "SELECT total FROM lines WHERE id = 1")" = 31 ] || fail "$BACKEND: total after c2 is $(q "SELECT total FROM lines")"
  out=$("$RETORT" diff 2>&1) || fail "$BACKEND diff: $out"
  [ "$out" = "No changes detected" ] || fail "$BACKEND: diff at c2: $out"
  "$RETORT" downgrade c1 --no-backup >/dev/null 2>"$tmp/err" || fail "$BACKEND: downgrade: $(cat "$tmp/err")"
  [ "$(q "SELECT total FROM lines WHERE id = 1")" = 30 ] || fail "$BACKEND: total after the downgrade"
  if [ "$BACKEND" = postgresql ]; then
    "${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "alembic upgrade c2: $(cat "$tmp/err")"
    [ "$(q "SELECT total FROM lines WHERE id = 1")" = 31 ] || fail "alembic: total after c2"
  else
    "$RETORT" upgrade head --no-backup >/dev/null || fail "upgrade c2 again"
  fi

  # a plain column that becomes computed: a warning that its values go
  sed -i 's/^  qty    Integer$/  qty    Integer?  @computed("price + 1")/' models/m.model
  out=$("$RETORT" diff 2>&1) || fail "$BACKEND diff: $out"
  grep -q "warning: column 'lines.qty' becomes computed: it is dropped and added again" <<<"$out" \
    || fail "$BACKEND: no warning for a column that becomes computed: $out"
  sed -i 's/^  qty    Integer?  @computed("price + 1")$/  qty    Integer/' models/m.model

  # pull writes them back
  out=$("$RETORT" pull --models "$tmp/$BACKEND-pulled" 2>&1) || fail "$BACKEND pull: $out"
  grep -q "@computed(" "$tmp/$BACKEND-pulled/lines.model" || fail "$BACKEND: pull wrote no @computed: $(cat "$tmp/$BACKEND-pulled/lines.model")"
  out=$("$RETORT" diff --models "$tmp/$BACKEND-pulled" 2>&1) || fail "$BACKEND diff of the pulled models: $out"
  [ "$out" = "No changes detected" ] || fail "$BACKEND: diff of the pulled models: $out"
done

# bad spellings, located
cd "$tmp/sqlite"
printf 'model Bad {\n  id Integer @primary_key\n  x Integer @computed("a", stored=1)\n  y Integer @computed\n  z Integer @computed("a") @default(1)\n  @@table("bad")\n}\n' >models/bad.model
set +e; out=$("$RETORT" diff 2>&1); set -e
grep -q "bad.model:3:.*stored must be true or false" <<<"$out" || fail "no error for stored=1: $out"
grep -q "bad.model:4:.*@computed needs one SQL expression" <<<"$out" || fail "no error for a bare @computed: $out"
grep -q "bad.model:5:.*computed column 'z' cannot have a @default" <<<"$out" || fail "no error for @computed with @default: $out"
finish
