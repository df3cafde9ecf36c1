/*
** test_migration_parser.c — the migration-file reader (grammar/migration.l,
** migration.y, src/migration/migration.c): every construct of the subset, the
** files Alembic 1.8 and retort write, hand-edited data migrations, the
** unsupported constructs at their exact line:column, and syntax errors.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "migration/migration.h"
#include "dialect/dialect.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    arena *a;
    diag_list dl;
    migration_file *m;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->a = arena_new();
    diag_list_init(&f->dl);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    diag_list_free(&f->dl);
    arena_free(f->a);
    free(f);
    return 0;
}

/* Parse text; print diagnostics when the expectation fails. */
static int parse(fixture *f, const char *text) {
    int rc = migration_parse(f->a, "m.py", text, &f->m, &f->dl);
    return rc;
}

static void parse_ok(fixture *f, const char *text) {
    int rc = parse(f, text);
    if (rc != 0) diag_print(&f->dl, stderr);
    assert_int_equal(rc, 0);
    assert_non_null(f->m);
}

static const py_stmt *up(fixture *f, size_t i) {
    assert_true(i < f->m->upgrade.len);
    return f->m->upgrade.items[i];
}

static const diag *diag_at(fixture *f, size_t i) {
    assert_true(i < f->dl.items.len);
    return &f->dl.items.items[i];
}

static void assert_diag(fixture *f, size_t i, int line, int column, const char *message) {
    const diag *d = diag_at(f, i);
    assert_string_equal(d->message, message);
    assert_int_equal(d->loc.line, line);
    assert_int_equal(d->loc.column, column);
    assert_non_null(d->hint);
    assert_non_null(d->source_line);
}

static void assert_unsupported(fixture *f, size_t i, int line, int column, const char *what) {
    assert_true(i < f->m->unsupported.len);
    const py_stmt *s = f->m->unsupported.items[i];
    assert_int_equal(s->kind, STMT_UNSUPPORTED);
    assert_string_equal(s->what, what);
    assert_int_equal(s->loc.line, line);
    assert_int_equal(s->loc.column, column);
}

/* ------------------------------------------------------------- header */

static void test_header_plain(void **state) {
    fixture *f = *state;
    parse_ok(f, "\"\"\"hello\n\nRevision ID: abc\n\"\"\"\n"
                "from alembic import op\nimport sqlalchemy as sa\n\n"
                "revision = 'abc'\ndown_revision = ('x', 'y')\nbranch_labels = ('release',)\n"
                "depends_on = None\n\n\ndef upgrade() -> None:\n    pass\n\n\ndef downgrade():\n    pass\n");
    assert_string_equal(f->m->docstring, "hello\n\nRevision ID: abc\n");
    assert_string_equal(f->m->revision, "abc");
    assert_int_equal(f->m->revision_loc.line, 8);
    assert_int_equal(f->m->down_revisions.len, 2);
    assert_string_equal(f->m->down_revisions.items[1], "y");
    assert_int_equal(f->m->branch_labels.len, 1);
    assert_string_equal(f->m->branch_labels.items[0], "release");
    assert_int_equal(f->m->depends_on.len, 0);
    assert_true(f->m->has_upgrade);
    assert_true(f->m->has_downgrade);
    assert_int_equal(f->m->upgrade.len, 1);
    assert_int_equal(up(f, 0)->kind, STMT_PASS);
    assert_int_equal(f->m->imports.len, 2);
    assert_string_equal(f->m->imports.items[0].module, "alembic");
    assert_string_equal(f->m->imports.items[0].name, "op");
    assert_null(f->m->imports.items[1].module);
    assert_string_equal(f->m->imports.items[1].alias, "sa");
    assert_int_equal(f->m->unsupported.len, 0);
}

static void test_header_annotated(void **state) {
    fixture *f = *state;
    parse_ok(f, "from typing import Sequence, Union\n"
                "revision: str = 'r1'\n"
                "down_revision: Union[str, None] = 'r0'\n"
                "branch_labels: Union[str, Sequence[str], None] = None\n"
                "depends_on: Union[str, Sequence[str], None] = ['a', 'b']\n"
                "def upgrade() -> None:\n    \"\"\"Upgrade schema.\"\"\"\n    pass\n");
    assert_string_equal(f->m->revision, "r1");
    assert_int_equal(f->m->down_revisions.len, 1);
    assert_string_equal(f->m->down_revisions.items[0], "r0");
    assert_int_equal(f->m->depends_on.len, 2);
    assert_int_equal(f->m->unsupported.len, 0);
    assert_true(f->m->has_upgrade);
    assert_false(f->m->has_downgrade);
    /* The docstring is not a statement. */
    assert_int_equal(f->m->upgrade.len, 1);
}

static void test_header_bad_value(void **state) {
    fixture *f = *state;
    assert_int_equal(parse(f, "revision = 'a'\ndown_revision = 12\n"), -1);
    assert_diag(f, 0, 2, 17, "down_revision must be None, a string or a tuple of strings");
}

/* ------------------------------------------------------------- strings */

static const char *string_of(fixture *f, const char *literal) {
    char *text = arena_printf(f->a, "revision = %s\n", literal);
    parse_ok(f, text);
    return f->m->revision;
}

static void test_strings(void **state) {
    fixture *f = *state;
    assert_string_equal(string_of(f, "'a\\'b'"), "a'b");
    assert_string_equal(string_of(f, "\"a\\\"b\""), "a\"b");
    assert_string_equal(string_of(f, "'tab\\tnl\\nbs\\\\'"), "tab\tnl\nbs\\");
    assert_string_equal(string_of(f, "'\\x41\\u00e9\\U0001F600'"), "A\xc3\xa9\xf0\x9f\x98\x80");
    assert_string_equal(string_of(f, "r'a\\nb\\''"), "a\\nb\\'");
    assert_string_equal(string_of(f, "R\"x\\d\""), "x\\d");
    assert_string_equal(string_of(f, "u'plain'"), "plain");
    assert_string_equal(string_of(f, "'a' \"b\"\n'c'"), "ab");
    assert_string_equal(string_of(f, "('a'\n    'b')"), "ab");
    assert_string_equal(string_of(f, "'''one\n'two' ''three''\n'''"), "one\n'two' ''three''\n");
    assert_string_equal(string_of(f, "\"\"\"x\\\ny\"\"\""), "xy");
    assert_string_equal(string_of(f, "''"), "");
    assert_string_equal(string_of(f, "'\\d\\101'"), "\\dA");
    assert_string_equal(string_of(f, "'It\\'s \"quoted\" \\\\ back\\\\slash\\nnew line\\ttab été'"),
                        "It's \"quoted\" \\ back\\slash\nnew line\ttab été");
}

static void test_string_unsupported_forms(void **state) {
    fixture *f = *state;
    parse_ok(f, "def upgrade():\n    op.execute(b'x')\n    op.execute(f'x{y}')\n    op.execute('\\N{BULLET}')\n");
    assert_int_equal(f->m->unsupported.len, 3);
    assert_unsupported(f, 0, 2, 16, "a bytes literal");
    assert_unsupported(f, 1, 3, 16, "an f-string");
    assert_unsupported(f, 2, 4, 17, "a \\N{...} escape");
}

static void test_string_errors(void **state) {
    fixture *f = *state;
    assert_int_equal(parse(f, "revision = 'abc\ndown_revision = '\\x4'\n"), -1);
    assert_diag(f, 0, 1, 12, "unterminated string");
    assert_diag(f, 1, 2, 18, "bad escape '\\x' in string: it needs 2 hex digits");
}

/* NUL, in every escape form, and lone surrogates: refused where they are
** (a NUL would end the C string the database gets: "DELETE FROM keep\0
** WHERE id = 1" would delete every row). */
static void test_string_nul_and_surrogates(void **state) {
    fixture *f = *state;
    assert_int_equal(parse(f, "def upgrade():\n"
                              "    op.execute('DELETE FROM keep\\0 WHERE id = 1')\n"
                              "    op.drop_table('keep\\x00_old')\n"
                              "    op.drop_table(\"keep\\u0000\")\n"
                              "    op.drop_table('keep\\U00000000')\n"
                              "    op.execute('x\\ud800')\n"),
                     -1);
    assert_int_equal(f->dl.errors, 5);
    assert_diag(f, 0, 2, 33, "a NUL character in a string");
    assert_diag(f, 1, 3, 24, "a NUL character in a string");
    assert_diag(f, 2, 4, 24, "a NUL character in a string");
    assert_diag(f, 3, 5, 24, "a NUL character in a string");
    assert_diag(f, 4, 6, 18, "a lone surrogate (U+D800) in a string");
}

/* ---------------------------------------------------------- expressions */

static void test_expressions(void **state) {
    fixture *f = *state;
    parse_ok(f, "def upgrade():\n"
                "    op.f(1, -2, 2.5, -0.5e3, 0x1F, None, True, False, x.y.z,\n"
                "         (), ('a',), ('a', 'b'), ('p'), [], ['a', 'b',], {}, {'k': 1, 'j': [2]},\n"
                "         key=1, other='v',)\n");
    const py_value *v = up(f, 0)->value;
    assert_int_equal(v->kind, PY_CALL);
    assert_string_equal(v->callee->text, "op.f");
    assert_int_equal(v->args.len, 19);
    const py_arg *a = v->args.items;
    assert_string_equal(a[0].value->text, "1");
    assert_string_equal(a[1].value->text, "-2");
    assert_string_equal(a[2].value->text, "2.5");
    assert_string_equal(a[3].value->text, "-0.5e3");
    assert_string_equal(a[4].value->text, "0x1F");
    assert_int_equal(a[5].value->kind, PY_NONE);
    assert_int_equal(a[6].value->kind, PY_TRUE);
    assert_int_equal(a[7].value->kind, PY_FALSE);
    assert_int_equal(a[8].value->kind, PY_NAME);
    assert_string_equal(a[8].value->text, "x.y.z");
    assert_int_equal(a[9].value->kind, PY_TUPLE);
    assert_int_equal(a[9].value->items.len, 0);
    assert_int_equal(a[10].value->kind, PY_TUPLE);
    assert_int_equal(a[10].value->items.len, 1);
    assert_int_equal(a[11].value->items.len, 2);
    assert_int_equal(a[12].value->kind, PY_STRING);
    assert_int_equal(a[13].value->kind, PY_LIST);
    assert_int_equal(a[14].value->items.len, 2);
    assert_int_equal(a[15].value->kind, PY_DICT);
    assert_int_equal(a[16].value->kind, PY_DICT);
    assert_int_equal(a[16].value->items.len, 2);
    assert_string_equal(a[16].value->items.items[1]->text, "j");
    assert_int_equal(a[16].value->values.items[1]->kind, PY_LIST);
    assert_null(a[16].keyword);
    assert_string_equal(a[17].keyword, "key");
    assert_string_equal(a[18].keyword, "other");
    assert_int_equal(a[18].loc.line, 4);
    assert_int_equal(a[18].loc.column, 17);
}

static void test_nested_calls_and_star(void **state) {
    fixture *f = *state;
    parse_ok(f, "def upgrade():\n    op.create_table('t',\n    *[sa.Column('id', sa.Integer(), nullable=False)],\n"
                "    comment='c'\n    )\n");
    const py_value *v = up(f, 0)->value;
    assert_int_equal(v->args.len, 3);
    assert_string_equal(v->args.items[1].keyword, "*");
    assert_int_equal(v->args.items[1].value->kind, PY_LIST);
    const py_value *col = v->args.items[1].value->items.items[0];
    assert_string_equal(col->callee->text, "sa.Column");
    assert_string_equal(col->args.items[1].value->callee->text, "sa.Integer");
}

/* --------------------------------------------------------- statements */

static void test_statements(void **state) {
    fixture *f = *state;
    parse_ok(f, "import sqlalchemy as sa\nfrom alembic import op\n"
                "from sqlalchemy.dialects import postgresql, sqlite as lite\n"
                "from sqlalchemy import (\n    Column,\n    String,\n)\n"
                "t = sa.table('t', sa.column('a'))\n"
                "def upgrade():\n"
                "    'a docstring'\n"
                "    x = op.f('a')\n"
                "    with op.batch_alter_table('t', schema=None) as batch_op:\n"
                "        batch_op.drop_column('a')\n"
                "        batch_op.drop_column('b'); batch_op.drop_column('c');\n"
                "\n"
                "        # a comment\n"
                "\tpass\n"
                "    op.execute(\\\n        'x')\n"
                "def downgrade(): pass\n");
    assert_int_equal(f->m->imports.len, 6);
    assert_string_equal(f->m->imports.items[3].alias, "lite");
    assert_string_equal(f->m->imports.items[5].name, "String");
    assert_string_equal(f->m->imports.items[5].module, "sqlalchemy");
    assert_int_equal(f->m->assignments.len, 1);
    assert_string_equal(f->m->assignments.items[0]->target, "t");
    assert_int_equal(f->m->upgrade.len, 3);
    assert_int_equal(up(f, 0)->kind, STMT_ASSIGN);
    assert_string_equal(up(f, 0)->target, "x");
    const py_stmt *w = up(f, 1);
    assert_int_equal(w->kind, STMT_WITH);
    assert_string_equal(w->target, "batch_op");
    assert_string_equal(w->value->callee->text, "op.batch_alter_table");
    assert_int_equal(w->body.len, 4);
    assert_int_equal(w->body.items[3]->kind, STMT_PASS);
    assert_int_equal(w->body.items[2]->loc.line, 14);
    assert_int_equal(w->body.items[2]->loc.column, 36);
    assert_int_equal(up(f, 2)->kind, STMT_EXPR);
    assert_int_equal(f->m->downgrade.len, 1);
    assert_int_equal(f->m->unsupported.len, 0);
}

/* ------------------------------------------------------- unsupported */

static void test_unsupported_file(void **state) {
    fixture *f = *state;
    int rc = migration_parse_file(f->a, TEST_DATA "/migrations/unsupported.py", &f->m, &f->dl);
    if (rc) diag_print(&f->dl, stderr);
    assert_int_equal(rc, 0);
    /* The header is read all the same. */
    assert_string_equal(f->m->revision, "e0e0e0e0e0e0");
    assert_string_equal(f->m->down_revisions.items[0], "d47a5e0c1f22");
    size_t i = 0;
    assert_unsupported(f, i++, 10, 1, "an import of 'app.models' (application code)");
    assert_unsupported(f, i++, 18, 1, "a function definition 'helper'");
    assert_unsupported(f, i++, 24, 5, "a for loop");
    assert_unsupported(f, i++, 26, 5, "an if statement");
    assert_unsupported(f, i++, 30, 12, "a comprehension");
    assert_unsupported(f, i++, 32, 5, "an augmented assignment");
    assert_unsupported(f, i++, 33, 16, "an f-string");
    assert_unsupported(f, i++, 34, 10, "a lambda");
    assert_unsupported(f, i++, 35, 16, "an attribute of a call or a literal");
    assert_unsupported(f, i++, 36, 5, "a while loop");
    assert_unsupported(f, i++, 38, 5, "a try statement");
    assert_int_equal(f->m->unsupported.len, i);
    /* conn = op.get_bind() is a call: parsed; migration_file_ops refuses it. */
    assert_int_equal(up(f, 0)->kind, STMT_ASSIGN);
    assert_string_equal(up(f, 0)->value->callee->text, "op.get_bind");
    const py_stmt *last = f->m->upgrade.items[f->m->upgrade.len - 1];
    assert_int_equal(last->kind, STMT_EXPR);
    assert_int_equal(last->loc.line, 42);
}

/* `a if c else b` parses (it was a syntax error): right-associative, below
** `or`, in arguments and across lines; what the condition holds that the
** subset does not evaluate leaves the statement supported, with the
** condition PY_OPAQUE (migration_ops.c refuses it where it is used). */
static void test_conditional_expression(void **state) {
    fixture *f = *state;
    parse_ok(f, "def upgrade():\n"
                "    x = 1 if a else 2 if b else 3\n"
                "    op.f(y=a if c else d, z=(\n"
                "        'p'\n"
                "        if flag else\n"
                "        'q'))\n"
                "    k = 's' if x == 1 else 't'\n"
                "    op.f([v for v in w if a if b])\n");
    assert_int_equal(f->m->upgrade.len, 4);
    const py_value *v = up(f, 0)->value;
    assert_int_equal(v->kind, PY_CONDITIONAL);
    assert_string_equal(v->items.items[0]->text, "1");
    assert_string_equal(v->items.items[1]->text, "a");
    assert_int_equal(v->items.items[2]->kind, PY_CONDITIONAL);
    assert_string_equal(v->items.items[2]->items.items[1]->text, "b");
    const py_value *y = up(f, 1)->value->args.items[0].value;
    assert_int_equal(y->kind, PY_CONDITIONAL);
    assert_string_equal(y->items.items[2]->text, "d");
    const py_value *z = up(f, 1)->value->args.items[1].value;
    assert_int_equal(z->kind, PY_CONDITIONAL);
    assert_int_equal(z->loc.line, 4);
    const py_value *k = up(f, 2)->value;
    assert_int_equal(k->items.items[1]->kind, PY_OPAQUE);
    assert_string_equal(k->items.items[1]->text, "a comparison");
    assert_int_equal(k->items.items[1]->loc.line, 7);
    assert_int_equal(k->items.items[1]->loc.column, 16);
    /* A comprehension's `if` takes no `else`: still a comprehension. */
    assert_int_equal(f->m->unsupported.len, 1);
    assert_unsupported(f, 0, 8, 10, "a comprehension");
}

static void test_unsupported_expressions(void **state) {
    fixture *f = *state;
    parse_ok(f, "def upgrade():\n"
                "    op.execute('a' + 'b')\n"
                "    x = y[0]\n"
                "    op.f(a == b, not c)\n"
                "    a.b = 1\n"
                "    a, b = 1, 2\n"
                "    op.f(**kw)\n"
                "    x = {1, 2}\n"
                "    return 1\n"
                "    @dec\n"
                "    def inner():\n        pass\n"
                "    async with x:\n        pass\n"
                "    op.f(x for x in y)\n"
                "    x = a = 1\n"
                "    raise ValueError('x')\n"
                "class Foo:\n    pass\n"
                "if True:\n    revision = 'x'\nelif False:\n    pass\nelse:\n    pass\n"
                "def upgrade_engine1():\n    pass\n"
                "print('x')\n");
    size_t i = 0;
    assert_unsupported(f, i++, 2, 16, "an operator expression");
    assert_unsupported(f, i++, 3, 9, "a subscript");
    assert_unsupported(f, i++, 4, 10, "a comparison");
    assert_unsupported(f, i++, 5, 5, "an assignment to an attribute");
    assert_unsupported(f, i++, 6, 5, "an assignment to several names");
    assert_unsupported(f, i++, 7, 10, "a **keyword argument unpacking");
    assert_unsupported(f, i++, 8, 9, "a set");
    assert_unsupported(f, i++, 9, 5, "a return statement");
    assert_unsupported(f, i++, 10, 5, "a decorator");
    assert_unsupported(f, i++, 11, 5, "a function definition 'inner'");
    assert_unsupported(f, i++, 13, 5, "an async statement");
    assert_unsupported(f, i++, 15, 10, "a comprehension");
    assert_unsupported(f, i++, 16, 5, "a chained assignment");
    assert_unsupported(f, i++, 17, 5, "a raise statement");
    assert_unsupported(f, i++, 18, 1, "a class definition");
    assert_unsupported(f, i++, 20, 1, "an if statement");
    assert_unsupported(f, i++, 26, 1, "a function definition 'upgrade_engine1'");
    assert_unsupported(f, i++, 28, 1, "a statement outside upgrade() and downgrade()");
    assert_int_equal(f->m->unsupported.len, i);
    /* The if block's `revision = 'x'` was never read. */
    assert_null(f->m->revision);
}

static void test_multidb_template(void **state) {
    fixture *f = *state;
    int rc = migration_parse_file(f->a, TEST_DATA "/migrations/alembic181_multidb.py", &f->m, &f->dl);
    assert_int_equal(rc, 0);
    assert_string_equal(f->m->revision, "ccc333");
    assert_false(f->m->has_upgrade);
    assert_unsupported(f, 0, 19, 1, "a function 'upgrade' with parameters");
    assert_unsupported(f, 1, 23, 1, "a function 'downgrade' with parameters");
    assert_unsupported(f, 2, 30, 1, "a function definition 'upgrade_engine1'");
    assert_unsupported(f, 3, 34, 1, "a function definition 'downgrade_engine1'");
    assert_int_equal(f->m->unsupported.len, 4);
}

/* ------------------------------------------------------- syntax errors */

static void test_syntax_errors(void **state) {
    fixture *f = *state;
    int rc = parse(f, "revision = 'a'\n"
                      "def upgrade():\n"
                      "    op.drop_table('t' 'u' 3)\n"
                      "    op.drop_table('x'))\n"
                      "    op.execute('ok')\n"
                      "      op.execute('indented')\n"
                      "    op.add_column('t', sa.Column('a' sa.Integer()))\n");
    assert_int_equal(rc, -1);
    assert_null(f->m);
    assert_int_equal(f->dl.items.len, 4);
    assert_diag(f, 0, 3, 27, "syntax error: unexpected number 3, expected ')'");
    assert_int_equal(diag_at(f, 0)->span, 1);
    assert_string_equal(diag_at(f, 0)->source_line, "    op.drop_table('t' 'u' 3)");
    assert_diag(f, 1, 4, 23, "syntax error: unexpected ')', expected end of line or ';'");
    assert_diag(f, 2, 6, 7, "unexpected indent");
    assert_string_equal(diag_at(f, 2)->hint, "indent a line only after a line that ends with ':'");
    assert_diag(f, 3, 7, 38, "syntax error: unexpected name sa, expected ')'");
}

static void test_syntax_error_unclosed(void **state) {
    fixture *f = *state;
    assert_int_equal(parse(f, "revision = 'a'\ndef upgrade():\n    op.execute('x'\n\n"), -1);
    assert_int_equal(f->dl.items.len, 1);
    assert_diag(f, 0, 3, 15, "'(' was never closed");
    assert_string_equal(diag_at(f, 0)->hint, "close it with ')'");
}

static void test_syntax_error_block(void **state) {
    fixture *f = *state;
    assert_int_equal(parse(f, "def upgrade():\nop.execute('x')\n"), -1);
    assert_diag(f, 0, 2, 1, "syntax error: unexpected name op, expected indent");
    assert_int_equal(parse(f, "def upgrade():\n        pass\n    pass\n"), -1);
    assert_diag(f, 1, 3, 5, "unindent does not match any outer indentation level");
}

static void test_unterminated_triple(void **state) {
    fixture *f = *state;
    assert_int_equal(parse(f, "\"\"\"doc\nrevision = 'a'\n"), -1);
    assert_diag(f, 0, 1, 1, "unterminated triple-quoted string");
}

/* --------------------------------------- what Alembic and retort write */

/* Parse every .py in dir and turn both bodies into ops on both dialects. */
static size_t parse_and_convert_dir(fixture *f, const char *dir) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".py") != 0) continue;
        const char *path = arena_printf(f->a, "%s/%s", dir, e->d_name);
        migration_file *m = NULL;
        int rc = migration_parse_file(f->a, path, &m, &f->dl);
        if (rc) diag_print(&f->dl, stderr);
        assert_int_equal(rc, 0);
        assert_int_equal(m->unsupported.len, 0);
        assert_non_null(m->revision);
        /* retort writes sa.types.NullType() for a type it cannot name,
        ** with a note to replace it: that migration cannot run as is. */
        bool null_type = strcmp(e->d_name, "unknown_type.py") == 0;
        const dialect *ds[2] = {dialect_sqlite(), dialect_postgresql()};
        for (int k = 0; k < 2; k++)
            for (int dir_i = 0; dir_i < 2; dir_i++) {
                migration_ops *ops = NULL;
                rc = migration_file_ops(m, dir_i ? MIGRATE_DOWNGRADE : MIGRATE_UPGRADE, ds[k], NULL, &ops, &f->dl);
                if (null_type && dir_i == 0) {
                    assert_int_equal(rc, -1);
                    assert_string_equal(f->dl.items.items[f->dl.items.len - 1].message,
                                        "sa.types.NullType() is no SQL type: replace it with the column's type");
                    continue;
                }
                if (rc) {
                    fprintf(stderr, "%s:\n", path);
                    diag_print(&f->dl, stderr);
                }
                assert_int_equal(rc, 0);
                migration_ops_free(ops);
            }
        n++;
    }
    closedir(d);
    return n;
}

static void test_retort_output_golden(void **state) {
    fixture *f = *state;
    assert_true(parse_and_convert_dir(f, SOURCE_DIR "/tests/golden/render") >= 10);
}

static void test_retort_output_project(void **state) {
    fixture *f = *state;
    assert_true(parse_and_convert_dir(f, SOURCE_DIR "/alembic/versions") >= 1);
}

static void test_alembic_181_files(void **state) {
    fixture *f = *state;
    assert_int_equal(migration_parse_file(f->a, TEST_DATA "/migrations/alembic181_second.py", &f->m, &f->dl), 0);
    assert_string_equal(f->m->revision, "bbb222");
    assert_string_equal(f->m->down_revisions.items[0], "aaa111");
    assert_string_equal(f->m->docstring, "second\n\nRevision ID: bbb222\nRevises: aaa111\n"
                                         "Create Date: 2026-11-25 15:50:09.788240\n\n");
    assert_int_equal(f->m->upgrade.len, 1);
    assert_int_equal(up(f, 0)->kind, STMT_PASS);
    assert_int_equal(migration_parse_file(f->a, TEST_DATA "/migrations/alembic181_plain.py", &f->m, &f->dl), 0);
    assert_int_equal(f->m->down_revisions.len, 0);
    assert_int_equal(migration_parse_file(f->a, TEST_DATA "/migrations/alembic113_annotated.py", &f->m, &f->dl), 0);
    assert_string_equal(f->m->revision, "3f9a1c2b4d5e");
    assert_string_equal(f->m->down_revisions.items[0], "1a2b3c4d5e6f");
    assert_int_equal(f->m->upgrade.len, 1);
    assert_int_equal(f->m->unsupported.len, 0);
}

static void test_missing_file(void **state) {
    fixture *f = *state;
    assert_int_equal(migration_parse_file(f->a, "/nonexistent/x.py", &f->m, &f->dl), -1);
    assert_string_equal(diag_at(f, 0)->message, "cannot read migration /nonexistent/x.py: No such file or directory");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_header_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conditional_expression, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_annotated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_bad_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_unsupported_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_nul_and_surrogates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expressions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_calls_and_star, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_expressions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multidb_template, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error_unclosed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unterminated_triple, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retort_output_golden, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retort_output_project, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alembic_181_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
