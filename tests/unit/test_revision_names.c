/*
** test_revision_names.c — the one rule for revision ids and branch labels
** (revision_name_check, script.h), and the file_template checker.
**
** What real projects use must pass (Alembic's 12 hex digits, 0001_initial,
** words, dotted versions, labels with '-'); control characters, quotes,
** backslashes, whitespace, non-ASCII and Alembic's own symbols must not.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "script/script.h"

static int check(const char *name, revision_name_kind kind, const char **message) {
    diag_list dl;
    diag_list_init(&dl);
    static char msg[512];
    int rc = revision_name_check(name, kind, (src_loc){"--rev-id", 0, 0}, 0, &dl);
    msg[0] = '\0';
    if (rc != 0) {
        assert_int_equal(dl.errors, 1);
        assert_non_null(dl.items.items[0].hint);
        snprintf(msg, sizeof msg, "%s", dl.items.items[0].message);
    } else
        assert_int_equal(dl.items.len, 0);
    if (message) *message = msg;
    diag_list_free(&dl);
    return rc;
}

static void real_names_pass(void **state) {
    (void)state;
    const char *ids[] = {"ae1027a6acf", "8154b5851fbf", "0001_initial", "001", "kilo", "Liberty_Expand", "v1.2.3",
                         "_private", "a", "20251105_1903_schema"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        if (check(ids[i], NAME_REVISION, NULL) != 0) fail_msg("id '%s' refused", ids[i]);
        if (check(ids[i], NAME_NEW_REVISION, NULL) != 0) fail_msg("new id '%s' refused", ids[i]);
        if (check(ids[i], NAME_BRANCH_LABEL, NULL) != 0) fail_msg("label '%s' refused", ids[i]);
    }
    const char *labels[] = {"shoppingcart", "my-feature", "feature-x", "my.label", "a-b-c", "x2-y"};
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
        if (check(labels[i], NAME_BRANCH_LABEL, NULL) != 0) fail_msg("label '%s' refused", labels[i]);
        if (check(labels[i], NAME_NEW_BRANCH_LABEL, NULL) != 0) fail_msg("new label '%s' refused", labels[i]);
    }
    /* What Alembic reads, retort reads: a label with '-' before a digit
    ** in a file (only new ones are refused). */
    assert_int_equal(check("release-2", NAME_BRANCH_LABEL, NULL), 0);
    /* 32 characters: the most alembic_version holds. */
    assert_int_equal(check("abcdefghijabcdefghijabcdefghij12", NAME_NEW_REVISION, NULL), 0);
}

static void bad_names_fail(void **state) {
    (void)state;
    static const struct {
        const char *name;
        revision_name_kind kind;
        const char *message;
    } cases[] = {
        {"", NAME_REVISION, "empty revision identifier"},
        {"ab-cd", NAME_REVISION, "character '-' not allowed in revision identifier 'ab-cd'"},
        {"ab@cd", NAME_REVISION, "character '@' not allowed in revision identifier 'ab@cd'"},
        {"ab+1", NAME_REVISION, "character '+' not allowed in revision identifier 'ab+1'"},
        {"ab:cd", NAME_REVISION, "character ':' not allowed in revision identifier 'ab:cd'"},
        {"a b", NAME_NEW_REVISION, "character ' ' not allowed in revision identifier 'a b'"},
        {"a\tb", NAME_REVISION, "character '\\t' not allowed in revision identifier 'a\\tb'"},
        {"a\nb", NAME_BRANCH_LABEL, "character '\\n' not allowed in branch label 'a\\nb'"},
        {"a\x01" "b", NAME_REVISION, "character '\\x01' not allowed in revision identifier 'a\\x01b'"},
        {"it's", NAME_REVISION, "character '\\'' not allowed in revision identifier 'it\\'s'"},
        {"say\"x\"", NAME_BRANCH_LABEL, "character '\"' not allowed in branch label 'say\"x\"'"},
        {"a\\b", NAME_REVISION, "character '\\\\' not allowed in revision identifier 'a\\\\b'"},
        {"no/slash", NAME_NEW_REVISION, "character '/' not allowed in revision identifier 'no/slash'"},
        {"caf\xc3\xa9", NAME_REVISION, "character '\xc3\xa9' not allowed in revision identifier 'caf\xc3\xa9'"},
        {"ab\xe9", NAME_NEW_REVISION, "character '\\xe9' not allowed in revision identifier 'ab\\xe9'"},
        {"nb\xc2\xa0sp", NAME_BRANCH_LABEL, "character '\\xa0' not allowed in branch label 'nb\\xa0sp'"},
        {".hidden", NAME_REVISION, "revision identifier '.hidden' may not start with '.'"},
        {"-x", NAME_BRANCH_LABEL, "branch label '-x' may not start with '-'"},
        {"x-", NAME_BRANCH_LABEL, "branch label 'x-' may not end with '-'"},
        {"release-2", NAME_NEW_BRANCH_LABEL, "'-' before a digit in branch label 'release-2'"},
        {"head", NAME_REVISION, "'head' cannot be a revision identifier: it is a symbol of revision targets"},
        {"heads", NAME_BRANCH_LABEL, "'heads' cannot be a branch label: it is a symbol of revision targets"},
        {"base", NAME_NEW_REVISION, "'base' cannot be a revision identifier: it is a symbol of revision targets"},
        {"current", NAME_NEW_BRANCH_LABEL, "'current' cannot be a branch label: it is a symbol of revision targets"},
        {"abcdefghijabcdefghijabcdefghij123", NAME_NEW_REVISION,
         "revision identifier 'abcdefghijabcdefghijabcdefghij123' is longer than 32 characters"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *m;
        if (check(cases[i].name, cases[i].kind, &m) != -1) fail_msg("case %zu ('%s') accepted", i, cases[i].name);
        if (strcmp(m, cases[i].message) != 0) fail_msg("case %zu: '%s', expected '%s'", i, m, cases[i].message);
    }
}

static void file_templates(void **state) {
    (void)state;
    arena *a = arena_new();
    size_t at;
    const char *hint;
    const char *good[] = {"%(rev)s_%(slug)s", "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s",
                          "%(epoch)s_%(rev)s", "%(second)02d%%", "%(slug).20s", "%(rev)-12s"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (revision_template_check(a, good[i], &at, &hint)) fail_msg("'%s' refused", good[i]);
    static const struct {
        const char *tmpl, *message;
        size_t at;
    } bad[] = {
        {"%(rev)s_%(nope)s", "unknown key 'nope' in file_template", 8},
        {"%(rev)d", "'%(rev)d' in file_template: rev is not a number", 0},
        {"%(year)x", "'%(year)x' in file_template: retort writes only the s and d conversions", 0},
        {"%(rev)", "'%(rev)' in file_template has no conversion character", 0},
        {"%(rev", "a '%(' in file_template without its ')'", 0},
        {"100%", "a '%' in file_template that starts no %(key)s", 3},
        {"%s", "a '%' in file_template that starts no %(key)s", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *why = revision_template_check(a, bad[i].tmpl, &at, &hint);
        if (!why || strcmp(why, bad[i].message) != 0 || at != bad[i].at)
            fail_msg("'%s': '%s' at %zu, expected '%s' at %zu", bad[i].tmpl, why ? why : "(accepted)", at, bad[i].message,
                     bad[i].at);
        assert_non_null(hint);
    }
    /* A typo gets a did-you-mean, spelt as alembic.ini spells it. */
    assert_non_null(revision_template_check(a, "%(slgu)s", &at, &hint));
    assert_non_null(strstr(hint, "did you mean %%(slug)s?"));
    arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_names_pass),
        cmocka_unit_test(bad_names_fail),
        cmocka_unit_test(file_templates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
