# retort pull (sourced with BACKEND=sqlite|postgresql): the round trip.
# After `retort pull` into an empty folder, `retort diff` against the same
# database reports "No changes detected", and `retort models` reads the
# files without a warning, for
#   (a) the qlib-ui schema (alembic/versions applied with retort upgrade);
#   (b) a hand-made schema (raw SQL) with every IR feature the model
#       language can say: composite primary and foreign keys with
#       ON DELETE / ON UPDATE, named and unnamed uniques and checks, unique
#       and partial indexes, defaults of every kind, comments with quotes
#       and newlines, column names that need @map, a table name that is
#       not a name, the names the server gives unnamed constraints;
#   (c) what it cannot say (a type with no model spelling, a COLLATE
#       index): a # comment in the file and a warning naming it.
# Also: the refusal to overwrite without --force (nothing written),
# --force, and the generated files' layout.
source "$SOURCE_DIR/tests/integration/lib.sh"
if [ "$BACKEND" = postgresql ] && [ -z "${RETORT_TEST_PG_URL:-}" ]; then
  [ "${RETORT_ALLOW_NO_PG:-}" = 1 ] && { echo "PostgreSQL skipped (RETORT_ALLOW_NO_PG=1)"; exit 0; }
  die "RETORT_TEST_PG_URL is not set (set RETORT_ALLOW_NO_PG=1 to skip PostgreSQL)"
fi
tmp=$(mktemp -d /tmp/retort-pull.XXXXXX)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"; drop_test_databases pull_qlib pull_hand pull_odd' EXIT
new_project "$tmp/p"
cd "$tmp/p"

# Run a script of SQL statements on $DATABASE_URL.
sql_script() {
  /usr/bin/python3 - "$DATABASE_URL" "$1" <<'PY'
import sys
url, script = sys.argv[1], sys.argv[2]
if url.startswith("sqlite"):
    import sqlite3
    c = sqlite3.connect(url.split(":///", 1)[1])
    c.executescript(script)
    c.commit()
else:
    import psycopg2
    c = psycopg2.connect(url.replace("postgresql+psycopg2", "postgresql"))
    c.cursor().execute(script)
    c.commit()
PY
}

# pull into a fresh folder $1, then diff: "No changes detected", and
# `retort models` without warnings.
round_trip() {
  local dir=$1 what=$2 out
  rm -rf "$dir"
  set +e; out=$("$RETORT" pull --models "$dir" 2>"$tmp/pull.err"); rc=$?; set -e
  [ "$rc" = 0 ] || { fail "$what: pull exited $rc: $(cat "$tmp/pull.err")"; return; }
  grep -q "warning:" "$tmp/pull.err" && fail "$what: pull warned: $(cat "$tmp/pull.err")"
  set +e; out=$("$RETORT" diff --models "$dir" 2>&1); rc=$?; set -e
  [ "$rc" = 0 ] && [ "$out" = "No changes detected" ] || fail "$what: the diff after pull is not empty ($rc): $out"
  set +e; "$RETORT" models --models "$dir" >/dev/null 2>"$tmp/models.err"; rc=$?; set -e
  [ "$rc" = 0 ] && [ ! -s "$tmp/models.err" ] || fail "$what: retort models on the pulled files: $(cat "$tmp/models.err")"
  echo "ok $what: pull, then diff: No changes detected"
}

# ---------------------------------------------------------------- (a)
export DATABASE_URL=$(test_db_url pull_qlib)
cp "$SOURCE_DIR"/alembic/versions/*.py alembic/versions/
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade head of the qlib-ui migrations"
round_trip "$tmp/qlib" "qlib-ui schema"
[ "$(ls "$tmp/qlib" | tr '\n' ' ')" = "chart_configs.model datasets.model import_tasks.model user_preferences.model " ] ||
  fail "one file per table, named after the table: $(ls "$tmp/qlib")"
grep -q '^model ChartConfig {$' "$tmp/qlib/chart_configs.model" || fail "model name ChartConfig: $(cat "$tmp/qlib/chart_configs.model")"
grep -q '^  @@table("chart_configs")$' "$tmp/qlib/chart_configs.model" || fail "@@table of chart_configs"
grep -Eq '^  dataset_id +String\(36\) +@index  @foreign_key\("datasets.id", ondelete="CASCADE"\)' "$tmp/qlib/chart_configs.model" ||
  fail "dataset_id: @index and @foreign_key: $(grep dataset_id "$tmp/qlib/chart_configs.model")"
grep -Eq '^  status +String\(50\) +@index  @default\("pending"\)' "$tmp/qlib/datasets.model" || fail "a string default"
grep -Eq '^  is_deleted +Boolean +@index  @default\(false\)' "$tmp/qlib/datasets.model" || fail "a boolean default"
grep -Eq '^  created_at +DateTime.* +@default\(now\(\)\)' "$tmp/qlib/datasets.model" || fail "now()"
grep -Eq '^  user_id +String\(255\) +@unique  @index' "$tmp/qlib/user_preferences.model" || fail "@unique @index"
grep -q '^  @@check("check_row_count_non_negative", "row_count >= 0")$' "$tmp/qlib/datasets.model" || fail "a named check"
if [ "$BACKEND" = postgresql ]; then
  grep -q '@comment("Reference to parent dataset")' "$tmp/qlib/chart_configs.model" || fail "column comments"
  grep -q '^  @@comment("Chart configuration storage table")$' "$tmp/qlib/chart_configs.model" || fail "table comment"
fi

# The files exist now: pulling again is refused, naming each, writing nothing.
before=$(cat "$tmp/qlib"/*.model | md5sum)
listing=$(ls -lA --time-style=full-iso "$tmp/qlib")
set +e; "$RETORT" pull --models "$tmp/qlib" >"$tmp/out" 2>"$tmp/err"; rc=$?; set -e
[ "$rc" = 1 ] || fail "pull over existing files exited $rc"
for f in chart_configs datasets import_tasks user_preferences; do
  grep -q "^$tmp/qlib/$f.model: error: the model file exists already$" "$tmp/err" || fail "the refusal does not name $f.model: $(cat "$tmp/err")"
done
grep -q "hint: nothing was written; retort pull --force replaces the 4 files" "$tmp/err" || fail "no --force hint: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "a refused pull printed: $(cat "$tmp/out")"
[ "$(ls -lA --time-style=full-iso "$tmp/qlib")" = "$listing" ] || fail "a refused pull touched the folder"
# --force replaces them (an edited file comes back), and leaves other files alone.
echo "# edited" >>"$tmp/qlib/datasets.model"
echo "# mine" >"$tmp/qlib/notes.txt"
"$RETORT" pull --models="$tmp/qlib" --force >"$tmp/out" 2>"$tmp/err" || fail "pull --force: $(cat "$tmp/err")"
[ "$(cat "$tmp/qlib"/*.model | md5sum)" = "$before" ] || fail "pull --force did not write the same files"
[ "$(cat "$tmp/qlib/notes.txt")" = "# mine" ] || fail "pull --force touched another file"
grep -q "^Writing $tmp/qlib/datasets.model ...  done$" "$tmp/out" || fail "pull --force output: $(cat "$tmp/out")"
# A partial refusal: one file there, the others not.
rm "$tmp/qlib/chart_configs.model" "$tmp/qlib/import_tasks.model" "$tmp/qlib/user_preferences.model"
set +e; "$RETORT" pull --models "$tmp/qlib" >/dev/null 2>"$tmp/err"; rc=$?; set -e
[ "$rc" = 1 ] && [ ! -e "$tmp/qlib/chart_configs.model" ] || fail "a partial refusal wrote files"
grep -q "replaces the 1 file named above" "$tmp/err" || fail "partial refusal: $(cat "$tmp/err")"
# The configured models folder is the default; it is created when missing.
rm -rf models
"$RETORT" pull >/dev/null 2>"$tmp/err" || fail "pull into the configured folder: $(cat "$tmp/err")"
[ -f models/datasets.model ] || fail "pull did not write into [retort] models"
[ "$("$RETORT" diff)" = "No changes detected" ] || fail "diff with the configured folder after pull"
echo "ok refusal without --force, --force, the configured folder"

# ---------------------------------------------------------------- (b)
# A database that is not Alembic's: a project with no revisions.
new_project "$tmp/q"
cd "$tmp/q"
export DATABASE_URL=$(test_db_url pull_hand)
if [ "$BACKEND" = sqlite ]; then
  idcol="INTEGER NOT NULL PRIMARY KEY"; bool=BOOLEAN; ts=DATETIME; json=JSON; now="(CURRENT_TIMESTAMP)"
  t="1"; f="0"; day="(date('now'))"
else
  idcol="SERIAL PRIMARY KEY"; bool=BOOLEAN; ts="TIMESTAMP WITH TIME ZONE"; json=JSON; now="now()"
  t="true"; f="false"; day="CURRENT_DATE"
fi
sql_script "
CREATE TABLE orders (
  id $idcol,
  code VARCHAR(20) NOT NULL UNIQUE,
  region VARCHAR(10) NOT NULL,
  number INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'new',
  is_paid $bool NOT NULL DEFAULT $f,
  is_open $bool DEFAULT $t,
  total NUMERIC(12, 2) DEFAULT -1.5,
  ratio FLOAT DEFAULT 0.25,
  big BIGINT DEFAULT 10000000000,
  small SMALLINT,
  created_at $ts DEFAULT $now,
  day DATE DEFAULT $day,
  payload $json DEFAULT '{\"a\": [1, 2]}',
  note TEXT DEFAULT 'it''s \"quoted\"',
  CONSTRAINT uq_orders_region_number UNIQUE (region, number),
  CONSTRAINT ck_total CHECK (total >= -100),
  CHECK (number >= 0)
);
CREATE INDEX ix_orders_status ON orders (status);
CREATE UNIQUE INDEX ix_orders_region ON orders (region);
CREATE UNIQUE INDEX ux_orders_code_region ON orders (code, region);
CREATE INDEX ix_orders_open ON orders (created_at) WHERE status <> 'closed';
CREATE TABLE \"order items\" (
  order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  \"unit price\" NUMERIC(10, 2) NOT NULL DEFAULT 0,
  qty INTEGER NOT NULL DEFAULT 1 CHECK (qty > 0),
  \"select\" TEXT,
  model VARCHAR(20),
  \"true\" $bool NOT NULL DEFAULT $t,
  \"2nd\" TEXT,
  PRIMARY KEY (order_id, line_no),
  CONSTRAINT fk_item_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX ix_items_true ON \"order items\" (\"true\", \"unit price\");
CREATE TABLE shipments (
  id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  carrier VARCHAR(30) DEFAULT 'UPS',
  CONSTRAINT pk_shipments PRIMARY KEY (id),
  FOREIGN KEY (order_id, line_no) REFERENCES \"order items\" (order_id, line_no) ON DELETE SET DEFAULT ON UPDATE RESTRICT,
  UNIQUE (order_id, line_no),
  CONSTRAINT uq_ship_carrier UNIQUE (carrier, id)
);
CREATE TABLE tags (
  name VARCHAR(40) NOT NULL PRIMARY KEY,
  parent VARCHAR(40) REFERENCES tags (name) ON DELETE SET NULL
);
"
if [ "$BACKEND" = postgresql ]; then
  sql_script "
COMMENT ON TABLE orders IS 'Orders; it''s \"quoted\"
and on two lines';
COMMENT ON COLUMN orders.code IS 'the code: \"C-\" then digits\\ (a backslash)';
COMMENT ON COLUMN \"order items\".\"unit price\" IS 'price
per unit';
CREATE TABLE counters (
  a INTEGER NOT NULL,
  b INTEGER GENERATED BY DEFAULT AS IDENTITY,
  plain INTEGER NOT NULL,
  PRIMARY KEY (a, b)
);
CREATE TABLE plain_ids (id INTEGER PRIMARY KEY, uid UUID DEFAULT gen_random_uuid(), at TIME WITH TIME ZONE, span INTERVAL, bin BYTEA, c VARCHAR);
"
fi
round_trip "$tmp/hand" "hand-made schema"
h=$tmp/hand
grep -q '^model OrderItem {$' "$h/order_items.model" || fail "model of \"order items\": $(head -3 "$h/order_items.model")"
grep -q '^  @@table("order items")$' "$h/order_items.model" || fail "@@table of \"order items\""
grep -q '^  @@primary_key(order_id, line_no)$' "$h/order_items.model" || fail "composite primary key"
grep -Eq '^  unit_price +Numeric\(10, 2\) +@map\("unit price"\)  @default\(0\)' "$h/order_items.model" || fail "@map for a space: $(grep unit "$h/order_items.model")"
grep -Eq '^  c_2nd +Text\? +@map\("2nd"\)' "$h/order_items.model" || fail "@map for a leading digit"
grep -Eq '^  select +Text\?$' "$h/order_items.model" || fail "an SQL keyword is a field name"
grep -Eq '^  model +String\(20\)\?$' "$h/order_items.model" || fail "a column named model"
grep -q '^  @@index("ix_items_true", "true", unit_price)$' "$h/order_items.model" || fail "a field named true in a clause: $(grep ix_items "$h/order_items.model")"
grep -Eq '^  order_id +Integer +@foreign_key\("orders.id", ondelete="CASCADE", onupdate="CASCADE", name="fk_item_order"\)$' "$h/order_items.model" ||
  fail "a named single-column foreign key: $(grep '^  order_id' "$h/order_items.model")"
grep -q '^  @@check("qty > 0")$' "$h/order_items.model" || fail "an unnamed column check: $(grep check "$h/order_items.model")"
grep -q '^  @@foreign_key((order_id, line_no), "order items", (order_id, line_no), ondelete="SET DEFAULT", onupdate="RESTRICT")$' "$h/shipments.model" ||
  fail "a composite foreign key, unnamed: $(grep foreign "$h/shipments.model")"
grep -q '^  @@unique(order_id, line_no)$' "$h/shipments.model" || fail "an unnamed composite unique"
grep -q '^  @@unique("uq_ship_carrier", carrier, id)$' "$h/shipments.model" || fail "a named unique"
grep -q '^  @@primary_key(id, name="pk_shipments")$' "$h/shipments.model" || fail "a named primary key: $(grep primary "$h/shipments.model")"
grep -Eq '^  code +String\(20\) +@unique' "$h/orders.model" || fail "an unnamed unique: $(grep '^  code' "$h/orders.model")"
grep -Eq '^  status +String\(20\) +@index  @default\("new"\)$' "$h/orders.model" || fail "@index"
grep -Eq '^  region +String\(10\) +@unique  @index$' "$h/orders.model" || fail "a unique index: $(grep '^  region' "$h/orders.model")"
grep -q '^  @@index("ux_orders_code_region", code, region, unique=true)$' "$h/orders.model" || fail "a unique index clause"
grep -q "^  @@index(\"ix_orders_open\", created_at, where=\"status <> 'closed'\")$" "$h/orders.model" ||
  [ "$BACKEND" = postgresql ] && grep -q '^  @@index("ix_orders_open", created_at, where="' "$h/orders.model" || fail "a partial index: $(grep ix_orders_open "$h/orders.model")"
grep -q '^  @@unique("uq_orders_region_number", region, number)$' "$h/orders.model" || fail "a named composite unique"
grep -q '^  @@check("ck_total", "' "$h/orders.model" || fail "a named check"
grep -q '^  @@check("number >= 0")$' "$h/orders.model" || fail "an unnamed table check: $(grep check "$h/orders.model")"
grep -Eq '^  note +Text\? +@default\("it.s \\"quoted\\""\)$' "$h/orders.model" || fail "a string default with quotes: $(grep '^  note' "$h/orders.model")"
grep -Eq '^  total +Numeric\(12, 2\)\? +@default\(-1.5\)$' "$h/orders.model" || fail "a negative number: $(grep '^  total' "$h/orders.model")"
grep -Eq '^  ratio +Float\? +@default\(0.25\)$' "$h/orders.model" || fail "a float default"
grep -Eq '^  big +BigInteger\? +@default\(10000000000\)$' "$h/orders.model" || fail "a bigint default"
grep -Eq '^  is_paid +Boolean +@default\(false\)$' "$h/orders.model" || fail "false: $(grep is_paid "$h/orders.model")"
grep -Eq '^  is_open +Boolean\? +@default\(true\)$' "$h/orders.model" || fail "true"
grep -Eq '^  day +Date\? +@default\(sql\(' "$h/orders.model" || fail "an expression default: $(grep '^  day' "$h/orders.model")"
grep -Eq '^  payload +JSON\? +@default\("\{\\"a\\": \[1, 2\]\}"\)' "$h/orders.model" || fail "a JSON default: $(grep payload "$h/orders.model")"
grep -Eq '^  parent +String\(40\)\? +@foreign_key\("tags.name", ondelete="SET NULL"\)$' "$h/tags.model" || fail "a self-reference"
grep -Eq '^  id +Integer +@primary_key' "$h/orders.model" || fail "a lone integer key"
if [ "$BACKEND" = postgresql ]; then
  grep -q '^  @@comment("Orders; it'"'"'s \\"quoted\\"\\nand on two lines")$' "$h/orders.model" || fail "a table comment with quotes and a newline: $(grep @@comment "$h/orders.model")"
  grep -q '@comment("the code: \\"C-\\" then digits\\\\ (a backslash)")' "$h/orders.model" || fail "a comment with a backslash: $(grep '^  code' "$h/orders.model")"
  grep -q '@comment("price\\nper unit")' "$h/order_items.model" || fail "a column comment with a newline"
  grep -Eq '^  b +Integer +@identity$' "$h/counters.model" || fail "an identity column in a composite key: $(grep '^  b' "$h/counters.model")"
  grep -Eq '^  id +Integer +@primary_key  @autoincrement\(false\)$' "$h/plain_ids.model" || fail "a plain integer key: $(grep '^  id' "$h/plain_ids.model")"
  grep -Eq '^  id +Integer +@primary_key$' "$h/orders.model" || fail "a serial key"
fi
grep -c "^model " "$h"/*.model | grep -v ":1$" && fail "a file with other than one model"

# ---------------------------------------------------------------- (c)
export DATABASE_URL=$(test_db_url pull_odd)
if [ "$BACKEND" = sqlite ]; then odd=POINT; coll=NOCASE; else odd=INT4RANGE; coll='"C"'; fi
sql_script "
CREATE TABLE docs (
  id INTEGER NOT NULL PRIMARY KEY,
  title VARCHAR(100) NOT NULL,
  search $odd,
  CONSTRAINT uq_docs_search UNIQUE (search)
);
CREATE INDEX ix_docs_lower_title ON docs (lower(title));
CREATE INDEX ix_docs_title_coll ON docs (title COLLATE $coll);
CREATE TABLE nokey (a INTEGER);
CREATE TABLE legacy (id INTEGER NOT NULL PRIMARY KEY);
CREATE TABLE links (id INTEGER NOT NULL PRIMARY KEY, legacy_id INTEGER REFERENCES legacy (id));
"
sed -i 's/^exclude_tables =.*/exclude_tables = legacy/' alembic.ini
if [ "$BACKEND" = postgresql ]; then
  sql_script "ALTER TABLE docs ADD COLUMN addr POLYGON; ALTER TABLE docs ADD COLUMN meta JSONB;
              ALTER TABLE docs ADD COLUMN ip INET; ALTER TABLE docs ADD COLUMN tags VARCHAR(20)[];
              ALTER TABLE docs ADD COLUMN title_len INTEGER GENERATED ALWAYS AS (length(title)) STORED;"
else
  sql_script "CREATE TABLE loose (name TEXT PRIMARY KEY); CREATE TABLE counted (id INTEGER PRIMARY KEY AUTOINCREMENT);"
fi
set +e; "$RETORT" pull --models "$tmp/odd" >"$tmp/out" 2>"$tmp/err"; rc=$?; set -e
[ "$rc" = 0 ] || fail "pull of a database with odd types exited $rc: $(cat "$tmp/err")"
d=$tmp/odd/docs.model
type_spelled=$(tr 'A-Z' 'a-z' <<<"$odd")
grep -Eiq "^  # search  $odd\?$" "$d" || fail "the column of type $odd is not a comment: $(cat "$d")"
line=$(grep -n "^  # search" "$d" | cut -d: -f1)
grep -iq "^$d:$line:3: warning: docs.search: type \"$odd\" has no model spelling; written as a comment$" "$tmp/err" ||
  fail "no warning naming docs.search and its type: $(cat "$tmp/err")"
grep -q '^  # @@unique("uq_docs_search", search)$' "$d" || fail "a unique on the commented column is a comment"
grep -q "docs: a unique constraint cannot be declared: its column 'search' cannot be declared; written as a comment" "$tmp/err" || fail "warning for the unique"
grep -q '^  @@index("ix_docs_lower_title", sql("lower(title' "$d" || fail "an expression index is not sql(...): $(cat "$d")"
grep -q '^  # @@index("ix_docs_title_coll", ' "$d" || fail "a COLLATE index is not a comment: $(cat "$d")"
grep -q "warning: docs: index 'ix_docs_title_coll' cannot be declared: it has COLLATE" "$tmp/err" || fail "warning for the COLLATE index: $(cat "$tmp/err")"
grep -q '^# model Nokey {$' "$tmp/odd/nokey.model" || fail "a table without a primary key is a commented model: $(cat "$tmp/odd/nokey.model")"
grep -q "nokey.model:2:1: warning: table nokey cannot be a model: it has no primary key" "$tmp/err" || fail "warning for nokey: $(cat "$tmp/err")"
if [ "$BACKEND" = postgresql ]; then
  grep -q "^  # addr  polygon?$" "$d" || fail "polygon is a comment"
  grep -q 'warning: docs.addr: type "polygon" has no model spelling; written as a comment' "$tmp/err" || fail "warning for polygon"
  # PostgreSQL's own types the model language has are written as such
  grep -Eq '^  meta +JSONB\?$' "$d" || fail "jsonb is JSONB: $(grep meta "$d")"
  grep -Eq '^  ip +INET\?$' "$d" || fail "inet is INET: $(grep ' ip ' "$d")"
  grep -Eq '^  tags +ARRAY\(String\(20\)\)\?$' "$d" || fail "varchar(20)[] is ARRAY(String(20)): $(grep tags "$d")"
  grep -q 'docs.meta\|docs.ip\|docs.tags' "$tmp/err" && fail "a warning for a type the models have: $(cat "$tmp/err")"
fi
grep -q "links: a foreign key cannot be declared: it references table 'legacy', which the models do not declare" "$tmp/err" ||
  fail "warning for a foreign key to an excluded table"
grep -q '^  # @@foreign_key((legacy_id), "legacy", (id))$' "$tmp/odd/links.model" || fail "a foreign key to an excluded table is a comment"
[ ! -e "$tmp/odd/legacy.model" ] || fail "an excluded table was pulled"
if [ "$BACKEND" = postgresql ]; then
  grep -Eq '^  title_len +Integer\? +@computed\("length\(\(title\)::text\)"\)$' "$d" ||
    fail "a generated column is @computed: $(grep title_len "$d")"
else
  grep -q "warning: loose.name: the database lets this primary key column hold NULL" "$tmp/err" || fail "warning for a nullable key"
  grep -q "warning: counted.id: INTEGER PRIMARY KEY AUTOINCREMENT has no model spelling" "$tmp/err" || fail "warning for AUTOINCREMENT"
  grep -Eq '^  id +Integer +@primary_key  # AUTOINCREMENT in the database$' "$tmp/odd/counted.model" || fail "AUTOINCREMENT marked: $(cat "$tmp/odd/counted.model")"
fi
# what the model language cannot say is left alone by diff; only SQLite's
# nullable key column remains a difference
if [ "$BACKEND" = sqlite ]; then
  grep -q "note: after the pull, retort diff will still report: " "$tmp/err" || fail "no note of what diff still reports: $(cat "$tmp/err")"
else
  grep -q "note: after the pull, retort diff will still report: " "$tmp/err" && fail "a difference remains after the pull: $(cat "$tmp/err")"
fi
"$RETORT" models --models "$tmp/odd" >/dev/null 2>"$tmp/models.err" || fail "retort models on the odd files: $(cat "$tmp/models.err")"
[ ! -s "$tmp/models.err" ] || fail "retort models warned on the odd files: $(cat "$tmp/models.err")"
# What the files leave out is left alone by the differ: nothing of it is
# proposed for dropping (docs/model-language.md "What retort leaves alone").
set +e; out=$("$RETORT" diff --models "$tmp/odd" 2>"$tmp/diff.err"); set -e
rest=$(grep -v -e "^No changes detected$" -e "^Detected NOT NULL on column 'loose.name'$" <<<"$out" || true)
[ -z "$rest" ] || fail "diff of the odd schema proposes to change what the files could not say: $rest"
for what in "column 'docs.search'" "index 'ix_docs_title_coll'" "unique constraint 'uq_docs_search'" "table 'nokey'" \
            "foreign key 'links_legacy_id_fkey'\|foreign key (legacy_id)"; do
  grep -q "$what.*left alone" "$tmp/diff.err" || fail "diff does not say it leaves $what alone: $(cat "$tmp/diff.err")"
done
echo "ok what the model language cannot say: comments and warnings"

finish
