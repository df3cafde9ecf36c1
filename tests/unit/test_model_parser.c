/*
** test_model_parser.c — each construct of the model grammar (models.y) and
** its syntax-error reporting and recovery.
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
    p->errors = model_parse(p->a, "parse.model", text, &p->file, &p->dl);
}

static void done(parsed *p) {
    arena_free(p->a);
    diag_list_free(&p->dl);
}

static void test_models_and_bases(void **state) {
    (void)state;
    parsed p;
    parse(&p, "abstract model A { }\nabstract model B {}\nmodel C : A, B {\n  id Integer\n}\nmodel D{}");
    assert_int_equal(p.errors, 0);
    assert_int_equal(p.file.models.len, 4);
    ast_model *a = p.file.models.items[0], *c = p.file.models.items[2];
    assert_true(a->is_abstract);
    assert_false(c->is_abstract);
    assert_int_equal(c->bases.len, 2);
    assert_string_equal(c->bases.items[0].name, "A");
    assert_string_equal(c->bases.items[1].name, "B");
    assert_int_equal(c->bases.items[1].loc.line, 3);
    assert_int_equal(c->bases.items[1].loc.column, 14);
    assert_int_equal(p.file.models.items[3]->fields.len, 0);
    done(&p);
}

static void test_types(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a String(255)\n  b Numeric(10, 2)?\n  c DateTime(timezone=true)\n  d Text?\n  e String()\n}");
    assert_int_equal(p.errors, 0);
    ast_model *m = p.file.models.items[0];
    ast_type *a = &m->fields.items[0]->type, *b = &m->fields.items[1]->type, *c = &m->fields.items[2]->type;
    assert_string_equal(a->name, "String");
    assert_true(a->has_parens);
    assert_int_equal(a->args.len, 1);
    assert_string_equal(a->args.items[0]->value->text, "255");
    assert_false(a->nullable);
    assert_int_equal(b->args.len, 2);
    assert_true(b->nullable);
    assert_string_equal(c->args.items[0]->key, "timezone");
    assert_int_equal(c->args.items[0]->value->kind, AST_BOOL);
    assert_true(m->fields.items[3]->type.nullable);
    assert_false(m->fields.items[3]->type.has_parens);
    assert_true(m->fields.items[4]->type.has_parens);
    assert_int_equal(m->fields.items[4]->type.args.len, 0);
    done(&p);
}

static void test_attributes(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a String(36) @primary_key @autoincrement(false)\n"
              "    @foreign_key(\"t.c\", ondelete=\"CASCADE\", name=\"fk\")  # continues on a new line\n"
              "  b DateTime @default(now()) @comment(\"x\")\n  c Text @default(sql(\"lower('A')\"))\n}");
    assert_int_equal(p.errors, 0);
    ast_model *m = p.file.models.items[0];
    ast_field *a = m->fields.items[0];
    assert_int_equal(a->attrs.len, 3);
    assert_false(a->attrs.items[0]->has_parens);
    assert_true(a->attrs.items[1]->has_parens);
    ast_attr *fk = a->attrs.items[2];
    assert_string_equal(fk->name, "foreign_key");
    assert_int_equal(fk->loc.line, 3);
    assert_int_equal(fk->args.len, 3);
    assert_null(fk->args.items[0]->key);
    assert_string_equal(fk->args.items[1]->key, "ondelete");
    assert_string_equal(fk->args.items[2]->value->text, "fk");
    ast_value *now = m->fields.items[1]->attrs.items[0]->args.items[0]->value;
    assert_int_equal(now->kind, AST_CALL);
    assert_string_equal(now->text, "now");
    assert_int_equal(now->args.len, 0);
    ast_value *sql = m->fields.items[2]->attrs.items[0]->args.items[0]->value;
    assert_int_equal(sql->kind, AST_CALL);
    assert_string_equal(sql->args.items[0]->value->text, "lower('A')");
    done(&p);
}

static void test_clauses_and_tuples(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Integer\n  @@index(\"ix\", a, b, unique=true, where=\"a > 0\")\n"
              "  @@foreign_key(\"fk\", (a, b), \"t\", (x, y), ondelete=\"SET NULL\")\n  @@primary_key(a,)\n}");
    assert_int_equal(p.errors, 0);
    ast_model *m = p.file.models.items[0];
    assert_int_equal(m->clauses.len, 3);
    ast_attr *ix = m->clauses.items[0];
    assert_string_equal(ix->name, "index");
    assert_int_equal(ix->args.len, 5);
    assert_int_equal(ix->args.items[1]->value->kind, AST_IDENT);
    assert_string_equal(ix->args.items[4]->key, "where");
    ast_attr *fk = m->clauses.items[1];
    ast_value *cols = fk->args.items[1]->value;
    assert_int_equal(cols->kind, AST_TUPLE);
    assert_int_equal(cols->items.len, 2);
    assert_string_equal(cols->items.items[1]->text, "b");
    assert_int_equal(m->clauses.items[2]->args.len, 1);   /* trailing comma */
    done(&p);
}

static void test_syntax_error_says_what_was_expected(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Integer\n  b\n}\n");
    assert_int_equal(p.errors, 1);
    diag *d = &p.dl.items.items[0];
    assert_string_equal(d->message, "syntax error: unexpected '}', expected name");
    assert_int_equal(d->loc.line, 4);
    assert_int_equal(d->loc.column, 1);
    assert_string_equal(d->hint, "a field is `name Type @attribute(...)`; a table clause is `@@name(...)`");
    done(&p);
}

static void test_syntax_error_at_top_level(void **state) {
    (void)state;
    parsed p;
    parse(&p, "modle M {\n  a Integer\n}\nmodel N { b Integer }\n");
    assert_int_equal(p.errors, 1);
    diag *d = &p.dl.items.items[0];
    assert_string_equal(d->message, "syntax error: unexpected name 'modle', expected 'model', 'abstract' or 'enum'");
    assert_int_equal(d->loc.line, 1);
    assert_int_equal(d->loc.column, 1);
    assert_int_equal(d->span, 5);
    assert_string_equal(d->hint, "a model is `model Name { ... }` or `abstract model Name { ... }`; an enum is "
                                 "`enum Name { \"label\" ... }`");
    /* The parser recovered: N is there. */
    assert_int_equal(p.file.models.len, 1);
    assert_string_equal(p.file.models.items[0]->name, "N");
    done(&p);
}

static void test_several_syntax_errors_reported(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model A {\n  a Integer\n  b ( Integer\n  c Integer\n  d Integer @default(\n}\n"
              "model B {\n  x = 3\n  y Integer\n}\n");
    assert_int_equal(p.errors, 3);
    assert_int_equal(p.dl.items.len, 3);
    assert_int_equal(p.dl.items.items[0].loc.line, 3);
    assert_int_equal(p.dl.items.items[0].loc.column, 5);
    assert_string_equal(p.dl.items.items[0].message, "syntax error: unexpected '(', expected name");
    assert_int_equal(p.dl.items.items[1].loc.line, 6);
    assert_int_equal(p.dl.items.items[2].loc.line, 8);
    assert_string_equal(p.dl.items.items[2].message, "syntax error: unexpected '=', expected name");
    /* Recovery kept the good fields. */
    assert_int_equal(p.file.models.len, 2);
    assert_string_equal(p.file.models.items[0]->fields.items[1]->name, "c");
    assert_string_equal(p.file.models.items[1]->fields.items[0]->name, "y");
    done(&p);
}

static void test_unclosed_model_at_eof(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model A {\n  a Integer\n");
    assert_int_equal(p.errors, 1);
    assert_string_equal(p.dl.items.items[0].message,
                        "syntax error: unexpected end of file, expected name, table clause (@@name) or '}'");
    assert_string_equal(p.dl.items.items[0].hint, "a '{' is missing its '}' (or a '(' its ')')");
    done(&p);
}

/* The field head spells out IDENT IDENT; keywords are names in every place
** of it, and before type arguments, '?' and attributes. */
static void test_keywords_as_field_names(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  model abstract\n  enum model?\n  abstract Integer @x\n  id enum(1)\n"
              "  a model(model=model)?\n}\n");
    assert_int_equal(p.errors, 0);
    ast_model *m = p.file.models.items[0];
    assert_int_equal(m->fields.len, 5);
    const char *names[] = {"model", "enum", "abstract", "id", "a"};
    const char *types[] = {"abstract", "model", "Integer", "enum", "model"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(m->fields.items[i]->name, names[i]);
        assert_string_equal(m->fields.items[i]->type.name, types[i]);
        assert_int_equal(m->fields.items[i]->loc.line, (int)i + 2);
        assert_int_equal(m->fields.items[i]->loc.column, 3);
        assert_int_equal(m->fields.items[i]->span, (int)strlen(names[i]));
        assert_int_equal(m->fields.items[i]->type.span, (int)strlen(types[i]));
    }
    assert_true(m->fields.items[1]->type.nullable);
    assert_int_equal(m->fields.items[2]->attrs.len, 1);
    assert_int_equal(m->fields.items[1]->type.loc.column, 8);
    assert_true(m->fields.items[3]->type.has_parens);
    ast_field *a = m->fields.items[4];
    assert_true(a->type.has_parens);
    assert_true(a->type.nullable);
    assert_int_equal(a->type.args.len, 1);
    assert_string_equal(a->type.args.items[0]->key, "model");
    assert_int_equal(a->type.args.items[0]->key_loc.column, 11);
    assert_int_equal(a->type.args.items[0]->value->kind, AST_IDENT);
    assert_string_equal(a->type.args.items[0]->value->text, "model");
    done(&p);
}

/* Argument lists: empty, trailing commas, calls and tuples inside, and more
** arguments than a new list has room for. */
static void test_argument_lists(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a T(1,) @a(k=1,) @b()\n  b T(f(g(1), h()), ((a, b), (), (1,)))\n"
              "  c T(1, 2, 3, 4, 5, k=6)\n  @@i(a, b,)\n  @@j\n}\n");
    assert_int_equal(p.errors, 0);
    ast_model *m = p.file.models.items[0];
    ast_field *a = m->fields.items[0], *b = m->fields.items[1], *c = m->fields.items[2];
    assert_int_equal(a->type.args.len, 1);
    assert_int_equal(a->attrs.len, 2);
    assert_int_equal(a->attrs.items[0]->args.len, 1);
    assert_string_equal(a->attrs.items[0]->args.items[0]->key, "k");
    assert_true(a->attrs.items[1]->has_parens);
    assert_int_equal(a->attrs.items[1]->args.len, 0);

    assert_int_equal(b->type.args.len, 2);
    ast_value *f = b->type.args.items[0]->value, *t = b->type.args.items[1]->value;
    assert_int_equal(f->kind, AST_CALL);
    assert_int_equal(f->args.len, 2);
    assert_int_equal(f->args.items[0]->value->kind, AST_CALL);
    assert_string_equal(f->args.items[0]->value->args.items[0]->value->text, "1");
    assert_int_equal(f->args.items[1]->value->kind, AST_CALL);
    assert_int_equal(f->args.items[1]->value->args.len, 0);
    assert_int_equal(t->kind, AST_TUPLE);
    assert_int_equal(t->items.len, 3);
    assert_int_equal(t->items.items[0]->items.len, 2);
    assert_string_equal(t->items.items[0]->items.items[1]->text, "b");
    assert_int_equal(t->items.items[1]->items.len, 0);
    assert_int_equal(t->items.items[2]->items.len, 1);
    assert_int_equal(t->loc.column, 21);

    assert_int_equal(c->type.args.len, 6);
    for (size_t i = 0; i < 5; i++) {
        char n[2] = {(char)('1' + i), '\0'};
        assert_null(c->type.args.items[i]->key);
        assert_string_equal(c->type.args.items[i]->value->text, n);
    }
    assert_string_equal(c->type.args.items[5]->key, "k");
    assert_string_equal(c->type.args.items[5]->value->text, "6");

    assert_int_equal(m->clauses.len, 2);
    assert_int_equal(m->clauses.items[0]->args.len, 2);
    assert_true(m->clauses.items[0]->has_parens);
    assert_false(m->clauses.items[1]->has_parens);
    done(&p);
}

/* Errors right after each part of a field and inside argument lists: the
** expected tokens, and the fields recovery keeps (made when the type's name
** is read, so `f String(,)` is kept without its parentheses). */
static void test_errors_after_field_parts(void **state) {
    (void)state;
    parsed p;
    parse(&p, "model M {\n  a Integer 5\n  b String(1) 5\n  c Text? (\n  d Integer @a(1 2)\n"
              "  e Integer @a(1 model)\n  f String(,)\n  h T(k=)\n  i T((1, 2) 3)\n  x model =\n  y Integer\n}\n");
    static const struct { int line, column; const char *message; } want[] = {
        {2, 13, "syntax error: unexpected number '5', expected name, table clause (@@name) or '}'"},
        {3, 15, "syntax error: unexpected number '5', expected name, table clause (@@name) or '}'"},
        {4, 11, "syntax error: unexpected '(', expected name, table clause (@@name) or '}'"},
        {5, 18, "syntax error: unexpected number '2', expected ',' or ')'"},
        {6, 18, "syntax error: unexpected 'model', expected ',' or ')'"},
        {7, 12, "syntax error: unexpected ',', expected name, string, number, '(' or ')'"},
        {8, 9, "syntax error: unexpected ')', expected name, string, number or '('"},
        {9, 14, "syntax error: unexpected number '3', expected ',' or ')'"},
        {10, 11, "syntax error: unexpected '=', expected name, table clause (@@name) or '}'"},
    };
    size_t n = sizeof want / sizeof *want;
    assert_int_equal(p.errors, (int)n);
    assert_int_equal(p.dl.items.len, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(p.dl.items.items[i].loc.line, want[i].line);
        assert_int_equal(p.dl.items.items[i].loc.column, want[i].column);
        assert_string_equal(p.dl.items.items[i].message, want[i].message);
    }
    ast_model *m = p.file.models.items[0];
    assert_int_equal(m->fields.len, 10);
    assert_true(m->fields.items[1]->type.has_parens);
    assert_true(m->fields.items[2]->type.nullable);
    assert_int_equal(m->fields.items[3]->attrs.len, 0);
    assert_string_equal(m->fields.items[5]->name, "f");
    assert_false(m->fields.items[5]->type.has_parens);
    assert_string_equal(m->fields.items[8]->type.name, "model");
    assert_string_equal(m->fields.items[9]->name, "y");
    done(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_models_and_bases),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_attributes),
        cmocka_unit_test(test_clauses_and_tuples),
        cmocka_unit_test(test_syntax_error_says_what_was_expected),
        cmocka_unit_test(test_syntax_error_at_top_level),
        cmocka_unit_test(test_several_syntax_errors_reported),
        cmocka_unit_test(test_unclosed_model_at_eof),
        cmocka_unit_test(test_keywords_as_field_names),
        cmocka_unit_test(test_argument_lists),
        cmocka_unit_test(test_errors_after_field_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
