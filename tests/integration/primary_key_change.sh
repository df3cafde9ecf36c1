# A primary key that changes columns is generated, and runs both ways under
# Alembic 1.8.1, the current Alembic in ../shared/vendor (when there) and
# retort's own runner, rows kept (sourced with BACKEND=sqlite|postgresql;
# docs/generated-migrations.md "Primary keys").
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-pk.XXXXXX)
trap 'rm -rf "$tmp"; drop_test_databases pk_change' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(test_db_url pk_change)
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
if [ "$BACKEND" = sqlite ]; then
  pk_of() { q "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('$1') WHERE pk > 0 ORDER BY pk)"; }
else
  pk_of() { q "SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_constraint c, unnest(c.conkey) WITH ORDINALITY k(num, ord), pg_attribute a WHERE c.conrelid = '$1'::regclass AND c.contype = 'p' AND a.attrelid = c.conrelid AND a.attnum = k.num"; }
fi

model() {
  cat >models/m.model <<EOF
model Member {
  team_id  Integer   $1
  user_id  Integer   $2
  role     String(20)
  @@table("members")
  $3
}
EOF
}

# r1: the key is team_id alone
model "@primary_key @autoincrement(false)" "" ""
out=$("$RETORT" revision --autogenerate -m one --rev-id pk1 2>&1) || die "autogenerate pk1: $out"
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade pk1"
q "INSERT INTO members (team_id, user_id, role) VALUES (1, 10, 'owner')" >/dev/null
q "INSERT INTO members (team_id, user_id, role) VALUES (2, 10, 'guest')" >/dev/null

# r2: the key becomes (team_id, user_id)
model "" "" "@@primary_key(team_id, user_id)"
out=$("$RETORT" diff 2>&1) || die "diff: $out"
grep -q "Detected added primary key 'members_pkey' on 'members'" <<<"$out" || fail "no added key: $out"
grep -q "Detected removed primary key" <<<"$out" || fail "no removed key: $out"
grep -q "retort does not generate" <<<"$out" && fail "the old warning is still there: $out"
out=$("$RETORT" revision --autogenerate -m two --rev-id pk2 2>&1) || die "autogenerate pk2: $out"
file=$(generated_path "$out")
grep -q "batch_op.create_primary_key('members_pkey', \['team_id', 'user_id'\])" "$file" \
  || fail "no create_primary_key in $(cat "$file")"
grep -q "batch_op.create_primary_key('members_pkey', \['team_id'\])" "$file" \
  || fail "the downgrade does not put the old key back: $(cat "$file")"

check_at() {   # tool, revision, expected key
  local got
  got=$(pk_of members)
  [ "$got" = "$3" ] || fail "$1 at $2: the key is ($got), not ($3)"
  [ "$(q "SELECT count(*) FROM members")" = 2 ] || fail "$1 at $2: rows lost"
}

for tool in alembic retort alembic119; do
  if [ "$tool" = alembic119 ] && ! have_alembic119; then echo "skip: $ALEMBIC119_MISSING"; continue; fi
  case $tool in
    alembic) up() { "${ALEMBIC[@]}" upgrade "$1" >/dev/null 2>"$tmp/err"; }; down() { "${ALEMBIC[@]}" downgrade "$1" >/dev/null 2>"$tmp/err"; } ;;
    alembic119) up() { alembic119 upgrade "$1" >/dev/null 2>"$tmp/err"; }; down() { alembic119 downgrade "$1" >/dev/null 2>"$tmp/err"; } ;;
    retort) up() { "$RETORT" upgrade "$1" --no-backup >/dev/null 2>"$tmp/err"; }; down() { "$RETORT" downgrade "$1" --no-backup >/dev/null 2>"$tmp/err"; } ;;
  esac
  up head || { fail "$tool upgrade to pk2: $(cat "$tmp/err")"; continue; }
  check_at "$tool" pk2 "team_id,user_id"
  out=$("$RETORT" diff 2>&1) || fail "diff after $tool's upgrade: $out"
  [ "$out" = "No changes detected" ] || fail "diff after $tool's upgrade: $out"
  down pk1 || { fail "$tool downgrade to pk1: $(cat "$tmp/err")"; continue; }
  check_at "$tool" pk1 "team_id"
done

# r3 from r2: the key moves to user_id alone (the old key now has a name on
# both databases: a drop_constraint that both run)
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade to pk2"
q "UPDATE members SET user_id = 20 WHERE team_id = 2" >/dev/null
model "" "@primary_key @autoincrement(false)" ""
out=$("$RETORT" revision --autogenerate -m three --rev-id pk3 2>&1) || die "autogenerate pk3: $out"
file=$(generated_path "$out")
grep -q "batch_op.drop_constraint('members_pkey', type_='primary')" "$file" || fail "no drop of the named key: $(cat "$file")"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "alembic upgrade to pk3: $(cat "$tmp/err")"
check_at alembic pk3 "user_id"
"$RETORT" downgrade pk2 --no-backup >/dev/null 2>"$tmp/err" || fail "retort downgrade to pk2: $(cat "$tmp/err")"
check_at retort pk2 "team_id,user_id"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "retort upgrade to pk3: $(cat "$tmp/err")"
check_at retort pk3 "user_id"
out=$("$RETORT" diff 2>&1) || fail "diff at pk3: $out"
[ "$out" = "No changes detected" ] || fail "diff at pk3: $out"
# the offline SQL of the change
sql=$("$RETORT" upgrade --sql pk2:pk3 2>&1) || fail "--sql pk2:pk3: $sql"
if [ "$BACKEND" = postgresql ]; then
  grep -q "ALTER TABLE members DROP CONSTRAINT members_pkey" <<<"$sql" || fail "--sql has no DROP CONSTRAINT: $sql"
  grep -q "ALTER TABLE members ADD CONSTRAINT members_pkey PRIMARY KEY (user_id)" <<<"$sql" || fail "--sql has no ADD: $sql"
else
  grep -q "CONSTRAINT members_pkey PRIMARY KEY (user_id)" <<<"$sql" || fail "--sql has no new key: $sql"
fi
finish
