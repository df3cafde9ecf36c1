/*
** test_db_url.c — passwords never shown: db_url_redacted() on every form
** libpq and SQLAlchemy accept (user:password@, ?password= with any
** %-escape of the key, libpq's key=value strings with quoted values), and
** the URLs that hold none come back unchanged.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "db/db.h"

static void check(const char *url, const char *want) {
    arena *a = arena_new();
    const char *got = db_url_redacted(a, url);
    if (strcmp(got, want) != 0) fprintf(stderr, "url: %s\ngot:  %s\nwant: %s\n", url, got, want);
    assert_string_equal(got, want);
    arena_free(a);
}

static void test_userinfo(void **state) {
    (void)state;
    check("postgresql://u:sekrit@h:5432/db", "postgresql://u:***@h:5432/db");
    check("postgresql+psycopg2://u:p%40ss@h/db", "postgresql+psycopg2://u:***@h/db");
    check("postgresql://u:a@b@h/db", "postgresql://u:***@h/db");   /* the last @ ends userinfo */
    check("postgresql://u@h/db", "postgresql://u@h/db");
    check("postgresql:///db?host=/run/pg", "postgresql:///db?host=/run/pg");
    check("sqlite:///app.db", "sqlite:///app.db");
}

static void test_query_password(void **state) {
    (void)state;
    check("postgresql://u@h/db?password=sekrit", "postgresql://u@h/db?password=***");
    check("postgresql://u@h/db?sslmode=require&password=sekrit&application_name=x",
          "postgresql://u@h/db?sslmode=require&password=***&application_name=x");
    check("postgresql://u@h/db?pass%77ord=sekrit", "postgresql://u@h/db?pass%77ord=***");
    check("postgresql://u:one@h/db?password=two", "postgresql://u:***@h/db?password=***");
    check("postgresql://u@h/db?passwordx=kept", "postgresql://u@h/db?passwordx=kept");
}

static void test_conninfo(void **state) {
    (void)state;
    check("host=h password=sekrit dbname=db", "host=h password=*** dbname=db");
    check("host=h password = 'se cr\\'et' dbname=db", "host=h password = *** dbname=db");
    check("password=sekrit", "password=***");
    check("dbname=db", "dbname=db");
}

static void test_mask(void **state) {
    (void)state;
    arena *a = arena_new();
    assert_string_equal(db_url_masked(a, "postgresql://u:p@h/db?password=q", "XXXXX"),
                        "postgresql://u:XXXXX@h/db?password=XXXXX");
    arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_userinfo),
        cmocka_unit_test(test_query_password),
        cmocka_unit_test(test_conninfo),
        cmocka_unit_test(test_mask),
    };
    return cmocka_run_group_tests_name("db_url", tests, NULL, NULL);
}
