/*
** test_canon_asked.c — which wanted tables canon_expressions() asks the
** server about.  A table the database already spells as the server would
** (same columns and types, each check and re-spelled index byte for byte
** the database's) is not asked: nothing of it is canonicalized, and the
** differ compares equal texts.  A table with a check written another way,
** a column of another type, or a check the database lacks is asked, and
** gets the server's spelling.
**
** Needs the server RETORT_TEST_PG_URL names (skipped with a note when it
** is not set); works in a database of its own, dropped at the end.
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

#include "canon/canon.h"
#include "introspect/introspect.h"
#include "model/model.h"

static PGconn *admin_conn;
static char db_name[64];
static char *db_url;

static void exec_ok(PGconn *pg, const char *sql) {
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
}

static int setup(void **state) {
    (void)state;
    const char *base = getenv("RETORT_TEST_PG_URL");
    if (!base || !*base) return 0;
    assert_int_equal(db_libpq_load(NULL), 0);
    admin_conn = PQconnectdb(base);
    if (PQstatus(admin_conn) != CONNECTION_OK) return -1;
    exec_ok(admin_conn, "SET client_min_messages = warning");
    snprintf(db_name, sizeof db_name, "retort_test_canon_%ld", (long)getpid());
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db_name);
    exec_ok(admin_conn, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db_name);
    exec_ok(admin_conn, sql);
    const char *slash = strrchr(base, '/');
    size_t keep = slash ? (size_t)(slash - base) : strlen(base);
    db_url = malloc(keep + strlen(db_name) + 2);
    sprintf(db_url, "%.*s/%s", (int)keep, base, db_name);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    if (admin_conn) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db_name);
        exec_ok(admin_conn, sql);
        PQfinish(admin_conn);
    }
    free(db_url);
    return 0;
}

static const char MODELS[] =
    "model Same {\n"
    "  id    Integer  @primary_key\n"
    "  qty   Integer\n"
    "  name  String(20)?\n"
    "  @@table(\"same\")\n"
    "  @@check(\"ck_same_qty\", \"qty >= 0\")\n"
    "  @@index(\"ix_same_open\", qty, where=\"name IS NULL\")\n"
    "}\n"
    "model Respelled {\n"
    "  id    Integer  @primary_key\n"
    "  qty   Integer\n"
    "  @@table(\"respelled\")\n"
    "  @@check(\"ck_respelled_qty\", \"QTY>=0\")\n"
    "}\n"
    "model Retyped {\n"
    "  id    Integer  @primary_key\n"
    "  qty   BigInteger\n"
    "  @@table(\"retyped\")\n"
    "  @@check(\"ck_retyped_qty\", \"qty >= 0\")\n"
    "}\n"
    "model Added {\n"
    "  id    Integer  @primary_key\n"
    "  qty   Integer\n"
    "  @@table(\"added\")\n"
    "  @@check(\"ck_added_qty\", \"qty >= 0\")\n"
    "}\n";

static void test_only_tables_spelled_otherwise_are_asked(void **state) {
    (void)state;
    if (!db_url) {
        print_message("note: RETORT_TEST_PG_URL is not set; skipped\n");
        skip();
    }
    diag_list dl;
    diag_list_init(&dl);
    db_conn *c = NULL;
    assert_int_equal(db_open(db_url, false, &c, &dl), 0);
    exec_ok(c->pg, "CREATE TABLE same (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, name VARCHAR(20),"
                   " CONSTRAINT ck_same_qty CHECK (qty >= 0));"
                   "CREATE INDEX ix_same_open ON same (qty) WHERE name IS NULL;"
                   "CREATE TABLE respelled (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL,"
                   " CONSTRAINT ck_respelled_qty CHECK (qty >= 0));"
                   "CREATE TABLE retyped (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL,"
                   " CONSTRAINT ck_retyped_qty CHECK (qty >= 0));"
                   "CREATE TABLE added (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL)");
    schema *current = NULL, *wanted = NULL;
    assert_int_equal(introspect_postgres(c->pg, "public", NULL, &current, &dl), 0);
    assert_int_equal(model_load_string("bench.model", MODELS, &wanted, &dl), 0);
    assert_int_equal(canon_expressions(c, current, wanted, &dl), 0);
    assert_int_equal(dl.errors, 0);

    /* the database spells it already: not asked, compared as it is */
    table *same = schema_find_table(wanted, "same");
    assert_null(same->checks.items[0]->canonical);
    assert_null(same->indexes.items[0]->where_canonical);
    assert_string_equal(same->checks.items[0]->sqltext, schema_find_table(current, "same")->checks.items[0]->sqltext);
    /* written another way, on another type, or not in the database: asked */
    assert_string_equal(schema_find_table(wanted, "respelled")->checks.items[0]->canonical, "qty >= 0");
    assert_non_null(schema_find_table(wanted, "retyped")->checks.items[0]->canonical);
    assert_string_equal(schema_find_table(wanted, "added")->checks.items[0]->canonical, "qty >= 0");

    schema_free(current);
    schema_free(wanted);
    db_close(c);
    diag_list_free(&dl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_tables_spelled_otherwise_are_asked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
