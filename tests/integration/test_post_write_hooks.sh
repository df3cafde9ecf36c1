#!/usr/bin/env bash
# [post_write_hooks] run after `revision` (and `merge`) write the file, as
# Alembic runs them: `hooks = a, b` in order; console_scripts (the entry
# point: here the program of that name on PATH), exec (.executable),
# .options with REVISION_SCRIPT_FILENAME replaced (prepended when absent,
# split as shlex splits), .cwd.  Compared byte for byte with Alembic 1.8
# (console_scripts: a pyflakes script on PATH runs what Alembic's entry
# point runs) and with Alembic 1.19 for exec (1.8 has no exec, and prints
# the hook's name in double quotes where 1.19 prints single quotes; retort
# prints 1.8's).  A hook that exits non-zero: Alembic goes on (exit 0), the
# file stays; retort too, with a warning.  A hook that cannot start: FAILED,
# exit 1, the file stays.  What Alembic would only find after writing (an
# unknown type, a missing key) is refused before, at its line.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-hooks.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset ALEMBIC_CONFIG DATABASE_URL
V=${SOURCE_DIR%/*}/shared/vendor
A19=(env "PYTHONPATH=$V/sqlalchemy:$V/alembic:$V/typing_extensions" /usr/bin/python3 -m alembic)
# The exec hooks are compared with Alembic 1.19 (1.8 has no exec) only when
# ../shared/vendor is there; retort's own checks run either way.
have19=false
if [ -d "$V/alembic" ]; then have19=true; else echo "skip: no $V (Alembic 1.19): exec hooks not compared with it"; fi

mkdir -p "$tmp/bin"
# Alembic's console_scripts hook runs the pyflakes entry point; retort runs
# the program `pyflakes` on PATH: this one runs the same entry point.
printf '#!/bin/sh\nexec /usr/bin/python3 -c "import pyflakes.api; pyflakes.api.main()" "$@"\n' >"$tmp/bin/pyflakes"
printf '#!/bin/sh\necho "args: $*"; echo "cwd: $(pwd)"\n' >"$tmp/bin/show-args"
printf '#!/bin/sh\necho "failing on $1"; exit 3\n' >"$tmp/bin/failing"
chmod +x "$tmp/bin/"*
export PATH="$tmp/bin:$PATH"

project() {   # project DIR, then the [post_write_hooks] lines on stdin
  mkdir -p "$1/alembic/versions" "$1/sub"
  cp "$SOURCE_DIR/alembic/env.py" "$SOURCE_DIR/alembic/script.py.mako" "$1/alembic/"
  { printf '[alembic]\nscript_location = %%(here)s/alembic\nsqlalchemy.url = sqlite:///%%(here)s/app.db\n\n[post_write_hooks]\n'; cat; } >"$1/alembic.ini"
  cd "$1"
}

# compare LABEL "CMD..." ID: the same stdout and status from Alembic (CMD)
# and retort, each writing revision ID with the same message.
compare() {
  local label=$1 id=$3 want got wrc grc
  local -a alembic_cmd
  read -ra alembic_cmd <<<"$2"
  want=$("${alembic_cmd[@]}" revision -m "hooked rev" --rev-id "$id" 2>/dev/null); wrc=$?
  local file=(alembic/versions/"$id"_*.py)
  [[ -f "${file[0]}" ]] || fail "$label: alembic wrote no file"
  rm -f alembic/versions/"$id"_*.py
  got=$("$RETORT" revision -m "hooked rev" --rev-id "$id" 2>"$tmp/stderr"); grc=$?
  [[ -f $(echo alembic/versions/"$id"_*.py) ]] || fail "$label: retort wrote no file (or removed it)"
  [[ "$want" == "$got" ]] || { fail "$label: stdout differs"; diff <(echo "$want") <(echo "$got") >&2 || true; }
  [[ $wrc == 0 && $grc == 0 ]] || [[ $wrc != 0 && $grc != 0 ]] || fail "$label: exit status alembic $wrc, retort $grc"
  rm -f alembic/versions/"$id"_*.py
}

# console_scripts, with options around the file name: Alembic 1.8
project "$tmp/console" <<'EOF'
hooks = flakes
flakes.type = console_scripts
flakes.entrypoint = pyflakes
flakes.options = REVISION_SCRIPT_FILENAME
EOF
set +e
compare console "${ALEMBIC[*]}" c1
# exec, options with quotes and the token inside a word, cwd: Alembic 1.19
project "$tmp/exec" <<EOF
hooks = first, second
first.type = exec
first.executable = show-args
first.options = --flag "two words" --file=REVISION_SCRIPT_FILENAME
first.cwd = $tmp/exec/sub
second.type = exec
second.executable = $tmp/bin/show-args
EOF
if $have19; then
  want=$("${A19[@]}" revision -m "hooked rev" --rev-id e1 2>/dev/null | sed "s/hook '\([a-z]*\)'/hook \"\1\"/")
  rm -f alembic/versions/e1_*.py
fi
got=$("$RETORT" revision -m "hooked rev" --rev-id e1) || fail "exec: retort failed"
if $have19; then
  [[ "$want" == "$got" ]] || { fail "exec: stdout differs from Alembic 1.19's"; diff <(echo "$want") <(echo "$got") >&2; }
fi
grep -qxF "args: --flag two words --file=$tmp/exec/alembic/versions/e1_hooked_rev.py" <<<"$got" || fail "exec: args: $got"
grep -qxF "cwd: $tmp/exec/sub" <<<"$got" || fail "exec: cwd: $got"
# merge runs them too
"$RETORT" revision -m other --rev-id e2 --head base >/dev/null
got=$("$RETORT" merge heads -m "join" --rev-id e3) || fail "merge with hooks failed"
[[ $(grep -c '^Running post write hook' <<<"$got") == 2 ]] || fail "merge: hooks not run: $got"

# a hook that exits 3: Alembic says done and exits 0; retort too, warning
project "$tmp/failing" <<'EOF'
hooks = f
f.type = exec
f.executable = failing
EOF
wrc=0
if $have19; then
  want=$("${A19[@]}" revision -m "hooked rev" --rev-id f1 2>/dev/null | sed "s/hook 'f'/hook \"f\"/"); wrc=$?
  rm -f alembic/versions/f1_*.py
fi
got=$("$RETORT" revision -m "hooked rev" --rev-id f1 2>"$tmp/err"); grc=$?
[[ $wrc == 0 && $grc == 0 ]] || fail "failing hook: exit alembic $wrc retort $grc"
if $have19; then
  [[ "$want" == "$got" ]] || { fail "failing hook: stdout differs"; diff <(echo "$want") <(echo "$got") >&2; }
fi
grep -qF "alembic.ini:7:10: warning: post write hook 'f' exited with status 3" "$tmp/err" || fail "failing hook: $(cat "$tmp/err")"
[[ -f alembic/versions/f1_hooked_rev.py ]] || fail "failing hook: the file is gone"

# a hook that cannot start: FAILED, exit 1, the file stays
project "$tmp/missing" <<'EOF'
hooks = m
m.type = exec
m.executable = /nonexistent/formatter
EOF
wrc=1
if $have19; then
  want=$("${A19[@]}" revision -m "hooked rev" --rev-id m1 2>/dev/null | sed "s/hook 'm'/hook \"m\"/"); wrc=$?
  rm -f alembic/versions/m1_*.py
fi
got=$("$RETORT" revision -m "hooked rev" --rev-id m1 2>"$tmp/err"); grc=$?
[[ $wrc != 0 && $grc == 1 ]] || fail "missing hook: exit alembic $wrc retort $grc"
if $have19; then
  [[ "$want" == "$got" ]] || { fail "missing hook: stdout differs"; diff <(echo "$want") <(echo "$got") >&2; }
fi
grep -qF "alembic.ini:7:10: error: post write hook 'm': [Errno 2] No such file or directory: '/nonexistent/formatter'" "$tmp/err" ||
  fail "missing hook: $(cat "$tmp/err")"
grep -qF "the revision file was written and kept" "$tmp/err" || fail "missing hook: not said that the file stays"
[[ -f alembic/versions/m1_hooked_rev.py ]] || fail "missing hook: the file is gone"
# console_scripts whose entry point is nowhere: Alembic's message
project "$tmp/noentry" <<'EOF'
hooks = z
z.type = console_scripts
z.entrypoint = no-such-formatter-xyz
EOF
"$RETORT" revision -m x --rev-id z1 >/dev/null 2>"$tmp/err" && fail "no entry point: accepted"
grep -qF "error: Could not find entrypoint console_scripts.no-such-formatter-xyz" "$tmp/err" || fail "no entry point: $(cat "$tmp/err")"
set -e

# refused before anything is written, for every command, at the line
check_refused() {   # LABEL EXPECTED (the [post_write_hooks] lines on stdin)
  local label=$1 expected=$2
  project "$tmp/$label"
  local out
  if out=$("$RETORT" revision -m x --rev-id r1 2>&1); then fail "$label: accepted"; fi
  grep -qF "$expected" <<<"$out" || fail "$label: expected '$expected', got: $out"
  [[ -z "$(ls alembic/versions)" ]] || fail "$label: a file was written"
  if out=$("$RETORT" heads 2>&1); then fail "$label: heads accepted it"; fi
}
check_refused unknown_type "alembic.ini:7:12: error: No formatter with name 'black' registered" <<'EOF'
hooks = fmt
fmt.type = black
EOF
check_refused no_type "alembic.ini:6:9: error: Key fmt.type is required for post write hook 'fmt'" <<'EOF'
hooks = fmt
fmt.executable = black
EOF
check_refused no_executable "alembic.ini:7:12: error: Key fmt.executable is required for post write hook 'fmt'" <<'EOF'
hooks = fmt
fmt.type = exec
EOF
check_refused no_entrypoint "alembic.ini:7:12: error: Key fmt.entrypoint is required for post write hook 'fmt'" <<'EOF'
hooks = fmt
fmt.type = console_scripts
EOF
# a key no hook reads: a warning (did you mean)
project "$tmp/typo" <<'EOF'
hooks = fmt
fmt.type = exec
fmt.executable = show-args
fmt.option = -q
EOF
out=$("$RETORT" heads 2>&1) || fail "typo: refused"
grep -qF "alembic.ini:9:1: warning: 'fmt.option' is not read" <<<"$out" && grep -qF "did you mean 'fmt.options'?" <<<"$out" ||
  fail "typo: $out"

finish
