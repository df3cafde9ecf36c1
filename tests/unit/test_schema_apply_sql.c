/*
** test_schema_apply_sql.c — schema_apply_sql() (src/diff/apply_sql.c):
** what an op.execute() statement does to a schema, as `check --offline`
** follows it: rows only, nothing, retort's own enum statements (applied,
** each form the SQL renderer writes), or a change of the schema that is
** not followed; located errors for an enum statement that does not apply.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "diff/diff.h"
#include "render/sql.h"

/* job(id, status task_status DEFAULT 'pending', moods mood[]) with the
** types task_status (pending, done) and mood (happy). */
static schema *base(void) {
    schema *s = schema_new();
    arena *a = s->arena;
    enum_type *st = schema_add_enum(s, "task_status");
    vec_push(a, &st->labels, ((enum_label){.label = "pending"}));
    vec_push(a, &st->labels, ((enum_label){.label = "done"}));
    enum_type *mood = schema_add_enum(s, "mood");
    vec_push(a, &mood->labels, ((enum_label){.label = "happy"}));
    table *t = schema_add_table(s, "job");
    column *id = table_add_column(s, t, "id");
    id->type.kind = TYPE_INTEGER;
    column *c = table_add_column(s, t, "status");
    c->type = (col_type){.kind = TYPE_ENUM, .enumeration = st};
    c->server_default = (server_default){.kind = DEFAULT_SQL, .text = "'pending'::task_status"};
    column *m = table_add_column(s, t, "moods");
    col_type *el = arena_alloc(a, sizeof *el);
    *el = (col_type){.kind = TYPE_ENUM, .enumeration = mood};
    m->type = (col_type){.kind = TYPE_ARRAY, .element = el};
    return s;
}

static sql_effect effect_of(schema *s, const char *sql, const char **what) {
    diag_list dl;
    diag_list_init(&dl);
    op o = {.kind = OP_EXECUTE, .sql = sql, .loc = {"m.py", 7, 5}};
    sql_effect e;
    const char *w = NULL;
    int rc = schema_apply_sql(s, &o, NULL, &e, &w, &dl);
    if (rc) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    if (what) *what = w ? strdup(w) : NULL;
    diag_list_free(&dl);
    return e;
}

static const char *labels(arena *a, const schema *s, const char *name) {
    const enum_type *e = schema_find_enum(s, name);
    if (!e) return "(none)";
    str_vec v = {0};
    for (size_t i = 0; i < e->labels.len; i++) vec_push(a, &v, e->labels.items[i].label);
    return str_vec_join(a, &v, ",");
}

static void test_data_and_nothing(void **state) {
    (void)state;
    schema *s = base();
    static const char *const ROWS[] = {
        "UPDATE job SET status = 'done' WHERE id = 1", "delete from job", "TRUNCATE job",
        "WITH x AS (DELETE FROM job RETURNING id) SELECT 1",
        "DO $$ BEGIN UPDATE job SET id = id; END $$",
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof *ROWS; i++) assert_int_equal(effect_of(s, ROWS[i], NULL), SQL_EFFECT_ROWS);
    static const char *const NOTHING[] = {
        "SELECT 1", "  -- a comment\n select count(*) from job", "INSERT INTO job (id) VALUES (1)",
        "SET LOCAL lock_timeout = '5s'", "GRANT SELECT ON job TO reader", "",
        "CREATE EXTENSION IF NOT EXISTS citext", "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ "
        "LANGUAGE sql", "CREATE VIEW v AS SELECT * FROM job", "DROP VIEW v", "CREATE TRIGGER t AFTER INSERT ON job "
        "FOR EACH ROW EXECUTE FUNCTION f()", "CREATE TYPE pair AS (a int, b int)", "CREATE SEQUENCE s",
        /* retort's citext guard (render/python.c): CREATE EXTENSION is in a string */
        "DO $$ BEGIN IF to_regtype('citext') IS NULL THEN RAISE EXCEPTION 'type citext does not exist, the citext "
        "extension is not installed in this database' USING HINT = 'run CREATE EXTENSION citext (as a superuser, or "
        "as the database owner on PostgreSQL 13 and later), then run the migration again'; END IF; END $$",
    };
    for (size_t i = 0; i < sizeof NOTHING / sizeof *NOTHING; i++)
        assert_int_equal(effect_of(s, NOTHING[i], NULL), SQL_EFFECT_NONE);
    schema_free(s);
}

static void test_schema_changes(void **state) {
    (void)state;
    schema *s = base();
    static const struct { const char *sql, *what; } CASES[] = {
        {"CREATE INDEX ix_job_status ON job (status)", "CREATE INDEX"},
        {"create unique index ux on job (id)", "create unique"},
        {"ALTER TABLE job ADD COLUMN note text", "ALTER TABLE"},
        {"ALTER TABLE job ALTER COLUMN id TYPE bigint USING id::bigint", "ALTER TABLE"},
        {"DROP TABLE job", "DROP TABLE"},
        {"COMMENT ON TABLE job IS 'jobs'", "COMMENT ON"},
        {"DO $$ BEGIN EXECUTE 'DROP TABLE job'; END $$", "a DO block that runs DDL"},
        {"UPDATE job SET id = 1; CREATE TABLE other (id int)", "CREATE TABLE"},
        {"CREATE TYPE other AS ENUM ('a', b)", "CREATE TYPE"},
        {"ALTER TYPE mood OWNER TO someone", "ALTER TYPE"},
        {"ALTER TABLE job ALTER COLUMN status SET NOT NULL", "ALTER TABLE"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        const char *what = NULL;
        assert_int_equal(effect_of(s, CASES[i].sql, &what), SQL_EFFECT_SCHEMA);
        assert_string_equal(what, CASES[i].what);
        free((void *)what);
    }
    schema_free(s);
}

static void test_enum_statements(void **state) {
    (void)state;
    schema *s = base();
    arena *a = arena_new();
    assert_int_equal(effect_of(s, "CREATE TYPE \"Kind\" AS ENUM ('a', E'it\\'s', 'b''c')", NULL), SQL_EFFECT_APPLIED);
    assert_string_equal(labels(a, s, "Kind"), "a,it's,b'c");
    assert_int_equal(effect_of(s, "ALTER TYPE task_status ADD VALUE IF NOT EXISTS 'queued' BEFORE 'pending'", NULL),
                     SQL_EFFECT_APPLIED);
    assert_int_equal(effect_of(s, "ALTER TYPE task_status ADD VALUE 'running' AFTER 'pending'", NULL), SQL_EFFECT_APPLIED);
    assert_int_equal(effect_of(s, "ALTER TYPE public.task_status ADD VALUE 'archived'", NULL), SQL_EFFECT_APPLIED);
    assert_int_equal(effect_of(s, "ALTER TYPE task_status ADD VALUE IF NOT EXISTS 'archived'", NULL), SQL_EFFECT_APPLIED);
    assert_string_equal(labels(a, s, "task_status"), "queued,pending,running,done,archived");
    assert_int_equal(effect_of(s, "ALTER TYPE task_status RENAME VALUE 'done' TO 'completed'", NULL), SQL_EFFECT_APPLIED);
    assert_string_equal(labels(a, s, "task_status"), "queued,pending,running,completed,archived");
    /* a rebuild, as the renderer writes it (without 'queued') */
    static const char *const REBUILD[] = {
        "ALTER TYPE task_status RENAME TO task_status_old",
        "CREATE TYPE task_status AS ENUM ('pending', 'running', 'completed', 'archived')",
        "ALTER TABLE job ALTER COLUMN status DROP DEFAULT",
        "ALTER TABLE job ALTER COLUMN status TYPE task_status USING status::text::task_status",
        "ALTER TABLE job ALTER COLUMN status SET DEFAULT 'pending'::task_status",
        "DROP TYPE task_status_old",
    };
    for (size_t i = 0; i < sizeof REBUILD / sizeof *REBUILD; i++)
        assert_int_equal(effect_of(s, REBUILD[i], NULL), SQL_EFFECT_APPLIED);
    assert_string_equal(labels(a, s, "task_status"), "pending,running,completed,archived");
    assert_null(schema_find_enum(s, "task_status_old"));
    const column *c = table_find_column(schema_find_table(s, "job"), "status");
    assert_int_equal(c->type.kind, TYPE_ENUM);
    assert_string_equal(c->type.enumeration->name, "task_status");
    assert_string_equal(c->server_default.text, "'pending'::task_status");
    /* an array column converted to another enum type */
    assert_int_equal(effect_of(s, "ALTER TABLE job ALTER COLUMN moods TYPE \"Kind\"[] USING moods::text[]::\"Kind\"[]",
                               NULL), SQL_EFFECT_APPLIED);
    c = table_find_column(schema_find_table(s, "job"), "moods");
    assert_int_equal(c->type.kind, TYPE_ARRAY);
    assert_string_equal(c->type.element->enumeration->name, "Kind");
    assert_int_equal(effect_of(s, "DROP TYPE mood", NULL), SQL_EFFECT_APPLIED);
    assert_null(schema_find_enum(s, "mood"));
    /* a type of another schema than the default one: that schema's, not a
    ** type of the same name in the default schema */
    assert_int_equal(effect_of(s, "CREATE TYPE audit.task_status AS ENUM ('x')", NULL), SQL_EFFECT_APPLIED);
    assert_int_equal(effect_of(s, "ALTER TYPE audit.task_status ADD VALUE 'y'", NULL), SQL_EFFECT_APPLIED);
    const enum_type *other = schema_find_enum_in(s, "audit", "task_status");
    assert_non_null(other);
    assert_int_equal(other->labels.len, 2);
    assert_string_equal(labels(a, s, "task_status"), "pending,running,completed,archived");
    assert_int_equal(effect_of(s, "ALTER TYPE audit.task_status RENAME TO status", NULL), SQL_EFFECT_APPLIED);
    assert_non_null(schema_find_enum_in(s, "audit", "status"));
    assert_null(schema_find_enum(s, "status"));
    assert_int_equal(effect_of(s, "DROP TYPE audit.status", NULL), SQL_EFFECT_APPLIED);
    assert_null(schema_find_enum_in(s, "audit", "status"));
    assert_non_null(schema_find_enum(s, "task_status"));
    arena_free(a);
    schema_free(s);
}

/* What the SQL renderer writes for an ALTER_ENUM is what is followed: the
** two stay one definition. */
static void test_renderer_statements(void **state) {
    (void)state;
    schema *s = base();
    arena *a = arena_new();
    enum_type *after = enum_type_copy(a, schema_find_enum(s, "task_status"));
    after->labels.len = 0;
    vec_push(a, &after->labels, ((enum_label){.label = "done"}));
    vec_push(a, &after->labels, ((enum_label){.label = "new"}));
    enum_use_vec uses = {0};
    vec_push(a, &uses, ((enum_use){.table = "job", .column = "status", .default_sql = "'pending'::task_status"}));
    op o = {.kind = OP_ALTER_ENUM, .enumeration = after, .old_enumeration = schema_find_enum(s, "task_status"),
            .enum_uses = &uses};
    sql_statements sql = {0};
    diag_list dl;
    diag_list_init(&dl);
    assert_int_equal(render_sql(&o, 1, dialect_postgresql(), s, a, &sql, &dl), 0);
    assert_true(sql.len > 3);
    for (size_t i = 0; i < sql.len; i++) assert_int_equal(effect_of(s, sql.items[i].text, NULL), SQL_EFFECT_APPLIED);
    assert_string_equal(labels(a, s, "task_status"), "done,new");
    diag_list_free(&dl);
    arena_free(a);
    schema_free(s);
}

static void test_errors(void **state) {
    (void)state;
    schema *s = base();
    static const struct { const char *sql, *message; } CASES[] = {
        {"DROP TYPE nothing", "enum type 'nothing' does not exist"},
        {"CREATE TYPE mood AS ENUM ('x')", "enum type 'mood' already exists"},
        {"ALTER TYPE mood RENAME VALUE 'sad' TO 'glad'", "enum type 'mood' has no label 'sad' to rename"},
        {"ALTER TYPE mood ADD VALUE 'x' AFTER 'sad'", "enum type 'mood' has no label 'sad' to add 'x' after"},
        {"ALTER TABLE nope ALTER COLUMN status DROP DEFAULT", "table 'nope' does not exist"},
        {"ALTER TABLE audit.job ALTER COLUMN status DROP DEFAULT", "table 'audit.job' does not exist"},
        {"DROP TYPE audit.mood", "enum type 'audit.mood' does not exist"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        diag_list dl;
        diag_list_init(&dl);
        op o = {.kind = OP_EXECUTE, .sql = CASES[i].sql, .loc = {"m.py", 7, 5}};
        sql_effect e;
        const char *w;
        assert_int_equal(schema_apply_sql(s, &o, NULL, &e, &w, &dl), -1);
        assert_int_equal(dl.items.len, 1);
        assert_string_equal(dl.items.items[0].message, CASES[i].message);
        assert_string_equal(dl.items.items[0].loc.file, "m.py");
        assert_int_equal(dl.items.items[0].loc.line, 7);
        diag_list_free(&dl);
    }
    schema_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_and_nothing),
        cmocka_unit_test(test_schema_changes),
        cmocka_unit_test(test_enum_statements),
        cmocka_unit_test(test_renderer_statements),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
