/*
** test_script.c — alembic.ini reading, revision file names and slugs, and
** the revision-header reader.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "script/graph.h"
#include "script/script.h"

static char tmpdir[64];

static int make_tmp(void **state) {
    (void)state;
    strcpy(tmpdir, "/tmp/retort-script-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int rm_tmp(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static const char *write_tmp(const char *name, const char *text) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
    return path;
}

static void slug_like_alembic(void **state) {
    (void)state;
    arena *a = arena_new();
    assert_string_equal(revision_slug(a, "Initial database schema", 40), "initial_database_schema");
    assert_string_equal(revision_slug(a, "add user_role column!", 40), "add_user_role_column");
    assert_string_equal(revision_slug(a, "  --- ", 40), "");
    /* Truncated at a word boundary, with a trailing '_' (Alembic's rule). */
    assert_string_equal(revision_slug(a, "one two three four five six seven eight nine", 20), "one_two_three_four_");
    arena_free(a);
}

static void file_template_expansion(void **state) {
    (void)state;
    arena *a = arena_new();
    struct tm when = {.tm_year = 125, .tm_mon = 10, .tm_mday = 5, .tm_hour = 19, .tm_min = 3, .tm_sec = 7};
    const char *t = "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s";
    assert_string_equal(revision_file_name(a, t, "8154b5851fbf", "initial_database_schema", &when, 0),
                        "20251105_1903_8154b5851fbf_initial_database_schema");
    assert_string_equal(revision_file_name(a, "%(rev)s_%(slug)s", "abc", "x", &when, 0), "abc_x");
    arena_free(a);
}

/* A width or precision past int's range in file_template (fuzzing found
** the overflow): the arithmetic stops growing past 255, so the Sanitize
** build sees no overflow; config_load refuses such a template (case in
** config_refuses_what_configparser_refuses), and the name function, given
** one directly, stops at the bad field. */
static void file_template_huge_width(void **state) {
    (void)state;
    arena *a = arena_new();
    struct tm when = {.tm_year = 125, .tm_mon = 10, .tm_mday = 5};
    assert_string_equal(revision_file_name(a, "%(year).6d_%(rev)s", "abc", "x", &when, 0), "002025_abc");
    const char *name = revision_file_name(a, "%(year).4294967297d_%(rev)s", "abc", "x", &when, 0);
    assert_true(strlen(name) < 16);
    name = revision_file_name(a, "%(day)99999999999999999999d", "abc", "x", &when, 0);
    assert_true(strlen(name) < 16);
    arena_free(a);
}

static void new_ids_are_12_hex(void **state) {
    (void)state;
    arena *a = arena_new();
    const char *x = revision_new_id(a), *y = revision_new_id(a);
    assert_int_equal(strlen(x), 12);
    assert_int_equal(strspn(x, "0123456789abcdef"), 12);
    assert_string_not_equal(x, y);
    arena_free(a);
}

static void config_reads_like_configparser(void **state) {
    (void)state;
    unsetenv("DATABASE_URL");
    const char *ini = write_tmp("alembic.ini",
                                "[alembic]\n"
                                "script_location = %(here)s/alembic\n"
                                "file_template = %%(year)d_%%(rev)s_%%(slug)s\n"
                                "truncate_slug_length = 30\n"
                                "sqlalchemy.url = sqlite:///%(here)s/app.db\n"
                                "\n[retort]\nexclude_tables = legacy, audit_log\n  spatial_ref_sys\n"
                                "render_as_batch = false\n");
    diag_list dl;
    diag_list_init(&dl);
    retort_config *c;
    assert_int_equal(config_load(ini, &c, &dl), 0);
    char expect[256];
    snprintf(expect, sizeof expect, "%s/alembic", tmpdir);
    assert_string_equal(c->script_location, expect);
    assert_string_equal(c->file_template, "%(year)d_%(rev)s_%(slug)s");
    assert_int_equal(c->truncate_slug_length, 30);
    snprintf(expect, sizeof expect, "sqlite:///%s/app.db", tmpdir);
    assert_string_equal(c->url, expect);
    assert_int_equal(c->exclude_tables.len, 3);
    assert_string_equal(c->exclude_tables.items[2], "spatial_ref_sys");
    assert_false(c->render_as_batch);
    config_free(c);
    /* DATABASE_URL wins. */
    setenv("DATABASE_URL", "postgresql://u@h/db", 1);
    assert_int_equal(config_load(ini, &c, &dl), 0);
    assert_string_equal(c->url, "postgresql://u@h/db");
    assert_string_equal(c->url_source, "DATABASE_URL");
    config_free(c);
    unsetenv("DATABASE_URL");
    diag_list_free(&dl);
}

static void config_errors_are_located(void **state) {
    (void)state;
    diag_list dl;
    diag_list_init(&dl);
    retort_config *c;
    const char *ini = write_tmp("bad.ini", "[alembic]\nscript_location = x\ntruncate_slug_length = lots\n");
    assert_int_equal(config_load(ini, &c, &dl), -1);
    assert_int_equal(dl.errors, 1);
    assert_int_equal(dl.items.items[0].loc.line, 3);
    assert_string_equal(dl.items.items[0].message, "truncate_slug_length must be a whole number from 1 to 1000, not 'lots'");
    ini = write_tmp("bad2.ini", "[alembic]\nfile_template = %(rev)s\n");
    assert_int_equal(config_load(ini, &c, &dl), -1);
    assert_string_equal(dl.items.items[1].message, "unknown interpolation '%(rev)s'");
    assert_int_equal(dl.items.items[1].loc.line, 2);
    ini = write_tmp("bad3.ini", "[alembic]\nsqlalchemy.url = sqlite:///x.db\n");
    assert_int_equal(config_load(ini, &c, &dl), -1);
    assert_string_equal(dl.items.items[2].message, "No 'script_location' key found in configuration.");
    assert_int_equal(config_load("/nonexistent/alembic.ini", &c, &dl), -1);
    diag_list_free(&dl);
}

static void headers_heads_and_errors(void **state) {
    (void)state;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/versions", tmpdir);
    mkdir(dir, 0755);
    write_tmp("versions/a.py", "\"\"\"first\n\nRevision ID: aaa\n\"\"\"\nrevision = 'aaa'\ndown_revision = None\n"
                               "branch_labels = None\ndepends_on = None\n\ndef upgrade():\n    revision = 'zzz'\n");
    write_tmp("versions/b.py", "revision: str = 'bbb'\ndown_revision: Union[str, None] = 'aaa'\n");
    write_tmp("versions/c.py", "revision = \"ccc\"\ndown_revision = 'aaa'\n");
    write_tmp("versions/m.py", "revision = 'mmm'\ndown_revision = (\n    'bbb',\n    'ccc',\n)\n");
    write_tmp("versions/notes.txt", "not python\n");
    diag_list dl;
    diag_list_init(&dl);
    revision_set *rs;
    assert_int_equal(revisions_load(dir, &rs, &dl), 0);
    assert_int_equal(rs->revisions.len, 4);
    revision_header *m = strmap_get(rs->by_id, "mmm");
    assert_int_equal(m->down_revisions.len, 2);
    assert_string_equal(((revision_header *)strmap_get(rs->by_id, "aaa"))->doc, "first");
    revision_graph *g;
    assert_int_equal(graph_build(rs, &g, &dl), 0);
    assert_int_equal(g->heads.len, 1);
    assert_string_equal(g->heads.items[0]->header->revision, "mmm");
    graph_free(g);
    revisions_free(rs);
    /* Two heads once the merge is gone; a duplicate id is an error. */
    assert_int_equal(unlink(write_tmp("versions/m.py", "")), 0);
    assert_int_equal(revisions_load(dir, &rs, &dl), 0);
    assert_int_equal(graph_build(rs, &g, &dl), 0);
    assert_int_equal(g->heads.len, 2);
    assert_string_equal(g->heads.items[0]->header->revision, "bbb");
    assert_string_equal(g->heads.items[1]->header->revision, "ccc");
    graph_free(g);
    revisions_free(rs);
    write_tmp("versions/d.py", "revision = 'bbb'\ndown_revision = None\n");
    assert_int_equal(revisions_load(dir, &rs, &dl), -1);
    assert_non_null(strstr(dl.items.items[0].message, "duplicate revision id 'bbb'"));
    write_tmp("versions/d.py", "revision = 'ddd'\n");
    assert_int_equal(revisions_load(dir, &rs, &dl), -1);
    assert_string_equal(dl.items.items[1].message, "revision 'ddd' has no down_revision");
    diag_list_free(&dl);
}

/* ------------------------------------------------ the versions folder */

/* A versions folder with one good revision, and `name` copied from
** tests/data/revisions/ as zz_<name>. */
static const char *versions_with(const char *name) {
    static char dir[128];
    char cmd[512];
    snprintf(dir, sizeof dir, "%s/v_%s", tmpdir, name);
    mkdir(dir, 0755);
    snprintf(cmd, sizeof cmd, "cp '%s/revisions/%s' '%s/zz_%s'", TEST_DATA, name, dir, name);
    assert_int_equal(system(cmd), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/a_good.py", dir);
    const char *good = "\"\"\"good\"\"\"\nrevision = 'aaaa00000001'\ndown_revision = None\n\n\ndef upgrade():\n    pass\n";
    assert_int_equal(write_file_atomic(path, good, strlen(good)), 0);
    return dir;
}

/* Every bad input is refused, with one located error (line, column, the
** line itself) and a hint: none is skipped or read as a revision. */
static void versions_folder_refuses_broken_files(void **state) {
    (void)state;
    static const struct {
        const char *file, *message;
        int line, column;
    } cases[] = {
        {"empty.py", "the file is empty: it is not a revision", 1, 1},
        {"comments_only.py", "the file is empty: it is not a revision", 1, 1},
        {"helper.py", "no 'revision = ...' in this file: it is not a revision", 1, 1},
        {"garbage.py", "invalid syntax: '$' is not Python", 1, 41},
        {"not_utf8_id.py", "the file is not valid UTF-8 (byte 0xE9)", 1, 15},
        {"not_utf8_coding.py", "the file is not valid UTF-8 (byte 0xE9)", 2, 7},
        {"nul_byte.py", "the file contains a NUL byte", 3, 6},
        {"merge_conflict.py", "unresolved merge conflict: a '<<<<<<<' marker line", 2, 1},
        {"truncated.py", "unterminated triple-quoted string literal", 6, 16},
        {"unclosed_bracket.py", "'(' was never closed", 2, 17},
        {"trailing_text.py", "unexpected text after the value of revision", 1, 27},
        {"smart_quotes.py", "invalid character '\xe2\x80\x9c' (U+201C)", 6, 16},
        {"id_with_dash.py", "character '-' not allowed in revision identifier 'ab-cd'", 1, 12},
        {"id_with_quote.py", "character '\\'' not allowed in revision identifier 'it\\'s'", 1, 12},
        {"id_with_tab.py", "character '\\t' not allowed in revision identifier 'ab\\tcd'", 1, 12},
        {"id_with_backslash.py", "character '\\\\' not allowed in revision identifier 'ab\\\\cd'", 1, 12},
        {"id_non_ascii.py", "character '\xc3\xa9' not allowed in revision identifier 'caf\xc3\xa9'", 1, 12},
        {"label_with_space.py", "character ' ' not allowed in branch label 'not good'", 3, 26},
        {"label_with_newline.py", "character '\\n' not allowed in branch label 'a\\nb'", 3, 17},
        {"id_bytes.py", "revision: a bytes literal is not a string", 2, 12},
        {"label_from_import.py", "branch_labels: 'cli.CONTRACT_BRANCH' is an attribute of 'cli', imported from "
                                 "'neutron.db.migration' (line 2): retort reads revision headers without running "
                                 "Python, so it cannot know its value", 6, 18},
        {"utf8_text_latin1_coding.py", "non-ASCII text in a file whose line 1 declares coding 'latin-1'", 2, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        diag_list dl;
        diag_list_init(&dl);
        revision_set *rs = NULL;
        const char *dir = versions_with(cases[i].file);
        int rc = revisions_load(dir, &rs, &dl);
        if (rc != -1 || dl.errors != 1) {
            diag_print(&dl, stderr);
            fail_msg("%s: revisions_load gave %d with %d errors, not -1 with 1", cases[i].file, rc, dl.errors);
        }
        const diag *d = &dl.items.items[0];
        if (strcmp(d->message, cases[i].message) != 0 || d->loc.line != cases[i].line || d->loc.column != cases[i].column)
            fail_msg("%s: got %d:%d '%s', expected %d:%d '%s'", cases[i].file, d->loc.line, d->loc.column, d->message,
                     cases[i].line, cases[i].column, cases[i].message);
        assert_non_null(strstr(d->loc.file, cases[i].file));
        assert_non_null(d->source_line);
        assert_non_null(d->hint);
        assert_null(rs);
        diag_list_free(&dl);
    }
}

/* What Alembic skips stays skipped: __init__.py, empty or not; and what
** Alembic accepts in names stays accepted. */
static void versions_folder_keeps_what_alembic_reads(void **state) {
    (void)state;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/keep", tmpdir);
    mkdir(dir, 0755);
    write_tmp("keep/__init__.py", "");
    write_tmp("keep/__init__helpers.py", "def helper():\n    return 1\n");
    write_tmp("keep/a.py", "revision = '0001_initial'\ndown_revision = None\nbranch_labels = ('feature-x', 'release-2')\n");
    write_tmp("keep/b.py", "revision = 'v1.2'\ndown_revision = '0001_initial'\nbranch_labels = 'my.label'\n");
    write_tmp("keep/c.py", "revision: str = 'ae1027a6acf'  # a comment\ndown_revision = 'v1.2',\n");
    diag_list dl;
    diag_list_init(&dl);
    revision_set *rs = NULL;
    int rc = revisions_load(dir, &rs, &dl);
    if (rc != 0) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    assert_int_equal(dl.items.len, 0);
    assert_int_equal(rs->revisions.len, 3);
    revision_header *c = strmap_get(rs->by_id, "ae1027a6acf");
    assert_non_null(c);
    assert_int_equal(c->down_revisions.len, 1);
    assert_string_equal(c->down_revisions.items[0], "v1.2");
    revisions_free(rs);
    diag_list_free(&dl);
}

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "test_script: revisions_load blocked on a FIFO\n";
    if (write(2, msg, sizeof msg - 1) < 0) _exit(98);
    _exit(97);
}

/* A FIFO, a folder or a socket named *.py is skipped with a warning (never
** opened for reading: a FIFO would block forever); a symlink to a revision
** is read; a symlink to nothing is an error. */
static void versions_folder_reads_regular_files_only(void **state) {
    (void)state;
    char dir[128], path[256];
    snprintf(dir, sizeof dir, "%s/special", tmpdir);
    mkdir(dir, 0755);
    write_tmp("special/a.py", "revision = 'aaaa00000001'\ndown_revision = None\n");
    write_tmp("target.txt", "revision = 'bbbb00000002'\ndown_revision = 'aaaa00000001'\n");
    snprintf(path, sizeof path, "%s/fifo.py", dir);
    assert_int_equal(mkfifo(path, 0644), 0);
    snprintf(path, sizeof path, "%s/folder.py", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    char target[256];
    snprintf(target, sizeof target, "%s/target.txt", tmpdir);
    snprintf(path, sizeof path, "%s/link.py", dir);
    assert_int_equal(symlink(target, path), 0);
    signal(SIGALRM, on_alarm);
    alarm(20);
    diag_list dl;
    diag_list_init(&dl);
    revision_set *rs = NULL;
    int rc = revisions_load(dir, &rs, &dl);
    alarm(0);
    if (rc != 0) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    assert_int_equal(rs->revisions.len, 2);
    assert_non_null(strmap_get(rs->by_id, "bbbb00000002"));
    assert_int_equal(dl.errors, 0);
    assert_int_equal(dl.items.len, 2);
    for (size_t i = 0; i < 2; i++) {
        const diag *d = &dl.items.items[i];
        assert_int_equal(d->severity, DIAG_WARNING);
        assert_non_null(d->hint);
        assert_true(strstr(d->loc.file, "fifo.py") || strstr(d->loc.file, "folder.py"));
    }
    assert_non_null(strstr(dl.items.items[0].message, "not a revision file"));
    revisions_free(rs);
    /* A dangling symlink: a revision may be missing. */
    snprintf(path, sizeof path, "%s/dangling.py", dir);
    assert_int_equal(symlink("/nonexistent/revision.py", path), 0);
    alarm(20);
    assert_int_equal(revisions_load(dir, &rs, &dl), -1);
    alarm(0);
    assert_int_equal(dl.errors, 1);
    for (size_t i = 0; i < dl.items.len; i++)
        if (dl.items.items[i].severity == DIAG_ERROR) assert_non_null(strstr(dl.items.items[i].loc.file, "dangling.py"));
    diag_list_free(&dl);
}

/* The docstring is decoded as Python decodes it (escapes, raw strings,
** adjacent literals, CRLF, a BOM); doc is its first paragraph, stripped
** (Alembic's Script.doc). */
static void docstrings_decoded_as_python_does(void **state) {
    (void)state;
    static const struct {
        const char *file, *doc;
    } cases[] = {
        {"d1_escaped_quotes.py", "Quote \"\"\" and backslash \\ in the message,\non two lines of the first paragraph"},
        {"d2_raw.py", "Raw: \\\"\\\"\\\" stays, \\\\ stays, \\n stays, \\t too"},
        {"d3_comments_single_quotes.py",
         "Single quotes: tab\there, A\xc3\xa9\xf0\x9f\x98\x80, octal A, unknown \\q escape, it's"},
        {"d4_adjacent_crlf_bom.py", "Adjacent literals join, and a"},
        {"d5_no_docstring.py", ""},
        {"d6_unicode_whitespace.py", "Stripped of Unicode spaces; line\xe2\x80\xa8separator, form\ffeed, vertical\vtab, "
                                     "cr\rend;\n\\ backslash-newline joins these"},
        {"d7_parenthesized.py", "Parenthesized docstring"},
    };
    arena *a = arena_new();
    diag_list dl;
    diag_list_init(&dl);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/docstrings/%s", TEST_DATA, cases[i].file);
        revision_header *h = NULL;
        if (revision_header_read(a, path, &h, &dl) != 0 || !h) {
            diag_print(&dl, stderr);
            fail_msg("%s: not read", cases[i].file);
        }
        if (!h->doc || strcmp(h->doc, cases[i].doc) != 0)
            fail_msg("%s: doc is '%s', expected '%s'", cases[i].file, h->doc ? h->doc : "(null)", cases[i].doc);
    }
    /* Not docstrings, for Python: bytes, an f-string, an expression. */
    const char *not_docs[] = {"b\"\"\"bytes\"\"\"\n", "f'{1}'\n", "\"\"\"x\"\"\".strip()\n", "\"a\" + \"b\"\n"};
    for (size_t i = 0; i < 4; i++) {
        char text[256];
        snprintf(text, sizeof text, "%srevision = 'nd%zu'\ndown_revision = None\n", not_docs[i], i);
        revision_header *h = NULL;
        assert_int_equal(revision_header_read(a, write_tmp("notdoc.py", text), &h, &dl), 0);
        assert_non_null(h);
        if (h->doc && *h->doc) fail_msg("'%s' gave doc '%s'", not_docs[i], h->doc);
    }
    assert_int_equal(dl.errors, 0);
    diag_list_free(&dl);
    arena_free(a);
}

/* alembic.ini as strictly as ConfigParser (Python 3.11) reads it. */
static void config_refuses_what_configparser_refuses(void **state) {
    (void)state;
    unsetenv("DATABASE_URL");
    static const struct {
        const char *ini, *message;
        int line, column;
    } cases[] = {
        {"[alembic]\nscript_location = a\nScript_Location = b\n",
         "option 'script_location' in section 'alembic' already exists", 3, 1},
        {"[alembic]\nscript_location = a\n[retort]\nmodels = m\n[alembic]\nx = 1\n", "section 'alembic' already exists", 5, 1},
        {"[alembic]\nscript_location = a\nfile_template = %%(rev)s_%%(nope)s\n", "unknown key 'nope' in file_template", 3, 26},
        {"[alembic]\nscript_location = a\nfile_template = %%(rev)d\n", "'%(rev)d' in file_template: rev is not a number", 3, 17},
        {"[alembic]\nscript_location = a\nfile_template = 100%%%%_%%(rev)s_%%\n", "a '%' in file_template that starts no %(key)s", 3, 34},
        {"[alembic]\nscript_location = a\ntimezone = Nowhere/Atlantis\n", "Can't locate timezone: Nowhere/Atlantis", 3, 12},
        {"[alembic]\na = %(b)s\nb = %(a)s\nscript_location = %(a)s\n",
         "Recursion limit exceeded in value substitution: option 'script_location' in section 'alembic' contains an "
         "interpolation key which cannot be substituted in 10 steps",
         4, 19},
        {"[alembic]\nscript_location = %(nope)s/x\n", "unknown interpolation '%(nope)s'", 2, 19},
        {"[alembic]\nscript_location = %(here\n", "bad interpolation variable reference '%(here'", 2, 19},
        {"script_location = a\n[alembic]\n", "File contains no section headers", 1, 1},
        {"[alembic]\nscript_location = a\n= x\n", "an option without a name", 3, 1},
        {"[alembic]\nscript_location = a\n[retort]\nrender_as_bach = false\n", "unknown option 'render_as_bach' in [retort]", 4, 1},
        {"[alembic]\nscript_location = caf\xe9\n", "the file is not valid UTF-8 (byte 0xE9)", 2, 22},
        {"[alembic]\nscript_location = a\nfile_template = %%(year).4294967297d_%%(rev)s\n",
         "a width or precision over 255 in file_template", 3, 17},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        diag_list dl;
        diag_list_init(&dl);
        retort_config *c = NULL;
        const char *ini = write_tmp("strict.ini", cases[i].ini);
        if (config_load(ini, &c, &dl) != -1 || !dl.items.len) {
            fail_msg("case %zu accepted:\n%s", i, cases[i].ini);
        }
        const diag *d = &dl.items.items[0];
        if (strcmp(d->message, cases[i].message) != 0 || d->loc.line != cases[i].line || d->loc.column != cases[i].column)
            fail_msg("case %zu: got %d:%d '%s', expected %d:%d '%s'", i, d->loc.line, d->loc.column, d->message,
                     cases[i].line, cases[i].column, cases[i].message);
        assert_non_null(d->hint);
        assert_non_null(d->source_line);
        assert_null(c);
        diag_list_free(&dl);
    }
    /* The did-you-mean. */
    diag_list dl;
    diag_list_init(&dl);
    retort_config *c = NULL;
    assert_int_equal(config_load(write_tmp("typo.ini", "[alembic]\nscript_location = a\n[retort]\nexclude_table = x\n"), &c, &dl), -1);
    assert_non_null(strstr(dl.items.items[0].hint, "did you mean 'exclude_tables'?"));
    diag_list_free(&dl);
}

/* ... and what it accepts: interpolation through other options and
** [DEFAULT], keys in any case, a blank line inside a continued value. */
static void config_interpolates_like_configparser(void **state) {
    (void)state;
    unsetenv("DATABASE_URL");
    const char *ini = write_tmp("deep.ini",
                                "[DEFAULT]\nroot = %(here)s/proj\n"
                                "[alembic]\nScript_Location = %(base)s/alembic\nbase = %(root)s\n"
                                "file_template = %%(rev)s_%%(slug).10s_%%(month)02d_100%%%%\n"
                                "timezone = Europe/Paris\n"
                                "[retort]\nexclude_tables = a\n\n  b\n");
    diag_list dl;
    diag_list_init(&dl);
    retort_config *c = NULL;
    int rc = config_load(ini, &c, &dl);
    if (rc != 0) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    char expect[256];
    snprintf(expect, sizeof expect, "%s/proj/alembic", tmpdir);
    assert_string_equal(c->script_location, expect);
    assert_string_equal(c->file_template, "%(rev)s_%(slug).10s_%(month)02d_100%%");
    assert_int_equal(c->exclude_tables.len, 2);
    struct tm when = {.tm_year = 125, .tm_mon = 2, .tm_mday = 5};
    arena *a = arena_new();
    assert_string_equal(revision_file_name(a, c->file_template, "ae10", "one_two_three_four", &when, 0),
                        "ae10_one_two_th_03_100%");
    /* Python's % formatting, flag by flag ('%05.2d' % 3 == '00003'). */
    assert_string_equal(revision_file_name(a, "%(day)05.2d|%(day)-4d|%(day)+d|%(rev)6s|%(rev)-6s|%(year)s", "ae10", "", &when, 0),
                        "00005|5   |+5|  ae10|ae10  |2025");
    arena_free(a);
    config_free(c);
    diag_list_free(&dl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slug_like_alembic),
        cmocka_unit_test(file_template_expansion),
        cmocka_unit_test(file_template_huge_width),
        cmocka_unit_test(new_ids_are_12_hex),
        cmocka_unit_test_setup_teardown(config_reads_like_configparser, make_tmp, rm_tmp),
        cmocka_unit_test_setup_teardown(config_errors_are_located, make_tmp, rm_tmp),
        cmocka_unit_test_setup_teardown(headers_heads_and_errors, make_tmp, rm_tmp),
        cmocka_unit_test_setup_teardown(versions_folder_refuses_broken_files, make_tmp, rm_tmp),
        cmocka_unit_test_setup_teardown(versions_folder_keeps_what_alembic_reads, make_tmp, rm_tmp),
        cmocka_unit_test_setup_teardown(versions_folder_reads_regular_files_only, make_tmp, rm_tmp),
        cmocka_unit_test_setup_teardown(docstrings_decoded_as_python_does, make_tmp, rm_tmp),
        cmocka_unit_test_setup_teardown(config_refuses_what_configparser_refuses, make_tmp, rm_tmp),
        cmocka_unit_test_setup_teardown(config_interpolates_like_configparser, make_tmp, rm_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
