/*
** migration.c — reading a migration file: the token filter between the
** scanner (grammar/migration.l) and the parser (grammar/migration.y), the
** driver, and the walk that turns the module's statements into a
** migration_file (migration/migration.h).
**
** The token filter makes Python's logical lines out of the scanner's
** tokens, in two layers:
**
**   1. indentation: at the first token of each logical line (the scanner
**      says when a newline outside brackets went by) it emits NEWLINE for
**      the line before, then INDENT or DEDENTs from a stack of widths (a tab
**      advances to the next multiple of 8, as in Python).  An indent after
**      a line that does not end with ':' is reported ("unexpected indent")
**      and kept as a silent level, so the rest of the file still parses;
**      at the end of the file, an unclosed bracket is reported where it
**      opened.
**   2. unsupported statements: a logical line that starts with `for`,
**      `if`, `while`, `try`, `class`, `return`, a decorator, or a `def`
**      other than a top-level `def upgrade()` / `def downgrade()` is
**      swallowed whole — with its indented block and its elif / else /
**      except / finally clauses — and the parser gets one UNSUPPORTED token
**      that names it and where it starts.  What is inside is never parsed:
**      it may be any Python.  One form of `try` is read instead: the
**      fallback of a type older SQLAlchemy versions lack (import_fallback),
**      whose imports are read and whose except block is not.
**
** The walk then reads the header assignments (revision, down_revision,
** branch_labels, depends_on, annotated or not), the module docstring, the
** imports (typing, __future__, alembic, sqlalchemy and its submodules, and
** standard-library modules such as datetime, enum, json, uuid are fine;
** anything else is application code, unsupported), other module
** level assignments (locals the bodies may use), and the two bodies.
*/
#include "migration/migration.h"

#include "migration.tab.h"
#define YYSTYPE MIG_STYPE
#define YYLTYPE MIG_LTYPE
#include "migration.lex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ diagnostics */

diag *mig_diag(mig_parse_ctx *ctx, src_loc loc, int span, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(ctx->dl->arena, fmt, ap);
    va_end(ap);
    diag *d = diag_add(ctx->dl, DIAG_ERROR, loc, "%s", msg);
    d->span = span > 0 ? span : 1;
    /* The first line of the text from where the line starts: no search. */
    if (loc.line >= 1 && loc.line <= ctx->line_count)
        d->source_line = text_line(ctx->dl->arena, ctx->line_starts[loc.line], 1);
    return d;
}

/* ------------------------------------------------------------ token filter */

typedef struct mig_tok {
    int kind;
    MIG_STYPE val;
    MIG_LTYPE loc;
} mig_tok;

typedef struct mig_filter {
    VEC(int) widths;            /* indentation stack; widths[0] == 0 */
    VEC(bool) silent;           /* a level reported as an unexpected indent */
    VEC(mig_tok) queue;         /* layer 1 output not yet taken */
    size_t queue_head;
    VEC(mig_tok) pushback;      /* layer 2 look-ahead, a stack */
    bool line_open;             /* a logical line has tokens */
    int last_kind;              /* its last token */
    MIG_LTYPE last_loc;
    bool eof_done;
    bool at_line_start;         /* the parser's next token starts a line */
} mig_filter;

static void queue_push(mig_parse_ctx *ctx, mig_filter *f, int kind, MIG_LTYPE loc) {
    mig_tok t = {0};
    t.kind = kind;
    t.loc = loc;
    vec_push(ctx->arena, &f->queue, t);
}

/* Width of the indentation before column `col` of line `line`. */
static int indent_width(mig_parse_ctx *ctx, int line, int col) {
    if (line < 1 || line > ctx->line_count) return 0;
    const char *p = ctx->line_starts[line];
    int w = 0;
    for (int i = 0; i < col - 1 && p[i]; i++) {
        if (p[i] == '\t') w = (w / 8 + 1) * 8;
        else if (p[i] == '\f') w = 0;
        else w++;
    }
    return w;
}

/* Layer 1: read one scanner token and queue it with the NEWLINE / INDENT /
** DEDENT tokens before it. */
static void layer1_fill(mig_parse_ctx *ctx, mig_filter *f, yyscan_t scanner) {
    mig_tok t = {0};
    t.kind = mig_raw_lex(&t.val, &t.loc, scanner);
    if (t.kind == 0) {
        if (!f->eof_done) {
            f->eof_done = true;
            if (ctx->brackets.len) {
                src_loc at = ctx->brackets.items[0];
                char c = at.line >= 1 && at.line <= ctx->line_count ? ctx->line_starts[at.line][at.column - 1] : '(';
                diag *d = mig_diag(ctx, at, 1, "'%c' was never closed", c);
                diag_set_hint(ctx->dl, d, "close it with '%c'", c == '(' ? ')' : c == '[' ? ']' : '}');
                ctx->errors++;
                ctx->eof_reported = true;
            }
            MIG_LTYPE end = f->last_loc;
            end.first_line = end.last_line;
            end.first_column = end.last_column;
            if (f->line_open) queue_push(ctx, f, NEWLINE, end);
            while (f->widths.len > 1) {
                f->widths.len--;
                if (!f->silent.items[--f->silent.len]) queue_push(ctx, f, DEDENT, end);
            }
        }
        vec_push(ctx->arena, &f->queue, t);
        return;
    }
    if (!f->line_open || ctx->newline_pending) {
        ctx->newline_pending = false;
        if (f->line_open) {
            MIG_LTYPE end = f->last_loc;
            end.first_line = end.last_line;
            end.first_column = end.last_column;
            queue_push(ctx, f, NEWLINE, end);
        }
        int w = indent_width(ctx, t.loc.first_line, t.loc.first_column);
        int top = f->widths.items[f->widths.len - 1];
        src_loc at = {ctx->path, t.loc.first_line, t.loc.first_column};
        if (w > top) {
            bool expected = f->line_open && f->last_kind == ':';
            if (!expected) {
                diag *d = mig_diag(ctx, at, 1, "unexpected indent");
                diag_set_hint(ctx->dl, d, "indent a line only after a line that ends with ':'");
                ctx->errors++;
            }
            vec_push(ctx->arena, &f->widths, w);
            vec_push(ctx->arena, &f->silent, !expected);
            if (expected) queue_push(ctx, f, INDENT, t.loc);
        } else {
            while (w < top) {
                f->widths.len--;
                if (!f->silent.items[--f->silent.len]) queue_push(ctx, f, DEDENT, t.loc);
                top = f->widths.items[f->widths.len - 1];
            }
            if (w > top) {
                diag *d = mig_diag(ctx, at, 1, "unindent does not match any outer indentation level");
                diag_set_hint(ctx->dl, d, "line this up with the block it belongs to (mixing tabs and spaces?)");
                ctx->errors++;
                vec_push(ctx->arena, &f->widths, w);
                vec_push(ctx->arena, &f->silent, true);
            }
        }
        f->line_open = true;
    }
    f->last_kind = t.kind;
    f->last_loc = t.loc;
    vec_push(ctx->arena, &f->queue, t);
}

static mig_tok layer1_next(mig_parse_ctx *ctx, mig_filter *f, yyscan_t scanner) {
    if (f->queue_head == f->queue.len) {
        f->queue.len = 0;
        f->queue_head = 0;
        layer1_fill(ctx, f, scanner);
    }
    return f->queue.items[f->queue_head++];
}

static mig_tok layer2_get(mig_parse_ctx *ctx, mig_filter *f, yyscan_t scanner) {
    if (f->pushback.len) return f->pushback.items[--f->pushback.len];
    return layer1_next(ctx, f, scanner);
}

static void layer2_unget(mig_parse_ctx *ctx, mig_filter *f, mig_tok t) {
    vec_push(ctx->arena, &f->pushback, t);
}

/* Swallow the rest of a logical line whose first token was taken, and the
** indented block after it when the line ends with ':'. */
static void skip_statement(mig_parse_ctx *ctx, mig_filter *f, yyscan_t scanner, int first_kind) {
    int last = first_kind;
    for (;;) {
        mig_tok u = layer2_get(ctx, f, scanner);
        if (u.kind == 0) { layer2_unget(ctx, f, u); return; }
        if (u.kind == NEWLINE) break;
        last = u.kind;
    }
    if (last != ':') return;
    mig_tok u = layer2_get(ctx, f, scanner);
    if (u.kind != INDENT) { layer2_unget(ctx, f, u); return; }
    for (int depth = 1; depth > 0;) {
        u = layer2_get(ctx, f, scanner);
        if (u.kind == 0) { layer2_unget(ctx, f, u); return; }
        if (u.kind == INDENT) depth++;
        else if (u.kind == DEDENT) depth--;
    }
}

/* What a statement starting with token t is, when it is a statement the
** subset has no place for; NULL otherwise. */
static const char *unsupported_statement(mig_parse_ctx *ctx, const mig_tok *t) {
    static const struct { const char *kw, *what; } OTHER[] = {
        {"while", "a while loop"},          {"try", "a try statement"},
        {"class", "a class definition"},    {"async", "an async statement"},
        {"await", "an await expression"},   {"return", "a return statement"},
        {"raise", "a raise statement"},     {"del", "a del statement"},
        {"global", "a global statement"},   {"nonlocal", "a nonlocal statement"},
        {"assert", "an assert statement"},  {"yield", "a yield expression"},
        {"break", "a break statement"},     {"continue", "a continue statement"},
        {"elif", "an elif clause"},         {"except", "an except clause"},
        {"finally", "a finally clause"},
    };
    (void)ctx;
    switch (t->kind) {
    case KW_FOR: return "a for loop";
    case KW_IF: return "an if statement";
    case KW_ELSE: return "an else clause";
    case '@': return "a decorator";
    case KW_OTHER:
        for (size_t i = 0; i < sizeof OTHER / sizeof OTHER[0]; i++)
            if (!strcmp(OTHER[i].kw, t->val.str)) return OTHER[i].what;
        return "a statement";
    default: return NULL;
    }
}

static bool is_clause_continuation(const mig_tok *t) {
    if (t->kind == KW_ELSE) return true;
    if (t->kind != KW_OTHER) return false;
    return !strcmp(t->val.str, "elif") || !strcmp(t->val.str, "except") || !strcmp(t->val.str, "finally");
}

/* The idiom of a type that only newer SQLAlchemy versions have (the
** generated files' CITEXT), at the top level:
**     try:
**         from sqlalchemy.dialects.postgresql import CITEXT
**     except ImportError:
**         ...what an older SQLAlchemy uses instead: any Python...
** The try block's imports are read as if they stood alone, and the except
** block is not read at all: retort knows what the imported name is, and
** under the SQLAlchemy that has it, Python does not run the except block
** either.  Only this shape is the idiom: a try block of import lines only,
** one except clause naming ImportError, ModuleNotFoundError or
** AttributeError (alone or in parentheses), with a block, and no else or
** finally.  The `try` token was taken; on a match the import lines' tokens
** are pushed back and true is returned, else every token taken is pushed
** back and false is returned. */
typedef VEC(mig_tok) tok_vec;

/* The next token, kept in *seen; its kind. */
static int take_tok(mig_parse_ctx *ctx, mig_filter *f, yyscan_t scanner, tok_vec *seen, mig_tok *u) {
    *u = layer2_get(ctx, f, scanner);
    vec_push(ctx->arena, seen, *u);
    return u->kind;
}

static bool import_fallback(mig_parse_ctx *ctx, mig_filter *f, yyscan_t scanner) {
    tok_vec seen = {0}, body = {0};
    mig_tok u = {0};
    bool ok = false, line_start = true;
#define TAKE() take_tok(ctx, f, scanner, &seen, &u)
    if (TAKE() != ':' || TAKE() != NEWLINE || TAKE() != INDENT) goto out;
    for (;;) {
        TAKE();
        if (u.kind == 0 || u.kind == INDENT) goto out;
        if (u.kind == DEDENT) break;
        if (line_start && u.kind != KW_FROM && u.kind != KW_IMPORT) goto out;
        line_start = u.kind == NEWLINE;
        vec_push(ctx->arena, &body, u);
    }
    if (!body.len || TAKE() != KW_OTHER || strcmp(u.val.str, "except") != 0) goto out;
    bool paren = TAKE() == '(';
    if (paren) TAKE();
    for (;;) {
        if (u.kind != NAME || (strcmp(u.val.str, "ImportError") && strcmp(u.val.str, "ModuleNotFoundError") &&
                               strcmp(u.val.str, "AttributeError")))
            goto out;
        if (TAKE() != ',' || !paren) break;
        if (TAKE() == ')') break;
    }
    if (paren && (u.kind != ')' || !TAKE())) goto out;
    if (u.kind != ':' || TAKE() != NEWLINE || TAKE() != INDENT) goto out;
    for (int depth = 1; depth > 0;) {
        if (!TAKE()) goto out;
        if (u.kind == INDENT) depth++;
        else if (u.kind == DEDENT) depth--;
    }
    TAKE();
    if (is_clause_continuation(&u)) goto out;
    layer2_unget(ctx, f, u);
    for (size_t i = body.len; i-- > 0;) layer2_unget(ctx, f, body.items[i]);
    ok = true;
out:
    if (!ok)
        for (size_t i = seen.len; i-- > 0;) layer2_unget(ctx, f, seen.items[i]);
    return ok;
#undef TAKE
}

/* Layer 2 and the parser's yylex. */
int mig_filtered_lex(MIG_STYPE *lval, MIG_LTYPE *lloc, yyscan_t scanner) {
    mig_parse_ctx *ctx = mig_get_extra(scanner);
    mig_filter *f = ctx->filter;
    mig_tok t = layer2_get(ctx, f, scanner);
    const char *what = NULL;
    if (f->at_line_start && t.kind == KW_OTHER && !strcmp(t.val.str, "try") && f->widths.len == 1 &&
        import_fallback(ctx, f, scanner))
        t = layer2_get(ctx, f, scanner);
    if (f->at_line_start) {
        what = unsupported_statement(ctx, &t);
        if (t.kind == KW_DEF) {
            mig_tok n = layer2_get(ctx, f, scanner);
            if (n.kind == NAME && f->widths.len == 1 &&
                (!strcmp(n.val.str, "upgrade") || !strcmp(n.val.str, "downgrade"))) {
                mig_tok p1 = layer2_get(ctx, f, scanner);
                mig_tok p2 = layer2_get(ctx, f, scanner);
                if (p1.kind != '(' || p2.kind != ')')
                    what = arena_printf(ctx->arena, "a function '%s' with parameters", n.val.str);
                layer2_unget(ctx, f, p2);
                layer2_unget(ctx, f, p1);
            } else if (n.kind == NAME) {
                what = arena_printf(ctx->arena, "a function definition '%s'", n.val.str);
            } else {
                what = "a function definition";
            }
            layer2_unget(ctx, f, n);
        }
    }
    if (what) {
        mig_stmt *s = arena_alloc(ctx->arena, sizeof *s);
        s->kind = MS_UNSUPPORTED;
        s->loc = (src_loc){ctx->path, t.loc.first_line, t.loc.first_column};
        s->what = what;
        skip_statement(ctx, f, scanner, t.kind);
        for (;;) {
            mig_tok c = layer2_get(ctx, f, scanner);
            if (!is_clause_continuation(&c)) {
                layer2_unget(ctx, f, c);
                break;
            }
            skip_statement(ctx, f, scanner, c.kind);
        }
        mig_tok nl = {0};
        nl.kind = NEWLINE;
        nl.loc = t.loc;
        layer2_unget(ctx, f, nl);
        lval->stmt = s;
        *lloc = t.loc;
        f->at_line_start = false;
        return UNSUPPORTED;
    }
    *lval = t.val;
    *lloc = t.loc;
    f->at_line_start = t.kind == NEWLINE || t.kind == INDENT || t.kind == DEDENT;
    return t.kind;
}

/* ------------------------------------------------------------- the walk */

typedef struct walker {
    arena *a;
    mig_parse_ctx *ctx;
    migration_file *m;
} walker;

static py_stmt *unsupported_stmt(walker *w, src_loc at, const char *what) {
    py_stmt *s = arena_alloc(w->a, sizeof *s);
    s->kind = STMT_UNSUPPORTED;
    s->loc = at;
    s->what = what;
    vec_push(w->a, &w->m->unsupported, s);
    return s;
}

/* Does dotted module name mod lie in one of list[0..n)? */
static bool module_in(const char *mod, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(list[i]);
        if (!strncmp(mod, list[i], k) && (mod[k] == '\0' || mod[k] == '.')) return true;
    }
    return false;
}

/* Standard-library modules migrations import for values (an enum, a
** default, a timestamp, a UUID, JSON...): importing them does nothing
** retort would have to do. */
static const char *const STDLIB[] = {
    "abc",      "collections", "contextlib", "copy",   "dataclasses", "datetime", "decimal",
    "enum",     "functools",   "hashlib",    "itertools", "json",     "logging",  "math",
    "operator", "os",          "pathlib",    "random", "re",          "string",   "sys",
    "textwrap", "time",        "uuid",   "warnings",    "zoneinfo",
};

bool migration_stdlib_module(const char *module) {
    return module_in(module, STDLIB, sizeof STDLIB / sizeof STDLIB[0]);
}

/* Modules a migration may import: Alembic, SQLAlchemy, typing, and the
** standard-library modules above. */
static bool module_allowed(const char *mod) {
    static const char *const OK[] = {"typing", "__future__", "alembic", "sqlalchemy"};
    return module_in(mod, OK, sizeof OK / sizeof OK[0]) || migration_stdlib_module(mod);
}

/* Record an import; false (and an unsupported statement) when it imports
** application code. */
static bool walk_import(walker *w, const mig_stmt *s, py_stmt **unsup) {
    for (size_t i = 0; i < s->names.len; i++) {
        const char *mod = s->module ? s->module : s->names.items[i];
        if (!module_allowed(mod)) {
            *unsup = unsupported_stmt(w, s->module ? s->loc : s->name_locs.items[i],
                                      arena_printf(w->a, "an import of '%s' (application code)", mod));
            return false;
        }
    }
    for (size_t i = 0; i < s->names.len; i++) {
        py_import im = {s->module, s->names.items[i], s->aliases.items[i], s->name_locs.items[i]};
        vec_push(w->a, &w->m->imports, im);
    }
    return true;
}

typedef VEC(py_stmt *) stmt_list;

/* Move a stmt_list into a VEC(py_stmt *) field of another (anonymous) type. */
#define MOVE_VEC(dst, src)                                                     \
    do {                                                                       \
        (dst).items = (src).items;                                             \
        (dst).len = (src).len;                                                 \
        (dst).cap = (src).cap;                                                 \
    } while (0)

static stmt_list walk_body(walker *w, const mig_stmt_vec *in);

static py_stmt *walk_body_stmt(walker *w, const mig_stmt *s) {
    py_stmt *p = arena_alloc(w->a, sizeof *p);
    p->loc = s->loc;
    switch (s->kind) {
    case MS_EXPR:
        /* A string statement (a docstring, a note) does nothing. */
        if (s->value->kind == PY_STRING) return NULL;
        if (s->value->kind != PY_CALL && s->value->kind != PY_CONDITIONAL)
            return unsupported_stmt(w, s->loc, "an expression that is not a call");
        p->kind = STMT_EXPR;
        p->value = s->value;
        return p;
    case MS_ASSIGN:
        p->kind = STMT_ASSIGN;
        p->target = s->target;
        p->value = s->value;
        return p;
    case MS_WITH:
        p->kind = STMT_WITH;
        p->value = s->value;
        p->target = s->target;
        {
            stmt_list body = walk_body(w, &s->body);
            MOVE_VEC(p->body, body);
        }
        return p;
    case MS_PASS:
        p->kind = STMT_PASS;
        return p;
    case MS_IMPORT: {
        py_stmt *u = NULL;
        if (walk_import(w, s, &u)) return NULL;
        return u;
    }
    case MS_UNSUPPORTED: return unsupported_stmt(w, s->loc, s->what);
    case MS_DEF: return unsupported_stmt(w, s->loc, arena_printf(w->a, "a function definition '%s'", s->name));
    }
    return NULL;
}

static stmt_list walk_body(walker *w, const mig_stmt_vec *in) {
    stmt_list out = {0};
    for (size_t i = 0; i < in->len; i++) {
        py_stmt *p = walk_body_stmt(w, in->items[i]);
        if (p) vec_push(w->a, &out, p);
    }
    return out;
}

/* The value a bare name stands for in a header: what the last top-level
** assignment before the header gave it (LABEL = 'contract'), as Python
** runs the module from the top, and the header reader reads it
** (src/script/revisions.c); v itself when it is no such name. */
static const py_value *module_constant(walker *w, const py_value *v) {
    size_t before = w->m->assignments.len;
    while (v && v->kind == PY_NAME && !strchr(v->text, '.')) {
        const py_value *found = NULL;
        for (size_t i = before; i-- > 0;)
            if (!strcmp(w->m->assignments.items[i]->target, v->text)) {
                found = w->m->assignments.items[i]->value;
                before = i;             /* B in `A = B` is B as it was then */
                break;
            }
        if (!found) break;
        v = found;
    }
    return v;
}

/* None, 'x', ('a', 'b') or ['a', 'b'] into a list of revisions; the
** whole value and each item may be a name of such a constant. */
static bool revision_list(walker *w, const py_value *v, str_vec *out) {
    out->len = 0;
    v = module_constant(w, v);
    if (v->kind == PY_NONE) return true;
    if (v->kind == PY_STRING) {
        vec_push(w->a, out, v->text);
        return true;
    }
    if (v->kind != PY_TUPLE && v->kind != PY_LIST) return false;
    for (size_t i = 0; i < v->items.len; i++) {
        const py_value *item = module_constant(w, v->items.items[i]);
        if (item->kind != PY_STRING) return false;
        vec_push(w->a, out, item->text);
    }
    return true;
}

static void walk_header(walker *w, const mig_stmt *s) {
    const char *t = s->target;
    const py_value *v = s->value;
    str_vec *list = !strcmp(t, "down_revision")    ? &w->m->down_revisions
                    : !strcmp(t, "branch_labels") ? &w->m->branch_labels
                    : !strcmp(t, "depends_on")    ? &w->m->depends_on
                                                  : NULL;
    if (!strcmp(t, "revision")) {
        v = module_constant(w, v);
        if (v->kind != PY_STRING) {
            diag *d = mig_diag(w->ctx, v->loc, 1, "revision must be a string");
            diag_set_hint(w->ctx->dl, d, "write revision = 'abc123def456'");
            w->ctx->errors++;
            return;
        }
        w->m->revision = v->text;
        w->m->revision_loc = s->loc;
    } else if (list && !revision_list(w, v, list)) {
        diag *d = mig_diag(w->ctx, v->loc, 1, "%s must be None, a string or a tuple of strings", t);
        diag_set_hint(w->ctx->dl, d, "write %s = None, %s = 'abc123' or %s = ('abc123', 'def456')", t, t, t);
        w->ctx->errors++;
    }
}

static int cmp_stmt_loc(const void *x, const void *y) {
    const py_stmt *a = *(py_stmt *const *)x, *b = *(py_stmt *const *)y;
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.column != b->loc.column) return a->loc.column < b->loc.column ? -1 : 1;
    return 0;
}

static void walk_module(walker *w) {
    const mig_stmt_vec *top = &w->ctx->top;
    for (size_t i = 0; i < top->len; i++) {
        const mig_stmt *s = top->items[i];
        switch (s->kind) {
        case MS_EXPR:
            if (s->value->kind == PY_STRING) {
                if (i == 0) w->m->docstring = s->value->text;
            } else {
                unsupported_stmt(w, s->loc, "a statement outside upgrade() and downgrade()");
            }
            break;
        case MS_ASSIGN: {
            walk_header(w, s);
            py_stmt *p = arena_alloc(w->a, sizeof *p);
            p->kind = STMT_ASSIGN;
            p->loc = s->loc;
            p->target = s->target;
            p->value = s->value;
            vec_push(w->a, &w->m->assignments, p);
            break;
        }
        case MS_IMPORT: {
            py_stmt *u;
            walk_import(w, s, &u);
            break;
        }
        case MS_DEF:
            if (!strcmp(s->name, "upgrade")) {
                stmt_list body = walk_body(w, &s->body);
                MOVE_VEC(w->m->upgrade, body);
                w->m->has_upgrade = true;
            } else if (!strcmp(s->name, "downgrade")) {
                stmt_list body = walk_body(w, &s->body);
                MOVE_VEC(w->m->downgrade, body);
                w->m->has_downgrade = true;
            } else {
                unsupported_stmt(w, s->loc, arena_printf(w->a, "a function definition '%s'", s->name));
            }
            break;
        case MS_WITH: unsupported_stmt(w, s->loc, "a with statement outside upgrade() and downgrade()"); break;
        case MS_PASS: break;
        case MS_UNSUPPORTED: unsupported_stmt(w, s->loc, s->what); break;
        }
    }
    if (w->m->unsupported.len > 1)
        qsort(w->m->unsupported.items, w->m->unsupported.len, sizeof w->m->unsupported.items[0], cmp_stmt_loc);
}

/* --------------------------------------------------------------- driver */

int migration_parse(arena *a, const char *path, const char *text, migration_file **out, diag_list *dl) {
    *out = NULL;
    mig_parse_ctx ctx = {0};
    mig_filter filter = {0};
    ctx.arena = a;
    ctx.dl = dl;
    ctx.path = arena_strdup(a, path ? path : "<migration>");
    text = text ? text : "";
    if (!strncmp(text, "\xEF\xBB\xBF", 3)) text += 3;      /* a UTF-8 BOM, as Python allows (invisible: columns
                                                       ** count from after it) */
    /* Python reads source with universal newlines: \r\n and a lone \r are
    ** \n, inside strings too. */
    char *norm = arena_strdup(a, text), *put = norm;
    for (const char *r = norm; *r; r++) {
        if (*r == '\r') {
            *put++ = '\n';
            if (r[1] == '\n') r++;
        } else
            *put++ = *r;
    }
    *put = '\0';
    ctx.text = norm;
    ctx.line = 1;
    ctx.column = 1;
    ctx.filter = &filter;
    filter.at_line_start = true;
    vec_push(a, &filter.widths, 0);
    vec_push(a, &filter.silent, false);

    /* line_starts[n] is where line n begins (1-based). */
    size_t nlines = 1;
    for (const char *p = ctx.text; *p; p++) nlines += *p == '\n';
    ctx.line_starts = arena_alloc(a, (nlines + 2) * sizeof *ctx.line_starts);
    ctx.line_starts[1] = ctx.text;
    int line = 1;
    for (const char *p = ctx.text; *p; p++)
        if (*p == '\n') ctx.line_starts[++line] = p + 1;
    ctx.line_count = line;

    mig_parse_text(&ctx);

    migration_file *m = arena_alloc(a, sizeof *m);
    m->path = ctx.path;
    m->text = ctx.text;
    walker w = {a, &ctx, m};
    if (ctx.errors == 0) walk_module(&w);
    if (ctx.errors) return -1;
    *out = m;
    return 0;
}

int migration_parse_file(arena *a, const char *path, migration_file **out, diag_list *dl) {
    *out = NULL;
    size_t len = 0;
    char *text = read_file(path, &len);
    if (!text) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, 0, 0}, "cannot read migration %s: %s", path,
                           strerror(errno));
        diag_set_hint(dl, d, "check that the file exists and is readable");
        return -1;
    }
    int line, column;
    if (text_find_nul(text, len, &line, &column)) {
        free(text);
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, line, column}, "a NUL byte in a migration file");
        diag_set_hint(dl, d, "a migration is a Python text file; remove the byte (Python refuses it too)");
        return -1;
    }
    int rc = migration_parse(a, path, text, out, dl);
    free(text);
    return rc;
}
