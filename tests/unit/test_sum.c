/*
** test_sum.c — retort.sum (src/script/sum.c): the format (sorted lines
** under the hash of the lines), reading it back, each malformed shape as a
** located error, the differences with a folder (edited, added, removed)
** at their places, and a project's folders verified and written.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "script/script.h"

static const char *const H0 = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
static const char *const H1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

static void format_sorted_under_the_hash_of_the_lines(void **state) {
    (void)state;
    arena *a = arena_new();
    sum_entries es = {0};
    sum_entry b = {"b.py", H1, 0}, x = {"a.py", H0, 0};
    vec_push(a, &es, b);
    vec_push(a, &es, x);
    char *text = sum_format(a, &es);
    /* The first line is the SHA-256 of the two lines below, each with its
    ** line feed (hashlib.sha256(b"a.py sha256:00...\nb.py sha256:11...\n")). */
    const char *want = arena_printf(a,
                                    "sha256:1f46b1f9cdc7177ee41dffbe323a4d113c0909575a4ed2204e9cd795f7eafeb1\n"
                                    "a.py %s\nb.py %s\n", H0, H1);
    assert_string_equal(text, want);
    /* No file: the hash of nothing. */
    sum_entries none = {0};
    assert_string_equal(sum_format(a, &none),
                        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n");
    /* Byte order, not a locale's: upper case first, and '.' (0x2e) < '/'
    ** (0x2f) < '_' (0x5f). */
    sum_entries many = {0};
    const char *names[] = {"a/b.py", "a.py", "B.py", "a_b.py"};
    for (size_t i = 0; i < 4; i++) {
        sum_entry e = {names[i], H0, 0};
        vec_push(a, &many, e);
    }
    sum_format(a, &many);
    assert_string_equal(many.items[0].path, "B.py");
    assert_string_equal(many.items[1].path, "a.py");
    assert_string_equal(many.items[2].path, "a/b.py");
    assert_string_equal(many.items[3].path, "a_b.py");
    arena_free(a);
}

static void parse_reads_back_what_format_writes(void **state) {
    (void)state;
    arena *a = arena_new();
    sum_entries es = {0};
    sum_entry e1 = {"20261125_1534_b79e_initial schema.py", H1, 0}, e2 = {"sub/x.py", H0, 0};
    vec_push(a, &es, e1);
    vec_push(a, &es, e2);
    char *text = sum_format(a, &es);
    diag_list dl;
    diag_list_init(&dl);
    const char *whole;
    sum_entries back = {0};
    assert_int_equal(sum_parse(a, "retort.sum", text, strlen(text), &whole, &back, &dl), 0);
    assert_int_equal(dl.items.len, 0);
    assert_string_equal(whole, sum_whole_hash(a, &es));
    assert_int_equal(back.len, 2);
    /* A name with a space: the hash is after the last one. */
    assert_string_equal(back.items[0].path, "20261125_1534_b79e_initial schema.py");
    assert_string_equal(back.items[0].hash, H1);
    assert_int_equal(back.items[0].line, 2);
    assert_string_equal(back.items[1].path, "sub/x.py");
    assert_int_equal(back.items[1].line, 3);
    /* Without its last line feed it reads the same. */
    sum_entries again = {0};
    assert_int_equal(sum_parse(a, "retort.sum", text, strlen(text) - 1, &whole, &again, &dl), 0);
    assert_int_equal(again.len, 2);
    diag_list_free(&dl);
    arena_free(a);
}

/* Parse text: expect one error at line:col whose message holds `what`. */
static void expect_error(const char *text, size_t len, int line, int col, const char *what) {
    arena *a = arena_new();
    diag_list dl;
    diag_list_init(&dl);
    const char *whole;
    sum_entries es = {0};
    assert_int_equal(sum_parse(a, "v/retort.sum", text, len, &whole, &es, &dl), -1);
    assert_true(dl.items.len >= 1);
    const diag *d = &dl.items.items[0];
    if (!strstr(d->message, what) || d->loc.line != line || d->loc.column != col)
        fail_msg("%s: got %d:%d %s", what, d->loc.line, d->loc.column, d->message);
    assert_string_equal(d->loc.file, "v/retort.sum");
    assert_non_null(d->hint);
    assert_non_null(strstr(d->hint, "retort hash"));
    diag_list_free(&dl);
    arena_free(a);
}

static void malformed_files_are_located_errors(void **state) {
    (void)state;
    char buf[1024];
    const char *head = "sha256:1f46b1f9cdc7177ee41dffbe323a4d113c0909575a4ed2204e9cd795f7eafeb1";
    expect_error("", 0, 1, 1, "empty");
    expect_error("h1:abc\n", 7, 1, 1, "first line");
    snprintf(buf, sizeof buf, "%s\na.py\n", head);
    expect_error(buf, strlen(buf), 2, 1, "has no hash");
    snprintf(buf, sizeof buf, "%s\na.py sha256:00\n", head);
    expect_error(buf, strlen(buf), 2, 6, "not a hash");
    /* Upper-case hex is not what retort writes. */
    snprintf(buf, sizeof buf, "%s\na.py sha256:%064d\nb.py sha256:ABCDEF%058d\n", head, 0, 0);
    expect_error(buf, strlen(buf), 3, 6, "not a hash");
    snprintf(buf, sizeof buf, "%s\n %s\n", head, H0);
    expect_error(buf, strlen(buf), 2, 2, "names no file");
    snprintf(buf, sizeof buf, "%s\nb.py %s\na.py %s\n", head, H0, H0);
    expect_error(buf, strlen(buf), 3, 1, "not in order");
    snprintf(buf, sizeof buf, "%s\na.py %s\na.py %s\n", head, H0, H1);
    expect_error(buf, strlen(buf), 3, 1, "listed twice");
    snprintf(buf, sizeof buf, "%s\n\na.py %s\n", head, H0);
    expect_error(buf, strlen(buf), 2, 1, "empty line");
    snprintf(buf, sizeof buf, "%s\r\na.py %s\r\n", head, H0);
    expect_error(buf, strlen(buf), 1, 72, "CR LF");
    snprintf(buf, sizeof buf, "<<<<<<< HEAD\n%s\n=======\n%s\n>>>>>>> other\n", head, head);
    expect_error(buf, strlen(buf), 1, 1, "merge conflict");
    snprintf(buf, sizeof buf, "%s\na.py %s\n", head, H0);
    buf[strlen(head) + 3] = '\0';       /* a NUL in "a.py" */
    expect_error(buf, strlen(head) + 6 + strlen(H0) + 1, 2, 3, "NUL");
}

static void compare_names_each_difference_where_it_is(void **state) {
    (void)state;
    arena *a = arena_new();
    sum_entries listed = {0}, disk = {0};
    sum_entry l1 = {"a.py", H0, 2}, l2 = {"b.py", H0, 3}, l3 = {"gone.py", H0, 4};
    vec_push(a, &listed, l1);
    vec_push(a, &listed, l2);
    vec_push(a, &listed, l3);
    sum_entry d1 = {"a.py", H0, 0}, d2 = {"b.py", H1, 0}, d3 = {"new.py", H1, 0};
    vec_push(a, &disk, d1);
    vec_push(a, &disk, d2);
    vec_push(a, &disk, d3);
    diag_list dl;
    diag_list_init(&dl);
    assert_int_equal(sum_compare("v/retort.sum", "v", &listed, &disk, &dl), 3);
    assert_int_equal(dl.errors, 3);
    /* edited: at the hash of its line */
    const diag *e = &dl.items.items[0];
    assert_string_equal(e->loc.file, "v/retort.sum");
    assert_int_equal(e->loc.line, 3);
    assert_int_equal(e->loc.column, 6);
    assert_int_equal(e->span, 71);
    assert_non_null(strstr(e->message, "v/b.py was edited"));
    assert_non_null(strstr(e->hint, "retort hash"));
    /* removed: at its line */
    const diag *r = &dl.items.items[1];
    assert_int_equal(r->loc.line, 4);
    assert_int_equal(r->loc.column, 1);
    assert_non_null(strstr(r->message, "v/gone.py was removed"));
    assert_non_null(strstr(r->hint, "retort hash"));
    /* added: at the file */
    const diag *n = &dl.items.items[2];
    assert_string_equal(n->loc.file, "v/new.py");
    assert_int_equal(n->loc.line, 0);
    assert_non_null(strstr(n->message, "added"));
    assert_non_null(strstr(n->hint, "retort hash"));
    /* the same on both sides: nothing */
    diag_list none;
    diag_list_init(&none);
    assert_int_equal(sum_compare("v/retort.sum", "v", &disk, &disk, &none), 0);
    assert_int_equal(none.items.len, 0);
    diag_list_free(&none);
    diag_list_free(&dl);
    arena_free(a);
}

/* ------------------------------------------------ a project on disk */

static char tmpdir[64];

static void write_text(const char *rel, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
}

static retort_config *project(const char *retort_section) {
    char ini[256], text[1024];
    snprintf(ini, sizeof ini, "%s/alembic.ini", tmpdir);
    snprintf(text, sizeof text, "[alembic]\nscript_location = %%(here)s/alembic\n[retort]\n%s", retort_section);
    retort_config *c = NULL;
    diag_list dl;
    diag_list_init(&dl);
    assert_int_equal(config_load_string(ini, text, &c, &dl), 0);
    diag_list_free(&dl);
    return c;
}

static const char *REV = "revision = 'r1'\ndown_revision = None\n";

static void a_project_verified_and_written(void **state) {
    (void)state;
    strcpy(tmpdir, "/tmp/retort-sum-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    char dir[128];
    snprintf(dir, sizeof dir, "%s/alembic", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(dir, sizeof dir, "%s/alembic/versions", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    write_text("alembic/versions/r1.py", REV);
    write_text("alembic/versions/__init__.py", "");        /* not a revision: not listed */
    write_text("alembic/versions/notes.txt", "x");         /* nor this */
    retort_config *c = project("");

    /* No retort.sum: fine, with a note when asked for. */
    diag_list dl;
    diag_list_init(&dl);
    assert_int_equal(script_sum_verify(c, false, &dl), 0);
    assert_int_equal(dl.items.len, 0);
    assert_int_equal(script_sum_verify(c, true, &dl), 0);
    assert_int_equal(dl.items.len, 1);
    assert_int_equal(dl.items.items[0].severity, DIAG_NOTE);
    assert_non_null(strstr(dl.items.items[0].hint, "retort hash"));
    diag_list_free(&dl);

    /* require_sum: an error at the folder, naming the setting's line. */
    retort_config *strict = project("require_sum = true\n");
    diag_list_init(&dl);
    assert_int_equal(script_sum_verify(strict, false, &dl), -1);
    assert_int_equal(dl.errors, 1);
    assert_string_equal(dl.items.items[0].loc.file, dir);
    assert_non_null(strstr(dl.items.items[0].hint, "alembic.ini:4"));
    diag_list_free(&dl);

    /* Written: one file listed; verified; written again: unchanged. */
    arena *a = arena_new();
    sum_written_vec w = {0};
    diag_list_init(&dl);
    assert_int_equal(script_sum_write(c, a, false, &w, &dl), 0);
    assert_int_equal(w.len, 0);         /* no sum and no create: nothing */
    assert_int_equal(script_sum_write(c, a, true, &w, &dl), 0);
    assert_int_equal(w.len, 1);
    assert_true(w.items[0].created && w.items[0].changed);
    assert_int_equal(w.items[0].files, 1);
    assert_int_equal(w.items[0].added.len, 1);
    assert_int_equal(script_sum_verify(strict, true, &dl), 0);
    assert_int_equal(dl.items.len, 0);
    w.len = 0;
    assert_int_equal(script_sum_write(c, a, false, &w, &dl), 0);
    assert_int_equal(w.len, 1);
    assert_false(w.items[0].changed);

    /* Edited, then added: an error each; hash again: listed, edited seen. */
    write_text("alembic/versions/r1.py", "revision = 'r1'\ndown_revision = None\n# edited\n");
    assert_int_equal(script_sum_verify(c, false, &dl), -1);
    assert_int_equal(dl.errors, 1);
    assert_int_equal(dl.items.items[0].loc.line, 2);
    write_text("alembic/versions/r2.py", "revision = 'r2'\ndown_revision = 'r1'\n");
    assert_int_equal(script_sum_verify(c, false, &dl), -1);
    assert_int_equal(dl.errors, 3);
    w.len = 0;
    assert_int_equal(script_sum_write(c, a, false, &w, &dl), 0);
    assert_int_equal(w.items[0].edited.len, 1);
    assert_string_equal(w.items[0].edited.items[0], "r1.py");
    assert_int_equal(w.items[0].added.len, 1);
    assert_string_equal(w.items[0].added.items[0], "r2.py");
    diag_list_free(&dl);

    /* A hand-edited line (its hash made right): the first line no longer
    ** matches. */
    char sum_path[256];
    snprintf(sum_path, sizeof sum_path, "%s/alembic/versions/retort.sum", tmpdir);
    size_t len;
    char *text = read_file(sum_path, &len);
    assert_non_null(text);
    char *line3 = strstr(text, "r2.py ");
    assert_non_null(line3);
    line3[0] = 's';             /* "s2.py": still in order, after r1.py */
    assert_int_equal(write_file_atomic(sum_path, text, len), 0);
    free(text);
    diag_list_init(&dl);
    assert_int_equal(script_sum_verify(c, false, &dl), -1);
    assert_int_equal(dl.items.items[0].loc.line, 1);
    assert_non_null(strstr(dl.items.items[0].message, "not the hash of the lines below it"));
    diag_list_free(&dl);

    arena_free(a);
    config_free(strict);
    config_free(c);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    assert_int_equal(system(cmd), 0);
}

static void file_hash_is_the_bytes(void **state) {
    (void)state;
    char path[] = "/tmp/retort-sum-file-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    arena *a = arena_new();
    assert_string_equal(script_file_hash(a, path),
                        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
    assert_null(script_file_hash(a, path));
    arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_sorted_under_the_hash_of_the_lines),
        cmocka_unit_test(parse_reads_back_what_format_writes),
        cmocka_unit_test(malformed_files_are_located_errors),
        cmocka_unit_test(compare_names_each_difference_where_it_is),
        cmocka_unit_test(a_project_verified_and_written),
        cmocka_unit_test(file_hash_is_the_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
