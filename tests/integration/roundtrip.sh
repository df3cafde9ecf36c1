# The round-trip suite (sourced by test_roundtrip_<backend>.sh, with
# DATABASE_URL set): for each cumulative scenario in roundtrip/, retort
# writes the migration, real Alembic applies upgrade, downgrade and upgrade
# again; after each upgrade `retort diff` must report no change, after each
# downgrade the schema must be the one before, and rows must survive.
source "$SOURCE_DIR/tests/integration/lib.sh"
# Who applies the migrations: real Alembic (default; ROUNDTRIP_ALEMBIC=1.8,
# Debian's, or 1.19, the current one of ../shared/vendor on SQLAlchemy 2.0,
# in one Python process: use_alembic) or retort's own runner.
case "${ROUNDTRIP_APPLY:-alembic}" in
  alembic)
    if ! use_alembic "${ROUNDTRIP_ALEMBIC:-1.8}"; then
      echo "skip: $ALEMBIC119_MISSING: the round trip with Alembic ${ROUNDTRIP_ALEMBIC} (on SQLAlchemy 2.0) needs it"
      exit 0
    fi
    echo "round trip applied by Alembic $ALEMBIC_VERSION"
    APPLY=("${ALEMBIC[@]}");;
  retort) APPLY=("$RETORT");;
  *) die "ROUNDTRIP_APPLY must be alembic or retort";;
esac
work=${ROUNDTRIP_DIR:?the caller makes and removes it}/project
new_project "$work"
cd "$work"

inspect() { "$RETORT" inspect --json; }
assert_no_change() {
  local out
  out=$("$RETORT" diff 2>&1) || { fail "$1: retort diff failed: $out"; return; }
  [ "$out" = "No changes detected" ] || fail "$1: retort diff after upgrade reports changes:"$'\n'"$out"
}
run_sql_checks() {  # $1 scenario name, $2 expect file
  local line q want got
  while IFS= read -r line; do
    case "$line" in
      "sql: "*)
        q=${line#sql: }; want=${q##* => }; q=${q% => *}
        got=$("${SQLQ[@]}" "$DATABASE_URL" "$q" 2>&1) || { fail "$1: query failed: $q: $got"; continue; }
        [ "$got" = "$want" ] || fail "$1: '$q' gave '$got', expected '$want'";;
    esac
  done <"$2"
}

prev_expect=""
before=""
for model in "$SOURCE_DIR"/tests/integration/roundtrip/*.model; do
  name=$(basename "$model" .model)
  expect="${model%.model}.expect"
  rm -f models/*.model
  cp "$model" models/models.model
  [ -n "$before" ] || before=$(inspect 2>/dev/null || echo "none")

  out=$("$RETORT" revision --autogenerate -m "$name" 2>&1) || die "$name: retort revision failed:"$'\n'"$out"
  file=$(generated_path "$out")
  [ -f "$file" ] || die "$name: no file generated:"$'\n'"$out"
  # "only-on: BACKEND": a change the other backend does not store (comments
  # on SQLite) must be reported there as no change at all.
  only_on=$(sed -n 's/^only-on: //p' "$expect")
  if [ -n "$only_on" ] && [ "$only_on" != "${ROUNDTRIP_BACKEND:?}" ]; then
    grep -q "No changes detected" <<<"$out" || fail "$name: $ROUNDTRIP_BACKEND should see no change:"$'\n'"$out"
    grep -q "op\." "$file" && fail "$name: $ROUNDTRIP_BACKEND migration has operations"
    expect=/dev/null
  else
    grep -q "No changes detected" <<<"$out" && fail "$name: autogenerate detected no change"
  fi
  while IFS= read -r line; do
    case "$line" in
      "contains: "*) grep -qF -- "${line#contains: }" "$file" || fail "$name: migration lacks '${line#contains: }'";;
      "absent: "*) grep -qF -- "${line#absent: }" "$file" && fail "$name: migration has '${line#absent: }'";;
    esac
  done <"$expect"

  "${APPLY[@]}" upgrade head >"$work/alembic.log" 2>&1 || { cat "$work/alembic.log" "$file" >&2; die "$name: ${APPLY[*]} upgrade failed"; }
  assert_no_change "$name"
  run_sql_checks "$name" "$expect"
  after=$(inspect)

  "${APPLY[@]}" downgrade -1 >"$work/alembic.log" 2>&1 || { cat "$work/alembic.log" "$file" >&2; die "$name: ${ROUNDTRIP_APPLY:-alembic} downgrade failed"; }
  if [ "$before" != "none" ]; then
    now=$(inspect)
    [ "$now" = "$before" ] || fail "$name: schema after downgrade differs from before:"$'\n'"$(diff <(echo "$before") <(echo "$now") | head -20)"
  fi
  [ -n "$prev_expect" ] && run_sql_checks "$name (after downgrade)" "$prev_expect"

  "${APPLY[@]}" upgrade head >"$work/alembic.log" 2>&1 || { cat "$work/alembic.log" >&2; die "$name: ${ROUNDTRIP_APPLY:-alembic} re-upgrade failed"; }
  now=$(inspect)
  [ "$now" = "$after" ] || fail "$name: schema after re-upgrade differs:"$'\n'"$(diff <(echo "$after") <(echo "$now") | head -20)"
  assert_no_change "$name (re-upgrade)"
  run_sql_checks "$name (re-upgrade)" "$expect"
  # Rows for the later steps to keep.
  while IFS= read -r line; do
    case "$line" in "insert: "*) "${SQLQ[@]}" "$DATABASE_URL" "${line#insert: }" >/dev/null || fail "$name: insert failed";; esac
  done <"$expect"
  echo "ok $name"
  prev_expect=$expect
  before=$after
done
# A last autogenerate with nothing changed writes a migration with no ops.
out=$("$RETORT" revision --autogenerate -m "nothing" 2>&1) || die "final revision failed: $out"
grep -q "No changes detected" <<<"$out" || fail "final autogenerate detected changes: $out"
file=$(generated_path "$out")
grep -q "op\." "$file" && fail "final migration has operations: $(cat "$file")"
finish
