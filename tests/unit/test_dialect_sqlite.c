/*
** test_dialect_sqlite.c — the SQLite dialect: type spellings, type
** equality, canonical defaults and identifier quoting.  The declared types
** and default texts here are the ones SQLAlchemy 1.4 writes and SQLite's
** pragma_table_info gives back (checked against a real database below).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dialect/dialect.h"

#include <sqlite3.h>
#include <string.h>

static arena *A;

static int setup(void **state) {
    (void)state;
    A = arena_new();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    arena_free(A);
    return 0;
}

/* ------------------------------------------------------------------ basics */

static void test_dialect_identity(void **state) {
    (void)state;
    const dialect *d = dialect_sqlite();
    assert_int_equal(d->kind, DIALECT_SQLITE);
    assert_string_equal(d->name, "sqlite");
    assert_false(d->stores_comments);
    assert_true(d->alter_needs_batch);
}

/* ------------------------------------------------------------- parse_type */

static void expect_type(const char *declared, type_kind kind, int length, int precision, int scale) {
    col_type t = dialect_sqlite()->parse_type(A, declared);
    if (t.kind != kind || t.length != length || t.precision != precision || t.scale != scale)
        fail_msg("%s: got kind %d length %d precision %d scale %d", declared, t.kind, t.length,
                 t.precision, t.scale);
    assert_string_equal(t.raw, declared);
}

static void test_parse_sqlalchemy_types(void **state) {
    (void)state;
    expect_type("VARCHAR(255)", TYPE_STRING, 255, -1, -1);
    expect_type("VARCHAR", TYPE_STRING, -1, -1, -1);
    expect_type("TEXT", TYPE_TEXT, -1, -1, -1);
    expect_type("INTEGER", TYPE_INTEGER, -1, -1, -1);
    expect_type("BIGINT", TYPE_BIGINT, -1, -1, -1);
    expect_type("SMALLINT", TYPE_SMALLINT, -1, -1, -1);
    expect_type("FLOAT", TYPE_FLOAT, -1, -1, -1);
    expect_type("REAL", TYPE_FLOAT, -1, -1, -1);
    expect_type("NUMERIC(10, 2)", TYPE_NUMERIC, -1, 10, 2);
    expect_type("NUMERIC", TYPE_NUMERIC, -1, -1, -1);
    expect_type("DECIMAL", TYPE_NUMERIC, -1, -1, -1);
    expect_type("DECIMAL(12,4)", TYPE_NUMERIC, -1, 12, 4);
    expect_type("DATETIME", TYPE_DATETIME, -1, -1, -1);
    expect_type("TIMESTAMP", TYPE_DATETIME, -1, -1, -1);
    expect_type("DATE", TYPE_DATE, -1, -1, -1);
    expect_type("TIME", TYPE_TIME, -1, -1, -1);
    expect_type("BOOLEAN", TYPE_BOOLEAN, -1, -1, -1);
    expect_type("JSON", TYPE_JSON, -1, -1, -1);
    expect_type("BLOB", TYPE_LARGEBINARY, -1, -1, -1);
    expect_type("CHAR(32)", TYPE_STRING, 32, -1, -1);
    expect_type("INTERVAL", TYPE_INTERVAL, -1, -1, -1);
    expect_type("UUID", TYPE_UUID, -1, -1, -1);
}

static void test_parse_case_and_spaces(void **state) {
    (void)state;
    expect_type("varchar(50)", TYPE_STRING, 50, -1, -1);
    expect_type("  VarChar ( 50 ) ", TYPE_STRING, 50, -1, -1);
    expect_type("numeric( 10 ,2 )", TYPE_NUMERIC, -1, 10, 2);
    expect_type("double   precision", TYPE_FLOAT, -1, -1, -1);
    expect_type("int", TYPE_INTEGER, -1, -1, -1);
    expect_type("Boolean", TYPE_BOOLEAN, -1, -1, -1);
}

static void test_parse_unknown_is_other(void **state) {
    (void)state;
    expect_type("GEOMETRY", TYPE_OTHER, -1, -1, -1);
    expect_type("", TYPE_OTHER, -1, -1, -1);
    expect_type("VARCHAR(abc)", TYPE_OTHER, -1, -1, -1);
    expect_type("INTEGER(5)", TYPE_OTHER, -1, -1, -1);
    expect_type("UNSIGNED BIG INT", TYPE_OTHER, -1, -1, -1);
}

/* ------------------------------------------------------------ types_equal */

static col_type model_type(type_kind k, int length) {
    col_type t = {.kind = k, .length = length, .precision = -1, .scale = -1};
    return t;
}

static bool equal_to(col_type wanted, const char *declared) {
    col_type cur = dialect_sqlite()->parse_type(A, declared);
    return dialect_sqlite()->types_equal(&wanted, &cur);
}

static void test_types_equal_same(void **state) {
    (void)state;
    assert_true(equal_to(model_type(TYPE_STRING, 255), "VARCHAR(255)"));
    assert_true(equal_to(model_type(TYPE_STRING, 255), "varchar( 255 )"));
    assert_true(equal_to(model_type(TYPE_STRING, -1), "VARCHAR"));
    assert_true(equal_to(model_type(TYPE_TEXT, -1), "TEXT"));
    assert_true(equal_to(model_type(TYPE_INTEGER, -1), "INTEGER"));
    assert_true(equal_to(model_type(TYPE_INTEGER, -1), "INT"));
    assert_true(equal_to(model_type(TYPE_BIGINT, -1), "BIGINT"));
    assert_true(equal_to(model_type(TYPE_SMALLINT, -1), "SMALLINT"));
    assert_true(equal_to(model_type(TYPE_FLOAT, -1), "FLOAT"));
    assert_true(equal_to(model_type(TYPE_BOOLEAN, -1), "BOOLEAN"));
    assert_true(equal_to(model_type(TYPE_JSON, -1), "JSON"));
    assert_true(equal_to(model_type(TYPE_LARGEBINARY, -1), "BLOB"));
    assert_true(equal_to(model_type(TYPE_DATE, -1), "DATE"));
    assert_true(equal_to(model_type(TYPE_TIME, -1), "TIME"));
    col_type tz = model_type(TYPE_DATETIME, -1);
    tz.timezone = true;
    assert_true(equal_to(tz, "DATETIME"));
    assert_true(equal_to(model_type(TYPE_DATETIME, -1), "DATETIME"));
    assert_true(equal_to(model_type(TYPE_UUID, -1), "CHAR(32)"));
    assert_true(equal_to(model_type(TYPE_INTERVAL, -1), "DATETIME"));
    col_type num = model_type(TYPE_NUMERIC, -1);
    num.precision = 10;
    num.scale = 2;
    assert_true(equal_to(num, "NUMERIC(10, 2)"));
    assert_true(equal_to(model_type(TYPE_NUMERIC, -1), "NUMERIC"));
    col_type other = model_type(TYPE_OTHER, -1);
    other.raw = "geometry";
    assert_true(equal_to(other, "GEOMETRY"));
    other.raw = "integer";
    assert_true(equal_to(other, "INTEGER"));
}

static void test_types_equal_real_changes(void **state) {
    (void)state;
    assert_false(equal_to(model_type(TYPE_INTEGER, -1), "BIGINT"));
    assert_false(equal_to(model_type(TYPE_BIGINT, -1), "INTEGER"));
    assert_false(equal_to(model_type(TYPE_SMALLINT, -1), "INTEGER"));
    assert_false(equal_to(model_type(TYPE_STRING, 50), "VARCHAR(100)"));
    assert_false(equal_to(model_type(TYPE_STRING, 50), "VARCHAR"));
    assert_false(equal_to(model_type(TYPE_STRING, -1), "VARCHAR(50)"));
    assert_false(equal_to(model_type(TYPE_STRING, 255), "TEXT"));
    assert_false(equal_to(model_type(TYPE_TEXT, -1), "VARCHAR"));
    assert_false(equal_to(model_type(TYPE_BOOLEAN, -1), "INTEGER"));
    assert_false(equal_to(model_type(TYPE_JSON, -1), "TEXT"));
    assert_false(equal_to(model_type(TYPE_DATETIME, -1), "DATE"));
    assert_false(equal_to(model_type(TYPE_FLOAT, -1), "NUMERIC"));
    assert_false(equal_to(model_type(TYPE_UUID, -1), "CHAR(36)"));
    /* What retort's own migrations create for a Uuid (sa.String(length=36)). */
    assert_true(equal_to(model_type(TYPE_UUID, -1), "VARCHAR(36)"));
    assert_false(equal_to(model_type(TYPE_UUID, -1), "VARCHAR(32)"));
    assert_false(equal_to(model_type(TYPE_INTERVAL, -1), "DATE"));
    col_type num = model_type(TYPE_NUMERIC, -1);
    num.precision = 10;
    num.scale = 2;
    assert_false(equal_to(num, "NUMERIC(10, 3)"));
    assert_false(equal_to(num, "NUMERIC"));
    col_type other = model_type(TYPE_OTHER, -1);
    other.raw = "GEOMETRY";
    assert_false(equal_to(other, "POINT"));
}

/* ------------------------------------------------------ canonical_default */

static const char *canon(type_kind k, default_kind dk, const char *text, bool b) {
    col_type t = model_type(k, -1);
    server_default d = {.kind = dk, .text = text, .bool_value = b};
    return dialect_sqlite()->canonical_default(A, &t, &d);
}

static const char *canon_db(const char *declared, const char *dflt_value) {
    col_type t = dialect_sqlite()->parse_type(A, declared);
    server_default d = {.kind = DEFAULT_SQL, .text = dflt_value};
    return dialect_sqlite()->canonical_default(A, &t, &d);
}

static void test_default_strings(void **state) {
    (void)state;
    assert_string_equal(canon(TYPE_STRING, DEFAULT_STRING, "pending", false), "'pending'");
    assert_string_equal(canon_db("VARCHAR(50)", "'pending'"), "'pending'");
    assert_string_equal(canon_db("VARCHAR(50)", "('pending')"), "'pending'");
    assert_string_equal(canon(TYPE_JSON, DEFAULT_STRING, "{}", false), "'{}'");
    assert_string_equal(canon_db("JSON", "'{}'"), "'{}'");
    assert_string_equal(canon(TYPE_JSON, DEFAULT_STRING, "[]", false), "'[]'");
    assert_string_equal(canon_db("JSON", "'[]'"), "'[]'");
    assert_string_equal(canon(TYPE_STRING, DEFAULT_STRING, "it's", false), "'it''s'");
    assert_string_equal(canon_db("VARCHAR(10)", "'it''s'"), "'it''s'");
    assert_string_equal(canon(TYPE_STRING, DEFAULT_SQL, "'pending'", false), "'pending'");
    /* A number on a text column is stored as its text. */
    assert_string_equal(canon(TYPE_STRING, DEFAULT_NUMBER, "0", false), "'0'");
    assert_string_equal(canon_db("VARCHAR(5)", "0"), "'0'");
    assert_string_equal(canon_db("VARCHAR(5)", "'0'"), "'0'");
    /* Different values stay different. */
    assert_string_not_equal(canon_db("VARCHAR(50)", "'pending'"), canon(TYPE_STRING, DEFAULT_STRING, "done", false));
    assert_string_not_equal(canon_db("JSON", "'[]'"), canon(TYPE_JSON, DEFAULT_STRING, "{}", false));
    assert_string_not_equal(canon_db("VARCHAR(50)", "'Pending'"), canon(TYPE_STRING, DEFAULT_STRING, "pending", false));
    /* The string "CURRENT_TIMESTAMP" is not the current time. */
    assert_string_not_equal(canon(TYPE_STRING, DEFAULT_STRING, "CURRENT_TIMESTAMP", false),
                            canon(TYPE_STRING, DEFAULT_NOW, NULL, false));
}

static void test_default_numbers(void **state) {
    (void)state;
    assert_string_equal(canon(TYPE_INTEGER, DEFAULT_NUMBER, "0", false), "0");
    assert_string_equal(canon_db("INTEGER", "'0'"), "0");
    assert_string_equal(canon_db("INTEGER", "0"), "0");
    assert_string_equal(canon_db("INTEGER", "(0)"), "0");
    assert_string_equal(canon_db("INTEGER", "-5"), "-5");
    assert_string_equal(canon(TYPE_INTEGER, DEFAULT_NUMBER, "-5", false), "-5");
    assert_string_equal(canon_db("FLOAT", "1.50"), "1.5");
    assert_string_equal(canon(TYPE_FLOAT, DEFAULT_NUMBER, "1.5", false), "1.5");
    assert_string_equal(canon_db("NUMERIC(10, 2)", "'2.0'"), "2");
    assert_string_equal(canon(TYPE_NUMERIC, DEFAULT_NUMBER, "2", false), "2");
    assert_string_not_equal(canon_db("INTEGER", "'1'"), canon(TYPE_INTEGER, DEFAULT_NUMBER, "0", false));
    assert_string_not_equal(canon_db("FLOAT", "1.25"), canon(TYPE_FLOAT, DEFAULT_NUMBER, "1.5", false));
    /* A non-numeric string on an integer column stays a string. */
    assert_string_equal(canon_db("INTEGER", "'abc'"), "'abc'");
}

static void test_default_booleans(void **state) {
    (void)state;
    const char *f = canon(TYPE_BOOLEAN, DEFAULT_BOOL, NULL, false);
    const char *t = canon(TYPE_BOOLEAN, DEFAULT_BOOL, NULL, true);
    assert_string_equal(f, "0");
    assert_string_equal(t, "1");
    assert_string_equal(canon_db("BOOLEAN", "'0'"), "0");
    assert_string_equal(canon_db("BOOLEAN", "0"), "0");
    assert_string_equal(canon_db("BOOLEAN", "false"), "0");
    assert_string_equal(canon_db("BOOLEAN", "FALSE"), "0");
    assert_string_equal(canon_db("BOOLEAN", "'1'"), "1");
    assert_string_equal(canon_db("BOOLEAN", "(1)"), "1");
    assert_string_equal(canon_db("BOOLEAN", "1"), "1");
    assert_string_equal(canon_db("BOOLEAN", "true"), "1");
    assert_string_equal(canon_db("BOOLEAN", "TRUE"), "1");
    assert_string_not_equal(canon_db("BOOLEAN", "'1'"), f);
    assert_string_not_equal(canon_db("BOOLEAN", "0"), t);
    /* The text 'true' is stored as text, not as 1. */
    assert_string_not_equal(canon_db("BOOLEAN", "'true'"), t);
}

static void test_default_now(void **state) {
    (void)state;
    const char *now = canon(TYPE_DATETIME, DEFAULT_NOW, NULL, false);
    assert_string_equal(now, "CURRENT_TIMESTAMP");
    assert_string_equal(canon_db("DATETIME", "(CURRENT_TIMESTAMP)"), now);
    assert_string_equal(canon_db("DATETIME", "CURRENT_TIMESTAMP"), now);
    assert_string_equal(canon_db("DATETIME", "current_timestamp"), now);
    assert_string_equal(canon_db("DATETIME", "( CURRENT_TIMESTAMP )"), now);
    assert_string_equal(canon_db("DATETIME", "(now())"), now);
    assert_string_equal(canon_db("DATETIME", "(datetime('now'))"), now);
    assert_string_equal(canon(TYPE_DATETIME, DEFAULT_SQL, "now()", false), now);
    assert_string_not_equal(canon_db("DATETIME", "CURRENT_DATE"), now);
    assert_string_not_equal(canon_db("DATETIME", "'2020-01-01'"), now);
}

static void test_default_none_and_expressions(void **state) {
    (void)state;
    assert_null(dialect_sqlite()->canonical_default(A, NULL, NULL));
    assert_null(canon(TYPE_STRING, DEFAULT_NONE, NULL, false));
    assert_null(canon_db("VARCHAR(5)", "NULL"));
    assert_null(canon_db("VARCHAR(5)", "(null)"));
    assert_string_equal(canon_db("INTEGER", "(abs(-3)  +  1)"), "abs(-3) + 1");
    assert_string_equal(canon(TYPE_INTEGER, DEFAULT_SQL, "abs(-3) + 1", false), "abs(-3) + 1");
    assert_string_equal(canon_db("VARCHAR(9)", "('a  b' || 'c')"), "'a  b' || 'c'");
}

/* A plain literal ('0', 'pending': no quote or blank inside) takes a
** shorter path than other spellings of the same value; both give the same
** text on every affinity.  The affinity follows SQLite's order of rules:
** INT anywhere first, then CHAR/CLOB/TEXT, then BLOB. */
static void test_default_plain_literals(void **state) {
    (void)state;
    static const char *const types[] = {"INTEGER", "VARCHAR(5)", "TEXT", "BLOB", "JSON", "NUMERIC(10, 2)",
                                        "FLOAT", "BOOLEAN", "DATETIME", "CHARINT", "BLOBCHAR",
                                        "FLOATING POINT", "nvarchar(3)", "clob", "POINT"};
    static const char *const values[] = {"0", "007", "1.50", "-5", "+7", ".5", "1e3", "abc", "{}", "",
                                         "NULL", "CURRENT_TIMESTAMP", "0x10", "12345678901234567890", "a  b",
                                         "it''s", " 5"};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        for (size_t k = 0; k < sizeof values / sizeof *values; k++) {
            const char *plain = arena_printf(A, "'%s'", values[k]);
            const char *parens = arena_printf(A, "('%s')", values[k]);
            assert_string_equal(canon_db(types[i], plain), canon_db(types[i], parens));
        }
    assert_string_equal(canon_db("INTEGER", "'007'"), "7");
    assert_string_equal(canon_db("JSON", "'{}'"), "'{}'");
    assert_string_equal(canon_db("BLOB", "'5'"), "'5'");
    assert_string_equal(canon_db("INTEGER", "''"), "''");
    assert_string_equal(canon_db("CHARINT", "'5'"), "5");         /* INT before CHAR */
    assert_string_equal(canon_db("BLOBCHAR", "5"), "'5'");        /* CHAR before BLOB */
    assert_string_equal(canon_db("BLOB", "5"), "5");
    assert_string_equal(canon_db("FLOATING POINT", "'5'"), "5");  /* INT in POINT */
    assert_string_equal(canon_db("nvarchar(3)", "5"), "'5'");
}

/* The default texts above are what SQLite really keeps: create a table with
** SQLAlchemy's spellings and read pragma_table_info back. */
static void test_defaults_as_sqlite_keeps_them(void **state) {
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE t (a DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL,"
                                  " b BOOLEAN DEFAULT '0' NOT NULL, c VARCHAR(50) DEFAULT 'pending',"
                                  " d INTEGER DEFAULT 0, e BOOLEAN DEFAULT (1), f BOOLEAN DEFAULT true)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT type, dflt_value FROM pragma_table_info('t') ORDER BY cid",
                                        -1, &st, NULL),
                     SQLITE_OK);
    const char *want[] = {"CURRENT_TIMESTAMP", "0", "'pending'", "0", "1", "1"};
    server_default model[] = {{.kind = DEFAULT_NOW}, {.kind = DEFAULT_BOOL},
                              {.kind = DEFAULT_STRING, .text = "pending"}, {.kind = DEFAULT_NUMBER, .text = "0"},
                              {.kind = DEFAULT_BOOL, .bool_value = true}, {.kind = DEFAULT_BOOL, .bool_value = true}};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        col_type t = dialect_sqlite()->parse_type(A, (const char *)sqlite3_column_text(st, 0));
        server_default d = {.kind = DEFAULT_SQL, .text = arena_strdup(A, (const char *)sqlite3_column_text(st, 1))};
        assert_string_equal(dialect_sqlite()->canonical_default(A, &t, &d), want[i]);
        assert_string_equal(dialect_sqlite()->canonical_default(A, &t, &model[i]), want[i]);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ------------------------------------------------------------ quote_ident */

static void test_quote_ident(void **state) {
    (void)state;
    const dialect *d = dialect_sqlite();
    assert_string_equal(d->quote_ident(A, "datasets"), "datasets");
    assert_string_equal(d->quote_ident(A, "row_count"), "row_count");
    assert_string_equal(d->quote_ident(A, "Mixed_Case1"), "Mixed_Case1");
    assert_string_equal(d->quote_ident(A, "my table"), "\"my table\"");
    assert_string_equal(d->quote_ident(A, "1st"), "\"1st\"");
    assert_string_equal(d->quote_ident(A, "a-b"), "\"a-b\"");
    assert_string_equal(d->quote_ident(A, "say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_string_equal(d->quote_ident(A, "order"), "\"order\"");
    assert_string_equal(d->quote_ident(A, "SELECT"), "\"SELECT\"");
    assert_string_equal(d->quote_ident(A, "index"), "\"index\"");
    assert_string_equal(d->quote_ident(A, ""), "\"\"");
    /* Quoted names really work as identifiers. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    char *sql = arena_printf(A, "CREATE TABLE %s (%s INTEGER, %s TEXT)", d->quote_ident(A, "order"),
                             d->quote_ident(A, "say \"hi\""), d->quote_ident(A, "my table"));
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dialect_identity),
        cmocka_unit_test(test_parse_sqlalchemy_types),
        cmocka_unit_test(test_parse_case_and_spaces),
        cmocka_unit_test(test_parse_unknown_is_other),
        cmocka_unit_test(test_types_equal_same),
        cmocka_unit_test(test_types_equal_real_changes),
        cmocka_unit_test(test_default_strings),
        cmocka_unit_test(test_default_numbers),
        cmocka_unit_test(test_default_booleans),
        cmocka_unit_test(test_default_now),
        cmocka_unit_test(test_default_none_and_expressions),
        cmocka_unit_test(test_default_plain_literals),
        cmocka_unit_test(test_defaults_as_sqlite_keeps_them),
        cmocka_unit_test(test_quote_ident),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
