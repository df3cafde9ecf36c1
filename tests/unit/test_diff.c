/*
** test_diff.c — the differ: one test per change kind, the no-change cases,
** matching of unnamed constraints, renames, and the order of operations
** (parents first, children dropped first, cycles, a 1,000-deep chain).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff.h"

/* ---------------------------------------------------------------- builders */

static table *tbl(schema *s, const char *name) {
    table *t = schema_add_table(s, name);
    assert_non_null(t);
    return t;
}

static column *col(schema *s, table *t, const char *name, type_kind k, int len, bool nullable) {
    column *c = table_add_column(s, t, name);
    assert_non_null(c);
    c->type.kind = k;
    c->type.length = len;
    c->nullable = nullable;
    return c;
}

static void pk(schema *s, table *t, const char *colname) {
    column *c = table_find_column(t, colname);
    c->primary_key = true;
    c->nullable = false;
    vec_push(s->arena, &t->primary_key.columns, c->name);
}

static str_vec cols1(schema *s, const char *a) {
    str_vec v = {0};
    vec_push(s->arena, &v, arena_strdup(s->arena, a));
    return v;
}

static index_def *idx(schema *s, table *t, const char *name, const char *c, bool unique) {
    index_def *i = arena_alloc(s->arena, sizeof *i);
    i->name = arena_strdup(s->arena, name);
    i->columns = cols1(s, c);
    i->unique = unique;
    vec_push(s->arena, &t->indexes, i);
    return i;
}

static foreign_key *fk(schema *s, table *t, const char *name, const char *c, const char *ref, const char *ondelete) {
    foreign_key *f = arena_alloc(s->arena, sizeof *f);
    f->name = name ? arena_strdup(s->arena, name) : NULL;
    f->columns = cols1(s, c);
    f->ref_table = arena_strdup(s->arena, ref);
    f->ref_columns = cols1(s, "id");
    f->ondelete = ondelete;
    vec_push(s->arena, &t->foreign_keys, f);
    return f;
}

static unique_def *uq(schema *s, table *t, const char *name, const char *c) {
    unique_def *u = arena_alloc(s->arena, sizeof *u);
    u->name = name ? arena_strdup(s->arena, name) : NULL;
    u->columns = cols1(s, c);
    vec_push(s->arena, &t->uniques, u);
    return u;
}

static check_def *ck(schema *s, table *t, const char *name, const char *sql) {
    check_def *k = arena_alloc(s->arena, sizeof *k);
    k->name = name ? arena_strdup(s->arena, name) : NULL;
    k->sqltext = arena_strdup(s->arena, sql);
    vec_push(s->arena, &t->checks, k);
    return k;
}

/* A "datasets" table, the same in both schemas unless a test changes it. */
static table *datasets(schema *s) {
    table *t = tbl(s, "datasets");
    col(s, t, "id", TYPE_STRING, 36, false);
    pk(s, t, "id");
    col(s, t, "name", TYPE_STRING, 255, false);
    column *st = col(s, t, "status", TYPE_STRING, 50, false);
    st->server_default = (server_default){.kind = DEFAULT_STRING, .text = "pending"};
    idx(s, t, "ix_datasets_name", "name", false);
    return t;
}

typedef struct fixture {
    schema *cur, *want;
    migration_ops *ops;
    diag_list dl;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->cur = schema_new();
    f->want = schema_new();
    diag_list_init(&f->dl);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    migration_ops_free(f->ops);
    schema_free(f->cur);
    schema_free(f->want);
    diag_list_free(&f->dl);
    free(f);
    return 0;
}

static migration_ops *run_diff(fixture *f, const dialect *d) {
    diff_options o = {.dialect = d};
    migration_ops_free(f->ops);
    f->ops = diff_schemas(f->cur, f->want, &o, &f->dl);
    assert_non_null(f->ops);
    return f->ops;
}

/* The op list as "kind:table[:detail]" words, for compact assertions. */
static const char *summary(fixture *f) {
    static char buf[8192];
    buf[0] = '\0';
    arena *a = f->ops->arena;
    for (size_t i = 0; i < f->ops->ops.len; i++) {
        const op *o = &f->ops->ops.items[i];
        if (i) strcat(buf, "\n");
        strncat(buf, op_describe(a, o), sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

/* ------------------------------------------------------------------ tests */

/* Index keys compare one by one (order, nulls with PostgreSQL's defaults
** applied, operator class), then method and INCLUDE; a change is one drop
** and one create.  On SQLite, PostgreSQL-only options are refused at the
** model's place. */
static void index_options(void **state) {
    fixture *f = *state;
    table *c = datasets(f->cur), *w = datasets(f->want);
    index_def *ci = idx(f->cur, c, "ix_k", "status", false);
    ci->keys = (index_key_vec){0};
    vec_push(f->cur->arena, &ci->keys, ((index_key){.desc = true}));
    index_def *wi = idx(f->want, w, "ix_k", "status", false);
    vec_push(f->want->arena, &wi->keys, ((index_key){.desc = true, .nulls = NULLS_FIRST}));
    run_diff(f, dialect_postgresql());
    assert_int_equal(f->ops->ops.len, 0);       /* DESC NULLS FIRST is DESC */
    wi->keys.items[0].nulls = NULLS_LAST;
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "Detected removed index 'ix_k' on 'datasets'\n"
                                    "Detected added index 'ix_k' on 'datasets' (status DESC NULLS LAST)");
    wi->keys.items[0] = (index_key){.desc = true};
    wi->method = "hash";
    run_diff(f, dialect_postgresql());
    assert_int_equal(f->ops->ops.len, 2);
    wi->method = NULL;
    vec_push(f->want->arena, &wi->include, "name");
    run_diff(f, dialect_postgresql());
    assert_int_equal(f->ops->ops.len, 2);
    wi->include.len = 0;
    wi->keys.items[0].opclass = "varchar_pattern_ops";
    run_diff(f, dialect_postgresql());
    assert_int_equal(f->ops->ops.len, 2);
    /* SQLite: refused, at the option */
    wi->postgres_only = "the operator class ops=\"varchar_pattern_ops\"";
    wi->postgres_only_loc = (src_loc){"m.model", 7, 20};
    wi->postgres_only_span = 3;
    diff_options o = {.dialect = dialect_sqlite()};
    assert_null(diff_schemas(f->cur, f->want, &o, &f->dl));
    assert_int_equal(f->dl.errors, 1);
    const diag *d = &f->dl.items.items[f->dl.items.len - 1];
    assert_string_equal(d->message, "index 'ix_k' of table 'datasets' asks for the operator class "
                                    "ops=\"varchar_pattern_ops\", which SQLite does not have");
    assert_int_equal(d->loc.line, 7);
    assert_int_equal(d->loc.column, 20);
    assert_int_equal(d->span, 3);
    assert_non_null(d->hint);
}

static void no_change(void **state) {
    fixture *f = *state;
    datasets(f->cur);
    datasets(f->want);
    run_diff(f, dialect_sqlite());
    assert_int_equal(f->ops->ops.len, 0);
    run_diff(f, dialect_postgresql());
    assert_int_equal(f->ops->ops.len, 0);
}

static void no_change_for_db_spellings(void **state) {
    fixture *f = *state;
    datasets(f->want);
    table *w = schema_find_table(f->want, "datasets");
    column *now = col(f->want, w, "created_at", TYPE_DATETIME, -1, false);
    now->type.timezone = true;
    now->server_default.kind = DEFAULT_NOW;
    column *flag = col(f->want, w, "is_deleted", TYPE_BOOLEAN, -1, false);
    flag->server_default = (server_default){.kind = DEFAULT_BOOL};
    column *cnt = col(f->want, w, "row_count", TYPE_INTEGER, -1, false);
    cnt->server_default = (server_default){.kind = DEFAULT_NUMBER, .text = "0"};
    column *js = col(f->want, w, "columns", TYPE_JSON, -1, false);
    js->server_default = (server_default){.kind = DEFAULT_STRING, .text = "[]"};

    /* What SQLite reports for the same table. */
    table *t = tbl(f->cur, "datasets");
    const dialect *d = dialect_sqlite();
    struct { const char *name, *type, *dflt; } cols[] = {
        {"id", "VARCHAR(36)", NULL},          {"name", "VARCHAR(255)", NULL},
        {"status", "VARCHAR(50)", "'pending'"}, {"created_at", "DATETIME", "(CURRENT_TIMESTAMP)"},
        {"is_deleted", "BOOLEAN", "'0'"},     {"row_count", "INTEGER", "'0'"},
        {"columns", "JSON", "'[]'"},
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        column *c = table_add_column(f->cur, t, cols[i].name);
        c->type = d->parse_type(f->cur->arena, cols[i].type);
        if (cols[i].dflt) c->server_default = (server_default){.kind = DEFAULT_SQL, .text = cols[i].dflt};
    }
    pk(f->cur, t, "id");
    idx(f->cur, t, "ix_datasets_name", "name", false);
    run_diff(f, d);
    assert_string_equal(summary(f), "");
}

static void add_table(void **state) {
    fixture *f = *state;
    datasets(f->want);
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected added table 'datasets'\n"
                                    "Detected added index 'ix_datasets_name' on 'datasets' (name)");
}

static void drop_table(void **state) {
    fixture *f = *state;
    datasets(f->cur);
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected removed index 'ix_datasets_name' on 'datasets'\n"
                                    "Detected removed table 'datasets'");
    /* The downgrade re-creates the table before its index. */
    op inv = op_inverse(&f->ops->ops.items[1]);
    assert_int_equal(inv.kind, OP_CREATE_TABLE);
}

static void add_and_drop_column(void **state) {
    fixture *f = *state;
    col(f->cur, datasets(f->cur), "old", TYPE_TEXT, -1, true);
    col(f->want, datasets(f->want), "user_role", TYPE_STRING, 20, true);
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected removed column 'datasets.old'\n"
                                    "Detected added column 'datasets.user_role'");
}

/* Columns pair by name wherever they stand: the same columns in another
** order are no change, and a column moved past a new one still pairs (the
** differ looks at the same position first, then by name). */
static void columns_pair_by_name_in_any_order(void **state) {
    fixture *f = *state;
    table *c = datasets(f->cur);
    col(f->cur, c, "notes", TYPE_TEXT, -1, true);
    col(f->cur, c, "old", TYPE_TEXT, -1, true);
    table *w = tbl(f->want, "datasets");
    col(f->want, w, "id", TYPE_STRING, 36, false);
    pk(f->want, w, "id");
    col(f->want, w, "added", TYPE_TEXT, -1, true);
    col(f->want, w, "notes", TYPE_TEXT, -1, true);
    column *st = col(f->want, w, "status", TYPE_STRING, 50, false);
    st->server_default = (server_default){.kind = DEFAULT_STRING, .text = "pending"};
    col(f->want, w, "name", TYPE_STRING, 255, true);
    idx(f->want, w, "ix_datasets_name", "name", false);
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected removed column 'datasets.old'\n"
                                    "Detected added column 'datasets.added'\n"
                                    "Detected NULL on column 'datasets.name'");
}

static void alter_type_nullable_default(void **state) {
    fixture *f = *state;
    datasets(f->cur);
    table *w = datasets(f->want);
    column *st = table_find_column(w, "status");
    st->type.length = 100;
    st->nullable = true;
    st->server_default.text = "new";
    run_diff(f, dialect_sqlite());
    assert_int_equal(f->ops->ops.len, 1);
    const op *o = &f->ops->ops.items[0];
    assert_int_equal(o->kind, OP_ALTER_COLUMN);
    assert_int_equal(o->alter, ALTER_TYPE | ALTER_NULLABLE | ALTER_DEFAULT);
    assert_int_equal(o->old_column->type.length, 50);
    assert_int_equal(o->column->type.length, 100);
}

/* Identities: a lone Integer key without @identity matches an identity
** and a serial alike; added after the column's NOT NULL, removed before
** its default comes; only ALWAYS / start / increment are compared; a
** serial the models make an identity is left alone. */
static void identity_changes(void **state) {
    fixture *f = *state;
    static const identity_def by_default = {.start = 1, .increment = 1, .cycle = -1};
    static const identity_def cached = {.start = 1, .increment = 1, .cache = 20, .cycle = -1};
    static const identity_def always100 = {.always = true, .start = 100, .increment = 1, .cycle = -1};
    table *c = tbl(f->cur, "t"), *w = tbl(f->want, "t");
    col(f->cur, c, "id", TYPE_INTEGER, -1, false)->generated_identity = &by_default;
    pk(f->cur, c, "id");
    col(f->want, w, "id", TYPE_INTEGER, -1, false);
    pk(f->want, w, "id");
    col(f->cur, c, "a", TYPE_INTEGER, -1, true);                          /* becomes an identity */
    col(f->want, w, "a", TYPE_INTEGER, -1, false)->generated_identity = &by_default;
    col(f->cur, c, "b", TYPE_INTEGER, -1, false)->generated_identity = &cached;   /* no longer one */
    column *b = col(f->want, w, "b", TYPE_INTEGER, -1, false);
    b->server_default = (server_default){.kind = DEFAULT_NUMBER, .text = "0"};
    col(f->cur, c, "x", TYPE_INTEGER, -1, false)->generated_identity = &cached;   /* CACHE is not compared */
    col(f->want, w, "x", TYPE_INTEGER, -1, false)->generated_identity = &by_default;
    col(f->cur, c, "y", TYPE_INTEGER, -1, false)->generated_identity = &by_default;
    col(f->want, w, "y", TYPE_INTEGER, -1, false)->generated_identity = &always100;
    column *z = col(f->cur, c, "z", TYPE_INTEGER, -1, false);             /* serial */
    z->identity = true;
    col(f->want, w, "z", TYPE_INTEGER, -1, false)->generated_identity = &by_default;
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f),
                        "Detected NOT NULL on column 't.a'\n"
                        "Detected added identity GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 1 START WITH 1) on 't.a'\n"
                        "Detected removed identity on 't.b'\n"
                        "Detected server default change from none to 0 on 't.b'\n"
                        "Detected identity change from BY DEFAULT (INCREMENT BY 1 START WITH 1) to ALWAYS "
                        "(INCREMENT BY 1 START WITH 100) on 't.y'");
    bool left_alone = false;
    for (size_t i = 0; i < f->dl.items.len; i++)
        left_alone |= strstr(f->dl.items.items[i].message, "column 't.z' is serial in the database") != NULL;
    assert_true(left_alone);
}

static void comments_only_where_stored(void **state) {
    fixture *f = *state;
    table *c = datasets(f->cur);
    table *w = datasets(f->want);
    table_find_column(w, "name")->comment = "Dataset name";
    w->comment = "Dataset storage table";
    (void)c;
    run_diff(f, dialect_sqlite());
    assert_int_equal(f->ops->ops.len, 0);
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "Detected column comment change on 'datasets.name'\n"
                                    "Detected added table comment on 'datasets'");
}

static void rename_table_and_column(void **state) {
    fixture *f = *state;
    table *c = datasets(f->cur);
    col(f->cur, c, "extra", TYPE_TEXT, -1, true);
    /* wanted: datasets renamed to data_sets; extra renamed to details */
    table *w = tbl(f->want, "data_sets");
    w->renamed_from = "datasets";
    col(f->want, w, "id", TYPE_STRING, 36, false);
    pk(f->want, w, "id");
    col(f->want, w, "name", TYPE_STRING, 255, false);
    column *st = col(f->want, w, "status", TYPE_STRING, 50, false);
    st->server_default = (server_default){.kind = DEFAULT_STRING, .text = "pending"};
    column *d = col(f->want, w, "details", TYPE_TEXT, -1, true);
    d->renamed_from = "extra";
    idx(f->want, w, "ix_datasets_name", "name", false);
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected renamed table 'datasets' to 'data_sets'\n"
                                    "Detected renamed column 'data_sets.extra' to 'details'");
}

static void foreign_keys_follow_renames(void **state) {
    fixture *f = *state;
    /* authors -> writers, and books.author_id points at it: the database
    ** follows the rename, so the key is not a change. */
    table *ca = tbl(f->cur, "authors");
    col(f->cur, ca, "id", TYPE_INTEGER, -1, false);
    pk(f->cur, ca, "id");
    table *cb = tbl(f->cur, "books");
    col(f->cur, cb, "id", TYPE_INTEGER, -1, false);
    pk(f->cur, cb, "id");
    col(f->cur, cb, "author_id", TYPE_INTEGER, -1, false);
    fk(f->cur, cb, NULL, "author_id", "authors", NULL);
    table *wa = tbl(f->want, "writers");
    wa->renamed_from = "authors";
    column *wid = col(f->want, wa, "writer_id", TYPE_INTEGER, -1, false);
    wid->renamed_from = "id";
    pk(f->want, wa, "writer_id");
    table *wb = tbl(f->want, "books");
    col(f->want, wb, "id", TYPE_INTEGER, -1, false);
    pk(f->want, wb, "id");
    col(f->want, wb, "author_id", TYPE_INTEGER, -1, false);
    foreign_key *k = fk(f->want, wb, NULL, "author_id", "writers", NULL);
    k->ref_columns.items[0] = "writer_id";
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected renamed table 'authors' to 'writers'\n"
                                    "Detected renamed column 'writers.id' to 'writer_id'");
}

static void primary_key_change_is_generated(void **state) {
    fixture *f = *state;
    datasets(f->cur);
    table *w = datasets(f->want);
    /* Wanted: (id, name) instead of (id). */
    vec_push(f->want->arena, &w->primary_key.columns, "name");
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected removed primary key (id) on 'datasets'\n"
                                    "Detected added primary key 'datasets_pkey' on 'datasets'");
    assert_int_equal(f->dl.items.len, 0);
    /* the inverse of each is the other, with the same key */
    op down = op_inverse(&f->ops->ops.items[1]);
    assert_int_equal(down.kind, OP_DROP_PRIMARY_KEY);
    assert_string_equal(down.pk->name, "datasets_pkey");
    assert_int_equal(op_inverse(&f->ops->ops.items[0]).kind, OP_ADD_PRIMARY_KEY);
}

static void index_changes(void **state) {
    fixture *f = *state;
    table *c = datasets(f->cur);
    idx(f->cur, c, "ix_gone", "status", false);
    idx(f->cur, c, "ix_changed", "status", false);
    table *w = datasets(f->want);
    idx(f->want, w, "ix_changed", "status", true);
    idx(f->want, w, "ix_new", "status", false);
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected removed index 'ix_changed' on 'datasets'\n"
                                    "Detected removed index 'ix_gone' on 'datasets'\n"
                                    "Detected added unique index 'ix_changed' on 'datasets' (status)\n"
                                    "Detected added index 'ix_new' on 'datasets' (status)");
}

static void unnamed_constraints_match_by_content(void **state) {
    fixture *f = *state;
    table *c = datasets(f->cur);
    uq(f->cur, c, "datasets_name_key", "name");           /* server-given names */
    ck(f->cur, c, "datasets_check", "(status <> '')");
    table *w = datasets(f->want);
    uq(f->want, w, NULL, "name");
    ck(f->want, w, NULL, "status <> ''");
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "");
}

static void unique_and_check_changes(void **state) {
    fixture *f = *state;
    table *c = datasets(f->cur);
    uq(f->cur, c, "uq_old", "name");
    ck(f->cur, c, "check_row_count_non_negative", "row_count >= 0");
    table *w = datasets(f->want);
    uq(f->want, w, "uq_status", "status");
    ck(f->want, w, "check_row_count_non_negative", "row_count > 0");
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f),
                        "Detected removed unique constraint 'uq_old' on 'datasets'\n"
                        "Detected removed check constraint 'check_row_count_non_negative' on 'datasets'\n"
                        "Detected added unique constraint 'uq_status' on 'datasets'\n"
                        "Detected added check constraint 'check_row_count_non_negative' on 'datasets'");
}

static void check_spelling_is_no_change(void **state) {
    fixture *f = *state;
    ck(f->cur, datasets(f->cur), "c1", "((row_count >= 0))");
    ck(f->want, datasets(f->want), "c1", "row_count>=0");
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "");
}

static void foreign_key_changes(void **state) {
    fixture *f = *state;
    datasets(f->cur);
    table *cc = tbl(f->cur, "charts");
    col(f->cur, cc, "id", TYPE_INTEGER, -1, false);
    pk(f->cur, cc, "id");
    col(f->cur, cc, "dataset_id", TYPE_STRING, 36, false);
    fk(f->cur, cc, "charts_dataset_id_fkey", "dataset_id", "datasets", NULL);
    datasets(f->want);
    table *wc = tbl(f->want, "charts");
    col(f->want, wc, "id", TYPE_INTEGER, -1, false);
    pk(f->want, wc, "id");
    col(f->want, wc, "dataset_id", TYPE_STRING, 36, false);
    fk(f->want, wc, NULL, "dataset_id", "datasets", "CASCADE");
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "Detected removed foreign key 'charts_dataset_id_fkey' on 'charts'\n"
                                    "Detected added foreign key (dataset_id) on 'charts' to 'datasets'");
    /* Same action, unnamed in the model: no change ("NO ACTION" == none). */
    f->want->tables.items[1]->foreign_keys.items[0]->ondelete = NULL;
    f->cur->tables.items[1]->foreign_keys.items[0]->ondelete = "NO ACTION";
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "");
}

static void create_parents_first_drop_children_first(void **state) {
    fixture *f = *state;
    /* Declared child first: the differ must still create the parent first. */
    table *child = tbl(f->want, "child");
    col(f->want, child, "id", TYPE_INTEGER, -1, false);
    pk(f->want, child, "id");
    col(f->want, child, "parent_id", TYPE_INTEGER, -1, true);
    fk(f->want, child, NULL, "parent_id", "parent", NULL);
    table *parent = tbl(f->want, "parent");
    col(f->want, parent, "id", TYPE_INTEGER, -1, false);
    pk(f->want, parent, "id");
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "Detected added table 'parent'\nDetected added table 'child'");
    /* The reverse: drop the child first. */
    schema *t = f->cur;
    f->cur = f->want;
    f->want = t;
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "Detected removed table 'child'\nDetected removed table 'parent'");
}

static void foreign_key_cycle_is_broken(void **state) {
    fixture *f = *state;
    table *a = tbl(f->want, "a");
    col(f->want, a, "id", TYPE_INTEGER, -1, false);
    pk(f->want, a, "id");
    col(f->want, a, "b_id", TYPE_INTEGER, -1, true);
    fk(f->want, a, "fk_a_b", "b_id", "b", NULL);
    table *b = tbl(f->want, "b");
    col(f->want, b, "id", TYPE_INTEGER, -1, false);
    pk(f->want, b, "id");
    col(f->want, b, "a_id", TYPE_INTEGER, -1, true);
    fk(f->want, b, "fk_b_a", "a_id", "a", NULL);
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "Detected added table 'a'\nDetected added table 'b'\n"
                                    "Detected added foreign key 'fk_a_b' on 'a' to 'b'");
    assert_int_equal(f->ops->ops.items[0].table->foreign_keys.len, 0);  /* left out of create */
    assert_int_equal(f->ops->ops.items[1].table->foreign_keys.len, 1);
    /* Dropping both: the cyclic key goes first. */
    schema *t = f->cur;
    f->cur = f->want;
    f->want = t;
    run_diff(f, dialect_postgresql());
    assert_string_equal(summary(f), "Detected removed foreign key 'fk_a_b' on 'a'\n"
                                    "Detected removed table 'b'\nDetected removed table 'a'");
}

static void deep_chain_without_recursion(void **state) {
    fixture *f = *state;
    enum { N = 1000 };
    char name[32], prev[32];
    /* Declared deepest child first: worst case for a naive order. */
    for (int i = N - 1; i >= 0; i--) {
        snprintf(name, sizeof name, "t%04d", i);
        table *t = tbl(f->want, name);
        col(f->want, t, "id", TYPE_INTEGER, -1, false);
        pk(f->want, t, "id");
        if (i > 0) {
            snprintf(prev, sizeof prev, "t%04d", i - 1);
            col(f->want, t, "parent_id", TYPE_INTEGER, -1, true);
            fk(f->want, t, NULL, "parent_id", prev, NULL);
        }
    }
    run_diff(f, dialect_sqlite());
    assert_int_equal(f->ops->ops.len, N);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "t%04d", i);
        assert_string_equal(f->ops->ops.items[i].table_name, name);
    }
}

static void inverse_is_exact(void **state) {
    fixture *f = *state;
    datasets(f->cur);
    table *w = datasets(f->want);
    table_find_column(w, "status")->type.length = 80;
    col(f->want, w, "extra", TYPE_TEXT, -1, true);
    run_diff(f, dialect_sqlite());
    for (size_t i = 0; i < f->ops->ops.len; i++) {
        op inv = op_inverse(&f->ops->ops.items[i]);
        op back = op_inverse(&inv);
        assert_int_equal(back.kind, f->ops->ops.items[i].kind);
        assert_ptr_equal(back.column, f->ops->ops.items[i].column);
        assert_ptr_equal(back.old_column, f->ops->ops.items[i].old_column);
    }
    op inv = op_inverse(&f->ops->ops.items[0]);
    assert_int_equal(inv.kind, OP_DROP_COLUMN);
    inv = op_inverse(&f->ops->ops.items[1]);
    assert_int_equal(inv.column->type.length, 50);
}

/* A table "name" with an Integer key "id". */
static table *id_table(schema *s, const char *name) {
    table *t = tbl(s, name);
    col(s, t, "id", TYPE_INTEGER, -1, false);
    pk(s, t, "id");
    return t;
}

/* Tables pair by key wherever they stand: the differ pairs a table at the
** same position under the same key without its map, and looks the others
** up (by key, then by @@renamed_from). */
static void tables_pair_by_key_in_any_order(void **state) {
    fixture *f = *state;
    const char *names[] = {"a", "b", "c"};
    for (size_t i = 0; i < 3; i++) id_table(f->cur, names[i]);
    /* wanted: a at its place, c moved up, b renamed to x, d new */
    const char *wanted[] = {"a", "c", "x", "d"};
    for (size_t i = 0; i < 4; i++) id_table(f->want, wanted[i]);
    schema_find_table(f->want, "x")->renamed_from = "b";
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected renamed table 'b' to 'x'\n"
                                    "Detected added table 'd'");
    /* the same tables in the same order: no change */
    schema_free(f->want);
    f->want = schema_new();
    for (size_t i = 0; i < 3; i++) id_table(f->want, names[i]);
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "");
}

/* A default on one side only is a change whichever side has it; columns
** without one on either side are not compared through the dialect. */
static void default_on_one_side_only(void **state) {
    fixture *f = *state;
    table *c = id_table(f->cur, "t"), *w = id_table(f->want, "t");
    col(f->cur, c, "db_only", TYPE_INTEGER, -1, false)->server_default =
        (server_default){.kind = DEFAULT_SQL, .text = "'0'"};
    col(f->want, w, "db_only", TYPE_INTEGER, -1, false);
    col(f->cur, c, "model_only", TYPE_INTEGER, -1, false);
    col(f->want, w, "model_only", TYPE_INTEGER, -1, false)->server_default =
        (server_default){.kind = DEFAULT_NUMBER, .text = "0"};
    col(f->cur, c, "both", TYPE_INTEGER, -1, false)->server_default =
        (server_default){.kind = DEFAULT_SQL, .text = "'0'"};
    col(f->want, w, "both", TYPE_INTEGER, -1, false)->server_default =
        (server_default){.kind = DEFAULT_NUMBER, .text = "0"};
    col(f->cur, c, "neither", TYPE_INTEGER, -1, false);
    col(f->want, w, "neither", TYPE_INTEGER, -1, false);
    /* NULL is no default, spelled or not */
    col(f->cur, c, "null_sql", TYPE_INTEGER, -1, true)->server_default =
        (server_default){.kind = DEFAULT_SQL, .text = "NULL"};
    col(f->want, w, "null_sql", TYPE_INTEGER, -1, true);
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected server default change from '0' to none on 't.db_only'\n"
                                    "Detected server default change from none to 0 on 't.model_only'");
}

/* Column renames: the renamed column's key and other columns of the table
** are seen through them (with no rename in a table the differ compares the
** current key's names as they are). */
static void renamed_key_column_with_key_change(void **state) {
    fixture *f = *state;
    table *c = tbl(f->cur, "t"), *w = tbl(f->want, "t");
    col(f->cur, c, "old_id", TYPE_INTEGER, -1, false);
    pk(f->cur, c, "old_id");
    col(f->cur, c, "n", TYPE_INTEGER, -1, false);
    column *id = col(f->want, w, "id", TYPE_INTEGER, -1, false);
    id->renamed_from = "old_id";
    pk(f->want, w, "id");
    col(f->want, w, "n", TYPE_INTEGER, -1, false);
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected renamed column 't.old_id' to 'id'");
    /* the key gains n in the same migration */
    pk(f->want, w, "n");
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected renamed column 't.old_id' to 'id'\n"
                                    "Detected removed primary key (old_id) on 't'\n"
                                    "Detected added primary key 't_pkey' on 't'");
}

/* Expressions (checks, expression index keys, predicates) compare as
** written when byte-equal, else normalized: another spelling is no change,
** another expression is one. */
static void expressions_same_or_respelled(void **state) {
    fixture *f = *state;
    table *c = datasets(f->cur), *w = datasets(f->want);
    index_def *ci = idx(f->cur, c, "ix_lower", "(lower(name))", false);
    index_def *wi = idx(f->want, w, "ix_lower", "(lower(name))", false);
    ci->where = "status <> 'x'";
    wi->where = "status <> 'x'";
    ck(f->cur, c, "c1", "length(name) > 0");
    ck(f->want, w, "c1", "length(name) > 0");
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "");
    wi->columns.items[0] = "(LOWER( name ))";
    wi->where = "(status<>'x')";
    w->checks.items[0]->sqltext = "(LENGTH(name)>0)";
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "");
    wi->columns.items[0] = "(upper(name))";
    run_diff(f, dialect_sqlite());
    assert_int_equal(f->ops->ops.len, 2);
    wi->columns.items[0] = "(lower(name))";
    wi->where = NULL;
    run_diff(f, dialect_sqlite());
    assert_int_equal(f->ops->ops.len, 2);
    wi->where = "status <> 'x'";
    w->checks.items[0]->sqltext = "length(name) > 1";
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "Detected removed check constraint 'c1' on 'datasets'\n"
                                    "Detected added check constraint 'c1' on 'datasets'");
}

/* An index key's order counts where one side lists it and the other does
** not (its keys plain); keys that neither side lists are plain on both. */
static void index_key_options_on_one_side(void **state) {
    fixture *f = *state;
    table *c = datasets(f->cur), *w = datasets(f->want);
    idx(f->cur, c, "ix_k", "status", false);
    index_def *wi = idx(f->want, w, "ix_k", "status", false);
    vec_push(f->want->arena, &wi->keys, ((index_key){.desc = false}));
    run_diff(f, dialect_sqlite());
    assert_string_equal(summary(f), "");
    wi->keys.items[0].desc = true;
    run_diff(f, dialect_sqlite());
    assert_int_equal(f->ops->ops.len, 2);
    /* the same the other way round */
    schema *t = f->cur;
    f->cur = f->want;
    f->want = t;
    run_diff(f, dialect_sqlite());
    assert_int_equal(f->ops->ops.len, 2);
}

static void json_of_ops(void **state) {
    fixture *f = *state;
    col(f->want, datasets(f->want), "user_role", TYPE_STRING, 20, true);
    datasets(f->cur);
    run_diff(f, dialect_sqlite());
    json_t *j = migration_ops_to_json(f->ops);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    /* an added column says what it is (docs/commands.md, "diff --json") */
    assert_string_equal(s, "[{\"op\":\"add_column\",\"table\":\"datasets\",\"column\":\"user_role\","
                           "\"type\":\"String(20)\",\"nullable\":true,\"server_default\":null,\"comment\":null,"
                           "\"description\":\"Detected added column 'datasets.user_role'\"}]");
    free(s);
    json_decref(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(no_change, setup, teardown),
        cmocka_unit_test_setup_teardown(identity_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(no_change_for_db_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(add_table, setup, teardown),
        cmocka_unit_test_setup_teardown(drop_table, setup, teardown),
        cmocka_unit_test_setup_teardown(add_and_drop_column, setup, teardown),
        cmocka_unit_test_setup_teardown(columns_pair_by_name_in_any_order, setup, teardown),
        cmocka_unit_test_setup_teardown(alter_type_nullable_default, setup, teardown),
        cmocka_unit_test_setup_teardown(comments_only_where_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(rename_table_and_column, setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_keys_follow_renames, setup, teardown),
        cmocka_unit_test_setup_teardown(primary_key_change_is_generated, setup, teardown),
        cmocka_unit_test_setup_teardown(index_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(unnamed_constraints_match_by_content, setup, teardown),
        cmocka_unit_test_setup_teardown(unique_and_check_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(check_spelling_is_no_change, setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_key_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(create_parents_first_drop_children_first, setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_key_cycle_is_broken, setup, teardown),
        cmocka_unit_test_setup_teardown(deep_chain_without_recursion, setup, teardown),
        cmocka_unit_test_setup_teardown(inverse_is_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(json_of_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(index_options, setup, teardown),
        cmocka_unit_test_setup_teardown(tables_pair_by_key_in_any_order, setup, teardown),
        cmocka_unit_test_setup_teardown(default_on_one_side_only, setup, teardown),
        cmocka_unit_test_setup_teardown(renamed_key_column_with_key_change, setup, teardown),
        cmocka_unit_test_setup_teardown(expressions_same_or_respelled, setup, teardown),
        cmocka_unit_test_setup_teardown(index_key_options_on_one_side, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
