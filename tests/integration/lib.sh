# Shared helpers of the integration tests (sourced).
# Environment from ctest: RETORT (the binary), SOURCE_DIR, BUILD_DIR.
set -euo pipefail
: "${RETORT:?run through ctest}" "${SOURCE_DIR:?}"
ALEMBIC=(/usr/bin/python3 -m alembic)
SQLQ=(/usr/bin/python3 "$SOURCE_DIR/tests/integration/sqlq.py")
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }

# A fresh project in $1: alembic.ini, alembic/{env.py,script.py.mako},
# empty versions/ and models/.  The database comes from DATABASE_URL.
new_project() {
  local dir=$1
  mkdir -p "$dir/alembic/versions" "$dir/models"
  cp "$SOURCE_DIR/alembic.ini" "$dir/"
  cp "$SOURCE_DIR/alembic/env.py" "$SOURCE_DIR/alembic/script.py.mako" "$dir/alembic/"
}

# A PostgreSQL database of its own for this test: prints its URL.
# Needs RETORT_TEST_PG_URL (a server URL ending in /postgres or another db).
new_pg_database() {
  local name=$1 base=${RETORT_TEST_PG_URL:?RETORT_TEST_PG_URL is not set: run the tests through tools/run-tests.sh}
  "${SQLQ[@]}" "$base" "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true
  /usr/bin/python3 - "$base" "$name" <<'PY'
import sys, sqlalchemy as sa
e = sa.create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with e.connect() as c:
    c.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % sys.argv[2]))
    c.execute(sa.text('CREATE DATABASE "%s"' % sys.argv[2]))
PY
  echo "${base%/*}/$name"
}

drop_pg_database() {
  /usr/bin/python3 - "${RETORT_TEST_PG_URL}" "$1" <<'PY' || true
import sys, sqlalchemy as sa
e = sa.create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with e.connect() as c:
    c.execute(sa.text('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[2]))
PY
}

# A fresh database named $1 for a test that runs on $BACKEND (sqlite: a file
# in $tmp; postgresql: a database of its own, which drop_test_databases
# removes): prints its URL.
test_db_url() {
  if [ "$BACKEND" = sqlite ]; then echo "sqlite:///$tmp/$1.db"
  else new_pg_database "retort_${1}_$$"; fi
}
# Call with the names given to test_db_url (the subshell of $(...) cannot
# record them itself).
drop_test_databases() {
  [ "${BACKEND:-}" = postgresql ] || return 0
  local n
  for n in "$@"; do drop_pg_database "retort_${n}_$$"; done
}

# revfile ID DOWN DOC BODY-LINE...: a revision file alembic/versions/ID.py
# as Alembic writes one (docstring, header, upgrade() with the body lines,
# an empty downgrade()).  DOWN is Python: None, "'r1'", "('a', 'b')".  The
# first body line is line 15 of the file.
revfile() {
  local id=$1 down=$2 doc=$3; shift 3
  {
    printf '"""%s\n\nRevision ID: %s\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n' "$doc" "$id"
    printf "revision = '%s'\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n\n\n" "$id" "$down"
    printf 'def upgrade() -> None:\n'
    for line in "$@"; do printf '    %s\n' "$line"; done
    printf '\n\ndef downgrade() -> None:\n    pass\n'
  } >"alembic/versions/$id.py"
}

# The path of the file a `retort revision` run wrote, from its output.
generated_path() { sed -n 's/^Generating \(.*\) \.\.\.  done$/\1/p' <<<"$1"; }

# ---- Alembic 1.8.1 (Debian) and the current Alembic (../shared/vendor)
# The compatibility matrix (docs/testing.md): the round-trip and history
# suites run against both.  The vendor folder is not part of the project (a
# fresh clone has none): have_alembic119 says whether it is there, and a
# test skips that half with a message when it is not.
VENDOR=${SOURCE_DIR%/*}/shared/vendor
VENDOR_PYTHONPATH=$VENDOR/sqlalchemy:$VENDOR/alembic:$VENDOR/typing_extensions
# The Sanitize build leaves that half to the optimized build's run of the
# same suite: it is Alembic's own work (minutes of Python), and retort's
# side of it is what the Alembic 1.8.1 half runs under the sanitizers too.
if [[ ${RETORT_BUILD_TYPE:-} == Sanitize ]]; then
  ALEMBIC119_MISSING="the Sanitize build leaves the current Alembic to the optimized build's run"
else
  ALEMBIC119_MISSING="no $VENDOR (the current Alembic)"
fi
have_alembic119() {
  [[ ${RETORT_BUILD_TYPE:-} != Sanitize && -d $VENDOR/alembic && -d $VENDOR/sqlalchemy && -d $VENDOR/typing_extensions ]]
}
# Python on SQLAlchemy 2.0 and Alembic 1.19.  The vendored trees are
# read-only: their bytecode is cached in the build folder, which takes a
# start from 1 s to 0.4 s (stdlib's too, once).
vendor_python() {
  env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX="${BUILD_DIR:-/tmp}/pycache-vendor" \
    PYTHONPATH="$VENDOR_PYTHONPATH" /usr/bin/python3 "$@"
}
# One command line of the current Alembic, in a Python of its own.
alembic119() { vendor_python -m alembic "$@"; }

# migrate_with TOOL upgrade|downgrade REV: that step run by Alembic 1.8.1
# (alembic), the current Alembic (alembic119) or retort's runner (retort,
# without a backup); quiet, its stderr in $tmp/err.
migrate_with() {
  local tool=$1
  shift
  case $tool in
    alembic) "${ALEMBIC[@]}" "$@" ;;
    alembic119) alembic119 "$@" ;;
    retort) "$RETORT" "$@" --no-backup ;;
    *) die "migrate_with alembic|alembic119|retort, not $tool" ;;
  esac >/dev/null 2>"$tmp/err"
}
# for_each_tool FN: FN alembic, FN alembic119 (skipped with a message when
# the vendor folder is absent), FN retort.
for_each_tool() {
  "$1" alembic
  if have_alembic119; then "$1" alembic119; else echo "skip: $ALEMBIC119_MISSING"; fi
  "$1" retort
}

# use_alembic 1.8|1.19: from now on "${ALEMBIC[@]}" ARGS runs `alembic
# ARGS` of that version in one long-lived Python process
# (alembic_server.py: a command line costs milliseconds there instead of a
# Python start), with the caller's working directory, DATABASE_URL,
# ALEMBIC_CONFIG and PYTHONWARNINGS, its stdout, stderr and exit status.
# Returns 1 when that version is not available.  ALEMBIC_VERSION says which.
ALEMBIC_SERVER_PID=""
use_alembic() {
  local dir
  stop_alembic
  case $1 in
    1.8) ;;
    1.19) have_alembic119 || return 1;;
    *) die "use_alembic 1.8|1.19, not $1";;
  esac
  dir=$(mktemp -d /tmp/retort-alembic-server.XXXXXX)
  mkfifo "$dir/in" "$dir/out"
  # Started by this shell itself (not through a function, which would run
  # in a subshell of its own), which the process watches: it ends, removing
  # $dir, when the shell does (a check that fails under set -e).
  local shell=$BASHPID
  if [[ $1 == 1.8 ]]; then
    /usr/bin/python3 "$SOURCE_DIR/tests/integration/alembic_server.py" "$dir/in" "$dir/out" "$shell" \
      </dev/null >"$dir/log" 2>&1 &
  else
    env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX="${BUILD_DIR:-/tmp}/pycache-vendor" PYTHONPATH="$VENDOR_PYTHONPATH" \
      /usr/bin/python3 "$SOURCE_DIR/tests/integration/alembic_server.py" "$dir/in" "$dir/out" "$shell" \
      </dev/null >"$dir/log" 2>&1 &
  fi
  ALEMBIC_SERVER_PID=$!
  ALEMBIC_SERVER_DIR=$dir
  ALEMBIC_VERSION=$1
  ALEMBIC=(alembic_in_process)
  local said
  said=$(alembic_in_process --version 2>&1) || true
  [[ $said == "alembic $1."* ]] || die "use_alembic $1: the process is $said"
}
stop_alembic() {
  [[ -n $ALEMBIC_SERVER_PID ]] || return 0
  kill "$ALEMBIC_SERVER_PID" 2>/dev/null || true
  wait "$ALEMBIC_SERVER_PID" 2>/dev/null || true
  rm -rf "$ALEMBIC_SERVER_DIR"
  ALEMBIC_SERVER_PID=""
  ALEMBIC=(/usr/bin/python3 -m alembic)
}
alembic_in_process() {
  local d=$ALEMBIC_SERVER_DIR req v a status lock
  kill -0 "$ALEMBIC_SERVER_PID" 2>/dev/null || die "the Alembic $ALEMBIC_VERSION process is gone: $(cat "$d/log" 2>/dev/null)"
  req="$d/o.$BASHPID"$'\x1f'"$d/e.$BASHPID"$'\x1f'"$PWD"
  for v in DATABASE_URL ALEMBIC_CONFIG PYTHONWARNINGS; do
    if [[ -n ${!v+x} && ${!v@a} == *x* ]]; then req+=$'\x1f'"$v=${!v}"; else req+=$'\x1f'"$v"; fi
  done
  req+=$'\x1f'--
  for a in "$@"; do req+=$'\x1f'"$a"; done
  exec {lock}>"$d/lock"
  flock "$lock"
  printf '%s\n' "$req" >"$d/in"
  read -r -t 600 status <"$d/out" || die "no answer from the Alembic $ALEMBIC_VERSION process: $(cat "$d/log")"
  exec {lock}>&-
  cat "$d/o.$BASHPID"
  cat "$d/e.$BASHPID" >&2
  rm -f "$d/o.$BASHPID" "$d/e.$BASHPID"
  return "$status"
}

finish() {
  stop_alembic
  if ((failures)); then echo "$failures check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}

# need_postgresql: for a test that runs on PostgreSQL only: without
# RETORT_TEST_PG_URL it fails, or skips (exit 0) with RETORT_ALLOW_NO_PG=1.
need_postgresql() {
  [[ -z ${RETORT_TEST_PG_URL:-} ]] || return 0
  if [[ ${RETORT_ALLOW_NO_PG:-} == 1 ]]; then echo "skip: PostgreSQL (RETORT_ALLOW_NO_PG=1)"; exit 0; fi
  die "RETORT_TEST_PG_URL is not set (set RETORT_ALLOW_NO_PG=1 to skip PostgreSQL)"
}
