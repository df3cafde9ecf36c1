/*
** test_source_line.c — text_line and file_line, the one way a diagnostic
** gets the line it points at: first and last lines, a last line without a
** newline, CRLF and lone CR line ends, lines past the end, and a file with
** a NUL byte before the line.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_first_middle_last(void **state) {
    (void)state;
    arena *a = arena_new();
    const char *text = "model A {\n  id Integer\n}";
    assert_string_equal(text_line(a, text, 1), "model A {");
    assert_string_equal(text_line(a, text, 2), "  id Integer");
    assert_string_equal(text_line(a, text, 3), "}");        /* no newline after it */
    arena_free(a);
}

static void test_past_the_end(void **state) {
    (void)state;
    arena *a = arena_new();
    /* "a\n" has two lines, the second empty: an error at the end of the
    ** file points there. */
    assert_string_equal(text_line(a, "a\n", 2), "");
    assert_null(text_line(a, "a\n", 3));
    assert_null(text_line(a, "a", 2));
    assert_string_equal(text_line(a, "", 1), "");
    assert_null(text_line(a, "", 2));
    assert_null(text_line(a, "a", 0));
    assert_null(text_line(a, "a", -1));
    assert_null(text_line(a, NULL, 1));
    arena_free(a);
}

static void test_line_ends(void **state) {
    (void)state;
    arena *a = arena_new();
    const char *crlf = "one\r\ntwo\r\nthree";
    assert_string_equal(text_line(a, crlf, 1), "one");
    assert_string_equal(text_line(a, crlf, 2), "two");
    assert_string_equal(text_line(a, crlf, 3), "three");
    /* A lone CR ends the line's text but does not start a line. */
    const char *cr = "a\rb\nc";
    assert_string_equal(text_line(a, cr, 1), "a");
    assert_string_equal(text_line(a, cr, 2), "c");
    assert_null(text_line(a, cr, 3));
    arena_free(a);
}

static const char *write_temp(char *path, const char *data, size_t len) {
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_file_line(void **state) {
    (void)state;
    arena *a = arena_new();
    static const char data[] = "x = 1\nbad\0byte\r\nlast";
    char path[] = "/tmp/retort-source-line-XXXXXX";
    write_temp(path, data, sizeof data - 1);
    assert_string_equal(file_line(a, path, 1), "x = 1");
    assert_string_equal(file_line(a, path, 2), "bad");      /* up to the NUL */
    assert_string_equal(file_line(a, path, 3), "last");     /* found past it */
    assert_null(file_line(a, path, 4));
    assert_null(file_line(a, path, 0));
    unlink(path);
    assert_null(file_line(a, path, 1));
    assert_null(file_line(a, NULL, 1));
    arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_middle_last),
        cmocka_unit_test(test_past_the_end),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_file_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
