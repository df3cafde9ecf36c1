#!/usr/bin/env bash
# test_models_cli.sh — `retort models` end to end: the project's models/ print
# exactly the golden JSON and text (tests/golden/models.{json,txt}); a bad
# models folder fails with status 1, located errors on stderr and nothing on
# stdout; --help works.
set -u
: "${RETORT:?RETORT must name the retort binary}"
: "${SOURCE_DIR:?SOURCE_DIR must name the source tree}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if [ "$1" -ne 0 ]; then echo "FAIL: $2"; fail=1; else echo "ok: $2"; fi; }

"$RETORT" models --json --models "$SOURCE_DIR/models" >"$tmp/out.json" 2>"$tmp/err"
check $? "models --json exits 0"
cmp -s "$tmp/out.json" "$SOURCE_DIR/tests/golden/models.json"
check $? "models --json matches tests/golden/models.json"
[ ! -s "$tmp/err" ]; check $? "models --json writes nothing to stderr"
diff -u "$SOURCE_DIR/tests/golden/models.json" "$tmp/out.json" | head -20

"$RETORT" models --models "$SOURCE_DIR/models" >"$tmp/out.txt" 2>/dev/null
check $? "models (text) exits 0"
cmp -s "$tmp/out.txt" "$SOURCE_DIR/tests/golden/models.txt"
check $? "models (text) matches tests/golden/models.txt"
diff -u "$SOURCE_DIR/tests/golden/models.txt" "$tmp/out.txt" | head -20

# Same bytes twice (determinism).
"$RETORT" models --json --models "$SOURCE_DIR/models" >"$tmp/again.json" 2>/dev/null
cmp -s "$tmp/out.json" "$tmp/again.json"; check $? "output is deterministic"

bad="$SOURCE_DIR/tests/data/models/many_errors"
"$RETORT" models --json --models "$bad" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
[ "$rc" -eq 1 ]; check $? "bad models folder exits 1 (got $rc)"
[ ! -s "$tmp/bad.out" ]; check $? "bad models folder prints nothing on stdout"
grep -q "^$bad/bad.model:5:10: error: unknown type 'Strng'$" "$tmp/bad.err"
check $? "stderr locates the unknown type"
grep -q "^  hint: did you mean 'String'?$" "$tmp/bad.err"; check $? "stderr has the hint"
grep -q "^   |          ^~~~~$" "$tmp/bad.err"; check $? "stderr has the caret"
grep -q "^$bad/bad.model:14:16: error: unknown base model 'Bse'$" "$tmp/bad.err"
check $? "stderr reports the last error of the file too"
grep -q "retort models: 6 errors; nothing was printed" "$tmp/bad.err"; check $? "error count"

"$RETORT" models --models "$tmp/nowhere" >/dev/null 2>"$tmp/missing.err"
[ $? -eq 1 ]; check $? "missing models folder exits 1"
grep -q "cannot open the models folder" "$tmp/missing.err"; check $? "missing folder message"

"$RETORT" models --help >"$tmp/help" 2>&1
check $? "models --help exits 0"
grep -q "usage: retort models" "$tmp/help"; check $? "models --help prints usage"

exit $fail
