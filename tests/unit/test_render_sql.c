/*
** test_render_sql.c — op lists to SQL (src/render/sql.c).
**
**   - alembic_version statements, exactly as Alembic issues them;
**   - the exact SQL of every op kind on SQLite and PostgreSQL;
**   - SQLite move-and-copy run on a real database with rows in it (a parent
**     with an ON DELETE CASCADE child): every row survives, foreign keys
**     still hold and still cascade;
**   - the golden migrations r1..r3 (tests/golden/render/), hand-built as op
**     lists, run by retort's SQL on one database and by real Alembic on
**     another: both introspect to the same schema JSON.  SQLite always;
**     PostgreSQL against RETORT_TEST_PG_URL (required unless
**     RETORT_ALLOW_NO_PG=1).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "introspect/introspect.h"
#include "render/sql.h"

#define GOLDEN_DIR SOURCE_DIR "/tests/golden/render/"
#define PYTHON "/usr/bin/python3"

/* ------------------------------------------------------------- builders */

static str_vec strs(arena *a, const char *first, ...) {
    str_vec v = {0};
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *)) vec_push(a, &v, s);
    va_end(ap);
    return v;
}
#define STRS(a, ...) strs((a), __VA_ARGS__, (const char *)NULL)

static column *col(schema *s, table *t, const char *name, type_kind k, bool nullable) {
    column *c = table_add_column(s, t, name);
    assert_non_null(c);
    c->type.kind = k;
    c->nullable = nullable;
    return c;
}

typedef VEC(op) op_list;

/* Ops as a migration file gives them (located, so not "from the differ"). */
static op *add_op(arena *a, op_list *l, op_kind k, const char *table_name) {
    op o = {.kind = k, .table_name = table_name, .loc = {"m.py", (int)l->len + 20, 5}};
    vec_push(a, l, o);
    return &l->items[l->len - 1];
}

static index_def *mk_index(arena *a, const char *name, str_vec cols, bool unique) {
    index_def *ix = arena_alloc(a, sizeof *ix);
    ix->name = name;
    ix->columns = cols;
    ix->unique = unique;
    return ix;
}

/* The statements joined with ";\n" (malloc'd), asserting success. */
static char *render_ok(const op *ops, size_t n, const dialect *d, const schema *current) {
    arena *a = arena_new();
    sql_statements out = {0};
    diag_list dl;
    diag_list_init(&dl);
    int rc = render_sql(ops, n, d, current, a, &out, &dl);
    if (rc != 0) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < out.len; i++) {
        sb_append(&sb, out.items[i].text);
        sb_append(&sb, ";\n");
    }
    diag_list_free(&dl);
    arena_free(a);
    char *s = sb_take(&sb);
    return s ? s : calloc(1, 1);
}

static void assert_sql(const char *got, const char *want) {
    if (strcmp(got, want) != 0) fail_msg("SQL differs.\n--- want:\n%s\n--- got:\n%s", want, got);
}

/* --------------------------------------------------- the golden chain */

#define TRICKY_COMMENT "It's \"quoted\" \\ back\\slash\nnew line\ttab \xc3\xa9t\xc3\xa9"

/* r1_create_all.py: datasets, chart_configs, tags and their indexes, as the
** migration file states them (constraint names as written). */
typedef struct chain {
    schema *defs;           /* the tables the ops point at */
    arena *a;
    op_list r1, r2, r3;
    batch_block datasets_block, charts_block;
} chain;

static void build_r1(chain *c) {
    schema *s = c->defs;
    arena *a = s->arena;
    table *t = schema_add_table(s, "datasets");
    t->comment = "Dataset storage table";
    column *x = col(s, t, "id", TYPE_STRING, false);
    x->type.length = 36;
    x->primary_key = true;
    x->comment = "Primary key (UUID)";
    x = col(s, t, "created_at", TYPE_DATETIME, false);
    x->type.timezone = true;
    x->server_default.kind = DEFAULT_NOW;
    x->comment = "Record creation timestamp (UTC)";
    x = col(s, t, "updated_at", TYPE_DATETIME, false);
    x->type.timezone = true;
    x->server_default = (server_default){.kind = DEFAULT_SQL, .text = "CURRENT_TIMESTAMP"};
    x = col(s, t, "is_deleted", TYPE_BOOLEAN, false);
    x->server_default = (server_default){.kind = DEFAULT_STRING, .text = "0"};
    x = col(s, t, "show", TYPE_BOOLEAN, false);
    x->server_default = (server_default){.kind = DEFAULT_STRING, .text = "1"};
    x = col(s, t, "status", TYPE_STRING, false);
    x->type.length = 50;
    x->server_default = (server_default){.kind = DEFAULT_STRING, .text = "pending"};
    x = col(s, t, "row_count", TYPE_INTEGER, false);
    x->server_default = (server_default){.kind = DEFAULT_STRING, .text = "0"};
    x->autoincrement = AUTOINC_FALSE;
    col(s, t, "big", TYPE_BIGINT, true);
    col(s, t, "small", TYPE_SMALLINT, true);
    x = col(s, t, "body", TYPE_TEXT, true);
    x->comment = TRICKY_COMMENT;
    x = col(s, t, "ratio", TYPE_FLOAT, false);
    x->server_default = (server_default){.kind = DEFAULT_STRING, .text = "1.5"};
    x = col(s, t, "price", TYPE_NUMERIC, true);
    x->type.precision = 10;
    x->type.scale = 2;
    x = col(s, t, "amount", TYPE_NUMERIC, true);
    x->type.precision = 8;
    col(s, t, "any_numeric", TYPE_NUMERIC, true);
    col(s, t, "born", TYPE_DATE, true);
    col(s, t, "at", TYPE_TIME, true);
    col(s, t, "span", TYPE_INTERVAL, true);
    col(s, t, "plain_dt", TYPE_DATETIME, true);
    col(s, t, "any_string", TYPE_STRING, true);
    x = col(s, t, "config", TYPE_JSON, false);
    x->server_default = (server_default){.kind = DEFAULT_STRING, .text = "{}"};
    x = col(s, t, "quote_default", TYPE_STRING, true);
    x->type.length = 20;
    x->server_default = (server_default){.kind = DEFAULT_STRING, .text = "it's"};
    col(s, t, "data", TYPE_LARGEBINARY, true);
    x = col(s, t, "ext_id", TYPE_STRING, true);
    x->type.length = 36;
    t->primary_key.columns = STRS(a, "id");
    check_def *ck = arena_alloc(a, sizeof *ck);
    ck->sqltext = "ratio >= 0";
    vec_push(a, &t->checks, ck);
    ck = arena_alloc(a, sizeof *ck);
    ck->name = "check_row_count_non_negative";
    ck->sqltext = "row_count >= 0";
    vec_push(a, &t->checks, ck);
    add_op(a, &c->r1, OP_CREATE_TABLE, "datasets")->table = t;
    add_op(a, &c->r1, OP_CREATE_INDEX, "datasets")->index = mk_index(a, "ix_datasets_status", STRS(a, "status"), false);
    add_op(a, &c->r1, OP_CREATE_INDEX, "datasets")->index =
        mk_index(a, "ix_dataset_status_created", STRS(a, "status", "created_at"), false);
    index_def *partial = mk_index(a, "ix_dataset_live_rows", STRS(a, "row_count"), false);
    partial->where = "row_count > 0 AND status <> 'gone'";
    add_op(a, &c->r1, OP_CREATE_INDEX, "datasets")->index = partial;

    t = schema_add_table(s, "chart_configs");
    x = col(s, t, "id", TYPE_INTEGER, false);
    x->primary_key = true;
    x->autoincrement = AUTOINC_TRUE;
    x = col(s, t, "dataset_id", TYPE_STRING, false);
    x->type.length = 36;
    x = col(s, t, "owner_id", TYPE_STRING, true);
    x->type.length = 36;
    x = col(s, t, "user_id", TYPE_STRING, false);
    x->type.length = 255;
    t->primary_key.columns = STRS(a, "id");
    t->primary_key.name = "pk_chart_configs";
    foreign_key *fk = arena_alloc(a, sizeof *fk);
    fk->name = "chart_configs_dataset_id_fkey";
    fk->columns = STRS(a, "dataset_id");
    fk->ref_table = "datasets";
    fk->ref_columns = STRS(a, "id");
    fk->ondelete = "CASCADE";
    vec_push(a, &t->foreign_keys, fk);
    fk = arena_alloc(a, sizeof *fk);
    fk->name = "fk_chart_owner";
    fk->columns = STRS(a, "owner_id");
    fk->ref_table = "datasets";
    fk->ref_columns = STRS(a, "id");
    fk->ondelete = "SET NULL";
    fk->onupdate = "CASCADE";
    vec_push(a, &t->foreign_keys, fk);
    unique_def *u = arena_alloc(a, sizeof *u);
    u->name = "uq_chart_user_dataset";
    u->columns = STRS(a, "user_id", "dataset_id");
    vec_push(a, &t->uniques, u);
    u = arena_alloc(a, sizeof *u);
    u->name = "chart_configs_user_id_key";
    u->columns = STRS(a, "user_id");
    vec_push(a, &t->uniques, u);
    add_op(a, &c->r1, OP_CREATE_TABLE, "chart_configs")->table = t;
    add_op(a, &c->r1, OP_CREATE_INDEX, "chart_configs")->index =
        mk_index(a, "ix_chart_configs_owner_id", STRS(a, "owner_id"), true);

    t = schema_add_table(s, "tags");
    x = col(s, t, "name", TYPE_STRING, false);
    x->type.length = 50;
    x->primary_key = true;
    t->primary_key.columns = STRS(a, "name");
    add_op(a, &c->r1, OP_CREATE_TABLE, "tags")->table = t;
    add_op(a, &c->r1, OP_CREATE_INDEX, "tags")->index = mk_index(a, "ix_tags_lower_name", STRS(a, "(lower(name))"), true);
}

/* r2_batch_ops.py's upgrade: two batch blocks.  Drop ops carry only
** names, as the migration parser gives them. */
static void build_r2(chain *c) {
    arena *a = c->a;
    schema *s = c->defs;
    table *wt = schema_add_table(s, "datasets_v2");
    c->datasets_block = (batch_block){.table_name = "datasets", .recreate = "auto"};
    c->charts_block = (batch_block){.table_name = "chart_configs", .recreate = "auto"};
    op_list *l = &c->r2;

    column *added = col(s, wt, "modified_at", TYPE_DATETIME, false);
    added->type.timezone = true;
    added->server_default.kind = DEFAULT_NOW;
    added->comment = "Modified";
    add_op(a, l, OP_ADD_COLUMN, "datasets")->column = added;
    column *small = arena_alloc(a, sizeof *small);
    small->name = "small";
    add_op(a, l, OP_DROP_COLUMN, "datasets")->column = small;

    /* The column as it was: a definition of its own, not one of wt's
    ** (which has the new "status"). */
    column *old_status = arena_alloc(a, sizeof *old_status);
    old_status->name = old_status->field_name = "status";
    old_status->type = (col_type){.kind = TYPE_STRING, .length = 50, .precision = -1, .scale = -1};
    column *status = col(s, wt, "status", TYPE_STRING, true);
    status->type.length = 100;
    status->server_default = (server_default){.kind = DEFAULT_STRING, .text = "new"};
    status->comment = "Status";
    op *o = add_op(a, l, OP_ALTER_COLUMN, "datasets");
    o->column = status;
    o->old_column = old_status;
    o->alter = ALTER_TYPE | ALTER_NULLABLE | ALTER_DEFAULT | ALTER_COMMENT;

    column *ratio = col(s, wt, "ratio", TYPE_FLOAT, true);
    ratio->server_default = (server_default){.kind = DEFAULT_STRING, .text = "1.5"};
    o = add_op(a, l, OP_ALTER_COLUMN, "datasets");
    o->column = ratio;
    o->old_column = ratio;
    o->alter = ALTER_NULLABLE;

    o = add_op(a, l, OP_RENAME_COLUMN, "datasets");
    o->old_name = "body";
    o->new_name = "description";

    add_op(a, l, OP_DROP_INDEX, "datasets")->index = mk_index(a, "ix_datasets_status", (str_vec){0}, false);
    add_op(a, l, OP_CREATE_INDEX, "datasets")->index =
        mk_index(a, "ix_datasets_modified_at", STRS(a, "modified_at"), false);
    check_def *ck = arena_alloc(a, sizeof *ck);
    ck->name = "check_row_count_non_negative";
    add_op(a, l, OP_DROP_CHECK, "datasets")->check = ck;
    ck = arena_alloc(a, sizeof *ck);
    ck->name = "ck_datasets_price";
    ck->sqltext = "price >= 0";
    add_op(a, l, OP_ADD_CHECK, "datasets")->check = ck;
    o = add_op(a, l, OP_SET_TABLE_COMMENT, "datasets");
    o->old_comment = "Dataset storage table";
    o->new_comment = "Datasets, v2";
    for (size_t i = 0; i < l->len; i++) l->items[i].batch = &c->datasets_block;

    size_t first_chart = l->len;
    foreign_key *fk = arena_alloc(a, sizeof *fk);
    fk->name = "chart_configs_dataset_id_fkey";
    add_op(a, l, OP_DROP_FOREIGN_KEY, "chart_configs")->fk = fk;
    fk = arena_alloc(a, sizeof *fk);
    fk->name = "fk_chart_dataset";
    fk->columns = STRS(a, "dataset_id");
    fk->ref_table = "datasets";
    fk->ref_columns = STRS(a, "id");
    fk->ondelete = "CASCADE";
    add_op(a, l, OP_ADD_FOREIGN_KEY, "chart_configs")->fk = fk;
    unique_def *u = arena_alloc(a, sizeof *u);
    u->name = "chart_configs_user_id_key";
    add_op(a, l, OP_DROP_UNIQUE, "chart_configs")->unique = u;
    u = arena_alloc(a, sizeof *u);
    u->name = "uq_chart_owner";
    u->columns = STRS(a, "owner_id");
    add_op(a, l, OP_ADD_UNIQUE, "chart_configs")->unique = u;
    o = add_op(a, l, OP_SET_TABLE_COMMENT, "chart_configs");
    o->new_comment = "Charts";
    for (size_t i = first_chart; i < l->len; i++) l->items[i].batch = &c->charts_block;
}

static chain *chain_new(void) {
    chain *c = calloc(1, sizeof *c);
    c->defs = schema_new();
    c->a = c->defs->arena;
    build_r1(c);
    build_r2(c);
    op *o = add_op(c->a, &c->r3, OP_RENAME_TABLE, NULL);
    o->old_name = "chart_configs";
    o->new_name = "charts";
    return c;
}

static void chain_free(chain *c) {
    schema_free(c->defs);
    free(c);
}

/* ------------------------------------------------------------- SQLite */

static void sqlite_exec_ok(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s\n--> %s", sql, err ? err : "?");
}

static long sqlite_count(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    long n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Render ops against `current`, run them the way docs/sql-rendering.md
** tells the runner to (foreign keys off around the migration, one
** transaction), then apply them to `current`. */
static void sqlite_migrate(sqlite3 *db, schema *current, const op_list *l) {
    arena *a = arena_new();
    sql_statements out = {0};
    diag_list dl;
    diag_list_init(&dl);
    int rc = render_sql(l->items, l->len, dialect_sqlite(), current, a, &out, &dl);
    if (rc != 0) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    sqlite_exec_ok(db, "PRAGMA foreign_keys=OFF");
    sqlite_exec_ok(db, "BEGIN");
    for (size_t i = 0; i < out.len; i++) sqlite_exec_ok(db, out.items[i].text);
    sqlite_exec_ok(db, "COMMIT");
    sqlite_exec_ok(db, "PRAGMA foreign_keys=ON");
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_int_equal(schema_apply_ops(current, l->items, l->len, &dl), 0);
    diag_list_free(&dl);
    arena_free(a);
}

/* Schema JSON without the database's own type spellings ("raw"), which
** only an introspected schema has. */
static char *schema_json_text_no_raw(schema *s) {
    json_t *j = schema_to_json(s);
    json_t *tables = json_object_get(j, "tables");
    for (size_t i = 0; i < json_array_size(tables); i++) {
        json_t *cols = json_object_get(json_array_get(tables, i), "columns");
        for (size_t k = 0; k < json_array_size(cols); k++) json_object_del(json_array_get(cols, k), "raw");
    }
    char *text = json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS);
    json_decref(j);
    return text;
}

static char *schema_json_text(schema *s) {
    json_t *j = schema_to_json(s);
    char *text = json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS);
    json_decref(j);
    return text;
}

static char *introspect_sqlite_json(sqlite3 *db) {
    schema *s = NULL;
    diag_list dl;
    diag_list_init(&dl);
    int rc = introspect_sqlite(db, NULL, &s, &dl);
    if (rc) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    char *text = schema_json_text(s);
    schema_free(s);
    diag_list_free(&dl);
    return text;
}

/* A temp Alembic project holding the golden r1..r3; returns its folder. */
static char *alembic_project(const char *url) {
    char tmpl[] = "/tmp/h8-alembic-XXXXXX";
    char *dir = strdup(mkdtemp(tmpl));
    char path[1024], cmd[4096];
    snprintf(path, sizeof path, "%s/alembic.ini", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "[alembic]\nscript_location = %s/mig\nsqlalchemy.url = %s\n", dir, url);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/mig/versions && cp " GOLDEN_DIR "r1_create_all.py " GOLDEN_DIR
             "r2_batch_ops.py " GOLDEN_DIR "r3_rename_table.py %s/mig/versions/",
             dir, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/mig/env.py", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("from alembic import context\n"
          "from sqlalchemy import engine_from_config, pool\n"
          "config = context.config\n"
          "engine = engine_from_config(config.get_section(config.config_ini_section),\n"
          "                            prefix='sqlalchemy.', poolclass=pool.NullPool)\n"
          "with engine.connect() as connection:\n"
          "    context.configure(connection=connection)\n"
          "    with context.begin_transaction():\n"
          "        context.run_migrations()\n",
          f);
    fclose(f);
    return dir;
}

static void alembic_upgrade(const char *dir, const char *rev) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && " PYTHON " -m alembic -c alembic.ini upgrade %s >alembic.log 2>&1", dir, rev);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "cat %s/alembic.log >&2", dir);
        (void)!system(cmd);
        fail_msg("alembic upgrade %s failed", rev);
    }
}

static void remove_dir(char *dir) {
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)!system(cmd);
    free(dir);
}

/* The golden chain on SQLite: retort's SQL and Alembic give the same
** schema; rows (including the ON DELETE CASCADE children of a table that
** is moved and copied) survive; the move-and-copy SQL is Alembic's. */
static void test_sqlite_golden_chain_matches_alembic(void **state) {
    (void)state;
    chain *c = chain_new();
    char dbpath[] = "/tmp/h8-retort-XXXXXX";
    int fd = mkstemp(dbpath);
    assert_true(fd >= 0);
    close(fd);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    schema *current = schema_new();

    sqlite_migrate(db, current, &c->r1);
    sqlite_exec_ok(db, "PRAGMA foreign_keys=ON");
    sqlite_exec_ok(db, "INSERT INTO datasets (id, body, small) VALUES ('d1', 'one', 1), ('d2', 'two', 2), "
                       "('d3', 'three', 3)");
    sqlite_exec_ok(db, "INSERT INTO chart_configs (dataset_id, owner_id, user_id) VALUES "
                       "('d1', 'd2', 'u1'), ('d2', NULL, 'u2'), ('d1', NULL, 'u3')");

    /* The datasets block's statements, as Alembic runs them. */
    arena *a = arena_new();
    sql_statements out = {0};
    diag_list dl;
    diag_list_init(&dl);
    assert_int_equal(render_sql(c->r2.items, c->r2.len, dialect_sqlite(), current, a, &out, &dl), 0);
    assert_int_equal(dl.errors, 0);
    assert_int_equal(dl.items.len, 1); /* the unnamed CHECK (ratio >= 0) is lost, as with Alembic */
    assert_string_equal(dl.items.items[0].message,
                        "moving and copying table 'datasets' drops its unnamed CHECK (ratio >= 0), as Alembic does");
    assert_int_equal(dl.items.items[0].loc.line, 20);
    assert_true(out.len >= 8);
    assert_sql(out.items[0].text,
               "CREATE TABLE _alembic_tmp_datasets (\n"
               "    id VARCHAR(36) NOT NULL, \n"
               "    created_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL, \n"
               "    updated_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL, \n"
               "    is_deleted BOOLEAN DEFAULT '0' NOT NULL, \n"
               "    show BOOLEAN DEFAULT '1' NOT NULL, \n"
               "    status VARCHAR(100) DEFAULT 'new', \n"
               "    row_count INTEGER DEFAULT '0' NOT NULL, \n"
               "    big BIGINT, \n"
               "    description TEXT, \n"
               "    ratio FLOAT DEFAULT '1.5', \n"
               "    price NUMERIC(10, 2), \n"
               "    amount NUMERIC(8), \n"
               "    any_numeric NUMERIC, \n"
               "    born DATE, \n"
               "    at TIME, \n"
               "    span DATETIME, \n"
               "    plain_dt DATETIME, \n"
               "    any_string VARCHAR, \n"
               "    config JSON DEFAULT '{}' NOT NULL, \n"
               "    quote_default VARCHAR(20) DEFAULT 'it''s', \n"
               "    data BLOB, \n"
               "    ext_id VARCHAR(36), \n"
               "    modified_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL, \n"
               "    PRIMARY KEY (id), \n"
               "    CONSTRAINT ck_datasets_price CHECK (price >= 0)\n"
               ")");
    assert_sql(out.items[1].text,
               "INSERT INTO _alembic_tmp_datasets (id, created_at, updated_at, is_deleted, show, status, "
               "row_count, big, description, ratio, price, amount, any_numeric, born, at, span, plain_dt, "
               "any_string, config, quote_default, data, ext_id) SELECT datasets.id, datasets.created_at, "
               "datasets.updated_at, datasets.is_deleted, datasets.show, datasets.status, datasets.row_count, "
               "datasets.big, datasets.body, datasets.ratio, datasets.price, datasets.amount, "
               "datasets.any_numeric, datasets.born, datasets.at, datasets.span, datasets.plain_dt, "
               "datasets.any_string, datasets.config, datasets.quote_default, datasets.data, datasets.ext_id \n"
               "FROM datasets");
    assert_sql(out.items[2].text, "DROP TABLE datasets");
    assert_sql(out.items[3].text, "ALTER TABLE _alembic_tmp_datasets RENAME TO datasets");
    assert_sql(out.items[4].text,
               "CREATE INDEX ix_dataset_status_created ON datasets (status, created_at)");
    assert_sql(out.items[5].text,
               "CREATE INDEX ix_dataset_live_rows ON datasets (row_count) WHERE row_count > 0 AND status <> 'gone'");
    assert_sql(out.items[6].text, "CREATE INDEX ix_datasets_modified_at ON datasets (modified_at)");
    assert_sql(out.items[7].text,
               "CREATE TABLE _alembic_tmp_chart_configs (\n"
               "    id INTEGER NOT NULL, \n"
               "    dataset_id VARCHAR(36) NOT NULL, \n"
               "    owner_id VARCHAR(36), \n"
               "    user_id VARCHAR(255) NOT NULL, \n"
               "    CONSTRAINT pk_chart_configs PRIMARY KEY (id), \n"
               "    CONSTRAINT fk_chart_owner FOREIGN KEY(owner_id) REFERENCES datasets (id) ON DELETE SET NULL ON UPDATE CASCADE, \n"
               "    CONSTRAINT fk_chart_dataset FOREIGN KEY(dataset_id) REFERENCES datasets (id) ON DELETE CASCADE, \n"
               "    CONSTRAINT uq_chart_user_dataset UNIQUE (user_id, dataset_id), \n"
               "    CONSTRAINT uq_chart_owner UNIQUE (owner_id)\n"
               ")");
    diag_list_free(&dl);
    arena_free(a);

    sqlite_migrate(db, current, &c->r2);
    /* Every row survived both move-and-copies, renamed column included. */
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM datasets"), 3);
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM chart_configs"), 3);
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM datasets WHERE description = 'two' AND id = 'd2'"), 1);
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM datasets WHERE modified_at IS NOT NULL"), 3);
    sqlite_migrate(db, current, &c->r3);
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM charts"), 3);

    /* The foreign keys still hold and still cascade. */
    sqlite_exec_ok(db, "PRAGMA foreign_keys=ON");
    sqlite_exec_ok(db, "DELETE FROM datasets WHERE id = 'd1'");
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM charts"), 1);

    /* Same schema as Alembic builds from the golden files. */
    char *ours = introspect_sqlite_json(db);
    char *applied = schema_json_text(current);
    sqlite3_close(db);
    char alembic_db[64];
    snprintf(alembic_db, sizeof alembic_db, "%s-alembic.db", dbpath);
    char url[128];
    snprintf(url, sizeof url, "sqlite:///%s", alembic_db);
    char *dir = alembic_project(url);
    alembic_upgrade(dir, "aaaaaaaaaaa3");
    assert_int_equal(sqlite3_open(alembic_db, &db), SQLITE_OK);
    char *theirs = introspect_sqlite_json(db);
    sqlite3_close(db);
    if (strcmp(ours, theirs) != 0) fail_msg("schemas differ.\n--- alembic:\n%s\n--- retort:\n%s", theirs, ours);
    (void)applied;
    free(ours);
    free(theirs);
    free(applied);
    remove_dir(dir);
    unlink(dbpath);
    unlink(alembic_db);
    schema_free(current);
    chain_free(c);
}

/* ------------------------------------------------- alembic_version */

/* Index keys, methods, INCLUDE on both dialects: what SQLAlchemy compiles
** from the Python renderer's create_index (checked against Alembic by
** tests/integration/index_features.sh); SQLite ignores PostgreSQL's
** options as SQLAlchemy's SQLite compiler does. */
static void test_index_features(void **state) {
    (void)state;
    arena *a = arena_new();
    op_list l = {0};
    index_def *x = mk_index(a, "ix_k", (str_vec){0}, true);
    index_add_key(a, x, "(lower(email))", (index_key){0});
    index_add_key(a, x, "created_at", (index_key){.desc = true});
    index_add_key(a, x, "(a + b)", (index_key){.desc = true, .nulls = NULLS_LAST});
    index_add_key(a, x, "Score", (index_key){.nulls = NULLS_FIRST});
    index_add_key(a, x, "kind", (index_key){.opclass = "varchar_pattern_ops"});
    x->method = "btree_gin";
    x->include = STRS(a, "email");
    x->where = "a > 0";
    add_op(a, &l, OP_CREATE_INDEX, "t")->index = x;
    schema *empty = schema_new();
    char *pg = render_ok(l.items, l.len, dialect_postgresql(), empty);
    assert_sql(pg, "CREATE UNIQUE INDEX ix_k ON t USING btree_gin (lower(email), created_at DESC, (a + b) DESC NULLS LAST, "
                   "\"Score\" NULLS FIRST, kind varchar_pattern_ops) INCLUDE (email) WHERE a > 0;\n");
    free(pg);
    char *lite = render_ok(l.items, l.len, dialect_sqlite(), empty);
    assert_sql(lite, "CREATE UNIQUE INDEX ix_k ON t (lower(email), created_at DESC, (a + b) DESC NULLS LAST, "
                     "\"Score\" NULLS FIRST, kind) WHERE a > 0;\n");
    free(lite);
    schema_free(empty);
    arena_free(a);
}

static void test_version_statements(void **state) {
    (void)state;
    arena *a = arena_new();
    const dialect *dialects[] = {dialect_sqlite(), dialect_postgresql()};
    for (int i = 0; i < 2; i++) {
        const dialect *d = dialects[i];
        assert_string_equal(sql_create_version_table(a, d, NULL),
                            "CREATE TABLE alembic_version (\n"
                            "    version_num VARCHAR(32) NOT NULL, \n"
                            "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
                            ")");
        assert_string_equal(sql_update_version(a, d, NULL, "aaa", "bbb"),
                            "UPDATE alembic_version SET version_num='bbb' WHERE alembic_version.version_num = 'aaa'");
        assert_string_equal(sql_delete_version(a, d, NULL, "o'k"),
                            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'o''k'");
        assert_string_equal(sql_drop_version_table(a, d, NULL), "DROP TABLE alembic_version");
    }
    assert_string_equal(sql_insert_version(a, dialect_sqlite(), NULL, "aaa"),
                        "INSERT INTO alembic_version (version_num) VALUES ('aaa')");
    assert_string_equal(sql_insert_version(a, dialect_postgresql(), NULL, "aaa"),
                        "INSERT INTO alembic_version (version_num) VALUES ('aaa') "
                        "RETURNING alembic_version.version_num");
    /* version_table / version_table_schema, as Alembic renders them */
    const version_table vt = {"my_versions", "audit"};
    const dialect *pg = dialect_postgresql();
    assert_string_equal(sql_create_version_table(a, pg, &vt),
                        "CREATE TABLE audit.my_versions (\n"
                        "    version_num VARCHAR(32) NOT NULL, \n"
                        "    CONSTRAINT my_versions_pkc PRIMARY KEY (version_num)\n"
                        ")");
    assert_string_equal(sql_insert_version(a, pg, &vt, "r1"),
                        "INSERT INTO audit.my_versions (version_num) VALUES ('r1') RETURNING audit.my_versions.version_num");
    assert_string_equal(sql_update_version(a, pg, &vt, "r1", "r2"),
                        "UPDATE audit.my_versions SET version_num='r2' WHERE audit.my_versions.version_num = 'r1'");
    assert_string_equal(sql_drop_version_table(a, pg, &vt), "DROP TABLE audit.my_versions");
    arena_free(a);
}

/* ------------------------------------------------------ op kinds */

/* A small current schema: "user" (a keyword: quoted) with id, name, and
** post with an FK to it. */
static schema *small_schema(void) {
    schema *s = schema_new();
    arena *a = s->arena;
    table *t = schema_add_table(s, "user");
    column *c = col(s, t, "id", TYPE_INTEGER, false);
    c->primary_key = true;
    t->primary_key.columns = STRS(a, "id");
    c = col(s, t, "name", TYPE_STRING, true);
    c->type.length = 40;
    vec_push(a, &t->indexes, mk_index(a, "ix_user_name", STRS(a, "name"), false));
    t = schema_add_table(s, "post");
    c = col(s, t, "id", TYPE_BIGINT, false);
    c->primary_key = true;
    t->primary_key.columns = STRS(a, "id");
    col(s, t, "user_id", TYPE_INTEGER, true);
    foreign_key *fk = arena_alloc(a, sizeof *fk);
    fk->name = "fk_post_user";
    fk->columns = STRS(a, "user_id");
    fk->ref_table = "user";
    fk->ref_columns = STRS(a, "id");
    fk->ondelete = "CASCADE";
    vec_push(a, &t->foreign_keys, fk);
    return s;
}

static char *one(const dialect *d, const schema *cur, op o) {
    if (!o.loc.file) o.loc = (src_loc){"m.py", 7, 5};
    return render_ok(&o, 1, d, cur);
}

static void check_one(const dialect *d, const schema *cur, op o, const char *want) {
    char *got = one(d, cur, o);
    assert_sql(got, want);
    free(got);
}

static void test_op_kinds_postgresql(void **state) {
    (void)state;
    const dialect *pg = dialect_postgresql();
    schema *cur = small_schema();
    arena *a = cur->arena;
    table *post = schema_find_table(cur, "post");
    table *user = schema_find_table(cur, "user");

    check_one(pg, NULL, (op){.kind = OP_CREATE_TABLE, .table = post},
              "CREATE TABLE post (\n    id BIGSERIAL NOT NULL, \n    user_id INTEGER, \n    PRIMARY KEY (id), \n"
              "    CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES \"user\" (id) ON DELETE CASCADE\n);\n");
    check_one(pg, cur, (op){.kind = OP_DROP_TABLE, .table_name = "user"}, "DROP TABLE \"user\";\n");
    check_one(pg, cur, (op){.kind = OP_RENAME_TABLE, .old_name = "post", .new_name = "Posts"},
              "ALTER TABLE post RENAME TO \"Posts\";\n");
    column *nc = col(cur, schema_add_table(cur, "scratch"), "created", TYPE_DATETIME, false);
    nc->type.timezone = true;
    nc->server_default.kind = DEFAULT_NOW;
    nc->comment = "When";
    check_one(pg, cur, (op){.kind = OP_ADD_COLUMN, .table_name = "user", .column = nc},
              "ALTER TABLE \"user\" ADD COLUMN created TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL;\n"
              "COMMENT ON COLUMN \"user\".created IS 'When';\n");
    check_one(pg, cur, (op){.kind = OP_DROP_COLUMN, .table_name = "user", .old_name = "name"},
              "ALTER TABLE \"user\" DROP COLUMN name;\n");
    column *oldc = table_find_column(user, "name");
    column *newc = col(cur, schema_find_table(cur, "scratch"), "name", TYPE_TEXT, false);
    newc->server_default = (server_default){.kind = DEFAULT_STRING, .text = "it's"};
    check_one(pg, cur,
              (op){.kind = OP_ALTER_COLUMN, .table_name = "user", .column = newc, .old_column = oldc,
                   .alter = ALTER_TYPE | ALTER_NULLABLE | ALTER_DEFAULT | ALTER_COMMENT},
              "ALTER TABLE \"user\" ALTER COLUMN name TYPE TEXT;\n"
              "ALTER TABLE \"user\" ALTER COLUMN name SET NOT NULL;\n"
              "ALTER TABLE \"user\" ALTER COLUMN name SET DEFAULT 'it''s';\n"
              "COMMENT ON COLUMN \"user\".name IS NULL;\n");
    check_one(pg, cur,
              (op){.kind = OP_ALTER_COLUMN, .table_name = "user", .column = oldc, .old_column = newc,
                   .alter = ALTER_NULLABLE | ALTER_DEFAULT},
              "ALTER TABLE \"user\" ALTER COLUMN name DROP NOT NULL;\n"
              "ALTER TABLE \"user\" ALTER COLUMN name DROP DEFAULT;\n");
    check_one(pg, cur, (op){.kind = OP_RENAME_COLUMN, .table_name = "user", .old_name = "name", .new_name = "Full Name"},
              "ALTER TABLE \"user\" RENAME name TO \"Full Name\";\n");
    index_def *ix = mk_index(a, "ix_lower", STRS(a, "(lower(name))", "id"), true);
    ix->where = "name IS NOT NULL";
    check_one(pg, cur, (op){.kind = OP_CREATE_INDEX, .table_name = "user", .index = ix},
              "CREATE UNIQUE INDEX ix_lower ON \"user\" (lower(name), id) WHERE name IS NOT NULL;\n");
    check_one(pg, cur, (op){.kind = OP_DROP_INDEX, .table_name = "user", .index = user->indexes.items[0]},
              "DROP INDEX ix_user_name;\n");
    unique_def *u = arena_alloc(a, sizeof *u);
    u->name = "uq_name";
    u->columns = STRS(a, "name", "id");
    check_one(pg, cur, (op){.kind = OP_ADD_UNIQUE, .table_name = "user", .unique = u},
              "ALTER TABLE \"user\" ADD CONSTRAINT uq_name UNIQUE (name, id);\n");
    check_one(pg, cur, (op){.kind = OP_DROP_UNIQUE, .table_name = "user", .unique = u},
              "ALTER TABLE \"user\" DROP CONSTRAINT uq_name;\n");
    foreign_key *fk = post->foreign_keys.items[0];
    check_one(pg, cur, (op){.kind = OP_ADD_FOREIGN_KEY, .table_name = "post", .fk = fk},
              "ALTER TABLE post ADD CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES \"user\" (id) "
              "ON DELETE CASCADE;\n");
    check_one(pg, cur, (op){.kind = OP_DROP_FOREIGN_KEY, .table_name = "post", .fk = fk},
              "ALTER TABLE post DROP CONSTRAINT fk_post_user;\n");
    check_def *ck = arena_alloc(a, sizeof *ck);
    ck->name = "ck_id";
    ck->sqltext = "id > 0";
    check_one(pg, cur, (op){.kind = OP_ADD_CHECK, .table_name = "post", .check = ck},
              "ALTER TABLE post ADD CONSTRAINT ck_id CHECK (id > 0);\n");
    check_one(pg, cur, (op){.kind = OP_DROP_CHECK, .table_name = "post", .check = ck},
              "ALTER TABLE post DROP CONSTRAINT ck_id;\n");
    check_one(pg, cur, (op){.kind = OP_SET_TABLE_COMMENT, .table_name = "post", .new_comment = "Posts'"},
              "COMMENT ON TABLE post IS 'Posts''';\n");
    check_one(pg, cur, (op){.kind = OP_SET_TABLE_COMMENT, .table_name = "post", .old_comment = "x"},
              "COMMENT ON TABLE post IS NULL;\n");
    check_one(pg, cur, (op){.kind = OP_EXECUTE, .sql = "UPDATE post SET id = id"}, "UPDATE post SET id = id;\n");

    str_vec cols = STRS(a, "id", "name");
    literal_rows rows = {0};
    literal_row r1 = {0}, r2 = {0};
    vec_push(a, &r1, ((sql_literal){.kind = LIT_NUMBER, .text = "1"}));
    vec_push(a, &r1, ((sql_literal){.kind = LIT_STRING, .text = "O'Brien"}));
    vec_push(a, &r2, ((sql_literal){.kind = LIT_NUMBER, .text = "2"}));
    vec_push(a, &r2, ((sql_literal){.kind = LIT_NULL}));
    vec_push(a, &rows, r1);
    vec_push(a, &rows, r2);
    op bulk = {.kind = OP_BULK_INSERT, .table_name = "user", .insert_columns = &cols, .rows = &rows};
    check_one(pg, cur, bulk,
              "INSERT INTO \"user\" (id, name) VALUES (1, 'O''Brien');\n"
              "INSERT INTO \"user\" (id, name) VALUES (2, NULL);\n");
    /* A bool literal per dialect. */
    literal_rows brows = {0};
    literal_row b = {0};
    vec_push(a, &b, ((sql_literal){.kind = LIT_NUMBER, .text = "3"}));
    vec_push(a, &b, ((sql_literal){.kind = LIT_BOOL, .bool_value = true}));
    vec_push(a, &brows, b);
    bulk.rows = &brows;
    check_one(pg, cur, bulk, "INSERT INTO \"user\" (id, name) VALUES (3, true);\n");
    check_one(dialect_sqlite(), cur, bulk, "INSERT INTO user (id, name) VALUES (3, 1);\n");
    schema_free(cur);
}

/* From the differ (no location): unnamed foreign keys and unique
** constraints get the names the Python renderer writes. */
static void test_differ_ops_named_like_python(void **state) {
    (void)state;
    schema *s = schema_new();
    arena *a = s->arena;
    table *t = schema_add_table(s, "child");
    column *c = col(s, t, "id", TYPE_INTEGER, false);
    c->primary_key = true;
    t->primary_key.columns = STRS(a, "id");
    col(s, t, "parent_id", TYPE_INTEGER, true);
    foreign_key *fk = arena_alloc(a, sizeof *fk);
    fk->columns = STRS(a, "parent_id");
    fk->ref_table = "parent";
    fk->ref_columns = STRS(a, "id");
    vec_push(a, &t->foreign_keys, fk);
    unique_def *u = arena_alloc(a, sizeof *u);
    u->columns = STRS(a, "parent_id");
    vec_push(a, &t->uniques, u);
    op o = {.kind = OP_CREATE_TABLE, .table = t};
    char *got = render_ok(&o, 1, dialect_sqlite(), NULL);
    assert_sql(got, "CREATE TABLE child (\n    id INTEGER NOT NULL, \n    parent_id INTEGER, \n    PRIMARY KEY (id), \n"
                    "    CONSTRAINT child_parent_id_fkey FOREIGN KEY(parent_id) REFERENCES parent (id), \n"
                    "    CONSTRAINT child_parent_id_key UNIQUE (parent_id)\n);\n");
    free(got);
    schema_free(s);
}

/* SQLite: what plain ALTER TABLE does, and a move-and-copy for what it
** cannot (outside a batch block too); comments do nothing. */
static void test_op_kinds_sqlite(void **state) {
    (void)state;
    const dialect *sq = dialect_sqlite();
    schema *cur = small_schema();
    arena *a = cur->arena;
    table *post = schema_find_table(cur, "post");
    check_one(sq, NULL, (op){.kind = OP_CREATE_TABLE, .table = post},
              "CREATE TABLE post (\n    id BIGINT NOT NULL, \n    user_id INTEGER, \n    PRIMARY KEY (id), \n"
              "    CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES user (id) ON DELETE CASCADE\n);\n");
    check_one(sq, cur, (op){.kind = OP_RENAME_COLUMN, .table_name = "user", .old_name = "name", .new_name = "nm"},
              "ALTER TABLE user RENAME name TO nm;\n");
    check_one(sq, cur, (op){.kind = OP_DROP_COLUMN, .table_name = "post", .old_name = "user_id"},
              "ALTER TABLE post DROP COLUMN user_id;\n");
    check_one(sq, cur, (op){.kind = OP_SET_TABLE_COMMENT, .table_name = "post", .new_comment = "x"}, "");
    column *flag = col(cur, schema_add_table(cur, "scratch"), "flag", TYPE_BOOLEAN, false);
    flag->server_default = (server_default){.kind = DEFAULT_STRING, .text = "0"};
    check_one(sq, cur, (op){.kind = OP_ADD_COLUMN, .table_name = "post", .column = flag},
              "ALTER TABLE post ADD COLUMN flag BOOLEAN DEFAULT '0' NOT NULL;\n");
    /* A now() default: SQLite cannot add it, so move and copy. */
    column *when = col(cur, schema_find_table(cur, "scratch"), "at", TYPE_DATETIME, true);
    when->server_default.kind = DEFAULT_NOW;
    check_one(sq, cur, (op){.kind = OP_ADD_COLUMN, .table_name = "post", .column = when},
              "CREATE TABLE _alembic_tmp_post (\n    id BIGINT NOT NULL, \n    user_id INTEGER, \n"
              "    at DATETIME DEFAULT (CURRENT_TIMESTAMP), \n    PRIMARY KEY (id), \n"
              "    CONSTRAINT fk_post_user FOREIGN KEY(user_id) REFERENCES user (id) ON DELETE CASCADE\n);\n"
              "INSERT INTO _alembic_tmp_post (id, user_id) SELECT post.id, post.user_id \nFROM post;\n"
              "DROP TABLE post;\n"
              "ALTER TABLE _alembic_tmp_post RENAME TO post;\n");
    /* A type change of another affinity is CAST; indexes come back. */
    column *oldn = table_find_column(schema_find_table(cur, "user"), "name");
    column *newn = col(cur, schema_find_table(cur, "scratch"), "name", TYPE_INTEGER, true);
    check_one(sq, cur,
              (op){.kind = OP_ALTER_COLUMN, .table_name = "user", .column = newn, .old_column = oldn,
                   .alter = ALTER_TYPE},
              "CREATE TABLE _alembic_tmp_user (\n    id INTEGER NOT NULL, \n    name INTEGER, \n"
              "    PRIMARY KEY (id)\n);\n"
              "INSERT INTO _alembic_tmp_user (id, name) SELECT user.id, CAST(user.name AS INTEGER) \n"
              "FROM user;\n"
              "DROP TABLE user;\n"
              "ALTER TABLE _alembic_tmp_user RENAME TO user;\n"
              "CREATE INDEX ix_user_name ON user (name);\n");
    /* Only a comment changes: nothing to do on SQLite. */
    check_one(sq, cur,
              (op){.kind = OP_ALTER_COLUMN, .table_name = "user", .column = newn, .old_column = oldn,
                   .alter = ALTER_COMMENT},
              "");

    /* A batch block of index ops and a plain add column: plain ALTERs. */
    batch_block blk = {.table_name = "user", .recreate = "auto"};
    op ops[2] = {{.kind = OP_CREATE_INDEX, .table_name = "user", .batch = &blk,
                  .index = mk_index(a, "ix_user_id_name", STRS(a, "id", "name"), false)},
                 {.kind = OP_ADD_COLUMN, .table_name = "user", .column = flag, .batch = &blk}};
    char *got = render_ok(ops, 2, sq, cur);
    assert_sql(got, "CREATE INDEX ix_user_id_name ON user (id, name);\n"
                    "ALTER TABLE user ADD COLUMN flag BOOLEAN DEFAULT '0' NOT NULL;\n");
    free(got);
    /* recreate='always': one move-and-copy for the block. */
    blk.recreate = "always";
    got = render_ok(ops, 2, sq, cur);
    assert_sql(got, "CREATE TABLE _alembic_tmp_user (\n    id INTEGER NOT NULL, \n    name VARCHAR(40), \n"
                    "    flag BOOLEAN DEFAULT '0' NOT NULL, \n    PRIMARY KEY (id)\n);\n"
                    "INSERT INTO _alembic_tmp_user (id, name) SELECT user.id, user.name \nFROM user;\n"
                    "DROP TABLE user;\n"
                    "ALTER TABLE _alembic_tmp_user RENAME TO user;\n"
                    "CREATE INDEX ix_user_name ON user (name);\n"
                    "CREATE INDEX ix_user_id_name ON user (id, name);\n");
    free(got);
    schema_free(cur);
}

/* Located errors: a move-and-copy of a table nobody created, and
** recreate='never' with an op SQLite cannot do. */
static void test_sqlite_errors(void **state) {
    (void)state;
    schema *cur = small_schema();
    arena *a = arena_new();
    sql_statements out = {0};
    diag_list dl;
    diag_list_init(&dl);
    check_def ck = {.name = "ck", .sqltext = "1"};
    op o = {.kind = OP_ADD_CHECK, .table_name = "nope", .check = &ck, .loc = {"m.py", 12, 9}};
    assert_int_equal(render_sql(&o, 1, dialect_sqlite(), cur, a, &out, &dl), -1);
    assert_int_equal(dl.errors, 1);
    assert_string_equal(dl.items.items[0].message,
                        "table 'nope' is not in the schema this migration applies to: "
                        "SQLite needs its definition to move and copy it");
    assert_int_equal(dl.items.items[0].loc.line, 12);
    assert_int_equal(dl.items.items[0].loc.column, 9);
    diag_list_free(&dl);
    diag_list_init(&dl);
    batch_block blk = {.table_name = "user", .recreate = "never"};
    o = (op){.kind = OP_ADD_CHECK, .table_name = "user", .check = &ck, .loc = {"m.py", 14, 9}, .batch = &blk};
    assert_int_equal(render_sql(&o, 1, dialect_sqlite(), cur, a, &out, &dl), -1);
    assert_string_equal(dl.items.items[0].message,
                        "SQLite cannot add a constraint with ALTER TABLE, and this batch block says recreate='never'");
    assert_string_equal(dl.items.items[0].hint, "use recreate='auto' (the default) or 'always'");
    assert_int_equal(dl.items.items[0].loc.line, 14);
    /* The column a move-and-copy alters must exist. */
    diag_list_free(&dl);
    diag_list_init(&dl);
    column ghost = {.name = "ghost", .nullable = true};
    o = (op){.kind = OP_ALTER_COLUMN, .table_name = "user", .column = &ghost, .old_column = &ghost,
             .alter = ALTER_NULLABLE, .loc = {"m.py", 15, 5}};
    assert_int_equal(render_sql(&o, 1, dialect_sqlite(), cur, a, &out, &dl), -1);
    assert_string_equal(dl.items.items[0].message, "column 'ghost' does not exist in table 'user'");
    assert_int_equal(dl.items.items[0].loc.line, 15);
    diag_list_free(&dl);
    arena_free(a);
    schema_free(cur);
}

/* Move-and-copy of a parent whose children cascade, many rows, a
** self-reference: nothing lost with foreign keys off, and the keys hold. */
static void test_sqlite_cascade_children_survive(void **state) {
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    schema *cur = schema_new();
    arena *a = cur->arena;
    table *p = schema_add_table(cur, "parent");
    column *c = col(cur, p, "id", TYPE_INTEGER, false);
    c->primary_key = true;
    p->primary_key.columns = STRS(a, "id");
    col(cur, p, "label", TYPE_STRING, true)->type.length = 10;
    col(cur, p, "up_id", TYPE_INTEGER, true);
    foreign_key *self = arena_alloc(a, sizeof *self);
    self->name = "fk_parent_up";
    self->columns = STRS(a, "up_id");
    self->ref_table = "parent";
    self->ref_columns = STRS(a, "id");
    self->ondelete = "CASCADE";
    vec_push(a, &p->foreign_keys, self);
    table *ch = schema_add_table(cur, "child");
    c = col(cur, ch, "id", TYPE_INTEGER, false);
    c->primary_key = true;
    ch->primary_key.columns = STRS(a, "id");
    col(cur, ch, "parent_id", TYPE_INTEGER, false);
    foreign_key *fk = arena_alloc(a, sizeof *fk);
    fk->name = "fk_child_parent";
    fk->columns = STRS(a, "parent_id");
    fk->ref_table = "parent";
    fk->ref_columns = STRS(a, "id");
    fk->ondelete = "CASCADE";
    vec_push(a, &ch->foreign_keys, fk);
    op_list create = {0};
    add_op(a, &create, OP_CREATE_TABLE, "parent")->table = p;
    add_op(a, &create, OP_CREATE_TABLE, "child")->table = ch;
    schema *live = schema_new();
    sqlite_migrate(db, live, &create);
    sqlite_exec_ok(db, "PRAGMA foreign_keys=ON");
    sqlite_exec_ok(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
                       "INSERT INTO parent (id, label, up_id) SELECT i, 'p' || i, CASE WHEN i > 1 THEN i - 1 END FROM n");
    sqlite_exec_ok(db, "INSERT INTO child (id, parent_id) SELECT id, id FROM parent");

    /* Rename a column of the parent, widen its label, add a named check. */
    batch_block blk = {.table_name = "parent", .recreate = "auto"};
    op_list l = {0};
    op *o = add_op(a, &l, OP_RENAME_COLUMN, "parent");
    o->old_name = "label";
    o->new_name = "title";
    column *wide = arena_alloc(a, sizeof *wide);
    wide->name = "title";
    wide->nullable = true;
    wide->type = (col_type){.kind = TYPE_TEXT, .length = -1, .precision = -1, .scale = -1};
    o = add_op(a, &l, OP_ALTER_COLUMN, "parent");
    o->column = o->old_column = wide;
    o->alter = ALTER_TYPE;
    check_def *ck = arena_alloc(a, sizeof *ck);
    ck->name = "ck_parent_id";
    ck->sqltext = "id > 0";
    add_op(a, &l, OP_ADD_CHECK, "parent")->check = ck;
    for (size_t i = 0; i < l.len; i++) l.items[i].batch = &blk;
    sqlite_migrate(db, live, &l);

    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM parent"), 500);
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM child"), 500);
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM parent WHERE title = 'p' || id"), 500);
    /* The keys still cascade: deleting the root takes the whole chain. */
    sqlite_exec_ok(db, "PRAGMA foreign_keys=ON");
    sqlite_exec_ok(db, "DELETE FROM parent WHERE id = 250");
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM parent"), 249);
    assert_int_equal(sqlite_count(db, "SELECT count(*) FROM child"), 249);

    /* The introspected schema is the applied one. */
    schema *in = NULL;
    diag_list dl;
    diag_list_init(&dl);
    assert_int_equal(introspect_sqlite(db, NULL, &in, &dl), 0);
    diag_list_free(&dl);
    char *ours = schema_json_text_no_raw(in);
    schema_free(in);
    char *applied = schema_json_text_no_raw(live);
    if (strcmp(ours, applied) != 0) {
        write_file_atomic("/tmp/h8-applied.json", applied, strlen(applied));
        write_file_atomic("/tmp/h8-db.json", ours, strlen(ours));
        fail_msg("schemas differ: diff /tmp/h8-applied.json /tmp/h8-db.json");
    }
    free(ours);
    free(applied);
    sqlite3_close(db);
    schema_free(live);
    schema_free(cur);
}

/* ---------------------------------------------------------- PostgreSQL */

static void pg_exec_ok(PGconn *pg, const char *sql) {
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s\n--> %s", sql, PQresultErrorMessage(r));
    PQclear(r);
}

/* RETORT_TEST_PG_URL with its database replaced by `db` (malloc'd). */
static char *pg_url_for(const char *db) {
    const char *url = getenv("RETORT_TEST_PG_URL");
    const char *slash = strrchr(url, '/');
    const char *query = strchr(slash, '?');
    char *out = malloc(strlen(url) + strlen(db) + 2);
    sprintf(out, "%.*s/%s%s", (int)(slash - url), url, db, query ? query : "");
    return out;
}

/* The name of a database of this process's own (base_<pid>), so that this
** test and its valgrind twin can run at the same time. */
static const char *own_db_name(const char *base, char *buf, size_t size) {
    snprintf(buf, size, "%s_%ld", base, (long)getpid());
    return buf;
}
#define OWN_DB(base) own_db_name(base, (char[96]){0}, 96)

static PGconn *pg_fresh_database(const char *name) {
    assert_int_equal(db_libpq_load(NULL), 0);
    PGconn *admin = PQconnectdb(getenv("RETORT_TEST_PG_URL"));
    assert_int_equal(PQstatus(admin), CONNECTION_OK);
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
    pg_exec_ok(admin, "SET client_min_messages = warning");
    pg_exec_ok(admin, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    pg_exec_ok(admin, sql);
    PQfinish(admin);
    char *url = pg_url_for(name);
    PGconn *pg = PQconnectdb(url);
    free(url);
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    return pg;
}

static void pg_drop_database(const char *name) {
    PGconn *admin = PQconnectdb(getenv("RETORT_TEST_PG_URL"));
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
    pg_exec_ok(admin, sql);
    PQfinish(admin);
}

static char *introspect_pg_json(PGconn *pg) {
    schema *s = NULL;
    diag_list dl;
    diag_list_init(&dl);
    int rc = introspect_postgres(pg, "public", NULL, &s, &dl);
    if (rc) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    char *text = schema_json_text(s);
    schema_free(s);
    diag_list_free(&dl);
    return text;
}

static void pg_migrate(PGconn *pg, schema *current, const op_list *l) {
    arena *a = arena_new();
    sql_statements out = {0};
    diag_list dl;
    diag_list_init(&dl);
    int rc = render_sql(l->items, l->len, dialect_postgresql(), current, a, &out, &dl);
    if (rc != 0) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    pg_exec_ok(pg, "BEGIN");
    for (size_t i = 0; i < out.len; i++) pg_exec_ok(pg, out.items[i].text);
    pg_exec_ok(pg, "COMMIT");
    assert_int_equal(schema_apply_ops(current, l->items, l->len, &dl), 0);
    diag_list_free(&dl);
    arena_free(a);
}

/* The golden chain on PostgreSQL: retort's SQL and Alembic build the same
** schema; batch blocks are plain ALTERs; rows survive. */
static void test_postgresql_golden_chain_matches_alembic(void **state) {
    (void)state;
    chain *c = chain_new();
    PGconn *pg = pg_fresh_database(OWN_DB("h8_retort"));
    schema *current = schema_new();
    pg_migrate(pg, current, &c->r1);
    pg_exec_ok(pg, "INSERT INTO datasets (id, body) VALUES ('d1', 'one'), ('d2', 'two')");
    pg_exec_ok(pg, "INSERT INTO chart_configs (dataset_id, user_id) VALUES ('d1', 'u1'), ('d2', 'u2')");

    /* The datasets block: Alembic's statements on PostgreSQL. */
    arena *a = arena_new();
    sql_statements out = {0};
    diag_list dl;
    diag_list_init(&dl);
    assert_int_equal(render_sql(c->r2.items, c->r2.len, dialect_postgresql(), current, a, &out, &dl), 0);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < out.len; i++) sb_printf(&sb, "%s;\n", out.items[i].text);
    assert_sql(sb_str(&sb),
               "ALTER TABLE datasets ADD COLUMN modified_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL;\n"
               "COMMENT ON COLUMN datasets.modified_at IS 'Modified';\n"
               "ALTER TABLE datasets DROP COLUMN small;\n"
               "ALTER TABLE datasets ALTER COLUMN status TYPE VARCHAR(100);\n"
               "ALTER TABLE datasets ALTER COLUMN status DROP NOT NULL;\n"
               "ALTER TABLE datasets ALTER COLUMN status SET DEFAULT 'new';\n"
               "COMMENT ON COLUMN datasets.status IS 'Status';\n"
               "ALTER TABLE datasets ALTER COLUMN ratio DROP NOT NULL;\n"
               "ALTER TABLE datasets RENAME body TO description;\n"
               "DROP INDEX ix_datasets_status;\n"
               "CREATE INDEX ix_datasets_modified_at ON datasets (modified_at);\n"
               "ALTER TABLE datasets DROP CONSTRAINT check_row_count_non_negative;\n"
               "ALTER TABLE datasets ADD CONSTRAINT ck_datasets_price CHECK (price >= 0);\n"
               "COMMENT ON TABLE datasets IS 'Datasets, v2';\n"
               "ALTER TABLE chart_configs DROP CONSTRAINT chart_configs_dataset_id_fkey;\n"
               "ALTER TABLE chart_configs ADD CONSTRAINT fk_chart_dataset FOREIGN KEY(dataset_id) REFERENCES "
               "datasets (id) ON DELETE CASCADE;\n"
               "ALTER TABLE chart_configs DROP CONSTRAINT chart_configs_user_id_key;\n"
               "ALTER TABLE chart_configs ADD CONSTRAINT uq_chart_owner UNIQUE (owner_id);\n"
               "COMMENT ON TABLE chart_configs IS 'Charts';\n");
    sb_free(&sb);
    diag_list_free(&dl);
    arena_free(a);

    pg_migrate(pg, current, &c->r2);
    pg_migrate(pg, current, &c->r3);
    PGresult *r = PQexec(pg, "SELECT (SELECT count(*) FROM datasets WHERE description IS NOT NULL), "
                             "(SELECT count(*) FROM charts)");
    assert_string_equal(PQgetvalue(r, 0, 0), "2");
    assert_string_equal(PQgetvalue(r, 0, 1), "2");
    PQclear(r);
    char *ours = introspect_pg_json(pg);
    PQfinish(pg);

    PGconn *theirs_db = pg_fresh_database(OWN_DB("h8_alembic"));
    char *url = pg_url_for(OWN_DB("h8_alembic"));
    char *dir = alembic_project(url);
    free(url);
    alembic_upgrade(dir, "aaaaaaaaaaa3");
    char *theirs = introspect_pg_json(theirs_db);
    PQfinish(theirs_db);
    if (strcmp(ours, theirs) != 0) fail_msg("schemas differ.\n--- alembic:\n%s\n--- retort:\n%s", theirs, ours);
    free(ours);
    free(theirs);
    remove_dir(dir);
    pg_drop_database(OWN_DB("h8_retort"));
    pg_drop_database(OWN_DB("h8_alembic"));
    schema_free(current);
    chain_free(c);
}

/* ------------------------------------------------------------------ main */

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_statements),
        cmocka_unit_test(test_index_features),
        cmocka_unit_test(test_op_kinds_postgresql),
        cmocka_unit_test(test_op_kinds_sqlite),
        cmocka_unit_test(test_differ_ops_named_like_python),
        cmocka_unit_test(test_sqlite_errors),
        cmocka_unit_test(test_sqlite_cascade_children_survive),
        cmocka_unit_test(test_sqlite_golden_chain_matches_alembic),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test(test_postgresql_golden_chain_matches_alembic),
    };
    const char *url = getenv("RETORT_TEST_PG_URL");
    if (!url || !*url) {
        const char *allow = getenv("RETORT_ALLOW_NO_PG");
        if (allow && !strcmp(allow, "1")) {
            printf("[  SKIPPED ] PostgreSQL tests: RETORT_TEST_PG_URL is not set (RETORT_ALLOW_NO_PG=1)\n");
            return failed;
        }
        fprintf(stderr, "test_render_sql: RETORT_TEST_PG_URL is not set.\n"
                        "Start a server with tools/pg-test-server.sh start DIR and export the URL it prints,\n"
                        "or set RETORT_ALLOW_NO_PG=1 to skip the PostgreSQL tests.\n");
        return 1;
    }
    return failed + cmocka_run_group_tests(pg_tests, NULL, NULL);
}
