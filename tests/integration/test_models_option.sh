#!/usr/bin/env bash
# --models DIR on every command that reads the models (models, diff,
# revision --autogenerate; pull has its own test): a folder elsewhere,
# relative to the current folder, overriding [retort] models; a missing
# folder refused with where the path came from and a hint naming a command
# that takes --models (and that command works).
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-models-opt.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/p/app.db"
cp "$SOURCE_DIR"/alembic/versions/*.py alembic/versions/
cp -r "$SOURCE_DIR/models" "$tmp/elsewhere"
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade head"

# The configured folder (models/ beside alembic.ini) is empty.
set +e; out=$("$RETORT" diff 2>&1); rc=$?; set -e
[ "$rc" = 1 ] && grep -q "no \*.model files in the models folder" <<<"$out" || fail "diff with an empty configured folder ($rc): $out"
for form in "--models $tmp/elsewhere" "--models=$tmp/elsewhere"; do
  # shellcheck disable=SC2086
  out=$("$RETORT" diff $form 2>&1) || fail "diff $form: $out"
  [ "$out" = "No changes detected" ] || fail "diff $form: $out"
done
# Relative to the current folder, not to alembic.ini.
mkdir sub && cd sub
out=$("$RETORT" -c ../alembic.ini diff --models ../../elsewhere 2>&1) || fail "diff with a relative --models: $out"
[ "$out" = "No changes detected" ] || fail "relative --models: $out"
out=$("$RETORT" models --models ../../elsewhere -c ../alembic.ini --json 2>&1) || fail "models with a relative --models"
grep -q '"chart_configs"' <<<"$out" || fail "models --models ../../elsewhere printed no schema"
cd ..
echo "ok diff --models DIR / --models=DIR, relative to the current folder"

out=$("$RETORT" revision --autogenerate -m "nothing" --models "$tmp/elsewhere" --rev-id r_none 2>&1) || fail "revision --autogenerate --models: $out"
grep -q "^No changes detected$" <<<"$out" || fail "revision --autogenerate --models: $out"
[ -f "$(generated_path "$out")" ] || fail "revision --autogenerate --models wrote no file: $out"
rm -f "$(generated_path "$out")"
set +e; out=$("$RETORT" revision -m "empty" --models "$tmp/elsewhere" 2>&1); rc=$?; set -e
[ "$rc" = 2 ] && grep -q "only with --autogenerate" <<<"$out" || fail "revision --models without --autogenerate ($rc): $out"
ls alembic/versions | grep -q empty && fail "revision --models without --autogenerate wrote a file"
echo "ok revision --autogenerate --models DIR"

# [retort] models of alembic.ini is what models reads without --models.
sed -i "s|^models = .*|models = $tmp/elsewhere|" alembic.ini
out=$("$RETORT" models 2>&1) || fail "models with [retort] models: $out"
grep -q "^table chart_configs (model ChartConfig)$" <<<"$out" || fail "models did not read [retort] models"
[ "$("$RETORT" diff)" = "No changes detected" ] || fail "diff with [retort] models"
# --models overrides it.
mkdir "$tmp/one" && printf 'model Solo {\n  id Integer @primary_key\n}\n' >"$tmp/one/solo.model"
out=$("$RETORT" models --models "$tmp/one") || fail "models --models over [retort] models"
grep -q "^table solo (model Solo)$" <<<"$out" && ! grep -q chart_configs <<<"$out" || fail "--models does not override: $out"
grep -q "Detected removed table 'datasets'" <<<"$("$RETORT" diff --models "$tmp/one")" || fail "diff --models does not override"
echo "ok [retort] models, overridden by --models"

# A missing folder: where the path came from, and a command that takes --models.
sed -i "s|^models = .*|models = $tmp/gone|" alembic.ini
for cmd in "diff" "revision --autogenerate -m x" "models"; do
  # shellcheck disable=SC2086
  set +e; out=$("$RETORT" $cmd 2>&1); rc=$?; set -e
  [ "$rc" = 1 ] || fail "$cmd with a missing configured folder exited $rc"
  grep -q "^$tmp/gone: error: the models folder does not exist (\[retort\] models in alembic.ini)$" <<<"$out" ||
    fail "$cmd: the error does not say where the path came from: $out"
  hinted=$(sed -n 's/.*or give the folder with \(retort .*\) --models DIR$/\1/p' <<<"$out")
  [ -n "$hinted" ] || fail "$cmd: no hint naming a command with --models: $out"
  # The hinted command takes --models (the folder given works).
  # shellcheck disable=SC2086
  "$RETORT" ${hinted#retort } --models "$tmp/elsewhere" -m y --rev-id r_hint >/dev/null 2>"$tmp/err" ||
    "$RETORT" ${hinted#retort } --models "$tmp/elsewhere" >/dev/null 2>"$tmp/err" ||
    fail "the hinted '$hinted --models DIR' is refused: $(cat "$tmp/err")"
  rm -f alembic/versions/*r_hint*
done
set +e; out=$("$RETORT" diff --models "$tmp/nowhere" 2>&1); rc=$?; set -e
[ "$rc" = 1 ] && grep -q "^$tmp/nowhere: error: the models folder does not exist (given with --models)$" <<<"$out" &&
  grep -q "hint: give the folder that holds the \*.model files: retort diff --models DIR" <<<"$out" || fail "diff --models missing: $out"
printf 'x\n' >"$tmp/afile"
set +e; out=$("$RETORT" diff --models "$tmp/afile" 2>&1); set -e
grep -q "the models folder is not a folder (given with --models)" <<<"$out" || fail "--models naming a file: $out"
# Outside a project, models falls back to models/ and its hint's --models works.
mkdir "$tmp/bare" && cd "$tmp/bare"
set +e; out=$("$RETORT" models 2>&1); rc=$?; set -e
[ "$rc" = 1 ] && grep -q "give the folder with --models DIR" <<<"$out" || fail "models outside a project: $out"
"$RETORT" models --models "$tmp/one" >/dev/null || fail "models --models outside a project"
echo "ok a missing folder: located, and the hint's command takes --models"
finish
