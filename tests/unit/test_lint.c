/*
** test_lint.c — the lint rules over op lists built by hand.
**
** Each rule that the integration test (tests/integration/test_lint.sh)
** cannot reach cheaply through a migration file is checked here: that it
** fires on the risky op, and that it stays quiet on the safe variant (the
** table created in the same migration, the other dialect, the wider
** change).  Ops are built as the differ builds them (loc 0, no file).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/lint.h"

/* ------------------------------------------------------------- helpers */

typedef struct fx {
    schema *s;
    table *t;
    migration_ops *m;
} fx;

static fx fx_new(void) {
    fx f = {.s = schema_new()};
    f.t = schema_add_table(f.s, "items");
    arena *a = arena_new();
    f.m = arena_alloc(a, sizeof *f.m);
    f.m->arena = a;
    return f;
}

static void fx_free(fx *f) {
    migration_ops_free(f->m);
    schema_free(f->s);
}

static column *col(fx *f, const char *name, type_kind k, bool nullable) {
    column *c = table_add_column(f->s, f->t, name);
    assert_non_null(c);
    c->type.kind = k;
    c->nullable = nullable;
    return c;
}

static op *add_op(fx *f, op_kind k, const char *table_name) {
    op o = {.kind = k, .table_name = table_name};
    vec_push(f->m->arena, &f->m->ops, o);
    return &f->m->ops.items[f->m->ops.len - 1];
}

/* A create_table of `items` first: every op after it is on a new table. */
static void create_items_first(fx *f) {
    add_op(f, OP_CREATE_TABLE, "items")->table = f->t;
}

static lint_findings *run(fx *f, const dialect *d) {
    lint_findings *out = lint_findings_new();
    diag_list dl = {0};
    lint_context ctx = {.dialect = d, .revision = "r1", .batch = d == dialect_sqlite()};
    lint_ops(f->m->ops.items, f->m->ops.len, &ctx, out, &dl);
    assert_int_equal(dl.items.len, 0);
    diag_list_free(&dl);
    return out;
}

static const lint_finding *find(const lint_findings *out, lint_rule r) {
    for (size_t i = 0; i < out->items.len; i++)
        if (out->items.items[i].rule == r) return &out->items.items[i];
    return NULL;
}

static size_t count(const lint_findings *out, lint_rule r) {
    size_t n = 0;
    for (size_t i = 0; i < out->items.len; i++) n += out->items.items[i].rule == r;
    return n;
}

static enum_type *mk_enum(fx *f, const char *name, const char *first, ...) {
    arena *a = f->s->arena;
    enum_type *e = arena_alloc(a, sizeof *e);
    e->name = name;
    va_list ap;
    va_start(ap, first);
    for (const char *l = first; l; l = va_arg(ap, const char *)) {
        enum_label el = {.label = l};
        vec_push(a, &e->labels, el);
    }
    va_end(ap);
    return e;
}
#define ENUM(f, name, ...) mk_enum((f), (name), __VA_ARGS__, (const char *)NULL)

/* ---------------------------------------------- destructive/drop-enum-value */

static void test_drop_enum_value_fires(void **state) {
    (void)state;
    fx f = fx_new();
    op *o = add_op(&f, OP_ALTER_ENUM, NULL);
    o->old_enumeration = ENUM(&f, "status", "new", "done", "archived", "gone");
    o->enumeration = ENUM(&f, "status", "new", "done");
    lint_findings *out = run(&f, dialect_postgresql());
    const lint_finding *x = find(out, LINT_DROP_ENUM_VALUE);
    assert_non_null(x);
    assert_int_equal(x->severity, LINT_ERROR);
    assert_non_null(strstr(x->message, "status"));
    assert_non_null(strstr(x->message, "archived, gone"));
    assert_int_equal(lint_findings_errors(out), 1);
    lint_findings_free(out);
    fx_free(&f);
}

static void test_drop_enum_value_quiet_on_added_label(void **state) {
    (void)state;
    fx f = fx_new();
    op *o = add_op(&f, OP_ALTER_ENUM, NULL);
    o->old_enumeration = ENUM(&f, "status", "new", "done");
    o->enumeration = ENUM(&f, "status", "new", "done", "archived");
    lint_findings *out = run(&f, dialect_postgresql());
    assert_int_equal(out->items.len, 0);
    lint_findings_free(out);
    fx_free(&f);
}

static void test_drop_enum_value_quiet_on_renamed_label(void **state) {
    (void)state;
    fx f = fx_new();
    op *o = add_op(&f, OP_ALTER_ENUM, NULL);
    o->old_enumeration = ENUM(&f, "status", "new", "done");
    enum_type *after = ENUM(&f, "status", "new", "finished");
    after->labels.items[1].renamed_from = "done";
    o->enumeration = after;
    lint_findings *out = run(&f, dialect_postgresql());
    assert_null(find(out, LINT_DROP_ENUM_VALUE));
    lint_findings_free(out);
    fx_free(&f);
}

/* ------------------------------------ data/set-not-null, lock/set-not-null-scan */

static op *set_not_null(fx *f) {
    column *before = col(f, "name", TYPE_TEXT, true);
    column *after = arena_alloc(f->s->arena, sizeof *after);
    *after = *before;
    after->nullable = false;
    op *o = add_op(f, OP_ALTER_COLUMN, "items");
    o->column = after;
    o->old_column = before;
    o->alter = ALTER_NULLABLE;
    return o;
}

static void test_set_not_null_fires_postgresql(void **state) {
    (void)state;
    fx f = fx_new();
    set_not_null(&f);
    lint_findings *out = run(&f, dialect_postgresql());
    const lint_finding *x = find(out, LINT_SET_NOT_NULL);
    assert_non_null(x);
    assert_int_equal(x->severity, LINT_WARNING);
    assert_non_null(strstr(x->message, "items.name"));
    x = find(out, LINT_SET_NOT_NULL_SCAN);
    assert_non_null(x);
    assert_non_null(strstr(x->message, "ACCESS EXCLUSIVE"));
    assert_int_equal(out->items.len, 2);
    assert_int_equal(lint_findings_errors(out), 0);
    lint_findings_free(out);
    fx_free(&f);
}

static void test_set_not_null_sqlite_no_scan_rule(void **state) {
    (void)state;
    fx f = fx_new();
    set_not_null(&f);
    lint_findings *out = run(&f, dialect_sqlite());
    assert_non_null(find(out, LINT_SET_NOT_NULL));
    assert_null(find(out, LINT_SET_NOT_NULL_SCAN));
    lint_findings_free(out);
    fx_free(&f);
}

static void test_set_not_null_quiet_when_dropping_not_null(void **state) {
    (void)state;
    fx f = fx_new();
    op *o = set_not_null(&f);
    /* the other way: NOT NULL -> nullable */
    column *c = (column *)o->column;
    c->nullable = true;
    ((column *)o->old_column)->nullable = false;
    lint_findings *out = run(&f, dialect_postgresql());
    assert_null(find(out, LINT_SET_NOT_NULL));
    assert_null(find(out, LINT_SET_NOT_NULL_SCAN));
    lint_findings_free(out);
    fx_free(&f);
}

static void test_set_not_null_quiet_on_new_table(void **state) {
    (void)state;
    fx f = fx_new();
    create_items_first(&f);
    set_not_null(&f);
    lint_findings *out = run(&f, dialect_postgresql());
    assert_null(find(out, LINT_SET_NOT_NULL));
    assert_null(find(out, LINT_SET_NOT_NULL_SCAN));
    lint_findings_free(out);
    fx_free(&f);
}

static void test_set_not_null_config_off(void **state) {
    (void)state;
    fx f = fx_new();
    set_not_null(&f);
    lint_config cfg;
    lint_config_init(&cfg);
    diag_list dl = {0};
    assert_int_equal(lint_config_apply(&cfg, "lock/*", (src_loc){0}, LINT_OFF, false, &dl), 0);
    assert_int_equal(lint_config_apply(&cfg, "data/set-not-null", (src_loc){0}, LINT_ERROR, false, &dl), 0);
    lint_findings *out = lint_findings_new();
    lint_context ctx = {.dialect = dialect_postgresql(), .config = &cfg};
    lint_ops(f.m->ops.items, f.m->ops.len, &ctx, out, &dl);
    assert_int_equal(out->items.len, 1);
    assert_int_equal(out->items.items[0].rule, LINT_SET_NOT_NULL);
    assert_int_equal(out->items.items[0].severity, LINT_ERROR);
    assert_int_equal(lint_findings_errors(out), 1);
    diag_list_free(&dl);
    lint_findings_free(out);
    fx_free(&f);
}

/* ------------------------------------------- lock/add-foreign-key-validating */

static void add_fk(fx *f) {
    foreign_key *fk = arena_alloc(f->s->arena, sizeof *fk);
    fk->name = "fk_items_owner";
    vec_push(f->s->arena, &fk->columns, "owner_id");
    fk->ref_table = "users";
    vec_push(f->s->arena, &fk->ref_columns, "id");
    add_op(f, OP_ADD_FOREIGN_KEY, "items")->fk = fk;
}

static void test_add_fk_validating_fires(void **state) {
    (void)state;
    fx f = fx_new();
    add_fk(&f);
    lint_findings *out = run(&f, dialect_postgresql());
    const lint_finding *x = find(out, LINT_ADD_FOREIGN_KEY_VALIDATING);
    assert_non_null(x);
    assert_int_equal(x->severity, LINT_WARNING);
    assert_non_null(strstr(x->message, "fk_items_owner"));
    assert_non_null(strstr(x->advice, "NOT VALID"));
    lint_findings_free(out);
    fx_free(&f);
}

static void test_add_fk_quiet_on_new_table_and_sqlite(void **state) {
    (void)state;
    fx f = fx_new();
    create_items_first(&f);
    add_fk(&f);
    lint_findings *out = run(&f, dialect_postgresql());
    assert_null(find(out, LINT_ADD_FOREIGN_KEY_VALIDATING));
    lint_findings_free(out);
    fx_free(&f);

    f = fx_new();
    add_fk(&f);
    out = run(&f, dialect_sqlite());
    assert_null(find(out, LINT_ADD_FOREIGN_KEY_VALIDATING));
    lint_findings_free(out);
    fx_free(&f);
}

/* ------------------------------------------ lock/add-column-volatile-default */

static void add_col_default(fx *f, server_default d) {
    column *c = col(f, "token", TYPE_UUID, true);
    c->server_default = d;
    add_op(f, OP_ADD_COLUMN, "items")->column = c;
}

static void test_volatile_default_fires(void **state) {
    (void)state;
    const char *volatiles[] = {"gen_random_uuid()", "RANDOM()", "clock_timestamp()",
                               "nextval('items_seq'::regclass)"};
    for (size_t i = 0; i < sizeof volatiles / sizeof *volatiles; i++) {
        fx f = fx_new();
        add_col_default(&f, (server_default){.kind = DEFAULT_SQL, .text = volatiles[i]});
        lint_findings *out = run(&f, dialect_postgresql());
        const lint_finding *x = find(out, LINT_ADD_COLUMN_VOLATILE_DEFAULT);
        if (!x) fail_msg("no lock/add-column-volatile-default for %s", volatiles[i]);
        assert_non_null(strstr(x->message, "items.token"));
        assert_int_equal(count(out, LINT_ADD_COLUMN_VOLATILE_DEFAULT), 1);
        lint_findings_free(out);
        fx_free(&f);
    }
}

static void test_volatile_default_stored_generated_fires(void **state) {
    (void)state;
    fx f = fx_new();
    column *c = col(&f, "total", TYPE_INTEGER, true);
    c->generated = "price * qty";
    c->generated_stored = true;
    add_op(&f, OP_ADD_COLUMN, "items")->column = c;
    lint_findings *out = run(&f, dialect_postgresql());
    assert_non_null(find(out, LINT_ADD_COLUMN_VOLATILE_DEFAULT));
    lint_findings_free(out);
    fx_free(&f);
}

static void test_volatile_default_quiet_on_stable_defaults(void **state) {
    (void)state;
    server_default safe[] = {
        {.kind = DEFAULT_NOW},
        {.kind = DEFAULT_SQL, .text = "now()"},
        {.kind = DEFAULT_SQL, .text = "CURRENT_TIMESTAMP"},
        {.kind = DEFAULT_STRING, .text = "random()"},   /* a string literal, not a call */
        {.kind = DEFAULT_NUMBER, .text = "0"},
        {.kind = DEFAULT_NONE},
    };
    for (size_t i = 0; i < sizeof safe / sizeof *safe; i++) {
        fx f = fx_new();
        add_col_default(&f, safe[i]);
        lint_findings *out = run(&f, dialect_postgresql());
        if (find(out, LINT_ADD_COLUMN_VOLATILE_DEFAULT)) fail_msg("fired on safe default %zu", i);
        lint_findings_free(out);
        fx_free(&f);
    }
}

static void test_volatile_default_quiet_on_new_table_and_sqlite(void **state) {
    (void)state;
    fx f = fx_new();
    create_items_first(&f);
    add_col_default(&f, (server_default){.kind = DEFAULT_SQL, .text = "gen_random_uuid()"});
    lint_findings *out = run(&f, dialect_postgresql());
    assert_null(find(out, LINT_ADD_COLUMN_VOLATILE_DEFAULT));
    lint_findings_free(out);
    fx_free(&f);

    f = fx_new();
    add_col_default(&f, (server_default){.kind = DEFAULT_SQL, .text = "random()"});
    out = run(&f, dialect_sqlite());
    assert_null(find(out, LINT_ADD_COLUMN_VOLATILE_DEFAULT));
    lint_findings_free(out);
    fx_free(&f);
}

/* ------------------------------- compat/drop-column-without-deprecation */

static void drop_col(fx *f, const char *table_name, bool nullable) {
    column *c = col(f, "legacy", TYPE_INTEGER, nullable);
    add_op(f, OP_DROP_COLUMN, table_name)->column = c;
}

static void test_drop_column_compat_fires(void **state) {
    (void)state;
    fx f = fx_new();
    drop_col(&f, "items", true);
    lint_findings *out = run(&f, dialect_sqlite());
    assert_non_null(find(out, LINT_DROP_COLUMN));
    const lint_finding *x = find(out, LINT_DROP_COLUMN_NO_DEPRECATION);
    assert_non_null(x);
    assert_int_equal(x->severity, LINT_WARNING);
    assert_string_equal(x->rule_id, "compat/drop-column-without-deprecation");
    assert_non_null(strstr(x->message, "items.legacy is dropped in one step"));
    assert_null(strstr(x->message, "NOT NULL"));
    lint_findings_free(out);
    fx_free(&f);
}

static void test_drop_column_compat_not_null_says_so(void **state) {
    (void)state;
    fx f = fx_new();
    drop_col(&f, "items", false);
    lint_findings *out = run(&f, dialect_postgresql());
    const lint_finding *x = find(out, LINT_DROP_COLUMN_NO_DEPRECATION);
    assert_non_null(x);
    assert_non_null(strstr(x->message, "NOT NULL without a default"));
    assert_non_null(strstr(x->advice, "make it nullable"));
    lint_findings_free(out);
    fx_free(&f);
}

static void test_drop_column_compat_quiet_when_table_goes(void **state) {
    (void)state;
    /* dropped later in the same migration */
    fx f = fx_new();
    drop_col(&f, "items", false);
    add_op(&f, OP_DROP_TABLE, "items")->table = f.t;
    lint_findings *out = run(&f, dialect_postgresql());
    assert_null(find(out, LINT_DROP_COLUMN_NO_DEPRECATION));
    assert_non_null(find(out, LINT_DROP_COLUMN));
    lint_findings_free(out);
    fx_free(&f);
    /* renamed, then dropped under its new name */
    f = fx_new();
    drop_col(&f, "items", true);
    op *r = add_op(&f, OP_RENAME_TABLE, NULL);
    r->old_name = "items";
    r->new_name = "old_items";
    add_op(&f, OP_DROP_TABLE, "old_items");
    out = run(&f, dialect_postgresql());
    assert_null(find(out, LINT_DROP_COLUMN_NO_DEPRECATION));
    lint_findings_free(out);
    fx_free(&f);
    /* a table created in the same migration */
    f = fx_new();
    create_items_first(&f);
    drop_col(&f, "items", true);
    out = run(&f, dialect_postgresql());
    assert_int_equal(out->items.len, 0);
    lint_findings_free(out);
    fx_free(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drop_enum_value_fires),
        cmocka_unit_test(test_drop_enum_value_quiet_on_added_label),
        cmocka_unit_test(test_drop_enum_value_quiet_on_renamed_label),
        cmocka_unit_test(test_set_not_null_fires_postgresql),
        cmocka_unit_test(test_set_not_null_sqlite_no_scan_rule),
        cmocka_unit_test(test_set_not_null_quiet_when_dropping_not_null),
        cmocka_unit_test(test_set_not_null_quiet_on_new_table),
        cmocka_unit_test(test_set_not_null_config_off),
        cmocka_unit_test(test_add_fk_validating_fires),
        cmocka_unit_test(test_add_fk_quiet_on_new_table_and_sqlite),
        cmocka_unit_test(test_volatile_default_fires),
        cmocka_unit_test(test_volatile_default_stored_generated_fires),
        cmocka_unit_test(test_volatile_default_quiet_on_stable_defaults),
        cmocka_unit_test(test_volatile_default_quiet_on_new_table_and_sqlite),
        cmocka_unit_test(test_drop_column_compat_fires),
        cmocka_unit_test(test_drop_column_compat_not_null_says_so),
        cmocka_unit_test(test_drop_column_compat_quiet_when_table_goes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
