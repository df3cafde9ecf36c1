#!/usr/bin/env bash
# alembic.ini is read as strictly as Alembic reads it (Python's ConfigParser,
# strict): each file of tests/data/ini/ is refused by every retort command
# with an error at its line and column, the line, a caret and a hint — and
# ConfigParser (for file_template and timezone: Alembic itself) refuses it
# too.  What ConfigParser accepts (interpolation through other options and
# [DEFAULT], keys in any case, %% escapes, widths in file_template), retort
# accepts, and names the revision file as Alembic names it.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-config.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset ALEMBIC_CONFIG
export DATABASE_URL="sqlite:///$tmp/app.db"
new_project "$tmp/p"
cd "$tmp/p"
V=${SOURCE_DIR%/*}/shared/vendor

# Where each error must be (line:column) and what it says.
declare -A where=(
  [duplicate_option.ini]="4:1: error: option 'script_location' in section 'alembic' already exists"
  [duplicate_section.ini]="7:1: error: section 'alembic' already exists"
  [file_template_unknown_key.ini]="3:26: error: unknown key 'nope' in file_template"
  [timezone_unknown.ini]="3:12: error: Can't locate timezone: Nowhere/Atlantis"
  [recursive_interpolation.ini]="4:19: error: Recursion limit exceeded in value substitution: option 'script_location'"
  [missing_interpolation.ini]="2:19: error: unknown interpolation '%(project_dir)s'"
  [no_section_header.ini]="1:1: error: File contains no section headers"
  [not_key_value.ini]="3:1: error: line is neither a section, a comment nor 'key = value'"
  [retort_misspelled_key.ini]="5:1: error: unknown option 'render_as_bach' in [retort]"
)

# What Alembic reads of alembic.ini, read by Python's ConfigParser as
# Alembic builds it: fails when ConfigParser refuses the file.
configparser_reads() {
  /usr/bin/python3 - "$1" <<'PY'
import configparser, os, sys
path = sys.argv[1]
c = configparser.ConfigParser({"here": os.path.dirname(os.path.abspath(path))})
c.read([path])
for key in ("script_location", "file_template", "timezone", "sqlalchemy.url", "truncate_slug_length"):
    c.get("alembic", key, fallback=None)
PY
}

for f in "$SOURCE_DIR"/tests/data/ini/*.ini; do
  name=$(basename "$f")
  cp "$f" alembic.ini
  for cmd in heads history "revision -m x"; do
    # shellcheck disable=SC2086
    if out=$("$RETORT" $cmd 2>&1); then fail "$name: retort $cmd accepted it"; continue; fi
    grep -qF "alembic.ini:${where[$name]}" <<<"$out" || fail "$name: retort $cmd: expected alembic.ini:${where[$name]}, got: $out"
    grep -q "^ *[0-9]* | " <<<"$out" || fail "$name: retort $cmd: no source line"
    grep -q "^ *| *^" <<<"$out" || fail "$name: retort $cmd: no caret"
    grep -q "^  hint: " <<<"$out" || fail "$name: retort $cmd: no hint"
  done
  case $name in
    retort_misspelled_key.ini)
      grep -q "hint: did you mean 'render_as_batch'?" <<<"$out" || fail "$name: no did-you-mean: $out" ;;
    file_template_unknown_key.ini)
      # Alembic fails when it names a revision file
      if "${ALEMBIC[@]}" revision -m x >/dev/null 2>&1; then fail "$name: Alembic accepts it"; fi ;;
    timezone_unknown.ini)
      # Alembic 1.8.1 here has no python-dateutil (every timezone fails);
      # the current Alembic (zoneinfo) is the reference when it is there.
      if [[ -d $V/alembic ]]; then
        if PYTHONPATH=$V/sqlalchemy:$V/alembic:$V/typing_extensions /usr/bin/python3 -m alembic revision -m x >"$tmp/out" 2>&1
        then fail "$name: Alembic 1.19 accepts it"; fi
        grep -q "Can't locate timezone: Nowhere/Atlantis" "$tmp/out" || fail "$name: Alembic 1.19 says: $(tail -1 "$tmp/out")"
      else echo "Alembic 1.19 not found in $V: timezone checked against retort only"; fi ;;
    *)
      if configparser_reads alembic.ini 2>/dev/null; then fail "$name: ConfigParser accepts it"; fi ;;
  esac
  [ -z "$(ls alembic/versions)" ] || fail "$name: a revision was written"
done
echo "ok refusals"

# What ConfigParser accepts, retort accepts, and names files as Alembic does.
cat >alembic.ini <<'INI'
[DEFAULT]
project = %(here)s

[alembic]
# keys in any case; interpolation through another option and [DEFAULT]
Script_Location = %(scripts)s/alembic
scripts = %(project)s
file_template = %%(rev)s_%%(slug).12s_%%(rev)-14s_100%%%%
truncate_slug_length = 40
sqlalchemy.url = sqlite:///%(here)s/app.db

[retort]
exclude_tables = legacy

  audit_log
INI
configparser_reads alembic.ini || fail "ConfigParser refuses the good file"
"$RETORT" heads >/dev/null || fail "retort refuses the good file"
"${ALEMBIC[@]}" revision -m "Add the accounts table" --rev-id aaaa00000001 >/dev/null 2>&1 || fail "alembic revision"
want=$(cd alembic/versions && ls)
rm alembic/versions/*
out=$("$RETORT" revision -m "Add the accounts table" --rev-id aaaa00000001) || fail "retort revision: $out"
got=$(cd alembic/versions && ls)
[ "$want" = "$got" ] || fail "file name: Alembic wrote '$want', retort '$got'"
echo "ok accepted"
finish
