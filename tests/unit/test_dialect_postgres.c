/*
** test_dialect_postgres.c — the PostgreSQL dialect: format_type() spellings
** to types, type equality, server-default canonical forms (what the server
** keeps vs what the models say), and identifier quoting.
**
** The database spellings used here are the ones PostgreSQL 15 really prints
** (format_type() and pg_get_expr() on tables SQLAlchemy 1.4 created);
** test_introspect_postgres.c checks them against a live server.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dialect/dialect.h"

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

static col_type parse(const char *s) { return dialect_postgresql()->parse_type(A, s); }

static col_type model_type(type_kind k) {
    col_type t = {.kind = k, .length = -1, .precision = -1, .scale = -1};
    return t;
}

/* ----------------------------------------------------------------- basics */

static void test_identity(void **state) {
    (void)state;
    const dialect *d = dialect_postgresql();
    assert_int_equal(d->kind, DIALECT_POSTGRESQL);
    assert_string_equal(d->name, "postgresql");
    assert_true(d->stores_comments);
    assert_false(d->alter_needs_batch);
}

/* ------------------------------------------------------------------ types */

static void test_parse_types(void **state) {
    (void)state;
    struct { const char *spelling; type_kind kind; int length, precision, scale; bool tz, jsonb; } cases[] = {
        {"character varying(255)", TYPE_STRING, 255, -1, -1, false, false},
        {"character varying", TYPE_STRING, -1, -1, -1, false, false},
        {"VARCHAR(36)", TYPE_STRING, 36, -1, -1, false, false},
        {"text", TYPE_TEXT, -1, -1, -1, false, false},
        {"integer", TYPE_INTEGER, -1, -1, -1, false, false},
        {"bigint", TYPE_BIGINT, -1, -1, -1, false, false},
        {"smallint", TYPE_SMALLINT, -1, -1, -1, false, false},
        {"double precision", TYPE_FLOAT, -1, -1, -1, false, false},
        {"real", TYPE_FLOAT, -1, 24, -1, false, false},
        {"numeric(10,2)", TYPE_NUMERIC, -1, 10, 2, false, false},
        {"numeric(12,0)", TYPE_NUMERIC, -1, 12, 0, false, false},
        {"numeric", TYPE_NUMERIC, -1, -1, -1, false, false},
        {"timestamp with time zone", TYPE_DATETIME, -1, -1, -1, true, false},
        {"timestamp without time zone", TYPE_DATETIME, -1, -1, -1, false, false},
        {"timestamp(3) with time zone", TYPE_DATETIME, -1, -1, -1, true, false},
        {"date", TYPE_DATE, -1, -1, -1, false, false},
        {"time without time zone", TYPE_TIME, -1, -1, -1, false, false},
        {"time with time zone", TYPE_TIME, -1, -1, -1, true, false},
        {"interval", TYPE_INTERVAL, -1, -1, -1, false, false},
        {"interval day to second", TYPE_INTERVAL, -1, -1, -1, false, false},
        {"boolean", TYPE_BOOLEAN, -1, -1, -1, false, false},
        {"json", TYPE_JSON, -1, -1, -1, false, false},
        {"jsonb", TYPE_JSON, -1, -1, -1, false, true},
        {"bytea", TYPE_LARGEBINARY, -1, -1, -1, false, false},
        {"uuid", TYPE_UUID_NATIVE, -1, -1, -1, false, false},
        {"inet", TYPE_INET, -1, -1, -1, false, false},
        {"cidr", TYPE_CIDR, -1, -1, -1, false, false},
        {"macaddr", TYPE_MACADDR, -1, -1, -1, false, false},
        {"tsvector", TYPE_TSVECTOR, -1, -1, -1, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        col_type t = parse(cases[i].spelling);
        print_message("%s\n", cases[i].spelling);
        assert_int_equal(t.kind, cases[i].kind);
        assert_int_equal(t.length, cases[i].length);
        assert_int_equal(t.precision, cases[i].precision);
        assert_int_equal(t.scale, cases[i].scale);
        assert_int_equal(t.timezone, cases[i].tz);
        assert_int_equal(t.jsonb, cases[i].jsonb);
        assert_string_equal(t.raw, cases[i].spelling);
    }
}

static void test_parse_other_types(void **state) {
    (void)state;
    const char *others[] = {"character(3)", "my_enum", "timestamps", "texts", "point", "point[]",
                            "character(3)[]", "macaddr8"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        col_type t = parse(others[i]);
        print_message("%s\n", others[i]);
        assert_int_equal(t.kind, TYPE_OTHER);
        assert_string_equal(t.raw, others[i]);
    }
}

/* "T[]" is an array of T, whatever the number of [] (format_type prints
** one); an array of a type with no model spelling stays TYPE_OTHER. */
static void test_parse_array_types(void **state) {
    (void)state;
    col_type t = parse("character varying(20)[]");
    assert_int_equal(t.kind, TYPE_ARRAY);
    assert_non_null(t.element);
    assert_int_equal(t.element->kind, TYPE_STRING);
    assert_int_equal(t.element->length, 20);
    assert_int_equal(t.dimensions, 1);
    t = parse("integer[][]");
    assert_int_equal(t.kind, TYPE_ARRAY);
    assert_int_equal(t.element->kind, TYPE_INTEGER);
    assert_int_equal(t.dimensions, 2);
    t = parse("timestamp with time zone[]");
    assert_int_equal(t.element->kind, TYPE_DATETIME);
    assert_true(t.element->timezone);
}

static void test_types_equal(void **state) {
    (void)state;
    const dialect *d = dialect_postgresql();
    col_type s255 = model_type(TYPE_STRING);
    s255.length = 255;
    col_type cur = parse("character varying(255)");
    assert_true(d->types_equal(&s255, &cur));
    cur = parse("character varying(50)");
    assert_false(d->types_equal(&s255, &cur));
    cur = parse("character varying");
    assert_false(d->types_equal(&s255, &cur));
    cur = parse("text");
    assert_false(d->types_equal(&s255, &cur));
    col_type s = model_type(TYPE_STRING);
    cur = parse("character varying");
    assert_true(d->types_equal(&s, &cur));

    col_type f = model_type(TYPE_FLOAT);
    cur = parse("double precision");
    assert_true(d->types_equal(&f, &cur));
    cur = parse("real");
    assert_false(d->types_equal(&f, &cur));

    col_type tz = model_type(TYPE_DATETIME);
    tz.timezone = true;
    cur = parse("timestamp with time zone");
    assert_true(d->types_equal(&tz, &cur));
    cur = parse("timestamp without time zone");
    assert_false(d->types_equal(&tz, &cur));
    col_type naive = model_type(TYPE_DATETIME);
    assert_true(d->types_equal(&naive, &cur));

    col_type num = model_type(TYPE_NUMERIC);
    num.precision = 10;
    num.scale = 2;
    cur = parse("numeric(10,2)");
    assert_true(d->types_equal(&num, &cur));
    cur = parse("numeric(10,3)");
    assert_false(d->types_equal(&num, &cur));
    col_type num10 = model_type(TYPE_NUMERIC);
    num10.precision = 10;
    cur = parse("numeric(10,0)");
    assert_true(d->types_equal(&num10, &cur));
    col_type bare = model_type(TYPE_NUMERIC);
    cur = parse("numeric");
    assert_true(d->types_equal(&bare, &cur));
    cur = parse("numeric(10,2)");
    assert_false(d->types_equal(&bare, &cur));

    /* JSON and JSONB are each their own type. */
    col_type js = model_type(TYPE_JSON);
    cur = parse("json");
    assert_true(d->types_equal(&js, &cur));
    cur = parse("jsonb");
    assert_false(d->types_equal(&js, &cur));
    col_type jb2 = model_type(TYPE_JSON);
    jb2.jsonb = true;
    assert_true(d->types_equal(&jb2, &cur));

    /* Uuid (portable) matches varchar(36) and uuid; UUID only uuid. */
    col_type pu = model_type(TYPE_UUID), nu = model_type(TYPE_UUID_NATIVE);
    cur = parse("uuid");
    assert_true(d->types_equal(&pu, &cur));
    assert_true(d->types_equal(&nu, &cur));
    cur = parse("character varying(36)");
    assert_true(d->types_equal(&pu, &cur));
    assert_false(d->types_equal(&nu, &cur));

    /* ARRAY(T) matches T[] by its element, whatever the dimensions. */
    col_type el = model_type(TYPE_STRING);
    el.length = 20;
    col_type arr = model_type(TYPE_ARRAY);
    arr.element = &el;
    arr.dimensions = 2;
    cur = parse("character varying(20)[]");
    assert_true(d->types_equal(&arr, &cur));
    cur = parse("character varying(30)[]");
    assert_false(d->types_equal(&arr, &cur));
    cur = parse("character varying(20)");
    assert_false(d->types_equal(&arr, &cur));
    col_type jsb = model_type(TYPE_JSON);
    jsb.jsonb = true;
    cur = parse("json");
    assert_false(d->types_equal(&jsb, &cur));

    col_type i = model_type(TYPE_INTEGER);
    cur = parse("integer");
    assert_true(d->types_equal(&i, &cur));
    cur = parse("bigint");
    assert_false(d->types_equal(&i, &cur));
    col_type b = model_type(TYPE_BOOLEAN);
    cur = parse("boolean");
    assert_true(d->types_equal(&b, &cur));
    cur = parse("integer");
    assert_false(d->types_equal(&b, &cur));
    /* Uuid: a native uuid column, or what retort renders (String(36)). */
    col_type u = model_type(TYPE_UUID);
    cur = parse("uuid");
    assert_true(d->types_equal(&u, &cur));
    cur = parse("character varying(36)");
    assert_true(d->types_equal(&u, &cur));
    cur = parse("character varying(32)");
    assert_false(d->types_equal(&u, &cur));

    /* A dialect type spelled out in a model is compared as the server spells it. */
    col_type other = model_type(TYPE_OTHER);
    other.raw = "INTEGER[]";
    cur = parse("integer[]");
    assert_true(d->types_equal(&other, &cur));
    other.raw = "varchar(20)";
    cur = parse("character varying(20)");
    assert_true(d->types_equal(&other, &cur));
    other.raw = "inet";
    cur = parse("cidr");
    assert_false(d->types_equal(&other, &cur));
}

/* --------------------------------------------------------------- defaults */

static const char *canon(const col_type *t, default_kind k, const char *text, bool b) {
    server_default d = {.kind = k, .text = text, .bool_value = b};
    return dialect_postgresql()->canonical_default(A, t, &d);
}

static const char *canon_sql(const char *type_spelling, const char *sql) {
    col_type t = parse(type_spelling);
    return canon(&t, DEFAULT_SQL, sql, false);
}

#define assert_same(a, b)                                                                          \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        assert_non_null(a_);                                                                       \
        assert_non_null(b_);                                                                       \
        assert_string_equal(a_, b_);                                                               \
    } while (0)

#define assert_differ(a, b)                                                                        \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        assert_true(a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0);                              \
    } while (0)

static void test_default_strings(void **state) {
    (void)state;
    col_type vc = parse("character varying(50)");
    assert_same(canon_sql("character varying(50)", "'pending'::character varying"),
                canon(&vc, DEFAULT_STRING, "pending", false));
    assert_same(canon_sql("character varying(50)", "'pending'::character varying"),
                canon_sql("character varying(50)", "'pending'"));
    assert_same(canon_sql("text", "'it''s'::text"), canon(&vc, DEFAULT_STRING, "it's", false));
    assert_same(canon_sql("text", "E'it''s'"), canon(&vc, DEFAULT_STRING, "it's", false));
    /* A number on a string column is the string. */
    assert_same(canon_sql("character varying(10)", "'0'::character varying"),
                canon(&vc, DEFAULT_NUMBER, "0", false));
    assert_differ(canon_sql("character varying(50)", "'pending'::character varying"),
                  canon(&vc, DEFAULT_STRING, "Pending", false));
    assert_differ(canon_sql("character varying(50)", "'pending '::character varying"),
                  canon(&vc, DEFAULT_STRING, "pending", false));
    /* A string is never an expression of the same spelling. */
    assert_differ(canon_sql("text", "'now()'::text"), canon_sql("text", "now()"));
    assert_string_equal(canon(&vc, DEFAULT_STRING, "pending", false), "s:'pending'");
}

static void test_default_now(void **state) {
    (void)state;
    col_type ts = parse("timestamp with time zone");
    const char *now = canon(&ts, DEFAULT_NOW, NULL, false);
    assert_same(canon_sql("timestamp with time zone", "now()"), now);
    assert_same(canon_sql("timestamp with time zone", "CURRENT_TIMESTAMP"), now);
    assert_same(canon_sql("timestamp with time zone", "(CURRENT_TIMESTAMP)"), now);
    assert_same(canon_sql("timestamp with time zone", "transaction_timestamp()"), now);
    assert_same(canon(&ts, DEFAULT_SQL, "NOW()", false), now);
    assert_differ(canon_sql("timestamp with time zone", "timezone('utc'::text, now())"), now);
    assert_differ(canon_sql("timestamp with time zone", "clock_timestamp()"), now);
    assert_differ(canon_sql("timestamp with time zone", "CURRENT_TIMESTAMP(3)"), now);
    /* Casts after literals inside an expression are not part of its meaning. */
    assert_same(canon_sql("timestamp with time zone", "timezone('utc'::text, now())"),
                canon(&ts, DEFAULT_SQL, "timezone('utc', now())", false));
    assert_same(canon_sql("timestamp without time zone", "(now() AT TIME ZONE 'utc'::text)"),
                canon(&ts, DEFAULT_SQL, "now() at time zone 'utc'", false));
}

static void test_default_booleans(void **state) {
    (void)state;
    col_type b = parse("boolean");
    const char *f = canon(&b, DEFAULT_BOOL, NULL, false);
    const char *t = canon(&b, DEFAULT_BOOL, NULL, true);
    assert_same(canon_sql("boolean", "false"), f);
    assert_same(canon_sql("boolean", "'0'"), f);
    assert_same(canon_sql("boolean", "'f'::boolean"), f);
    assert_same(canon(&b, DEFAULT_STRING, "0", false), f);
    assert_same(canon(&b, DEFAULT_NUMBER, "0", false), f);
    assert_same(canon_sql("boolean", "true"), t);
    assert_same(canon_sql("boolean", "'1'"), t);
    assert_same(canon(&b, DEFAULT_STRING, "1", false), t);
    assert_same(canon(&b, DEFAULT_SQL, "TRUE", false), t);
    assert_differ(f, t);
    assert_differ(canon_sql("boolean", "false"), canon_sql("boolean", "true"));
}

static void test_default_numbers(void **state) {
    (void)state;
    col_type i = parse("integer");
    const char *zero = canon(&i, DEFAULT_NUMBER, "0", false);
    assert_same(canon_sql("integer", "0"), zero);
    assert_same(canon_sql("integer", "'0'::integer"), zero);
    assert_same(canon_sql("integer", "(0)"), zero);
    assert_same(canon(&i, DEFAULT_STRING, "0", false), zero);
    assert_same(canon(&i, DEFAULT_BOOL, NULL, false), zero);
    const char *minus1 = canon(&i, DEFAULT_NUMBER, "-1", false);
    assert_same(canon_sql("integer", "'-1'::integer"), minus1);
    assert_same(canon_sql("integer", "(-1)"), minus1);
    assert_same(canon_sql("bigint", "'-1'::bigint"), minus1);
    assert_same(canon_sql("numeric(10,2)", "'-1'::integer"), minus1);
    assert_differ(canon_sql("integer", "1"), minus1);
    assert_differ(canon_sql("integer", "1"), zero);
    col_type n = parse("numeric(10,2)");
    assert_same(canon_sql("numeric(10,2)", "1.50"), canon(&n, DEFAULT_NUMBER, "1.5", false));
    assert_same(canon_sql("double precision", "'1.5'::double precision"),
                canon(&n, DEFAULT_NUMBER, "1.5", false));
    assert_same(canon_sql("numeric", "'007'::numeric"), canon(&n, DEFAULT_NUMBER, "7", false));
    assert_differ(canon_sql("numeric", "1.05"), canon(&n, DEFAULT_NUMBER, "1.5", false));
    assert_string_equal(zero, "n:0");
    assert_string_equal(minus1, "n:-1");
}

static void test_default_json(void **state) {
    (void)state;
    col_type j = parse("json");
    assert_same(canon_sql("json", "'[]'::json"), canon(&j, DEFAULT_STRING, "[]", false));
    assert_same(canon_sql("json", "'{}'::json"), canon(&j, DEFAULT_STRING, "{}", false));
    assert_same(canon_sql("jsonb", "'{}'::jsonb"), canon(&j, DEFAULT_STRING, "{}", false));
    assert_same(canon_sql("jsonb", "'{\"a\": 1, \"b\": [1, 2]}'::jsonb"),
                canon(&j, DEFAULT_STRING, "{\"b\":[1,2],\"a\":1}", false));
    assert_differ(canon_sql("json", "'[]'::json"), canon(&j, DEFAULT_STRING, "{}", false));
    assert_differ(canon_sql("json", "'{\"a\": 1}'::json"), canon(&j, DEFAULT_STRING, "{\"a\": 2}", false));
}

static void test_default_nextval_is_none(void **state) {
    (void)state;
    assert_null(canon_sql("integer", "nextval('extras_id_seq'::regclass)"));
    assert_null(canon_sql("bigint", "nextval('\"Odd\"''s_id_seq'::regclass)"));
    col_type i = parse("integer");
    assert_null(canon(&i, DEFAULT_NONE, NULL, false));
    assert_null(dialect_postgresql()->canonical_default(A, &i, NULL));
    assert_null(canon_sql("integer", "NULL::integer"));
}

static void test_default_expressions(void **state) {
    (void)state;
    assert_same(canon_sql("uuid", "gen_random_uuid()"), canon_sql("uuid", "GEN_RANDOM_UUID()"));
    assert_same(canon_sql("text", "('a'::text || 'b'::text)"), canon_sql("text", "'a' || 'b'"));
    assert_differ(canon_sql("text", "('a'::text || 'b'::text)"), canon_sql("text", "'a'"));
    assert_same(canon_sql("date", "CURRENT_DATE"), canon_sql("date", "current_date"));
    assert_differ(canon_sql("date", "CURRENT_DATE"), canon_sql("date", "now()"));
    assert_same(canon_sql("interval", "'1 day'::interval"),
                canon_sql("interval", "'1 day'"));
    /* "Name" in double quotes keeps its case */
    assert_differ(canon_sql("integer", "f(\"A\")"), canon_sql("integer", "f(\"a\")"));
    assert_same(canon_sql("integer", "F(x)"), canon_sql("integer", "f(x)"));
}

/* ---------------------------------------------------------------- quoting */

static void test_quote_ident(void **state) {
    (void)state;
    const dialect *d = dialect_postgresql();
    assert_string_equal(d->quote_ident(A, "datasets"), "datasets");
    assert_string_equal(d->quote_ident(A, "row_count"), "row_count");
    assert_string_equal(d->quote_ident(A, "_x1$"), "_x1$");
    assert_string_equal(d->quote_ident(A, "metadata"), "metadata");
    assert_string_equal(d->quote_ident(A, "columns"), "columns");
    assert_string_equal(d->quote_ident(A, "user"), "\"user\"");
    assert_string_equal(d->quote_ident(A, "order"), "\"order\"");
    assert_string_equal(d->quote_ident(A, "check"), "\"check\"");
    assert_string_equal(d->quote_ident(A, "MixedCase"), "\"MixedCase\"");
    assert_string_equal(d->quote_ident(A, "has space"), "\"has space\"");
    assert_string_equal(d->quote_ident(A, "1abc"), "\"1abc\"");
    assert_string_equal(d->quote_ident(A, "a\"b"), "\"a\"\"b\"");
    assert_string_equal(d->quote_ident(A, "dash-ed"), "\"dash-ed\"");
    assert_string_equal(d->quote_ident(A, ""), "\"\"");
}

/* Literals read the same with standard_conforming_strings on and off:
** '...' when there is no backslash, E'...' with backslashes doubled when
** there is one; the catalog's E'' text is decoded back. */
static void test_quote_literal(void **state) {
    (void)state;
    const dialect *d = dialect_postgresql();
    assert_string_equal(d->quote_literal(A, "plain"), "'plain'");
    assert_string_equal(d->quote_literal(A, "it's"), "'it''s'");
    assert_string_equal(d->quote_literal(A, ""), "''");
    assert_string_equal(d->quote_literal(A, "x\\'; DROP TABLE victim; --"), "E'x\\\\''; DROP TABLE victim; --'");
    assert_string_equal(d->quote_literal(A, "C:\\dir"), "E'C:\\\\dir'");
    assert_string_equal(dialect_unquote_literal(A, "E'x\\\\''; DROP'"), "x\\'; DROP");
    assert_string_equal(dialect_unquote_literal(A, "E'it\\'s\\n'"), "it's\n");
    assert_null(dialect_unquote_literal(A, "E'\\x41'"));    /* not decoded: compared as written */
    assert_string_equal(dialect_unquote_literal(A, "'C:\\dir'"), "C:\\dir");
    assert_string_equal(dialect_sqlite()->quote_literal(A, "x\\'y"), "'x\\''y'");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_other_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_array_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_types_equal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_now, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_booleans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_nextval_is_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_expressions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quote_ident, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quote_literal, setup, teardown),
    };
    return cmocka_run_group_tests_name("dialect_postgres", tests, NULL, NULL);
}
