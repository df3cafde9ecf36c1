/*
** test_revision_headers.c — the revision-header reader on what real
** projects' versions folders hold: leading comments and coding lines
** before the docstring, string prefixes (u'', U'', r''), names of
** same-file constants in header values; and the located errors for what
** it cannot read (a bytes literal, an imported name, a coding Python would
** read differently from UTF-8).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "script/script.h"

/* The header of text, which must be read. */
static revision_header *read_ok(arena *a, const char *text) {
    diag_list dl;
    diag_list_init(&dl);
    revision_header *h = NULL;
    if (revision_header_parse(a, "v.py", text, strlen(text), &h, &dl) != 0 || !h) {
        diag_print(&dl, stderr);
        fail_msg("not read:\n%s", text);
    }
    diag_list_free(&dl);
    return h;
}

static void assert_vec(const str_vec *v, size_t n, const char *const *want) {
    assert_int_equal(v->len, n);
    for (size_t i = 0; i < n; i++) assert_string_equal(v->items[i], want[i]);
}

/* Python takes the first statement's string as the docstring whatever
** comments, coding lines and blank lines come before it. */
static void docstring_after_comments(void **state) {
    (void)state;
    arena *a = arena_new();
    static const char *const texts[] = {
        "# encoding: utf-8\n\"\"\"add things\n\nRevision ID: 3537d5420e0e\n\"\"\"\n",
        "# -*- coding: utf-8 -*-\n#\n#    Licensed under the Apache License, Version 2.0 (the \"License\");\n"
        "#    you may not use this file except in compliance with the License.\n\n\n"
        "\"\"\"add things\n\nRevision ID: 3537d5420e0e\n\"\"\"\n",
        "#!/usr/bin/env python\n# vim: set fileencoding=UTF_8 :\n# Copyright \xc2\xa9 2020\n\t\n   \n"
        "u'''add things\n\nRevision ID: 3537d5420e0e\n'''\n",
        "# coding=utf8\r\n\r\n\"\"\"add things\r\n\r\nRevision ID: 3537d5420e0e\r\n\"\"\"\r\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        const char *text = arena_printf(a, "%srevision = '3537d5420e0e'\ndown_revision = None\n", texts[i]);
        revision_header *h = read_ok(a, text);
        assert_string_equal(h->doc, "add things");
        assert_string_equal(h->longdoc, "add things\n\nRevision ID: 3537d5420e0e");
    }
    arena_free(a);
}

/* u'', U'', r'', R'' are str literals, in tuples too. */
static void string_prefixes(void **state) {
    (void)state;
    arena *a = arena_new();
    revision_header *h = read_ok(a, "revision = u'3537d5420e0e'\ndown_revision = (U'aaa', r'bbb', R\"ccc\")\n"
                                    "branch_labels = u'lab'\ndepends_on = [r'x']\n");
    assert_string_equal(h->revision, "3537d5420e0e");
    assert_vec(&h->down_revisions, 3, (const char *const[]){"aaa", "bbb", "ccc"});
    assert_vec(&h->branch_labels, 1, (const char *const[]){"lab"});
    h = read_ok(a, "revision = 'a'\ndown_revision = u'x'\ndepends_on = R'y', u\"z\"\n");
    assert_vec(&h->depends_on, 2, (const char *const[]){"y", "z"});
    arena_free(a);
}

/* What the line scanner steps over: names holding prefix letters before a
** string, brackets and the other quote inside strings, a raw string's
** backslash before its quote, '!=', a UTF-8 name, brackets in a
** triple-quoted string. */
static void line_scanner_steps(void **state) {
    (void)state;
    arena *a = arena_new();
    revision_header *h = read_ok(a, "revision = 'a'\ndown_revision = None\n"
                                    "def upgrade():\n    op.create_table('t', sa.Column(\"b'(\", sa.String(length=1)),\n"
                                    "        sub(r'\\'[', rb\"\\\"{\", fr'{x}(', Bu if a != b else c))\n"
                                    "caf\xc3\xa9 = u'''\n)\n'''\n");
    assert_string_equal(h->revision, "a");
    /* A string's prefix is the whole name before its quote: ub and xrb are
    ** names followed by a plain string, b after a string starts one; the
    ** brackets inside each string are not brackets. */
    h = read_ok(a, "revision = 'b'\ndown_revision = None\n"
                   "def upgrade():\n    f(ub\"(\", xrb'[', 'a'b')', rb'\\'{', _u'(', \xc3\xa9" "b'[', Rb\"\"\"(\n\"\"\")\n");
    assert_string_equal(h->revision, "b");
    arena_free(a);
}

/* A name the file assigned a string, None or a tuple of strings before
** the header uses it; the last assignment before the use counts. */
static void same_file_constants(void **state) {
    (void)state;
    arena *a = arena_new();
    revision_header *h = read_ok(a, "\"\"\"doc\"\"\"\nMY_LABEL = \"contract\"\nrevision = 'aaa'\n"
                                    "down_revision = None\nbranch_labels = (MY_LABEL,)\n");
    assert_vec(&h->branch_labels, 1, (const char *const[]){"contract"});
    assert_string_equal(h->doc, "doc");
    h = read_ok(a, "LABELS = ('expand', u'x')\nPARENT: str = 'p1'\nNONE = None\nrevision = 'aaa'\n"
                   "down_revision = PARENT, 'p2'\nbranch_labels = LABELS\ndepends_on = NONE\n");
    assert_vec(&h->branch_labels, 2, (const char *const[]){"expand", "x"});
    assert_vec(&h->down_revisions, 2, (const char *const[]){"p1", "p2"});
    assert_int_equal(h->depends_on.len, 0);
    h = read_ok(a, "L = 'old'\nL = 'new'\nrevision = 'aaa'\ndown_revision = None\nbranch_labels = [L]\n"
                   "depends_on = down_revision\n");
    assert_vec(&h->branch_labels, 1, (const char *const[]){"new"});
    h = read_ok(a, "REV = 'aaa'\nrevision = REV\ndown_revision = None\n");
    assert_string_equal(h->revision, "aaa");
    arena_free(a);
}

/* What is refused: the error's line, column, caret width, the words it
** must hold, and words its hint must not hold. */
static void refused_with_a_located_error(void **state) {
    (void)state;
    static const struct {
        const char *text, *message, *hint, *not_in_hint;
        int line, column, span;
    } cases[] = {
        {"revision = b'abc'\ndown_revision = None\n", "revision: a bytes literal is not a string",
         "remove the b prefix", NULL, 1, 12, 6},
        {"revision = 'a'\ndown_revision = ('x', B\"y\")\n", "down_revision: a bytes literal is not a string",
         "remove the b prefix", NULL, 2, 23, 4},
        {"\"\"\"doc\"\"\"\nfrom neutron.db.migration import cli\nrevision = 'a'\ndown_revision = None\n"
         "branch_labels = (cli.CONTRACT_BRANCH,)\n",
         "branch_labels: 'cli.CONTRACT_BRANCH' is an attribute of 'cli', imported from 'neutron.db.migration' "
         "(line 2): retort reads revision headers without running Python",
         "branch_labels = ('<the value of cli.CONTRACT_BRANCH>',)", "ae1027a6acf", 5, 18, 19},
        {"from x import (A,\n    LABEL as L)\nrevision = 'a'\ndown_revision = None\nbranch_labels = L\n",
         "branch_labels: 'L' is imported from module 'x' (line 1)", "write the label itself as a string",
         "ae1027a6acf", 5, 17, 1},
        {"import labels.all\nrevision = 'a'\ndown_revision = None\ndepends_on = labels.all.X\n",
         "depends_on: 'labels.all.X' is an attribute of module 'labels.all' (line 1)",
         "depends_on = ('<the value of labels.all.X>',)", "ae1027a6acf", 4, 14, 12},
        {"L = make()\nrevision = 'a'\ndown_revision = None\nbranch_labels = L, 'x'\n",
         "branch_labels: 'L' is assigned on line 1 a value retort cannot read without running Python", NULL, NULL,
         4, 17, 1},
        {"L = 'ok'\nL = make()\nrevision = 'a'\ndown_revision = None\nbranch_labels = L\n",
         "branch_labels: 'L' is assigned on line 2", NULL, NULL, 5, 17, 1},
        {"revision = 'a'\ndown_revision = None\nbranch_labels = NOPE\n",
         "branch_labels: 'NOPE' is not assigned at the top of this file before this line", NULL, NULL, 3, 17, 4},
        {"revision = 'a'\ndown_revision = LATER\nLATER = 'b'\n", "down_revision: 'LATER' is not assigned", NULL,
         NULL, 2, 17, 5},
        {"T = ('a', 'b')\nrevision = 'a'\ndown_revision = None\nbranch_labels = (T,)\n",
         "branch_labels: 'T' is a tuple (it would make a tuple in a tuple)", NULL, NULL, 4, 18, 1},
        {"revision = 'a'\ndown_revision = None\ndepends_on = [get_rev()]\n",
         "depends_on: 'get_rev(...)' is a call", NULL, NULL, 3, 15, 7},
        {"revision = 'a'\ndown_revision = None\nbranch_labels = 42\n",
         "branch_labels must be None, a string or a tuple of strings", "branch_labels = ('my_label',)",
         "ae1027a6acf", 3, 17, 1},
        /* An unclosed bracket is Python's message, and the better one. */
        {"revision = 'a'\ndown_revision = (cli.X,\n", "'(' was never closed", NULL, NULL, 2, 17, 1},
        /* Codings: Python would read non-ASCII text differently. */
        {"# -*- coding: latin-1 -*-\n\"\"\"caf\xc3\xa9\"\"\"\nrevision = 'a'\ndown_revision = None\n",
         "non-ASCII text in a file whose line 1 declares coding 'latin-1'", "change the line to '# -*- coding: utf-8",
         NULL, 2, 7, 1},
        {"#!/usr/bin/python\n# vim: fileencoding=cp1252\nrevision = 'a'\ndown_revision = None\n# \xe2\x82\xac\n",
         "non-ASCII text in a file whose line 2 declares coding 'cp1252'", "iconv -f cp1252 -t UTF-8", NULL, 5, 3, 1},
        {"# coding: utf-16\nrevision = 'a'\ndown_revision = None\n",
         "line 1 declares coding 'utf-16': retort reads revision files as UTF-8 only", NULL, NULL, 1, 11, 6},
        {"\xef\xbb\xbf# coding: latin-1\nrevision = 'a'\ndown_revision = None\n",
         "a UTF-8 BOM, and line 1 declares coding 'latin-1'", "encoding problem", NULL, 1, 1, 1},
        /* The line scanner's refusals, byte class by byte class. */
        {"revision = 'a'\ndown_revision = None\nx = 1 $ 2\n", "invalid syntax: '$' is not Python", NULL, NULL, 3, 7, 1},
        {"revision = 'a'\ndown_revision = None\nx = a ! b\n", "invalid syntax: '!' is not Python", NULL, NULL, 3, 7, 1},
        {"revision = 'a'\ndown_revision = None\nx = 1\x7f\n", "invalid non-printable character U+007F", NULL, NULL,
         3, 6, 1},
        {"revision = 'a'\ndown_revision = None\nx = 1 \xe2\x80\x94 2\n", "invalid character", NULL, NULL, 3, 7, 1},
        {"revision = 'a'\ndown_revision = None\nx = 1 \\ 2\n", "unexpected character after line continuation",
         NULL, NULL, 3, 8, 1},
        {"revision = 'a'\ndown_revision = None\nx = f(r'(', b\"[\",\n    2]\n",
         "closing parenthesis ']' does not match opening parenthesis '(' on line 3", NULL, NULL, 4, 6, 1},
        {"revision = 'a'\ndown_revision = None\nx = rb'\\'\n", "unterminated string literal", NULL, NULL, 3, 5, 1},
        {"revision = 'a'\ndown_revision = None\nx = 1)\n", "unmatched ')'", NULL, NULL, 3, 6, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        arena *a = arena_new();
        diag_list dl;
        diag_list_init(&dl);
        revision_header *h = NULL;
        int rc = revision_header_parse(a, "v.py", cases[i].text, strlen(cases[i].text), &h, &dl);
        if (rc != -1 || dl.items.len != 1) {
            diag_print(&dl, stderr);
            fail_msg("case %zu: rc %d, %zu diagnostics:\n%s", i, rc, dl.items.len, cases[i].text);
        }
        const diag *d = &dl.items.items[0];
        if (!strstr(d->message, cases[i].message) || d->loc.line != cases[i].line ||
            d->loc.column != cases[i].column || d->span != cases[i].span)
            fail_msg("case %zu: %d:%d (span %d) '%s', expected %d:%d (span %d) '%s'", i, d->loc.line, d->loc.column,
                     d->span, d->message, cases[i].line, cases[i].column, cases[i].span, cases[i].message);
        if (!d->hint) fail_msg("case %zu: no hint", i);
        if (cases[i].hint && !strstr(d->hint, cases[i].hint))
            fail_msg("case %zu: hint '%s' lacks '%s'", i, d->hint, cases[i].hint);
        if (cases[i].not_in_hint && strstr(d->hint, cases[i].not_in_hint))
            fail_msg("case %zu: hint '%s' has '%s'", i, d->hint, cases[i].not_in_hint);
        diag_list_free(&dl);
        arena_free(a);
    }
}

/* Codings Python reads as UTF-8, and ASCII files in other codings (the
** same text whatever the coding), are read. */
static void codings_read(void **state) {
    (void)state;
    arena *a = arena_new();
    static const char *const firsts[] = {"# -*- coding: utf-8 -*-", "# coding=UTF_8", "# vim: fileencoding=utf8",
                                         "# coding: utf-8-sig", "# -*- coding: latin-1 -*-\n# plain ASCII"};
    for (size_t i = 0; i < sizeof firsts / sizeof *firsts; i++) {
        bool ascii = strstr(firsts[i], "latin") != NULL;
        const char *text = arena_printf(a, "%s\n\"\"\"%s\"\"\"\nrevision = 'a'\ndown_revision = None\n", firsts[i],
                                        ascii ? "cafe" : "caf\xc3\xa9");
        revision_header *h = read_ok(a, text);
        assert_string_equal(h->doc, ascii ? "cafe" : "caf\xc3\xa9");
    }
    /* A coding comment on line 2 after code on line 1 is no coding line. */
    revision_header *h = read_ok(a, "\"\"\"caf\xc3\xa9\"\"\"\n# coding: latin-1\nrevision = 'a'\ndown_revision = None\n");
    assert_string_equal(h->doc, "caf\xc3\xa9");
    arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(docstring_after_comments),
        cmocka_unit_test(string_prefixes),
        cmocka_unit_test(line_scanner_steps),
        cmocka_unit_test(same_file_constants),
        cmocka_unit_test(refused_with_a_located_error),
        cmocka_unit_test(codings_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
