/*
** test_catalog_floor.c — the statements introspect_*_queries() lists are
** the ones the introspectors send, in their order, and no other: the
** benchmark's floor program (tools/bench/floor.c) runs that list, so a
** query added to, changed in or dropped from an introspector without the
** list fails here rather than making the floor measure something else.
**
** SQLite: every statement an introspection runs, from sqlite3_trace_v2
** (the statements run inside them, the pragma functions' PRAGMAs, left
** out).  PostgreSQL (when RETORT_TEST_PG_URL names a server; skipped
** with a note otherwise): a libpq trace of one introspection of the server's
** default database, its Parse / Query messages counted and each listed
** statement found in it, in order.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "introspect/introspect.h"

typedef struct traced {
    char *sql[64];
    size_t len;
} traced;

static int record_statement(unsigned type, void *ctx, void *stmt, void *x) {
    (void)x;
    traced *t = ctx;
    if (type != SQLITE_TRACE_STMT) return 0;
    const char *sql = sqlite3_sql(stmt);
    /* Statements run inside one: a trigger's ("-- "), and the PRAGMA that
    ** each row of a pragma function (pragma_table_xinfo(m.name)...) runs. */
    if (!sql || !strncmp(sql, "-- ", 3) || !strncmp(sql, "PRAGMA ", 7)) return 0;
    assert_true(t->len < sizeof t->sql / sizeof t->sql[0]);
    t->sql[t->len++] = strdup(sql);
    return 0;
}

static void test_sqlite_statements_are_the_list(void **state) {
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
                                  "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id),"
                                  " qty INTEGER DEFAULT 0 CHECK (qty >= 0));"
                                  "CREATE INDEX ix_c_qty ON c (qty) WHERE qty > 0;"
                                  "CREATE VIEW v AS SELECT * FROM c;"
                                  "CREATE TRIGGER tr AFTER INSERT ON c BEGIN SELECT 1; END;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    traced t = {0};
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, record_statement, &t);
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    assert_int_equal(introspect_sqlite(db, NULL, &s, &dl), 0);
    assert_int_equal(s->tables.len, 2);
    sqlite3_trace_v2(db, 0, NULL, NULL);

    const catalog_query *q;
    size_t n = introspect_sqlite_queries(&q);
    assert_int_equal(t.len, n);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(q[i].what);
        assert_string_equal(t.sql[i], q[i].sql);
    }
    for (size_t i = 0; i < t.len; i++) free(t.sql[i]);
    schema_free(s);
    diag_list_free(&dl);
    sqlite3_close(db);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void test_postgres_statements_are_the_list(void **state) {
    (void)state;
    const char *url = getenv("RETORT_TEST_PG_URL");
    if (!url || !*url) {
        print_message("note: RETORT_TEST_PG_URL is not set; the PostgreSQL half is skipped\n");
        skip();
    }
    diag_list dl;
    diag_list_init(&dl);
    db_conn *c = NULL;
    assert_int_equal(db_open(url, false, &c, &dl), 0);
    char path[128];
    snprintf(path, sizeof path, "/tmp/retort_floor_trace_%ld.txt", (long)getpid());
    FILE *trace = fopen(path, "w");
    assert_non_null(trace);
    PQtrace(c->pg, trace);
    PQsetTraceFlags(c->pg, PQTRACE_SUPPRESS_TIMESTAMPS);
    schema *s = NULL;
    assert_int_equal(introspect_postgres(c->pg, "public", NULL, &s, &dl), 0);
    PQuntrace(c->pg);
    fclose(trace);
    char *text = slurp(path);
    unlink(path);

    const catalog_query *q;
    size_t n = introspect_postgres_queries(&q);
    size_t sent = 0;
    /* "F\t<length>\tParse\t..." (extended protocol) or "...\tQuery\t..." (simple) */
    for (const char *line = text; *line; line++) {
        const char *tab = line[0] == 'F' && line[1] == '\t' ? strchr(line + 2, '\t') : NULL;
        if (tab && (!strncmp(tab, "\tParse\t", 7) || !strncmp(tab, "\tQuery\t", 7))) sent++;
        line = strchr(line, '\n');
        if (!line) break;
    }
    assert_int_equal(sent, n);
    const char *from = text;
    for (size_t i = 0; i < n; i++) {
        const char *at = strstr(from, q[i].sql);
        if (!at) fail_msg("statement %zu (%s) is not the one sent next", i, q[i].what);
        from = at + strlen(q[i].sql);
    }
    free(text);
    schema_free(s);
    db_close(c);
    diag_list_free(&dl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_statements_are_the_list),
        cmocka_unit_test(test_postgres_statements_are_the_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
