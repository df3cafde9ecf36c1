#!/usr/bin/env bash
# The rest of what Alembic reads from alembic.ini and its command line, each
# honoured or refused at its line (docs/commands.md, "alembic.ini"):
# sourceless, output_encoding, prepend_sys_path, revision_environment (and
# revision --sql), a typo of an Alembic key, [retort] version_table /
# version_table_schema (runner, current, stamp, diff, --sql; PostgreSQL:
# the schema-qualified table, byte for byte with Alembic through the
# project's env.py), -n/--name, -x, --raiseerr, -q.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-ini.XXXXXX)
pgdb=retort_ini_$$
trap 'rm -rf "$tmp"; if [[ -n "${RETORT_TEST_PG_URL:-}" ]]; then drop_pg_database "$pgdb"; fi' EXIT
unset ALEMBIC_CONFIG DATABASE_URL

project() {   # project DIR, then the extra [alembic] lines on stdin
  mkdir -p "$1/alembic/versions" "$1/models"
  cp "$SOURCE_DIR/alembic/env.py" "$SOURCE_DIR/alembic/script.py.mako" "$1/alembic/"
  { printf '[alembic]\nscript_location = %%(here)s/alembic\nsqlalchemy.url = sqlite:///%%(here)s/app.db\n'; cat; } >"$1/alembic.ini"
  cd "$1"
}
refused() {   # LABEL EXPECTED CMD...
  local label=$1 expected=$2 out; shift 2
  if out=$("$@" 2>&1); then fail "$label: accepted"; return; fi
  grep -qF -- "$expected" <<<"$out" || fail "$label: expected '$expected', got: $out"
}

# --- sourceless --------------------------------------------------------------
project "$tmp/sourceless" <<<'sourceless = true'
"$RETORT" revision -m one --rev-id s1 >/dev/null || fail "sourceless: revision with sources"
/usr/bin/python3 -m py_compile alembic/versions/s1_one.py
"$RETORT" heads >/dev/null || fail "sourceless: .py beside its .pyc refused"
"$RETORT" revision -m two --rev-id s2 >/dev/null
/usr/bin/python3 -c "import py_compile; py_compile.compile('alembic/versions/s2_two.py', cfile='alembic/versions/s2_two.pyc')"
rm alembic/versions/s2_two.py
refused "sourceless .pyc" "alembic/versions/s2_two.pyc: error: a compiled revision without its source" "$RETORT" heads
out=$("$RETORT" heads 2>&1 || true); grep -qF "sourceless = true (alembic.ini:4)" <<<"$out" || fail "sourceless: hint: $out"
"${ALEMBIC[@]}" heads 2>/dev/null | grep -qx "s2 (head)" || fail "sourceless: Alembic does not read the .pyc (the test is wrong)"
sed -i 's/^sourceless = true/sourceless = false/' alembic.ini
[[ "$("$RETORT" heads)" == "s1 (head)" ]] || fail "sourceless = false: the .pyc is not ignored as Alembic ignores it"
sed -i 's/^sourceless = false/sourceless = yes/' alembic.ini
refused "sourceless yes" "alembic.ini:4:14: error: sourceless must be 'true' or 'false', not 'yes'" "$RETORT" heads

# --- output_encoding -----------------------------------------------------------
project "$tmp/enc" <<<'output_encoding = UTF-8'
"$RETORT" revision -m "café" --rev-id e1 >/dev/null || fail "output_encoding UTF-8 refused"
grep -q 'café' alembic/versions/e1_café.py || fail "utf-8: the message is not in the file"
sed -i 's/^output_encoding = UTF-8/output_encoding = ascii/' alembic.ini
"$RETORT" revision -m "plain" --rev-id e2 >/dev/null 2>&1 || fail "ascii: an ASCII revision refused"
refused "ascii, not ASCII" "alembic.ini:4:19: error: 'ascii' codec can't encode the revision file" "$RETORT" revision -m "naïve" --rev-id e3
[[ -z "$(ls alembic/versions/e3_* 2>/dev/null)" ]] || fail "ascii: a file was written"
sed -i 's/^output_encoding = ascii/output_encoding = latin-1/' alembic.ini
refused "latin-1" "alembic.ini:4:19: error: retort cannot write revision files in 'latin-1'" "$RETORT" heads

# --- prepend_sys_path (env.py's), timezone, truncate_slug_length ------------------
project "$tmp/misc" <<'EOF'
prepend_sys_path = .
timezone = UTC
truncate_slug_length = 8
EOF
out=$("$RETORT" revision -m "a long message here" --rev-id m1 2>&1) || fail "misc: $out"
[[ -z "$(grep -v '^Generating' <<<"$out")" ]] || fail "misc: prepend_sys_path: said something: $out"
[[ -f alembic/versions/m1_a_long_.py ]] || fail "truncate_slug_length: $(ls alembic/versions)"
grep -q '^Create Date: .*+00:00$' alembic/versions/m1_a_long_.py || fail "timezone: $(grep 'Create Date' alembic/versions/m1_a_long_.py)"
# a typo of an Alembic key: a warning with a did-you-mean (Alembic ignores it)
printf 'version_location = %%(here)s/v\n' >>alembic.ini
out=$("$RETORT" heads 2>&1) || fail "typo: refused"
grep -qF "alembic.ini:7:1: warning: 'version_location' is not an option Alembic reads; it is ignored" <<<"$out" &&
  grep -qF "did you mean 'version_locations'?" <<<"$out" || fail "typo: $out"

# --- revision_environment and revision --sql: Alembic's refusals -------------------
project "$tmp/renv" <<<''
refused "--sql --autogenerate" "error: Using --sql with --autogenerate does not make any sense" "$RETORT" revision --autogenerate --sql -m x
refused "--sql" "error: Using --sql with the revision command when revision_environment is not configured does not make any sense" \
  "$RETORT" revision --sql -m x
{ "${ALEMBIC[@]}" revision --sql -m x 2>&1 || true; } | grep -qF "Using --sql with the revision command when revision_environment is not configured" ||
  fail "Alembic says otherwise about revision --sql"
printf 'revision_environment = true\n' >>alembic.ini
"$RETORT" revision -m env --rev-id m2 >/dev/null || fail "revision_environment = true: revision refused"
refused "--sql with revision_environment" "retort does not run env.py" "$RETORT" revision --sql -m x
sed -i 's/^revision_environment = true/revision_environment = maybe/' alembic.ini
refused "revision_environment maybe" "error: String is not true/false: 'maybe'" "$RETORT" heads
sed -i '/^revision_environment/d' alembic.ini

# --- revision without -m: as Alembic -------------------------------------------
"$RETORT" revision --rev-id nomsg >/dev/null || fail "revision without -m refused"
"${ALEMBIC[@]}" revision --rev-id nomsg2 >/dev/null 2>&1 || fail "alembic revision without -m"
[[ -f alembic/versions/nomsg_.py && -f alembic/versions/nomsg2_.py ]] || fail "without -m: $(ls alembic/versions)"
[[ "$(head -1 alembic/versions/nomsg_.py)" == "$(head -1 alembic/versions/nomsg2_.py)" ]] || fail "without -m: the docstrings differ"
head -1 alembic/versions/nomsg_.py | grep -qx '"""empty message' || fail "without -m: docstring: $(head -1 alembic/versions/nomsg_.py)"

# --- global options -----------------------------------------------------------------
cat >>alembic.ini <<'EOF'

[other]
script_location = %(here)s/other
sqlalchemy.url = sqlite:///%(here)s/other.db
EOF
mkdir -p other/versions && cp alembic/*.py alembic/*.mako other/
"$RETORT" -n other revision -m "in other" --rev-id o1 >/dev/null || fail "-n other: revision"
[[ -f other/versions/o1_in_other.py ]] || fail "-n other: not written to other/"
[[ "$("$RETORT" --name other heads)" == "$("${ALEMBIC[@]}" -n other heads 2>/dev/null)" ]] || fail "-n other: heads differ from alembic"
refused "-n missing" "No 'script_location' key found in configuration." "$RETORT" -n nowhere heads
[[ "$("$RETORT" --raiseerr heads)" == "$("$RETORT" heads)" ]] || fail "--raiseerr"
[[ -z "$("$RETORT" -q heads)" ]] || fail "-q printed something"
refused "-x" "error: -x db=prod: Alembic passes -x arguments to env.py" "$RETORT" -x db=prod heads
out=$("$RETORT" upgrade head --tag release-1 2>&1) || fail "--tag: $out"
grep -qF "warning: --tag 'release-1' is not used" <<<"$out" || fail "--tag: no warning: $out"

# --- version_table on SQLite: runner, current, stamp, diff -----------------------------
project "$tmp/vt" <<<''
printf '[retort]\nversion_table = my_versions\n' >>alembic.ini
"$RETORT" revision -m one --rev-id v1 >/dev/null
"$RETORT" revision -m two --rev-id v2 >/dev/null
"$RETORT" upgrade v1 >/dev/null || fail "vt: upgrade"
tables=$("${SQLQ[@]}" "sqlite:///$tmp/vt/app.db" "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
# the version table, and beside it the runner's checksum table (docs/ci.md)
[[ "$tables" == $'my_versions\nretort_migrations' ]] || fail "vt: tables: $tables"
[[ "$("$RETORT" current)" == "$("${ALEMBIC[@]}" current 2>/dev/null)" ]] || fail "vt: current differs from alembic"
"$RETORT" stamp v2 >/dev/null || fail "vt: stamp"
[[ "$("${ALEMBIC[@]}" current 2>/dev/null)" == "v2 (head)" ]] || fail "vt: alembic does not see the stamp"
printf 'model Thing {\n  id Integer @primary_key\n}\n' >models/thing.model
out=$("$RETORT" diff) || fail "vt: diff at head: $out"
grep -q "my_versions" <<<"$out" && fail "vt: diff sees the version table: $out"
"$RETORT" stamp v1 >/dev/null
refused "vt: not at head" "the database is not up to date: it is at v1" "$RETORT" diff
for args in "upgrade v1:v2 --sql" "downgrade v2:base --sql" "stamp v1 --sql"; do
  # shellcheck disable=SC2086
  # (on SQLite retort's script has its own PRAGMA/BEGIN/COMMIT lines: compare the version table's)
  [[ "$("${ALEMBIC[@]}" $args 2>/dev/null | grep my_versions)" == "$("$RETORT" $args | grep my_versions)" ]] ||
    fail "vt: $args differs from alembic"
done

# --- version_table_schema on PostgreSQL ---------------------------------------------
if [[ -n "${RETORT_TEST_PG_URL:-}" ]]; then
  url=$(new_pg_database "$pgdb")
  "${SQLQ[@]}" "$url" "CREATE SCHEMA audit" >/dev/null
  sed -i "s|^sqlalchemy.url = .*|sqlalchemy.url = $url|" alembic.ini
  printf 'version_table_schema = audit\n' >>alembic.ini
  for args in "upgrade head --sql" "downgrade v2:base --sql" "stamp v1 --sql"; do
    # shellcheck disable=SC2086
    [[ "$("${ALEMBIC[@]}" $args 2>/dev/null)" == "$("$RETORT" $args)" ]] || fail "pg: $args differs from alembic"
  done
  "$RETORT" upgrade head >/dev/null || fail "pg: upgrade"
  [[ "$("${SQLQ[@]}" "$url" "SELECT version_num FROM audit.my_versions")" == v2 ]] || fail "pg: audit.my_versions"
  [[ "$("$RETORT" current)" == "$("${ALEMBIC[@]}" current 2>/dev/null)" ]] || fail "pg: current differs"
  "$RETORT" stamp v1 >/dev/null && [[ "$("${ALEMBIC[@]}" current 2>/dev/null)" == "v1" ]] || fail "pg: stamp"
  "${ALEMBIC[@]}" upgrade head >/dev/null 2>&1
  [[ "$("$RETORT" current)" == "v2 (head)" ]] || fail "pg: retort does not see Alembic's upgrade"
elif [[ "${RETORT_ALLOW_NO_PG:-}" != 1 ]]; then
  fail "RETORT_TEST_PG_URL is not set (RETORT_ALLOW_NO_PG=1 skips the PostgreSQL part)"
fi
refused "vt: bad name" "alembic.ini:6:17: error: version_table must be a plain SQL name" \
  bash -c "sed -i 's/^version_table = my_versions/version_table = my-versions/' alembic.ini; '$RETORT' heads"

finish
