/*
** test_headers_agree.c — the two readers of revision headers agree.
**
** revisions.c reads only the header assignments (fast: history and the
** graph never parse bodies); the migration grammar reads whole files (to run
** them).  On every migration file the project has — the shipped versions,
** the renderer's goldens, the parser's fixtures, the docstring fixtures —
** both must find the same revision, down_revision, branch_labels,
** depends_on and docstring.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "migration/migration.h"
#include "script/script.h"

static void assert_same_vec(const str_vec *x, const str_vec *y, const char *what, const char *path) {
    if (x->len != y->len) fail_msg("%s: %s has %zu vs %zu items", path, what, x->len, y->len);
    for (size_t i = 0; i < x->len; i++)
        if (strcmp(x->items[i], y->items[i]) != 0)
            fail_msg("%s: %s[%zu] is '%s' vs '%s'", path, what, i, x->items[i], y->items[i]);
}

#include <dirent.h>

/* str.strip() for the whitespace the fixtures use: ASCII, U+00A0, U+2003,
** U+3000. */
static size_t space_len(const char *p) {
    static const char *const wide[] = {"\xc2\xa0", "\xe2\x80\x83", "\xe3\x80\x80"};
    if (*p && strchr(" \t\n\r\f\v", *p)) return 1;
    for (size_t i = 0; i < 3; i++)
        if (!strncmp(p, wide[i], strlen(wide[i]))) return strlen(wide[i]);
    return 0;
}

static const char *strip(arena *a, const char *s) {
    size_t n;
    while ((n = space_len(s))) s += n;
    size_t len = strlen(s);
    for (bool more = true; more && len;) {
        more = false;
        for (size_t k = 1; k <= 3 && k <= len; k++)
            if (space_len(s + len - k) == k) { len -= k; more = true; break; }
    }
    return arena_strndup(a, s, len);
}

/* Compare the two readers on every revision file of dir; returns how many. */
static size_t check_folder(const char *dir) {
    diag_list dl;
    diag_list_init(&dl);
    arena *a = arena_new();
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".py") != 0) continue;
        const char *path = arena_printf(a, "%s/%s", dir, e->d_name);
        revision_header *h = NULL;
        if (revision_header_read(a, path, &h, &dl) != 0) {
            diag_print(&dl, stderr);
            fail_msg("%s: the header reader fails", path);
        }
        if (!h) continue;
        migration_file *m = NULL;
        if (migration_parse_file(a, path, &m, &dl) != 0) {
            diag_print(&dl, stderr);
            fail_msg("%s does not parse", path);
        }
        assert_string_equal(m->revision, h->revision);
        assert_same_vec(&m->down_revisions, &h->down_revisions, "down_revision", path);
        assert_same_vec(&m->branch_labels, &h->branch_labels, "branch_labels", path);
        assert_same_vec(&m->depends_on, &h->depends_on, "depends_on", path);
        /* The docstring: both decode it as Python does; the header keeps
        ** it stripped (Script.longdoc). */
        const char *doc = strip(a, m->docstring ? m->docstring : "");
        if (strcmp(doc, h->longdoc) != 0) fail_msg("%s: docstring '%s' vs '%s'", path, doc, h->longdoc);
        n++;
    }
    closedir(d);
    arena_free(a);
    diag_list_free(&dl);
    return n;
}

static void shipped_versions(void **state) {
    (void)state;
    assert_true(check_folder(SOURCE_DIR "/alembic/versions") >= 1);
}

static void renderer_goldens(void **state) {
    (void)state;
    assert_true(check_folder(SOURCE_DIR "/tests/golden/render") >= 5);
}

static void parser_fixtures(void **state) {
    (void)state;
    assert_true(check_folder(TEST_DATA "/migrations") >= 3);
}

static void docstring_fixtures(void **state) {
    (void)state;
    assert_true(check_folder(TEST_DATA "/docstrings") >= 9);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_versions),
        cmocka_unit_test(renderer_goldens),
        cmocka_unit_test(parser_fixtures),
        cmocka_unit_test(docstring_fixtures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
