#!/usr/bin/env bash
# The commands Alembic has that retort added later, against real Alembic:
# ensure_version (online on SQLite and PostgreSQL, and --sql byte for byte
# with Alembic 1.8.1), list_templates, init -t TEMPLATE (the files Alembic's
# template writes, its lines of output, the refusals), edit (the file given
# to $EDITOR / $VISUAL for every form of REV, and Alembic's errors), and
# check (Alembic 1.19's text and exit status, when ../shared/vendor is
# there; PostgreSQL needs RETORT_TEST_PG_URL unless RETORT_ALLOW_NO_PG=1).
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-alcmd.XXXXXX)
pgdb=retort_alcmd_$$
trap '[[ -n "${KEEP_TMP:-}" ]] || rm -rf "$tmp"; if [[ -n "${RETORT_TEST_PG_URL:-}" ]]; then drop_pg_database "$pgdb"; fi' EXIT
unset DATABASE_URL ALEMBIC_CONFIG VISUAL
VENDOR=${SOURCE_DIR%/*}/shared/vendor
ALEMBIC19=(env PYTHONPATH="$VENDOR/sqlalchemy:$VENDOR/alembic:$VENDOR/typing_extensions" /usr/bin/python3 -m alembic)

# same_out LABEL ARGS...: stdout and exit status of retort and alembic agree.
same_out() {
  local label=$1; shift
  local want got ws gs
  set +e
  want=$("${ALEMBIC[@]}" "$@" 2>/dev/null); ws=$?
  got=$("$RETORT" "$@" 2>/dev/null); gs=$?
  set -e
  if [[ "$want" != "$got" ]]; then
    fail "$label: retort $* prints other than alembic"
    diff <(echo "$want") <(echo "$got") >&2 || true
  fi
  if [[ $((ws == 0)) != $((gs == 0)) ]]; then fail "$label: alembic exit $ws, retort exit $gs"; fi
}
# failed_same LABEL ARGS...: both fail, with the same message (Alembic's
# "FAILED: message" on stdout; retort's diagnostic on stderr).
failed_same() {
  local label=$1; shift
  local want got
  want=$("${ALEMBIC[@]}" "$@" 2>/dev/null | sed -n 's/^FAILED: //p') && :     # Alembic: on stdout
  if got=$("$RETORT" "$@" 2>&1); then fail "$label: retort $* succeeded"; return; fi
  got=$(sed -n 's/^FAILED: //p; s/^\(.*: \)\{0,1\}error: //p' <<<"$got" | head -1)
  [[ -n "$want" ]] || { fail "$label: alembic $* did not fail"; return; }
  [[ "$want" == "$got" ]] || fail "$label: retort says '$got', alembic '$want'"
}

# ------------------------------------------------------------ list_templates
cd "$tmp"
got=$("$RETORT" list_templates)
want=$("${ALEMBIC[@]}" list_templates)
# Alembic lists its folder in directory order; retort lists what it writes
# (generic, async), with Alembic's lines for them.
filtered=$(awk '/^[a-z_]+ - /{ if ($1 != "generic" && $1 != "async") next } {print}' <<<"$want")
[[ "$(sort <<<"$got")" == "$(sort <<<"$filtered")" ]] || { fail "list_templates differs from Alembic's"; diff <(echo "$filtered") <(echo "$got") >&2 || true; }
[[ "$(head -2 <<<"$got")" == "$(head -2 <<<"$want")" && "$(tail -3 <<<"$got")" == "$(tail -3 <<<"$want")" ]] ||
  fail "list_templates: the head and tail lines are not Alembic's"
echo "ok list_templates"

# ---------------------------------------------------------------- init -t
for t in generic async; do
  mkdir -p "$tmp/init-$t/a" "$tmp/init-$t/r"
  (cd "$tmp/init-$t/a" && "${ALEMBIC[@]}" init -t $t mig >../alembic.out) || fail "alembic init -t $t"
  (cd "$tmp/init-$t/r" && "$RETORT" init -t $t mig >../retort.out) || fail "retort init -t $t"
  cd "$tmp/init-$t"
  # Alembic's lines (its file order is its folder's order), with the other
  # folder; retort adds the models/ folder and its own last line.
  want=$(sed "s#/a/#/X/#; s#/a'#/X'#" alembic.out | sort)
  got=$(grep -v -e '/models \.\.\.' -e '^Then write models' retort.out | sed "s#/r/#/X/#; s#/r'#/X'#" | sort)
  [[ "$want" == "$got" ]] || { fail "init -t $t: output differs from Alembic's"; diff <(echo "$want") <(echo "$got") >&2 || true; }
  [[ -d r/mig/versions && -d r/models ]] || fail "init -t $t: folders missing"
  cmp -s a/mig/script.py.mako r/mig/script.py.mako || fail "init -t $t: script.py.mako is not Alembic's"
  if [[ $t == async ]]; then
    cmp -s a/mig/env.py r/mig/env.py || fail "init -t async: env.py is not Alembic's"
    cmp -s a/mig/README r/mig/README || fail "init -t async: README is not Alembic's"
  else
    cmp -s r/mig/env.py "$SOURCE_DIR/alembic/env.py" || fail "init -t generic: env.py is not retort's"
  fi
  grep -q '^script_location = %(here)s/mig$' r/alembic.ini || fail "init -t $t: ini does not point at mig"
  grep -q '^\[retort\]' r/alembic.ini || fail "init -t $t: no [retort] section"
done
cd "$tmp"
mkdir pkg && (cd pkg && "$RETORT" init --package -tasync mig >out) || fail "init --package -tasync"
[[ -f pkg/mig/__init__.py && -f pkg/mig/versions/__init__.py ]] || fail "init --package: no __init__.py files"
grep -q "^Adding $tmp/pkg/mig/versions/__init__.py \.\.\.  done$" pkg/out || fail "init --package: no Adding line"
(cd pkg && DATABASE_URL=sqlite:///x.db "$RETORT" heads) || fail "the project of init --package does not load"
mkdir refuse && cd refuse
for t in multidb pyproject pyproject_async; do
  if out=$("$RETORT" init -t $t mig 2>&1); then fail "init -t $t accepted"; fi
  grep -q "retort does not write Alembic's '$t' template" <<<"$out" || fail "init -t $t: message: $out"
  grep -q "hint: .*python3 -m alembic init -t $t DIR" <<<"$out" || fail "init -t $t: hint: $out"
done
if out=$("$RETORT" init -t asnyc mig 2>&1); then fail "init -t asnyc accepted"; fi
grep -q "error: No such template 'asnyc'" <<<"$out" || fail "unknown template message: $out"
grep -q "did you mean 'async'" <<<"$out" || fail "unknown template: no did-you-mean: $out"
[[ -z "$(ls -A)" ]] || fail "a refused init wrote something"
cd "$tmp"
echo "ok init -t"

# ---------------------------------------------------------- ensure_version
new_project "$tmp/ev"
cd "$tmp/ev"
export DATABASE_URL="sqlite:///$tmp/ev/app.db"
same_out "ensure_version --sql sqlite" ensure_version --sql
DATABASE_URL=postgresql://u@localhost/x same_out "ensure_version --sql postgresql" ensure_version --sql
sed 's/^schema = public$/schema = public\nversion_table = my_versions\nversion_table_schema = audit/' alembic.ini >vt.ini
DATABASE_URL=postgresql://u@localhost/x same_out "ensure_version --sql version_table_schema" -c vt.ini ensure_version --sql
[[ ! -e app.db ]] || fail "ensure_version --sql created the database"
"$RETORT" ensure_version || fail "ensure_version on SQLite"
[[ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT sql FROM sqlite_master WHERE name='alembic_version'")" == *"CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)"* ]] ||
  fail "ensure_version did not create alembic_version as Alembic does"
"$RETORT" ensure_version || fail "ensure_version when the table exists"
revfile r1 None "one" pass
"$RETORT" stamp head >/dev/null
"$RETORT" ensure_version || fail "ensure_version with a row"
[[ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT version_num FROM alembic_version")" == r1 ]] || fail "ensure_version changed the row"
# The same table Alembic makes: Alembic finds it and is happy with it.
"${ALEMBIC[@]}" current 2>/dev/null | grep -q '^r1 (head)$' || fail "Alembic does not read the table ensure_version made"
if [[ -n "${RETORT_TEST_PG_URL:-}" ]]; then
  export DATABASE_URL=$(new_pg_database "$pgdb")
  "$RETORT" ensure_version || fail "ensure_version on PostgreSQL"
  "$RETORT" ensure_version || fail "ensure_version again on PostgreSQL"
  [[ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT count(*) FROM alembic_version")" == 0 ]] || fail "PostgreSQL: no empty alembic_version"
  "${SQLQ[@]}" "$DATABASE_URL" "CREATE SCHEMA audit" >/dev/null
  "$RETORT" -c vt.ini ensure_version || fail "ensure_version with version_table_schema"
  [[ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT count(*) FROM audit.my_versions")" == 0 ]] || fail "no audit.my_versions"
elif [[ "${RETORT_ALLOW_NO_PG:-}" == 1 ]]; then echo "PostgreSQL skipped (RETORT_ALLOW_NO_PG=1)"
else fail "RETORT_TEST_PG_URL is not set (set RETORT_ALLOW_NO_PG=1 to skip PostgreSQL)"; fi
export DATABASE_URL="sqlite:///$tmp/ev/app.db"
echo "ok ensure_version"

# --------------------------------------------------------------------- edit
new_project "$tmp/ed"
cd "$tmp/ed"
export DATABASE_URL="sqlite:///$tmp/ed/app.db"
revfile aaaa00000001 None "one" pass
revfile bbbb00000002 "'aaaa00000001'" "two" pass
revfile cccc00000003 "'aaaa00000001'" "branch" pass
sed -i "s/^branch_labels = None/branch_labels = ('feat',)/" alembic/versions/cccc00000003.py
cat >editor.sh <<'E'
#!/bin/sh
echo "$0 $*" >>"$EDITS"
exit "${EDIT_STATUS:-0}"
E
chmod +x editor.sh
export EDITS=$tmp/ed/edits
# edited TOOL ARGS...: the editor's invocations (sorted: Alembic opens a
# set's members in its order), then the status line.
edited() {
  rm -f "$EDITS"
  local rc=0
  "$@" >/dev/null 2>&1 || rc=$?
  { sort "$EDITS" 2>/dev/null || true; echo "ok=$((rc == 0))"; }
}
compare_edit() {
  local label=$1; shift
  local want got
  want=$(edited "${ALEMBIC[@]}" "$@")
  got=$(edited "$RETORT" "$@")
  [[ "$want" == "$got" ]] || { fail "edit $label: retort opened other files than alembic"; diff <(echo "$want") <(echo "$got") >&2 || true; }
}
export EDITOR=$tmp/ed/editor.sh
for r in heads aaaa aaaa00000001 feat@head feat -1 bbbb00000002; do compare_edit "$r" edit "$r"; done
failed_same "edit head (two heads)" edit head
failed_same "edit base" edit base
failed_same "edit unknown" edit zzzz
failed_same "edit current (no rows)" edit current
"${ALEMBIC[@]}" upgrade heads >/dev/null 2>&1
compare_edit current edit current
# A failing editor: Alembic's message, exit 1.
EDIT_STATUS=3 failed_same "editor exit 3" edit aaaa
# EDITOR a bare name on PATH; VISUAL when EDITOR is unset; a path that does
# not exist falls back to the defaults.
mkdir bin && cp editor.sh bin/myed
PATH="$tmp/ed/bin:$PATH" EDITOR=myed compare_edit "EDITOR=myed" edit aaaa
(unset EDITOR; VISUAL=$tmp/ed/editor.sh compare_edit "VISUAL" edit aaaa)
(unset EDITOR; out=$(PATH=/nonexistent "$RETORT" edit aaaa 2>&1) && fail "edit without an editor succeeded"
 grep -q 'No suitable editor found. Please set the "EDITOR" or "VISUAL" environment variables' <<<"$out" ||
   fail "edit without an editor: $out")
echo "ok edit"

# -------------------------------------------------------------------- check
new_project "$tmp/ck"
cd "$tmp/ck"
export DATABASE_URL="sqlite:///$tmp/ck/app.db"
printf 'model Item {\n  id Integer @primary_key\n}\n' >models/item.model
set +e; out=$("$RETORT" check 2>"$tmp/ck.err"); rc=$?; set -e
[[ $rc == 1 ]] || fail "check with a pending table exited $rc"
[[ "$out" == "FAILED: New upgrade operations detected: [('add_table', 'item')]"* ]] || fail "check message: $out"
# a versions folder without retort.sum: said once, on stderr (docs/ci.md)
[[ $(grep -c "note: no retort.sum in this versions folder" "$tmp/ck.err") == 1 ]] || fail "check: no note: $(cat "$tmp/ck.err")"
[[ "$("$RETORT" check 2>/dev/null)" == "FAILED: New upgrade operations detected: [('add_table', 'item')]" ]] ||
  fail "check: the message is not on stdout, as Alembic prints it"
"$RETORT" revision --autogenerate -m item --rev-id item00000001 >/dev/null
set +e; out=$("$RETORT" check 2>&1); rc=$?; set -e
[[ $rc == 1 ]] && grep -q "the database is not up to date" <<<"$out" || fail "check when not at head: $rc $out"
"$RETORT" upgrade head --no-backup >/dev/null
got=$("$RETORT" check) || fail "check at head with nothing to do failed"
printf 'model Item {\n  id Integer @primary_key\n  name String(20) @index\n}\n' >models/item.model
set +e; out=$("$RETORT" check 2>&1); rc=$?; set -e
[[ $rc == 1 ]] || fail "check with a new column exited $rc"
grep -qF "[('add_column', None, 'item', 'name'), ('add_index', 'ix_item_name')]" <<<"$out" || fail "check list: $out"
printf 'model Item {\n  id Integer @primary_key\n}\n' >models/item.model
if [[ -d "$VENDOR/alembic" ]]; then
  # Alembic 1.19 on the same database, with the models as its metadata.
  sed 's/^target_metadata = None$/import sqlalchemy as sa\ntarget_metadata = sa.MetaData()\nsa.Table("item", target_metadata, sa.Column("id", sa.Integer, primary_key=True))\nif os.environ.get("WITH_NAME"):\n    target_metadata.tables["item"].append_column(sa.Column("name", sa.String(20)))/' \
    "$SOURCE_DIR/alembic/env.py" >alembic/env.py
  want=$("${ALEMBIC19[@]}" check 2>/dev/null) || fail "alembic 1.19 check failed"
  [[ "$want" == "$got" ]] || fail "check prints '$got', Alembic 1.19 '$want'"
  set +e; want=$(WITH_NAME=1 "${ALEMBIC19[@]}" check 2>/dev/null); ws=$?; set -e
  [[ $ws != 0 ]] || fail "Alembic 1.19's check found nothing to do"
  [[ "$want" == "FAILED: New upgrade operations detected: [('add_column', None, 'item', Column("* ]] ||
    fail "Alembic 1.19's check message is not the expected one: $want"
  printf 'model Item {\n  id Integer @primary_key\n  name String(20)\n}\n' >models/item.model
  set +e; out=$("$RETORT" check 2>/dev/null); set -e
  [[ "$out" == "FAILED: New upgrade operations detected: [('add_column', None, 'item', 'name')]" ]] || fail "check: $out"
else
  echo "Alembic 1.19 comparison skipped: $ALEMBIC119_MISSING"
fi
echo "ok check"
finish
