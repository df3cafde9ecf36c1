/*
** test_render_python.c — the Alembic migration module renderer.
**
** Op lists are built by hand over hand-built schemas and rendered; each
** result is compared byte for byte with a golden file in
** tests/golden/render/ (run with UPDATE_GOLDEN=1 to rewrite them after an
** intended change, then read the diff).  The goldens form one revision
** chain that tests/integration/test_render_alembic.sh runs with real
** Alembic on SQLite (and PostgreSQL when RETORT_TEST_PG_URL is set):
**
**   r1 create_all         create_table x2 + indexes           (plain)
**   r2 batch_ops          every per-table op kind             (batch)
**      plain_ops          the same op list, same revision id  (plain; PostgreSQL)
**   r3 rename_table       op.rename_table
**   r4 empty_autogen      autogenerate markers + pass
**   r5 empty_plain        pass bodies (branch from r3)
**   r6 merge              down_revision = (r4, r5)
**   r7 types_postgresql   JSONB and database-only types   (PostgreSQL only)
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

#include "render/render.h"

#define GOLDEN_DIR SOURCE_DIR "/tests/golden/render/"
#define DATE "2025-11-05 19:03:12.345678"

/* ------------------------------------------------------------- helpers */

static void check_golden(const char *name, const char *text) {
    char path[1024];
    snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
    if (getenv("UPDATE_GOLDEN")) {
        assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
        return;
    }
    char *want = read_file(path, NULL);
    if (!want) fail_msg("missing golden %s (run with UPDATE_GOLDEN=1)", path);
    if (strcmp(want, text) != 0) {
        fprintf(stderr, "--- golden %s differs; got:\n%s\n", name, text);
        free(want);
        fail_msg("golden mismatch: %s", name);
    }
    free(want);
}

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

static migration_ops *ops_new(void) {
    arena *a = arena_new();
    migration_ops *m = arena_alloc(a, sizeof *m);
    m->arena = a;
    return m;
}

static op *add_op(migration_ops *m, op_kind k, const char *table_name) {
    op o = {.kind = k, .table_name = table_name};
    vec_push(m->arena, &m->ops, o);
    return &m->ops.items[m->ops.len - 1];
}

static index_def *mk_index(schema *s, const char *name, str_vec cols, bool unique, bool conventional) {
    index_def *ix = arena_alloc(s->arena, sizeof *ix);
    ix->name = name;
    ix->columns = cols;
    ix->unique = unique;
    ix->conventional_name = conventional;
    return ix;
}

static char *render(const migration_ops *m, const char *rev, const str_vec *down, const char *message,
                    bool batch, bool autogenerate) {
    render_options o = {.message = message, .revision = rev, .down_revisions = down, .create_date = DATE,
                        .batch = batch, .autogenerate = autogenerate};
    return render_python(m, &o);
}

/* ------------------------------------------------------- the fixture */

/* The schema after r1: datasets and chart_configs. */
typedef struct fixture {
    schema *s;
    table *datasets, *charts;
} fixture;

#define TRICKY_COMMENT "It's \"quoted\" \\ back\\slash\nnew line\ttab \xc3\xa9t\xc3\xa9"

static fixture make_fixture(void) {
    fixture f = {.s = schema_new()};
    schema *s = f.s;
    arena *a = s->arena;
    table *t = f.datasets = schema_add_table(s, "datasets");
    t->comment = "Dataset storage table";
    column *c = col(s, t, "id", TYPE_STRING, false);
    c->type.length = 36;
    c->primary_key = true;
    c->comment = "Primary key (UUID)";
    c = col(s, t, "created_at", TYPE_DATETIME, false);
    c->type.timezone = true;
    c->server_default.kind = DEFAULT_NOW;
    c->comment = "Record creation timestamp (UTC)";
    c = col(s, t, "updated_at", TYPE_DATETIME, false);
    c->type.timezone = true;
    c->server_default = (server_default){.kind = DEFAULT_SQL, .text = "CURRENT_TIMESTAMP"};
    c = col(s, t, "is_deleted", TYPE_BOOLEAN, false);
    c->server_default = (server_default){.kind = DEFAULT_BOOL, .bool_value = false};
    c = col(s, t, "show", TYPE_BOOLEAN, false);
    c->server_default = (server_default){.kind = DEFAULT_BOOL, .bool_value = true};
    c = col(s, t, "status", TYPE_STRING, false);
    c->type.length = 50;
    c->server_default = (server_default){.kind = DEFAULT_STRING, .text = "pending"};
    c = col(s, t, "row_count", TYPE_INTEGER, false);
    c->server_default = (server_default){.kind = DEFAULT_NUMBER, .text = "0"};
    c->autoincrement = AUTOINC_FALSE;
    col(s, t, "big", TYPE_BIGINT, true);
    col(s, t, "small", TYPE_SMALLINT, true);
    c = col(s, t, "body", TYPE_TEXT, true);
    c->comment = TRICKY_COMMENT;
    c = col(s, t, "ratio", TYPE_FLOAT, false);
    c->server_default = (server_default){.kind = DEFAULT_NUMBER, .text = "1.5"};
    c = col(s, t, "price", TYPE_NUMERIC, true);
    c->type.precision = 10;
    c->type.scale = 2;
    c = col(s, t, "amount", TYPE_NUMERIC, true);
    c->type.precision = 8;
    col(s, t, "any_numeric", TYPE_NUMERIC, true);
    col(s, t, "born", TYPE_DATE, true);
    col(s, t, "at", TYPE_TIME, true);
    col(s, t, "span", TYPE_INTERVAL, true);
    col(s, t, "plain_dt", TYPE_DATETIME, true);
    col(s, t, "any_string", TYPE_STRING, true);
    c = col(s, t, "config", TYPE_JSON, false);
    c->server_default = (server_default){.kind = DEFAULT_STRING, .text = "{}"};
    c = col(s, t, "quote_default", TYPE_STRING, true);
    c->type.length = 20;
    c->server_default = (server_default){.kind = DEFAULT_STRING, .text = "it's"};
    col(s, t, "data", TYPE_LARGEBINARY, true);
    col(s, t, "ext_id", TYPE_UUID, true);
    vec_push(a, &t->primary_key.columns, "id");
    check_def *ck = arena_alloc(a, sizeof *ck);
    ck->name = "check_row_count_non_negative";
    ck->sqltext = "row_count >= 0";
    vec_push(a, &t->checks, ck);
    ck = arena_alloc(a, sizeof *ck);
    ck->sqltext = "ratio >= 0";
    vec_push(a, &t->checks, ck);

    t = f.charts = schema_add_table(s, "chart_configs");
    c = col(s, t, "id", TYPE_INTEGER, false);
    c->primary_key = true;
    c->autoincrement = AUTOINC_TRUE;
    c = col(s, t, "dataset_id", TYPE_STRING, false);
    c->type.length = 36;
    c = col(s, t, "owner_id", TYPE_STRING, true);
    c->type.length = 36;
    c = col(s, t, "user_id", TYPE_STRING, false);
    c->type.length = 255;
    t->primary_key.columns = STRS(a, "id");
    t->primary_key.name = "pk_chart_configs";
    foreign_key *fk = arena_alloc(a, sizeof *fk);
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
    u->columns = STRS(a, "user_id");
    vec_push(a, &t->uniques, u);
    u = arena_alloc(a, sizeof *u);
    u->name = "uq_chart_user_dataset";
    u->columns = STRS(a, "user_id", "dataset_id");
    vec_push(a, &t->uniques, u);
    return f;
}

/* r1: both tables and their indexes. */
static migration_ops *create_all_ops(fixture *f) {
    arena *a = f->s->arena;
    migration_ops *m = ops_new();
    add_op(m, OP_CREATE_TABLE, "datasets")->table = f->datasets;
    add_op(m, OP_CREATE_INDEX, "datasets")->index = mk_index(f->s, "ix_datasets_status", STRS(a, "status"), false, true);
    add_op(m, OP_CREATE_INDEX, "datasets")->index =
        mk_index(f->s, "ix_dataset_status_created", STRS(a, "status", "created_at"), false, false);
    index_def *partial = mk_index(f->s, "ix_dataset_live_rows", STRS(a, "row_count"), false, false);
    partial->where = "row_count > 0 AND status <> 'gone'";
    add_op(m, OP_CREATE_INDEX, "datasets")->index = partial;
    add_op(m, OP_CREATE_TABLE, "chart_configs")->table = f->charts;
    add_op(m, OP_CREATE_INDEX, "chart_configs")->index =
        mk_index(f->s, "ix_chart_configs_owner_id", STRS(a, "owner_id"), true, true);
    /* An expression index, on a table no later batch recreates (SQLAlchemy
    ** 1.4 does not reflect expression indexes on SQLite, so a batch
    ** move-and-copy would lose it). */
    table *tags = schema_add_table(f->s, "tags");
    column *c = col(f->s, tags, "name", TYPE_STRING, false);
    c->type.length = 50;
    c->primary_key = true;
    tags->primary_key.columns = STRS(a, "name");
    add_op(m, OP_CREATE_TABLE, "tags")->table = tags;
    add_op(m, OP_CREATE_INDEX, "tags")->index = mk_index(f->s, "ix_tags_lower_name", STRS(a, "(lower(name))"), true, false);
    return m;
}

/* r2: every per-table op kind on the r1 schema.  `w` holds the wanted
** columns and constraints. */
static migration_ops *table_ops(fixture *f, schema *w) {
    arena *a = w->arena;
    migration_ops *m = ops_new();
    table *wt = schema_add_table(w, "datasets");

    column *added = col(w, wt, "modified_at", TYPE_DATETIME, false);
    added->type.timezone = true;
    added->server_default.kind = DEFAULT_NOW;
    added->comment = "Modified";
    add_op(m, OP_ADD_COLUMN, "datasets")->column = added;
    add_op(m, OP_DROP_COLUMN, "datasets")->column = table_find_column(f->datasets, "small");

    column *status = col(w, wt, "status", TYPE_STRING, true);
    status->type.length = 100;
    status->server_default = (server_default){.kind = DEFAULT_STRING, .text = "new"};
    status->comment = "Status";
    op *o = add_op(m, OP_ALTER_COLUMN, "datasets");
    o->column = status;
    o->old_column = table_find_column(f->datasets, "status");
    o->alter = ALTER_TYPE | ALTER_NULLABLE | ALTER_DEFAULT | ALTER_COMMENT;

    column *ratio = col(w, wt, "ratio", TYPE_FLOAT, true);
    ratio->server_default = (server_default){.kind = DEFAULT_NUMBER, .text = "1.5"};
    o = add_op(m, OP_ALTER_COLUMN, "datasets");
    o->column = ratio;
    o->old_column = table_find_column(f->datasets, "ratio");
    o->alter = ALTER_NULLABLE;

    column *desc = col(w, wt, "description", TYPE_TEXT, true);
    desc->comment = TRICKY_COMMENT;
    o = add_op(m, OP_RENAME_COLUMN, "datasets");
    o->old_name = "body";
    o->new_name = "description";
    o->column = desc;
    o->old_column = table_find_column(f->datasets, "body");

    add_op(m, OP_DROP_INDEX, "datasets")->index = mk_index(f->s, "ix_datasets_status", STRS(a, "status"), false, true);
    add_op(m, OP_CREATE_INDEX, "datasets")->index =
        mk_index(w, "ix_datasets_modified_at", STRS(a, "modified_at"), false, true);
    add_op(m, OP_DROP_CHECK, "datasets")->check = f->datasets->checks.items[0];
    check_def *ck = arena_alloc(a, sizeof *ck);
    ck->name = "ck_datasets_price";
    ck->sqltext = "price >= 0";
    add_op(m, OP_ADD_CHECK, "datasets")->check = ck;
    o = add_op(m, OP_SET_TABLE_COMMENT, "datasets");
    o->old_comment = "Dataset storage table";
    o->new_comment = "Datasets, v2";

    add_op(m, OP_DROP_FOREIGN_KEY, "chart_configs")->fk = f->charts->foreign_keys.items[0];
    foreign_key *fk = arena_alloc(a, sizeof *fk);
    fk->name = "fk_chart_dataset";
    fk->columns = STRS(a, "dataset_id");
    fk->ref_table = "datasets";
    fk->ref_columns = STRS(a, "id");
    fk->ondelete = "CASCADE";
    add_op(m, OP_ADD_FOREIGN_KEY, "chart_configs")->fk = fk;
    add_op(m, OP_DROP_UNIQUE, "chart_configs")->unique = f->charts->uniques.items[0];
    unique_def *u = arena_alloc(a, sizeof *u);
    u->name = "uq_chart_owner";
    u->columns = STRS(a, "owner_id");
    add_op(m, OP_ADD_UNIQUE, "chart_configs")->unique = u;
    o = add_op(m, OP_SET_TABLE_COMMENT, "chart_configs");
    o->new_comment = "Charts";
    return m;
}

/* ---------------------------------------------------------------- tests */

static void test_create_all(void **state) {
    (void)state;
    fixture f = make_fixture();
    migration_ops *m = create_all_ops(&f);
    char *py = render(m, "aaaaaaaaaaa1", NULL, "create all", false, true);
    check_golden("r1_create_all.py", py);
    /* Every FK and unique constraint is named, unnamed ones as PostgreSQL
    ** would name them. */
    assert_non_null(strstr(py, "name='chart_configs_dataset_id_fkey', ondelete='CASCADE')"));
    assert_non_null(strstr(py, "sa.UniqueConstraint('user_id', name='chart_configs_user_id_key')"));
    free(py);
    /* The same ops in batch mode: indexes of the new tables in batch blocks. */
    py = render(m, "aaaaaaaaaaa1", NULL, "create all", true, true);
    check_golden("create_all_batch.py", py);
    free(py);
    migration_ops_free(m);
    schema_free(f.s);
}

static void test_table_ops(void **state) {
    (void)state;
    fixture f = make_fixture();
    schema *w = schema_new();
    migration_ops *m = table_ops(&f, w);
    str_vec down = STRS(m->arena, "aaaaaaaaaaa1");
    char *py = render(m, "aaaaaaaaaaa2", &down, "every table op", true, true);
    check_golden("r2_batch_ops.py", py);
    free(py);
    py = render(m, "aaaaaaaaaaa2", &down, "every table op", false, true);
    check_golden("plain_ops.py", py);
    free(py);
    migration_ops_free(m);
    schema_free(w);
    schema_free(f.s);
}

static void test_rename_table(void **state) {
    (void)state;
    migration_ops *m = ops_new();
    op *o = add_op(m, OP_RENAME_TABLE, "chart_configs");
    o->old_name = "chart_configs";
    o->new_name = "charts";
    str_vec down = STRS(m->arena, "aaaaaaaaaaa2");
    char *py = render(m, "aaaaaaaaaaa3", &down, "rename table", true, true);
    check_golden("r3_rename_table.py", py);
    assert_non_null(strstr(py, "    op.rename_table('chart_configs', 'charts')\n"));
    assert_non_null(strstr(py, "    op.rename_table('charts', 'chart_configs')\n"));
    free(py);
    migration_ops_free(m);
}

static void test_empty(void **state) {
    (void)state;
    migration_ops *m = ops_new();
    str_vec down = STRS(m->arena, "aaaaaaaaaaa3");
    char *py = render(m, "aaaaaaaaaaa4", &down, "empty autogenerate", false, true);
    check_golden("r4_empty_autogen.py", py);
    assert_non_null(strstr(py, "def upgrade() -> None:\n"
                               "    # ### commands auto generated by Alembic - please adjust! ###\n"
                               "    pass\n"
                               "    # ### end Alembic commands ###\n"));
    free(py);
    /* No op list at all, and not autogenerate: plain pass bodies. */
    render_options o = {.message = NULL, .revision = "aaaaaaaaaaa5", .down_revisions = &down,
                        .create_date = DATE};
    py = render_python(NULL, &o);
    check_golden("r5_empty_plain.py", py);
    assert_non_null(strstr(py, "\"\"\"empty message\n"));
    assert_non_null(strstr(py, "def downgrade() -> None:\n    pass\n"));
    free(py);
    migration_ops_free(m);
}

static void test_merge(void **state) {
    (void)state;
    migration_ops *m = ops_new();
    str_vec down = STRS(m->arena, "aaaaaaaaaaa4", "aaaaaaaaaaa5");
    str_vec labels = STRS(m->arena, "release");
    render_options o = {.message = "merge \"\"\"heads\"\"\" C:\\tmp", .revision = "aaaaaaaaaaa6",
                        .down_revisions = &down, .create_date = DATE, .branch_labels = &labels};
    char *py = render_python(m, &o);
    check_golden("r6_merge.py", py);
    assert_non_null(strstr(py, "Revises: aaaaaaaaaaa4, aaaaaaaaaaa5\n"));
    assert_non_null(strstr(py, "down_revision = ('aaaaaaaaaaa4', 'aaaaaaaaaaa5')\n"));
    assert_non_null(strstr(py, "branch_labels = ('release',)\n"));
    free(py);
    migration_ops_free(m);
}

static void test_postgresql_types(void **state) {
    (void)state;
    schema *s = schema_new();
    table *t = schema_add_table(s, "pg_only");
    column *c = col(s, t, "id", TYPE_INTEGER, false);
    c->primary_key = true;
    vec_push(s->arena, &t->primary_key.columns, "id");
    c = col(s, t, "doc", TYPE_JSON, true);
    c->type.jsonb = true;
    c->server_default = (server_default){.kind = DEFAULT_SQL, .text = "'{}'::jsonb"};
    static const char *const raws[] = {"inet", "character varying(20)", "numeric(5, 1)", "double precision",
                                       "TSVECTOR", "character(3)", "bytea"};
    for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
        c = col(s, t, arena_printf(s->arena, "c%zu", i), TYPE_OTHER, true);
        c->type.raw = raws[i];
    }
    migration_ops *m = ops_new();
    add_op(m, OP_CREATE_TABLE, "pg_only")->table = t;
    str_vec down = STRS(m->arena, "aaaaaaaaaaa6");
    char *py = render(m, "aaaaaaaaaaa7", &down, "postgresql types", false, true);
    check_golden("r7_types_postgresql.py", py);
    assert_non_null(strstr(py, "import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n\n# revision"));
    assert_non_null(strstr(py, "sa.Column('doc', postgresql.JSONB(astext_type=sa.Text()), "
                               "server_default=sa.text(\"'{}'::jsonb\"), nullable=True)"));
    assert_non_null(strstr(py, "sa.Column('c1', sa.VARCHAR(length=20), nullable=True)"));
    assert_non_null(strstr(py, "sa.Column('c2', sa.NUMERIC(precision=5, scale=1), nullable=True)"));
    free(py);
    migration_ops_free(m);
    schema_free(s);
}

/* r9 (PostgreSQL): enum types: created before the table that uses them
** (columns with create_type=False, an ARRAY of one), labels added in place
** in an autocommit_block before a rename, a rebuild on the way down; the
** downgrade drops the type after the table. */
static enum_type *mk_enum(schema *s, const char *name, const char *const *labels, size_t n) {
    enum_type *e = schema_add_enum(s, name);
    for (size_t i = 0; i < n; i++) vec_push(s->arena, &e->labels, ((enum_label){.label = labels[i]}));
    return e;
}

static void test_enum_types(void **state) {
    (void)state;
    schema *s = schema_new();
    static const char *const v1[] = {"pending", "done"};
    static const char *const v2[] = {"queued", "pending", "completed", "it's"};
    enum_type *e1 = mk_enum(s, "task_status", v1, 2);
    schema *s2 = schema_new();
    enum_type *e2 = mk_enum(s2, "task_status", v2, 4);
    e2->labels.items[2].renamed_from = "done";
    table *t = schema_add_table(s, "jobs");
    column *c = col(s, t, "id", TYPE_INTEGER, false);
    c->primary_key = true;
    vec_push(s->arena, &t->primary_key.columns, "id");
    c = col(s, t, "status", TYPE_ENUM, false);
    c->type.enumeration = e1;
    c->server_default = (server_default){.kind = DEFAULT_STRING, .text = "pending"};
    c = col(s, t, "history", TYPE_ARRAY, true);
    col_type *el = arena_alloc(s->arena, sizeof *el);
    *el = (col_type){.kind = TYPE_ENUM, .length = -1, .precision = -1, .scale = -1, .enumeration = e1};
    c->type.element = el;
    c->type.dimensions = 1;
    migration_ops *m = ops_new();
    add_op(m, OP_CREATE_ENUM, NULL)->enumeration = e1;
    add_op(m, OP_CREATE_TABLE, "jobs")->table = t;
    op *alter = add_op(m, OP_ALTER_ENUM, NULL);
    alter->old_enumeration = e1;
    alter->enumeration = e2;
    enum_use_vec *uses = arena_alloc(m->arena, sizeof *uses);
    vec_push(m->arena, uses, ((enum_use){.table = "jobs", .column = "status", .default_sql = "'pending'::task_status"}));
    vec_push(m->arena, uses, ((enum_use){.table = "jobs", .column = "history", .array = true}));
    alter->enum_uses = uses;
    str_vec down = STRS(m->arena, "aaaaaaaaaaa8");
    render_options o = {.message = "enum types", .revision = "aaaaaaaaaaa9", .down_revisions = &down,
                        .create_date = DATE, .dialect = dialect_postgresql(), .autogenerate = true};
    char *py = render_python(m, &o);
    check_golden("r9_enum_types_postgresql.py", py);
    assert_non_null(strstr(py, "    op.execute(\"CREATE TYPE task_status AS ENUM ('pending', 'done')\")\n    op.create_table('jobs',"));
    assert_non_null(strstr(py, "sa.Column('status', postgresql.ENUM('pending', 'done', name='task_status', create_type=False), "
                               "server_default='pending', nullable=False)"));
    assert_non_null(strstr(py, "    with op.get_context().autocommit_block():\n"
                               "        op.execute(\"ALTER TYPE task_status ADD VALUE IF NOT EXISTS 'queued' BEFORE 'pending'\")\n"
                               "        op.execute(\"ALTER TYPE task_status ADD VALUE IF NOT EXISTS 'it''s'\")\n"
                               "    op.execute(\"ALTER TYPE task_status RENAME VALUE 'done' TO 'completed'\")\n"));
    assert_non_null(strstr(py, "USING history::text[]::task_status[]"));
    assert_non_null(strstr(py, "    op.drop_table('jobs')\n    op.execute('DROP TYPE task_status')\n"));
    /* Without a PostgreSQL database: sa.Enum */
    o.dialect = NULL;
    char *plain = render_python(m, &o);
    assert_non_null(strstr(plain, "sa.Column('status', sa.Enum('pending', 'done', name='task_status'), "));
    free(plain);
    free(py);
    migration_ops_free(m);
    schema_free(s);
    schema_free(s2);
}

/* r8 (PostgreSQL): every index form: sa.text() keys for expressions, DESC
** and NULLS, opclasses of bare columns in postgresql_ops and of others inside
** their text, postgresql_using, postgresql_include; the same options on
** drop_index. */
static void test_index_features(void **state) {
    (void)state;
    schema *s = schema_new();
    arena *a = s->arena;
    table *t = schema_add_table(s, "events");
    column *c = col(s, t, "id", TYPE_INTEGER, false);
    c->primary_key = true;
    vec_push(a, &t->primary_key.columns, "id");
    col(s, t, "email", TYPE_STRING, false)->type.length = 255;
    col(s, t, "kind", TYPE_STRING, false)->type.length = 40;
    col(s, t, "created_at", TYPE_DATETIME, false);
    col(s, t, "Score", TYPE_INTEGER, true);
    migration_ops *m = ops_new();
    add_op(m, OP_CREATE_TABLE, "events")->table = t;
    index_def *x = mk_index(s, "ix_ev_keys", (str_vec){0}, true, false);
    index_add_key(a, x, "(lower(email))", (index_key){0});
    index_add_key(a, x, "created_at", (index_key){.desc = true});
    index_add_key(a, x, "(id + 1)", (index_key){.desc = true, .nulls = NULLS_LAST});
    index_add_key(a, x, "Score", (index_key){.nulls = NULLS_FIRST});
    x->where = "kind <> 'x'";
    add_op(m, OP_CREATE_INDEX, "events")->index = x;
    x = mk_index(s, "ix_ev_ops", (str_vec){0}, false, false);
    index_add_key(a, x, "kind", (index_key){.opclass = "varchar_pattern_ops"});
    index_add_key(a, x, "(lower(email))", (index_key){.opclass = "text_pattern_ops", .desc = true});
    add_op(m, OP_CREATE_INDEX, "events")->index = x;
    x = mk_index(s, "ix_ev_cover", STRS(a, "kind"), false, false);
    x->method = "hash";
    add_op(m, OP_CREATE_INDEX, "events")->index = x;
    x = mk_index(s, "ix_ev_include", STRS(a, "created_at"), false, false);
    x->include = STRS(a, "email", "kind");
    add_op(m, OP_CREATE_INDEX, "events")->index = x;
    str_vec down = STRS(m->arena, "aaaaaaaaaaa7");
    char *py = render(m, "aaaaaaaaaaa8", &down, "index features", true, true);
    check_golden("r8_index_features_postgresql.py", py);
    assert_non_null(strstr(py, "batch_op.create_index('ix_ev_keys', [sa.text('lower(email)'), sa.text('created_at DESC'), "
                               "sa.text('(id + 1) DESC NULLS LAST'), sa.text('\"Score\" NULLS FIRST')], unique=True, "
                               "postgresql_where=sa.text(\"kind <> 'x'\"), sqlite_where=sa.text(\"kind <> 'x'\"))"));
    assert_non_null(strstr(py, "batch_op.create_index('ix_ev_ops', ['kind', sa.text('lower(email) text_pattern_ops DESC')], "
                               "unique=False, postgresql_ops={'kind': 'varchar_pattern_ops'})"));
    assert_non_null(strstr(py, "postgresql_using='hash'"));
    assert_non_null(strstr(py, "batch_op.drop_index('ix_ev_include', postgresql_include=['email', 'kind'])"));
    free(py);
    migration_ops_free(m);
    schema_free(s);
}

static void test_unknown_type(void **state) {
    (void)state;
    schema *s = schema_new();
    table *t = schema_add_table(s, "odd");
    column *c = col(s, t, "q", TYPE_OTHER, true);
    c->type.raw = "tsquery";
    migration_ops *m = ops_new();
    add_op(m, OP_ADD_COLUMN, "odd")->column = c;
    char *py = render(m, "bbbbbbbbbbb1", NULL, "unknown type", true, true);
    check_golden("unknown_type.py", py);
    /* The note goes before the batch block, where it cannot break the call. */
    assert_non_null(strstr(py, "    # retort: column 'odd.q' has database type 'tsquery', which has no SQLAlchemy "
                               "spelling here: replace sa.types.NullType() with its type\n"
                               "    with op.batch_alter_table('odd', schema=None) as batch_op:\n"
                               "        batch_op.add_column(sa.Column('q', sa.types.NullType(), nullable=True))\n"));
    free(py);
    migration_ops_free(m);
    schema_free(s);
}

static void test_downgrade_order(void **state) {
    (void)state;
    fixture f = make_fixture();
    migration_ops *m = create_all_ops(&f);
    char *py = render(m, "x", NULL, "m", false, true);
    const char *down = strstr(py, "def downgrade()");
    assert_non_null(down);
    /* Reverse order: the last index first, datasets dropped last. */
    const char *ix = strstr(down, "op.drop_index(op.f('ix_chart_configs_owner_id'), table_name='chart_configs')");
    const char *charts = strstr(down, "op.drop_table('chart_configs')");
    const char *partial = strstr(down, "op.drop_index('ix_dataset_live_rows', table_name='datasets', "
                                       "postgresql_where=sa.text(\"row_count > 0 AND status <> 'gone'\"), "
                                       "sqlite_where=sa.text(\"row_count > 0 AND status <> 'gone'\"))");
    const char *datasets = strstr(down, "op.drop_table('datasets')");
    assert_non_null(ix);
    assert_true(ix < charts && charts < partial && partial < datasets);
    free(py);
    migration_ops_free(m);
    schema_free(f.s);
}

static void test_deterministic(void **state) {
    (void)state;
    fixture f = make_fixture();
    migration_ops *m = create_all_ops(&f);
    char *a = render(m, "x", NULL, "m", true, true);
    char *b = render(m, "x", NULL, "m", true, true);
    assert_string_equal(a, b);
    free(a);
    free(b);
    migration_ops_free(m);
    schema_free(f.s);
}

static void test_py_string_cases(void **state) {
    (void)state;
    arena *a = arena_new();
    assert_string_equal(render_py_string(a, "plain"), "'plain'");
    assert_string_equal(render_py_string(a, "it's"), "\"it's\"");
    assert_string_equal(render_py_string(a, "say \"hi\""), "'say \"hi\"'");
    assert_string_equal(render_py_string(a, "it's \"both\""), "'it\\'s \"both\"'");
    assert_string_equal(render_py_string(a, "a\\b\nc\td\re"), "'a\\\\b\\nc\\td\\re'");
    assert_string_equal(render_py_string(a, "\x01\x1f\x7f"), "'\\x01\\x1f\\x7f'");
    assert_string_equal(render_py_string(a, "\xc3\xa9\xe2\x82\xac"), "'\xc3\xa9\xe2\x82\xac'");
    assert_string_equal(render_py_string(a, "nb\xc2\xa0sp \xe2\x80\xa8"), "'nb\\xa0sp \\u2028'");
    assert_string_equal(render_py_string(a, ""), "''");
    arena_free(a);
}

/* Python itself agrees: each literal evaluates to the original bytes and
** equals repr() of them. */
static void test_py_string_round_trip(void **state) {
    (void)state;
    static const char *const cases[] = {
        "plain", "it's", "say \"hi\"", "it's \"both\"", "a\\b\nc\td\re", "\x01\x1f\x7f end",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "nb\xc2\xa0sp \xe2\x80\xa8 \xef\xbb\xbf", "'", "\"", "\\",
        "trailing\\",
    };
    arena *a = arena_new();
    char script[] = "/tmp/retort_py_string_XXXXXX";
    int fd = mkstemp(script);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs("import sys\nok = True\n", fp);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *lit = render_py_string(a, cases[i]);
        /* bytes.fromhex of the C bytes vs the literal's UTF-8 encoding */
        fprintf(fp, "v = %s\n", lit);
        fputs("h = bytes.fromhex('", fp);
        for (const unsigned char *p = (const unsigned char *)cases[i]; *p; p++) fprintf(fp, "%02x", *p);
        fputs("')\n", fp);
        fprintf(fp, "ok = ok and v.encode('utf-8') == h and repr(v) == %s\n", render_py_string(a, lit));
        fprintf(fp, "if not ok: print('case %zu'); sys.exit(1)\n", i);
    }
    fputs("print('OK')\n", fp);
    fclose(fp);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s 2>&1", script);
    FILE *pp = popen(cmd, "r");
    assert_non_null(pp);
    char line[256] = "";
    if (!fgets(line, sizeof line, pp)) line[0] = '\0';
    int rc = pclose(pp);
    unlink(script);
    assert_string_equal(line, "OK\n");
    assert_int_equal(rc, 0);
    arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_all),       cmocka_unit_test(test_table_ops),
        cmocka_unit_test(test_rename_table),     cmocka_unit_test(test_empty),
        cmocka_unit_test(test_merge),            cmocka_unit_test(test_postgresql_types),
        cmocka_unit_test(test_unknown_type),     cmocka_unit_test(test_index_features),     cmocka_unit_test(test_enum_types),     cmocka_unit_test(test_downgrade_order),
        cmocka_unit_test(test_deterministic),    cmocka_unit_test(test_py_string_cases),
        cmocka_unit_test(test_py_string_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
