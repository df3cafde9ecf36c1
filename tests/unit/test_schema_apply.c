/*
** test_schema_apply.c — schema_apply_ops() (src/diff/apply.c): every op
** kind applied to a Schema, renames carried into keys, indexes and other
** tables' foreign keys, and located errors for what does not exist.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "diff/diff.h"

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

/* users(id pk, email, name) with ix_users_email, uq_users_name; posts(id,
** author_id -> users.id) with ix_posts_author. */
static schema *base(void) {
    schema *s = schema_new();
    arena *a = s->arena;
    table *u = schema_add_table(s, "users");
    col(s, u, "id", TYPE_INTEGER, false)->primary_key = true;
    u->primary_key.columns = STRS(a, "id");
    col(s, u, "email", TYPE_STRING, false);
    col(s, u, "name", TYPE_STRING, true);
    index_def *ix = arena_alloc(a, sizeof *ix);
    ix->name = "ix_users_email";
    ix->columns = STRS(a, "email");
    vec_push(a, &u->indexes, ix);
    unique_def *uq = arena_alloc(a, sizeof *uq);
    uq->name = "uq_users_name";
    uq->columns = STRS(a, "name");
    vec_push(a, &u->uniques, uq);
    table *p = schema_add_table(s, "posts");
    col(s, p, "id", TYPE_INTEGER, false)->primary_key = true;
    p->primary_key.columns = STRS(a, "id");
    col(s, p, "author_id", TYPE_INTEGER, true);
    foreign_key *fk = arena_alloc(a, sizeof *fk);
    fk->columns = STRS(a, "author_id");
    fk->ref_table = "users";
    fk->ref_columns = STRS(a, "id");
    vec_push(a, &p->foreign_keys, fk);
    ix = arena_alloc(a, sizeof *ix);
    ix->name = "ix_posts_author";
    ix->columns = STRS(a, "author_id");
    vec_push(a, &p->indexes, ix);
    return s;
}

static void apply_ok(schema *s, op o) {
    diag_list dl;
    diag_list_init(&dl);
    int rc = schema_apply_ops(s, &o, 1, &dl);
    if (rc) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    diag_list_free(&dl);
}

/* Applying `o` fails with exactly `message` at m.py:9:3. */
static void apply_fails(schema *s, op o, const char *message) {
    diag_list dl;
    diag_list_init(&dl);
    o.loc = (src_loc){"m.py", 9, 3};
    assert_int_equal(schema_apply_ops(s, &o, 1, &dl), -1);
    assert_int_equal(dl.errors, 1);
    assert_string_equal(dl.items.items[0].message, message);
    assert_int_equal(dl.items.items[0].loc.line, 9);
    assert_int_equal(dl.items.items[0].loc.column, 3);
    diag_list_free(&dl);
}

static void test_tables(void **state) {
    (void)state;
    schema *s = base();
    schema *other = schema_new();
    table *t = schema_add_table(other, "tags");
    col(other, t, "name", TYPE_TEXT, false);
    index_def *ix = arena_alloc(other->arena, sizeof *ix);
    ix->name = "ix_tags_name";
    vec_push(other->arena, &t->indexes, ix);
    apply_ok(s, (op){.kind = OP_CREATE_TABLE, .table = t});
    schema_free(other); /* the applied schema keeps its own copy */
    table *tags = schema_find_table(s, "tags");
    assert_non_null(tags);
    assert_string_equal(tags->columns.items[0]->name, "name");
    assert_int_equal(tags->indexes.len, 0); /* indexes come as their own ops */

    apply_ok(s, (op){.kind = OP_RENAME_TABLE, .old_name = "users", .new_name = "people"});
    assert_null(schema_find_table(s, "users"));
    assert_non_null(schema_find_table(s, "people"));
    assert_string_equal(schema_find_table(s, "posts")->foreign_keys.items[0]->ref_table, "people");

    apply_ok(s, (op){.kind = OP_DROP_TABLE, .table_name = "tags"});
    assert_null(schema_find_table(s, "tags"));
    assert_int_equal(s->tables.len, 2);

    apply_fails(s, (op){.kind = OP_DROP_TABLE, .table_name = "tags"}, "table 'tags' does not exist");
    apply_fails(s, (op){.kind = OP_RENAME_TABLE, .old_name = "people", .new_name = "posts"},
                "cannot rename table 'people' to 'posts': that name is taken");
    apply_fails(s, (op){.kind = OP_CREATE_TABLE, .table = schema_find_table(s, "posts")},
                "table 'posts' already exists");
    schema_free(s);
}

static void test_columns(void **state) {
    (void)state;
    schema *s = base();
    table *u = schema_find_table(s, "users");
    column added = {.name = "age", .nullable = true, .type = {.kind = TYPE_INTEGER, .length = -1}};
    apply_ok(s, (op){.kind = OP_ADD_COLUMN, .table_name = "users", .column = &added});
    assert_int_equal(u->columns.len, 4);
    assert_string_equal(u->columns.items[3]->name, "age");
    assert_ptr_not_equal(u->columns.items[3], &added);

    /* Rename keeps position and the struct; keys, indexes, uniques and the
    ** other table's foreign key follow. */
    column *id = u->columns.items[0];
    apply_ok(s, (op){.kind = OP_RENAME_COLUMN, .table_name = "users", .old_name = "id", .new_name = "user_id"});
    assert_ptr_equal(u->columns.items[0], id);
    assert_string_equal(id->name, "user_id");
    assert_ptr_equal(table_find_column(u, "user_id"), id);
    assert_null(table_find_column(u, "id"));
    assert_string_equal(u->primary_key.columns.items[0], "user_id");
    assert_string_equal(schema_find_table(s, "posts")->foreign_keys.items[0]->ref_columns.items[0], "user_id");
    apply_ok(s, (op){.kind = OP_RENAME_COLUMN, .table_name = "users", .old_name = "name", .new_name = "full_name"});
    assert_string_equal(u->uniques.items[0]->columns.items[0], "full_name");

    /* Alter: only what the bits say. */
    column want = {.name = "email", .nullable = true, .comment = "mail",
                   .type = {.kind = TYPE_TEXT, .length = -1},
                   .server_default = {.kind = DEFAULT_STRING, .text = "x"}};
    column *email = table_find_column(u, "email");
    apply_ok(s, (op){.kind = OP_ALTER_COLUMN, .table_name = "users", .column = &want, .old_column = email,
                     .alter = ALTER_NULLABLE | ALTER_COMMENT});
    assert_true(email->nullable);
    assert_string_equal(email->comment, "mail");
    assert_int_equal(email->type.kind, TYPE_STRING);
    assert_int_equal(email->server_default.kind, DEFAULT_NONE);
    apply_ok(s, (op){.kind = OP_ALTER_COLUMN, .table_name = "users", .column = &want, .old_column = email,
                     .alter = ALTER_TYPE | ALTER_DEFAULT});
    assert_int_equal(email->type.kind, TYPE_TEXT);
    assert_string_equal(email->server_default.text, "x");

    /* Drop takes the column's index along (PostgreSQL does). */
    column drop = {.name = "email"};
    apply_ok(s, (op){.kind = OP_DROP_COLUMN, .table_name = "users", .column = &drop});
    assert_null(table_find_column(u, "email"));
    assert_int_equal(u->indexes.len, 0);
    assert_int_equal(u->columns.len, 3);
    assert_string_equal(u->columns.items[1]->name, "full_name");

    apply_fails(s, (op){.kind = OP_DROP_COLUMN, .table_name = "users", .column = &drop},
                "column 'email' does not exist in table 'users'");
    apply_fails(s, (op){.kind = OP_ADD_COLUMN, .table_name = "users", .column = &added},
                "column 'age' already exists in table 'users'");
    apply_fails(s, (op){.kind = OP_RENAME_COLUMN, .table_name = "users", .old_name = "age", .new_name = "full_name"},
                "cannot rename column 'age' to 'full_name': that name is taken");
    apply_fails(s, (op){.kind = OP_ADD_COLUMN, .table_name = "nope", .column = &added}, "table 'nope' does not exist");
    schema_free(s);
}

/* A table wider than TABLE_COLUMNS_SEARCHED finds its columns by a map,
** which add, rename and drop keep as the search of narrower ones does;
** the map is made when the table outgrows the search, and by a
** reservation of more columns. */
static void test_wide_table_columns(void **state) {
    (void)state;
    schema *s = schema_new();
    table *narrow = schema_add_table(s, "narrow");
    table *wide = schema_add_table(s, "wide");
    table *reserved = schema_add_table(s, "reserved");
    table_reserve_columns(s, reserved, TABLE_COLUMNS_SEARCHED + 4);
    char name[32];
    for (int i = 0; i < TABLE_COLUMNS_SEARCHED + 4; i++) {
        snprintf(name, sizeof name, "c%02d", i);
        if (i < TABLE_COLUMNS_SEARCHED) col(s, narrow, name, TYPE_INTEGER, true);
        col(s, wide, name, TYPE_INTEGER, true);
        col(s, reserved, name, TYPE_INTEGER, true);
        assert_null(table_add_column(s, wide, name));     /* taken */
    }
    assert_null(narrow->columns_by_name);
    assert_non_null(wide->columns_by_name);
    assert_non_null(reserved->columns_by_name);
    for (int i = 0; i < TABLE_COLUMNS_SEARCHED + 4; i++) {
        snprintf(name, sizeof name, "c%02d", i);
        assert_ptr_equal(table_find_column(wide, name), wide->columns.items[i]);
        assert_ptr_equal(table_find_column(reserved, name), reserved->columns.items[i]);
        if (i < TABLE_COLUMNS_SEARCHED) assert_ptr_equal(table_find_column(narrow, name), narrow->columns.items[i]);
    }
    assert_null(table_find_column(narrow, "c16"));
    assert_null(table_find_column(wide, "c"));
    const char *names[] = {"narrow", "wide"};
    for (size_t k = 0; k < 2; k++) {
        table *t = schema_find_table(s, names[k]);
        column *c03 = table_find_column(t, "c03");
        apply_ok(s, (op){.kind = OP_RENAME_COLUMN, .table_name = names[k], .old_name = "c03", .new_name = "renamed"});
        assert_null(table_find_column(t, "c03"));
        assert_ptr_equal(table_find_column(t, "renamed"), c03);
        column drop = {.name = "c05"};
        apply_ok(s, (op){.kind = OP_DROP_COLUMN, .table_name = names[k], .column = &drop});
        assert_null(table_find_column(t, "c05"));
        column added = {.name = "c05", .nullable = true, .type = {.kind = TYPE_TEXT, .length = -1}};
        apply_ok(s, (op){.kind = OP_ADD_COLUMN, .table_name = names[k], .column = &added});
        assert_int_equal(table_find_column(t, "c05")->type.kind, TYPE_TEXT);
        apply_fails(s, (op){.kind = OP_RENAME_COLUMN, .table_name = names[k], .old_name = "c04", .new_name = "renamed"},
                    "cannot rename column 'c04' to 'renamed': that name is taken");
    }
    schema_free(s);
}

static void test_indexes_and_constraints(void **state) {
    (void)state;
    schema *s = base();
    arena *a = s->arena;
    table *u = schema_find_table(s, "users");
    table *p = schema_find_table(s, "posts");
    index_def ix = {.name = "ix_users_name", .columns = STRS(a, "name"), .unique = true};
    apply_ok(s, (op){.kind = OP_CREATE_INDEX, .table_name = "users", .index = &ix});
    assert_non_null(table_find_index(u, "ix_users_name"));
    apply_fails(s, (op){.kind = OP_CREATE_INDEX, .table_name = "posts", .index = &ix},
                "index 'ix_users_name' already exists (on table 'users')");
    index_def named = {.name = "ix_users_email"};
    apply_ok(s, (op){.kind = OP_DROP_INDEX, .table_name = "users", .index = &named});
    assert_null(table_find_index(u, "ix_users_email"));
    apply_fails(s, (op){.kind = OP_DROP_INDEX, .table_name = "users", .index = &named},
                "index 'ix_users_email' does not exist on table 'users'");

    unique_def uq = {.name = "uq_users_name"};
    apply_ok(s, (op){.kind = OP_DROP_UNIQUE, .table_name = "users", .unique = &uq});
    assert_int_equal(u->uniques.len, 0);
    apply_fails(s, (op){.kind = OP_DROP_UNIQUE, .table_name = "users", .unique = &uq},
                "unique constraint 'uq_users_name' does not exist on table 'users'");
    unique_def uq2 = {.name = "uq_email", .columns = STRS(a, "email")};
    apply_ok(s, (op){.kind = OP_ADD_UNIQUE, .table_name = "users", .unique = &uq2});
    assert_string_equal(u->uniques.items[0]->name, "uq_email");

    /* An unnamed foreign key answers to the name PostgreSQL gives it. */
    foreign_key fk = {.name = "posts_author_id_fkey"};
    apply_ok(s, (op){.kind = OP_DROP_FOREIGN_KEY, .table_name = "posts", .fk = &fk});
    assert_int_equal(p->foreign_keys.len, 0);
    apply_fails(s, (op){.kind = OP_DROP_FOREIGN_KEY, .table_name = "posts", .fk = &fk},
                "foreign key 'posts_author_id_fkey' does not exist on table 'posts'");
    foreign_key fk2 = {.name = "fk_author", .columns = STRS(a, "author_id"), .ref_table = "users",
                       .ref_columns = STRS(a, "id"), .ondelete = "CASCADE"};
    apply_ok(s, (op){.kind = OP_ADD_FOREIGN_KEY, .table_name = "posts", .fk = &fk2});
    assert_string_equal(p->foreign_keys.items[0]->ondelete, "CASCADE");

    check_def ck = {.name = "ck_id", .sqltext = "id > 0"};
    apply_ok(s, (op){.kind = OP_ADD_CHECK, .table_name = "posts", .check = &ck});
    assert_string_equal(p->checks.items[0]->sqltext, "id > 0");
    apply_ok(s, (op){.kind = OP_DROP_CHECK, .table_name = "posts", .check = &ck});
    assert_int_equal(p->checks.len, 0);
    apply_fails(s, (op){.kind = OP_DROP_CHECK, .table_name = "posts", .check = &ck},
                "check constraint 'ck_id' does not exist on table 'posts'");

    apply_ok(s, (op){.kind = OP_SET_TABLE_COMMENT, .table_name = "posts", .new_comment = "All posts"});
    assert_string_equal(p->comment, "All posts");
    apply_ok(s, (op){.kind = OP_SET_TABLE_COMMENT, .table_name = "posts", .old_comment = "All posts"});
    assert_null(p->comment);
    apply_ok(s, (op){.kind = OP_EXECUTE, .sql = "DROP TABLE posts"});
    assert_non_null(schema_find_table(s, "posts")); /* execute: the schema stays as it is */
    schema_free(s);
}

/* A 1,000-table foreign key chain copies and renames without recursion. */
static void test_deep_chain(void **state) {
    (void)state;
    schema *s = schema_new();
    arena *a = s->arena;
    char name[32], prev[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "t%d", i);
        table *t = schema_add_table(s, name);
        col(s, t, "id", TYPE_INTEGER, false);
        if (i) {
            foreign_key *fk = arena_alloc(a, sizeof *fk);
            fk->columns = STRS(a, "id");
            fk->ref_table = arena_strdup(a, prev);
            fk->ref_columns = STRS(a, "id");
            vec_push(a, &t->foreign_keys, fk);
        }
        memcpy(prev, name, sizeof name);
    }
    schema *c = schema_copy(s);
    apply_ok(c, (op){.kind = OP_RENAME_TABLE, .old_name = "t0", .new_name = "root"});
    assert_string_equal(schema_find_table(c, "t1")->foreign_keys.items[0]->ref_table, "root");
    assert_string_equal(schema_find_table(s, "t1")->foreign_keys.items[0]->ref_table, "t0");
    assert_int_equal(c->tables.len, 1000);
    schema_free(s);
    schema_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_wide_table_columns),
        cmocka_unit_test(test_indexes_and_constraints),
        cmocka_unit_test(test_deep_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
