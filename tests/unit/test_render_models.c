/*
** test_render_models.c — the model-file renderer of retort pull
** (render/models.c): model and file names, the names PostgreSQL gives
** unnamed constraints left out, a name two tables use, string escapes,
** and the round trip on an in-memory SQLite database (the files load, and
** diff against the database finds nothing).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "introspect/introspect.h"
#include "model/model.h"
#include "render/render.h"

static table *tbl(schema *s, const char *name) {
    table *t = schema_add_table(s, name);
    assert_non_null(t);
    return t;
}

static column *col(schema *s, table *t, const char *name, type_kind k) {
    column *c = table_add_column(s, t, name);
    assert_non_null(c);
    c->type = (col_type){.kind = k, .length = -1, .precision = -1, .scale = -1};
    return c;
}

static void pk(schema *s, table *t, const char *name) {
    column *c = table_find_column(t, name);
    c->primary_key = true;
    vec_push(s->arena, &t->primary_key.columns, c->name);
}

static str_vec one(schema *s, const char *name) {
    str_vec v = {0};
    vec_push(s->arena, &v, arena_strdup(s->arena, name));
    return v;
}

static const model_file *file_of(const model_files *m, const char *table) {
    for (size_t i = 0; i < m->files.len; i++)
        if (!strcmp(m->files.items[i].table, table)) return &m->files.items[i];
    fail_msg("no file for table %s", table);
    return NULL;
}

static void has_line(const model_file *f, const char *line) {
    const char *p = f->text;
    size_t n = strlen(line);
    while ((p = strstr(p, line)) != NULL) {
        if ((p == f->text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0')) return;
        p++;
    }
    fail_msg("no line '%s' in:\n%s", line, f->text);
}

/* Load the files as one schema; NULL (and the errors printed) when they
** do not load. */
static schema *load(const model_files *m) {
    const char **paths = calloc(m->files.len + 1, sizeof *paths);
    const char **texts = calloc(m->files.len + 1, sizeof *texts);
    for (size_t i = 0; i < m->files.len; i++) {
        paths[i] = m->files.items[i].file_name;
        texts[i] = m->files.items[i].text;
    }
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    if (model_load_sources(paths, texts, m->files.len, NULL, &s, &dl) != 0) diag_print(&dl, stderr);
    diag_list_free(&dl);
    free(paths);
    free(texts);
    return s;
}

static void names_of_models_and_files(void **state) {
    (void)state;
    schema *s = schema_new();
    const char *tables[] = {"categories", "status", "boxes", "Order Items", "2024_stats", "item", "items"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        table *t = tbl(s, tables[i]);
        col(s, t, "id", TYPE_INTEGER);
        pk(s, t, "id");
    }
    model_files *m = render_model_files(s, dialect_sqlite());
    has_line(file_of(m, "categories"), "model Category {");
    has_line(file_of(m, "categories"), "  @@table(\"categories\")");
    has_line(file_of(m, "status"), "model Status {");
    has_line(file_of(m, "boxes"), "model Box {");
    has_line(file_of(m, "Order Items"), "model OrderItem {");
    assert_string_equal(file_of(m, "Order Items")->file_name, "order_items.model");
    has_line(file_of(m, "2024_stats"), "model T2024Stat {");
    /* "item" needs no @@table; "items" would be Item too: it keeps its plural */
    has_line(file_of(m, "item"), "model Item {");
    assert_null(strstr(file_of(m, "item")->text, "@@table"));
    has_line(file_of(m, "items"), "model Items {");
    schema *back = load(m);
    assert_non_null(back);
    schema_free(back);
    model_files_free(m);
    schema_free(s);
}

static void server_given_names_are_left_out(void **state) {
    (void)state;
    schema *s = schema_new();
    table *p = tbl(s, "parent");
    col(s, p, "id", TYPE_INTEGER);
    pk(s, p, "id");
    p->primary_key.name = "parent_pkey";
    table *t = tbl(s, "child");
    col(s, t, "id", TYPE_INTEGER);
    col(s, t, "code", TYPE_TEXT);
    col(s, t, "parent_id", TYPE_INTEGER)->nullable = true;
    pk(s, t, "id");
    t->primary_key.name = "child_pk";
    unique_def *u = arena_alloc(s->arena, sizeof *u);
    u->name = "child_code_key";
    u->columns = one(s, "code");
    vec_push(s->arena, &t->uniques, u);
    foreign_key *fk = arena_alloc(s->arena, sizeof *fk);
    fk->name = "child_parent_id_fkey";
    fk->columns = one(s, "parent_id");
    fk->ref_table = "parent";
    fk->ref_columns = one(s, "id");
    fk->ondelete = "CASCADE";
    vec_push(s->arena, &t->foreign_keys, fk);
    const char *checks[][2] = {{"child_code_check", "length(code) > 1"}, {"child_check", "id > parent_id"},
                               {"positive", "id > 0"}};
    for (size_t i = 0; i < 3; i++) {
        check_def *ck = arena_alloc(s->arena, sizeof *ck);
        ck->name = checks[i][0];
        ck->sqltext = checks[i][1];
        vec_push(s->arena, &t->checks, ck);
    }
    model_files *m = render_model_files(s, dialect_postgresql());
    const model_file *f = file_of(m, "child");
    has_line(f, "  code       Text      @unique");
    has_line(f, "  parent_id  Integer?  @foreign_key(\"parent.id\", ondelete=\"CASCADE\")");
    has_line(f, "  @@primary_key(id, name=\"child_pk\")");
    has_line(f, "  @@check(\"length(code) > 1\")");
    has_line(f, "  @@check(\"id > parent_id\")");
    has_line(f, "  @@check(\"positive\", \"id > 0\")");
    has_line(file_of(m, "parent"), "  id  Integer  @primary_key  @autoincrement(false)");
    assert_int_equal(f->notes.len, 0);
    model_files_free(m);
    schema_free(s);
}

static void a_name_two_tables_use_is_written_once(void **state) {
    (void)state;
    schema *s = schema_new();
    for (int i = 0; i < 2; i++) {
        table *t = tbl(s, i ? "b" : "a");
        col(s, t, "id", TYPE_INTEGER);
        pk(s, t, "id");
        check_def *ck = arena_alloc(s->arena, sizeof *ck);
        ck->name = "positive";
        ck->sqltext = "id > 0";
        vec_push(s->arena, &t->checks, ck);
    }
    model_files *m = render_model_files(s, dialect_sqlite());
    has_line(file_of(m, "a"), "  @@check(\"positive\", \"id > 0\")");
    const model_file *b = file_of(m, "b");
    has_line(b, "  @@check(\"id > 0\")");
    assert_int_equal(b->notes.len, 1);
    assert_non_null(strstr(b->notes.items[0].message, "'positive' is used twice in the schema"));
    schema *back = load(m);
    assert_non_null(back);
    schema_free(back);
    model_files_free(m);
    schema_free(s);
}

/* Index keys with options, expressions, using= and include= are written as
** model text (not comments), and load back as the same index; a field
** whose name is an option word keeps its options through sql("\"name\""). */
static void index_forms(void **state) {
    (void)state;
    schema *s = schema_new();
    table *t = tbl(s, "t");
    col(s, t, "id", TYPE_INTEGER);
    pk(s, t, "id");
    col(s, t, "desc", TYPE_INTEGER);
    col(s, t, "email", TYPE_TEXT);
    index_def *x = arena_alloc(s->arena, sizeof *x);
    x->name = "ix_t_keys";
    index_add_key(s->arena, x, "email", (index_key){.desc = true, .nulls = NULLS_LAST, .opclass = "text_pattern_ops"});
    index_add_key(s->arena, x, "desc", (index_key){.desc = true});
    index_add_key(s->arena, x, "(lower(email))", (index_key){.nulls = NULLS_FIRST});
    index_add_key(s->arena, x, "id", (index_key){0});
    x->method = "gist";
    vec_push(s->arena, &x->include, "desc");
    vec_push(s->arena, &t->indexes, x);
    model_files *m = render_model_files(s, dialect_postgresql());
    const model_file *f = file_of(m, "t");
    has_line(f, "  @@index(\"ix_t_keys\", email(desc, nulls_last, ops=\"text_pattern_ops\"), sql(\"\\\"desc\\\"\", desc), "
                "sql(\"lower(email)\", nulls_first), id, using=\"gist\", include=(desc))");
    schema *back = load(m);
    assert_non_null(back);
    const index_def *b = table_find_index(schema_find_table(back, "t"), "ix_t_keys");
    assert_non_null(b);
    assert_int_equal(b->columns.len, 4);
    assert_string_equal(b->columns.items[1], "desc");
    assert_true(index_key_at(b, 1).desc);
    assert_string_equal(b->method, "gist");
    schema_free(back);
    model_files_free(m);
    schema_free(s);
}

static void strings_are_escaped(void **state) {
    (void)state;
    schema *s = schema_new();
    table *t = tbl(s, "t");
    column *c = col(s, t, "id", TYPE_INTEGER);
    pk(s, t, "id");
    c->comment = "a \"b\"\nc\\d\te\x01";
    t->comment = "line\r\n";
    model_files *m = render_model_files(s, dialect_postgresql());
    const model_file *f = file_of(m, "t");
    assert_non_null(strstr(f->text, "@comment(\"a \\\"b\\\"\\nc\\\\d\\te\\u0001\")"));
    has_line(f, "  @@comment(\"line\\r\\n\")");
    schema *back = load(m);
    assert_non_null(back);
    assert_string_equal(schema_find_table(back, "t")->columns.items[0]->comment, c->comment);
    assert_string_equal(schema_find_table(back, "t")->comment, t->comment);
    schema_free(back);
    model_files_free(m);
    schema_free(s);
}

static void sqlite_round_trip(void **state) {
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    const char *ddl =
        "CREATE TABLE p (a INTEGER NOT NULL, b VARCHAR(5) NOT NULL, PRIMARY KEY (b, a));"
        "CREATE TABLE c (id INTEGER PRIMARY KEY, pa INTEGER, pb VARCHAR(5), flag BOOLEAN DEFAULT 1,"
        " amount NUMERIC(8, 3) DEFAULT '2.5', label TEXT DEFAULT 'x''y', at DATETIME DEFAULT CURRENT_TIMESTAMP,"
        " odd BLOB DEFAULT (x'00'), CONSTRAINT fk_c FOREIGN KEY (pb, pa) REFERENCES p (b, a) ON UPDATE SET NULL,"
        " UNIQUE (pa, pb));"
        "CREATE UNIQUE INDEX ix_c_label ON c (label);"
        "CREATE INDEX ix_c_partial ON c (pa) WHERE flag;";
    assert_int_equal(sqlite3_exec(db, ddl, NULL, NULL, NULL), SQLITE_OK);
    diag_list dl;
    diag_list_init(&dl);
    schema *cur = NULL;
    assert_int_equal(introspect_sqlite(db, NULL, &cur, &dl), 0);
    model_files *m = render_model_files(cur, dialect_sqlite());
    const model_file *c = file_of(m, "c");
    has_line(file_of(m, "p"), "  @@primary_key(b, a)");
    has_line(c, "  @@foreign_key(\"fk_c\", (pb, pa), \"p\", (b, a), onupdate=\"SET NULL\")");
    has_line(c, "  label   Text?           @unique  @index  @default(\"x'y\")");
    has_line(c, "  amount  Numeric(8, 3)?  @default(2.5)");
    has_line(c, "  flag    Boolean?        @default(true)");
    has_line(c, "  at      DateTime?       @default(now())");
    has_line(c, "  odd     LargeBinary?    @default(sql(\"x'00'\"))");
    has_line(c, "  @@index(\"ix_c_partial\", pa, where=\"flag\")");
    schema *want = load(m);
    assert_non_null(want);
    diff_options o = {.dialect = dialect_sqlite()};
    migration_ops *ops = diff_schemas(cur, want, &o, &dl);
    assert_non_null(ops);
    for (size_t i = 0; i < ops->ops.len; i++) fprintf(stderr, "%s\n", op_describe(ops->arena, &ops->ops.items[i]));
    assert_int_equal(ops->ops.len, 0);
    migration_ops_free(ops);
    schema_free(want);
    model_files_free(m);
    schema_free(cur);
    diag_list_free(&dl);
    sqlite3_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_of_models_and_files),
        cmocka_unit_test(server_given_names_are_left_out),
        cmocka_unit_test(a_name_two_tables_use_is_written_once),
        cmocka_unit_test(index_forms), cmocka_unit_test(strings_are_escaped),
        cmocka_unit_test(sqlite_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
