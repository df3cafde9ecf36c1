#!/usr/bin/env bash
# libpq is loaded on the first PostgreSQL URL, not linked (src/db/libpq.h):
#   - the binary does not need libpq.so.5 to start (its ELF NEEDED list);
#   - with libpq.so.5 made unloadable (a private mount namespace binds
#     /dev/null over it), SQLite commands and file-only commands still run,
#     and a postgresql:// URL is one located error with an install hint,
#     exit 1, before anything is written.
# The second part needs `unshare -m` (root, or a user namespace): skipped
# with a message where the machine does not allow it.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-libpq.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset ALEMBIC_CONFIG

needed=$(readelf -d "$RETORT" | awk '/NEEDED/ { print $NF }')
grep -q 'libpq' <<<"$needed" && fail "retort is linked against libpq: $(tr '\n' ' ' <<<"$needed")"
grep -q 'sqlite3' <<<"$needed" || fail "readelf shows no libsqlite3 in retort's NEEDED list: $needed"

# awk reads ldconfig's whole output (an early exit would end ldconfig with
# SIGPIPE, a failed pipeline under pipefail).
cache=$(/sbin/ldconfig -p)
lib=$(awk '$1 == "libpq.so.5" && /x86-64|x86_64|64bit/ && !found { print $NF; found = 1 }' <<<"$cache")
[[ -n $lib ]] || lib=$(awk '$1 == "libpq.so.5" && !found { print $NF; found = 1 }' <<<"$cache")
[[ -n $lib ]] || die "ldconfig knows no libpq.so.5 (libpq5 is installed with libpq-dev)"
real=$(readlink -f "$lib")

new_project "$tmp/p"
cd "$tmp/p"
printf 'model Item {\n  id Integer @primary_key\n  name String(40)\n}\n' >models/item.model

# Inside the namespace: libpq.so.5 reads as an empty file.
cat >"$tmp/inside.sh" <<EOF
set -u
mount --bind /dev/null "$real" || exit 90
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/p/app.db"
"$RETORT" revision --autogenerate -m first >"$tmp/sqlite.out" 2>&1 || exit 91
"$RETORT" upgrade head >>"$tmp/sqlite.out" 2>&1 || exit 92
"$RETORT" heads >>"$tmp/sqlite.out" 2>&1 || exit 93
"$RETORT" check --offline >>"$tmp/sqlite.out" 2>&1 || exit 94
before=\$(ls alembic/versions | wc -l)
DATABASE_URL=postgresql://nobody@127.0.0.1:1/none "$RETORT" revision --autogenerate -m second \
  >"$tmp/pg.out" 2>"$tmp/pg.err"
echo "\$?" >"$tmp/pg.rc"
[ "\$(ls alembic/versions | wc -l)" = "\$before" ] || exit 95
exit 0
EOF
if ! unshare -m true 2>/dev/null; then
  echo "skip: unshare -m is not allowed here (the libpq-missing half needs a private mount namespace)"
  finish
  exit 0
fi
set +e
unshare -m bash "$tmp/inside.sh"
rc=$?
set -e
case $rc in
  0) ;;
  90) die "cannot bind-mount over $real in the namespace" ;;
  95) fail "a postgresql:// URL with libpq missing wrote a revision file" ;;
  *) fail "a SQLite command failed without libpq (step $rc):"$'\n'"$(cat "$tmp/sqlite.out")" ;;
esac
if [[ -f $tmp/pg.rc ]]; then
  [[ $(cat "$tmp/pg.rc") == 1 ]] || fail "postgresql:// without libpq exited $(cat "$tmp/pg.rc"), not 1"
  grep -q "^error: PostgreSQL needs libpq, which could not be loaded: .*libpq.so.5" "$tmp/pg.err" ||
    fail "no error naming libpq.so.5:"$'\n'"$(cat "$tmp/pg.err")"
  grep -q "hint: install libpq 14 or newer (Debian and Ubuntu: apt-get install libpq5)" "$tmp/pg.err" ||
    fail "no install hint:"$'\n'"$(cat "$tmp/pg.err")"
fi
# Outside the namespace nothing changed: libpq loads and the URL is tried.
set +e
DATABASE_URL=postgresql://nobody@127.0.0.1:1/none "$RETORT" current >/dev/null 2>"$tmp/err"
set -e
grep -q "could not connect to PostgreSQL at 127.0.0.1:1" "$tmp/err" ||
  fail "with libpq present the connection is not even tried:"$'\n'"$(cat "$tmp/err")"
finish
