#!/usr/bin/env bash
# The shipped initial migration (alembic/versions/, written by retort), applied
# by real Alembic to an empty database, builds the reference schema: the
# schema SQLAlchemy's create_all builds from the qlib-ui definition (compared
# as retort's JSON, ignoring the names the server gives unnamed constraints),
# and autogenerate right after it finds nothing. On SQLite and PostgreSQL.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-initial.XXXXXX)
pgdbs=()
cleanup() { rm -rf "$tmp"; for d in "${pgdbs[@]}"; do drop_pg_database "$d"; done; }
trap cleanup EXIT
ini=$SOURCE_DIR/alembic.ini
ref_project=$tmp/ref
new_project "$ref_project"   # empty versions folder: create_all databases are "at head"

# retort's JSON of a schema without constraint names the server invents.
normalized() {
  /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
for t in s["tables"]:
    t.get("primary_key", {}).pop("name", None)
    for k in ("foreign_keys", "unique_constraints"):
        for c in t.get(k, []):
            c.pop("name", None)
        t[k] = sorted(t.get(k, []), key=lambda c: json.dumps(c, sort_keys=True))
print(json.dumps(s, indent=1, sort_keys=True))'
}

check_backend() {
  local label=$1 url=$2 ref_url=$3
  export DATABASE_URL=$url
  "${ALEMBIC[@]}" -c "$ini" upgrade head >"$tmp/log" 2>&1 || { cat "$tmp/log"; die "$label: alembic upgrade head failed"; }
  out=$("$RETORT" -c "$ini" diff 2>&1) || die "$label: retort diff failed: $out"
  [ "$out" = "No changes detected" ] || fail "$label: autogenerate after the initial migration reports:"$'\n'"$out"
  mine=$("$RETORT" -c "$ini" inspect --json | normalized)
  DATABASE_URL=$ref_url /usr/bin/python3 "$SOURCE_DIR/tests/integration/qlib_ui_sqlalchemy.py" "$ref_url"
  ref=$(cd "$ref_project" && DATABASE_URL=$ref_url "$RETORT" inspect --json | normalized)
  [ "$mine" = "$ref" ] || fail "$label: the initial migration's schema differs from SQLAlchemy's create_all:"$'\n'"$(diff <(echo "$ref") <(echo "$mine") | head -30)"
  n=$(grep -c '"name"' <<<"$mine")
  [ "$n" -gt 100 ] || fail "$label: suspiciously small schema JSON ($n names)"
  "${ALEMBIC[@]}" -c "$ini" downgrade base >"$tmp/log" 2>&1 || { cat "$tmp/log"; die "$label: alembic downgrade base failed"; }
  left=$("$RETORT" -c "$ini" inspect --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["tables"]))')
  [ "$left" = 0 ] || fail "$label: downgrade base left $left tables"
  echo "ok $label"
}

check_backend sqlite "sqlite:///$tmp/initial.db" "sqlite:///$tmp/reference.db"
pgdbs+=(retort_initial_$$ retort_reference_$$)
check_backend postgresql "$(new_pg_database retort_initial_$$)" "$(new_pg_database retort_reference_$$)"
finish
