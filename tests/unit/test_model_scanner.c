/*
** test_model_scanner.c — the model language's tokens, seen through the parse
** tree: identifiers and contextual keywords, strings and their escapes,
** numbers, comments, line/column tracking, and lexical errors.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "model/ast.h"

#include <string.h>

typedef struct parsed {
    arena *a;
    ast_file file;
    diag_list dl;
    int errors;
} parsed;

static void parse(parsed *p, const char *text) {
    p->a = arena_new();
    diag_list_init(&p->dl);
    p->errors = model_parse(p->a, "scan.model", text, &p->file, &p->dl);
}

static void done(parsed *p) {
    arena_free(p->a);
    diag_list_free(&p->dl);
}

/* The first attribute's first positional value of field `i` of model 0. */
static ast_value *attr_value(parsed *p, size_t field) {
    ast_field *f = p->file.models.items[0]->fields.items[field];
    return f->attrs.items[0]->args.items[0]->value;
}

static void test_string_escapes(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Text @default(\"q\\\"b\\\\n\\nt\\tu\\u00e9\\u20ac\")\n}\n");
    assert_int_equal(p.errors, 0);
    ast_value *v = attr_value(&p, 0);
    assert_int_equal(v->kind, AST_STRING);
    assert_string_equal(v->text, "q\"b\\n\nt\tu\xc3\xa9\xe2\x82\xac");
    assert_int_equal(v->loc.line, 2);
    assert_int_equal(v->loc.column, 19);
    done(&p);
}

static void test_numbers_and_bools(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Integer @default(-12)\n  b Float @default(1.5e3)\n  c Boolean @default(true)\n"
              "  d Boolean @default(false)\n}");
    assert_int_equal(p.errors, 0);
    assert_int_equal(attr_value(&p, 0)->kind, AST_NUMBER);
    assert_string_equal(attr_value(&p, 0)->text, "-12");
    assert_string_equal(attr_value(&p, 1)->text, "1.5e3");
    assert_int_equal(attr_value(&p, 2)->kind, AST_BOOL);
    assert_true(attr_value(&p, 2)->boolean);
    assert_int_equal(attr_value(&p, 3)->kind, AST_BOOL);
    assert_false(attr_value(&p, 3)->boolean);
    done(&p);
}

/* A number followed by a '.', 'e' or 'e+' without digits is the number, and
** what follows is read again: the scanner's rules for those cuts (which
** spare it backing up) must not change what the file says. */
static void test_number_cut_short(void **state) {
    (void)state;
    static const struct {
        const char *value, *diagnostics, *number; /* number: NULL when a syntax error drops the attribute */
    } cases[] = {
        {"12.", "2:22 unexpected character '.'\n", "12"},
        {"-3.e", "2:22 unexpected character '.'\n"
                 "2:23 syntax error: unexpected name 'e', expected ',' or ')'\n", NULL},
        {"4e", "2:21 syntax error: unexpected name 'e', expected ',' or ')'\n", NULL},
        {"5.5E+", "2:23 syntax error: unexpected name 'E', expected ',' or ')'\n"
                  "2:24 unexpected character '+'\n", NULL},
        {"6e-x", "2:21 syntax error: unexpected name 'e', expected ',' or ')'\n"
                 "2:22 unexpected character '-'\n", NULL},
        {"7.25e+1", "", "7.25e+1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[128], got[512] = "";
        snprintf(text, sizeof text, "model M {\n  a Float @default(%s)\n}\n", cases[i].value);
        parsed p;
        parse(&p, text);
        for (size_t k = 0; k < p.dl.items.len; k++) {
            const diag *d = &p.dl.items.items[k];
            size_t used = strlen(got);
            snprintf(got + used, sizeof got - used, "%d:%d %s\n", d->loc.line, d->loc.column, d->message);
        }
        assert_string_equal(got, cases[i].diagnostics);
        /* the number itself, before what was cut (a syntax error drops the attribute) */
        ast_field *f = p.file.models.items[0]->fields.items[0];
        if (cases[i].number) {
            assert_int_equal(f->attrs.len, 1);
            ast_value *v = f->attrs.items[0]->args.items[0]->value;
            assert_int_equal(v->kind, AST_NUMBER);
            assert_string_equal(v->text, cases[i].number);
        } else {
            assert_int_equal(f->attrs.len, 0);
        }
        done(&p);
    }
}

static void test_comments_and_locations(void **state) {
    (void)state;
    parsed p;
    parse(&p, "# leading comment\nmodel M { # after brace\n\tid Integer # trailing\n}\n# end");
    assert_int_equal(p.errors, 0);
    ast_model *m = p.file.models.items[0];
    assert_string_equal(m->name, "M");
    assert_int_equal(m->loc.line, 2);
    assert_int_equal(m->loc.column, 7);
    assert_int_equal(m->span, 1);
    ast_field *f = m->fields.items[0];
    assert_string_equal(f->name, "id");
    assert_int_equal(f->loc.line, 3);
    assert_int_equal(f->loc.column, 2);   /* a tab is one column */
    assert_int_equal(f->type.loc.column, 5);
    assert_int_equal(f->type.span, 7);
    done(&p);
}

static void test_contextual_keywords(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model model {\n  model String\n  abstract Integer\n  index Text\n  table Text\n  comment Text\n}\n");
    assert_int_equal(p.errors, 0);
    ast_model *m = p.file.models.items[0];
    assert_string_equal(m->name, "model");
    assert_int_equal(m->fields.len, 5);
    assert_string_equal(m->fields.items[0]->name, "model");
    assert_string_equal(m->fields.items[1]->name, "abstract");
    assert_string_equal(m->fields.items[2]->name, "index");
    assert_string_equal(m->fields.items[4]->name, "comment");
    done(&p);
}

static void test_attr_and_clause_tokens(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Integer @primary_key\n  @@table(\"t\")\n}");
    assert_int_equal(p.errors, 0);
    ast_attr *at = p.file.models.items[0]->fields.items[0]->attrs.items[0];
    assert_string_equal(at->name, "primary_key");
    assert_false(at->is_clause);
    assert_int_equal(at->span, 12);
    ast_attr *cl = p.file.models.items[0]->clauses.items[0];
    assert_string_equal(cl->name, "table");
    assert_true(cl->is_clause);
    assert_int_equal(cl->loc.line, 3);
    assert_int_equal(cl->loc.column, 3);
    assert_int_equal(cl->span, 7);
    done(&p);
}

static void test_bad_escape(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Text @default(\"x\\qy\")\n}\n");
    assert_int_equal(p.errors, 1);
    diag *d = &p.dl.items.items[0];
    assert_string_equal(d->message, "unknown escape '\\q' in string");
    assert_int_equal(d->loc.line, 2);
    assert_int_equal(d->loc.column, 21);
    assert_int_equal(d->span, 2);
    assert_string_equal(d->source_line, "  a Text @default(\"x\\qy\")");
    assert_non_null(strstr(d->hint, "valid escapes"));
    done(&p);
}

static void test_bad_unicode_escape(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Text @default(\"\\u12G4\")\n}\n");
    assert_int_equal(p.errors, 1);
    assert_string_equal(p.dl.items.items[0].message, "bad unicode escape in string: \\u needs four hex digits");
    assert_int_equal(p.dl.items.items[0].loc.column, 20);
    done(&p);
}

static void test_unterminated_string(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Text @comment(\"oops)\n  b Text\n}\n");
    assert_int_equal(p.errors, 1);   /* no follow-on syntax error */
    diag *d = &p.dl.items.items[0];
    assert_string_equal(d->message, "unterminated string");
    assert_int_equal(d->loc.line, 2);
    assert_int_equal(d->loc.column, 19);
    assert_string_equal(d->hint, "close the string with \" on the same line");
    done(&p);
}

static void test_stray_character(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Text $\n}\n");
    assert_int_equal(p.errors, 1);
    assert_string_equal(p.dl.items.items[0].message, "unexpected character '$'");
    assert_int_equal(p.dl.items.items[0].loc.column, 10);
    done(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_numbers_and_bools),
        cmocka_unit_test(test_number_cut_short),
        cmocka_unit_test(test_comments_and_locations),
        cmocka_unit_test(test_contextual_keywords),
        cmocka_unit_test(test_attr_and_clause_tokens),
        cmocka_unit_test(test_bad_escape),
        cmocka_unit_test(test_bad_unicode_escape),
        cmocka_unit_test(test_unterminated_string),
        cmocka_unit_test(test_stray_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
