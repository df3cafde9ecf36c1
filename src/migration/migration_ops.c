/*
** migration_ops.c — the operations a migration's upgrade() or downgrade()
** performs: its op.* / batch_op.* calls (migration/migration.h's AST) read into
** the op structs of diff/diff.h, which the SQL renderer and the runner
** execute.
**
** Names resolve through the file's imports, so `sa.Column`,
** `sqlalchemy.Column` and `Column` (after `from sqlalchemy import Column`)
** are one thing; `op`, `sa` and `postgresql` mean what Alembic's template
** imports even when the file forgot to.  Local names (`t = sa.table(...)`,
** `rows = [...]`, `t = op.create_table(...)`) are values the later calls may
** use.  In a `with op.batch_alter_table(...) as batch_op:` block the
** batch_op.* ops share one batch_block and, as in Alembic, run at the end of
** the block: an op.* call inside the block runs before them.
**
** Ops read from a file say only what the file says: a dropped table, column,
** index or constraint is named, not described (op.table NULL; for a column,
** index or constraint old_name and a stub that carries only the name);
** alter_column's old_column has the existing_* values that were given (an
** unknown type is TYPE_OTHER with raw NULL) and `alter` has a bit for each
** change given.  Everything lives in the op list's arena.
**
** Each Alembic operation has one reader, listed in OP_CALLS with where it
** may be called; the same list answers a misspelled call with a name.
**
** Anything retort does not understand is an error at its file:line:column
** with the hint to run the migration with python3 -m alembic; every error of
** the body is reported and no op list is returned.
*/
#include "migration/migration.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ALEMBIC_HINT "run this migration with python3 -m alembic"

typedef VEC(index_def *) index_list;

typedef struct local_name {
    const char *name;
    const py_value *value;
} local_name;

typedef struct conv {
    arena *a;                   /* the op list's */
    const migration_file *m;
    const dialect *d;
    const char *schema;         /* the default schema ([retort] schema); NULL: none (SQLite) */
    /* The schema= (or source_schema=) of the op call being read, as the
    ** IR has it (NULL: the default one): want_schema sets it, emit() gives
    ** it to the ops the call makes, and each call starts without one. */
    const char *op_schema;
    diag_list *dl;
    migration_ops *out;
    const char *path;
    int errors;
    strmap *imports;            /* local name -> qualified name */
    VEC(local_name) locals;
    /* the open batch block */
    const char *batch_name;
    batch_block *batch;
    VEC(op) pending;
    bool in_batch_call;         /* converting a batch_op.* call */
    bool in_autocommit;         /* inside `with op.get_context().autocommit_block():` */
} conv;

/* ------------------------------------------------------------- errors */

static diag *fail(conv *c, src_loc at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static diag *fail(conv *c, src_loc at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(c->dl->arena, fmt, ap);
    va_end(ap);
    diag *d = diag_add(c->dl, DIAG_ERROR, at, "%s", msg);
    if (!d->source_line) d->source_line = text_line(c->dl->arena, c->m->text, at.line);
    diag_set_hint(c->dl, d, ALEMBIC_HINT);
    c->errors++;
    return d;
}

static const char *S(conv *c, const char *s) { return arena_strdup(c->a, s); }

static src_loc L(conv *c, src_loc at) {
    at.file = c->path;
    return at;
}

/* ------------------------------------------------------------- names */

/* The qualified name of a dotted name, shortened to the spelling the
** checks below use: "sa.Column", "postgresql.JSONB", "op.create_table",
** "batch.add_column"; a local or unknown name as it is. */
static const char *canonical(conv *c, const char *dotted) {
    const char *dot = strchr(dotted, '.');
    size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);
    char *first = arena_strndup(c->a, dotted, n);
    const char *rest = dot ? dot : "";
    if (c->batch_name && !strcmp(first, c->batch_name)) return arena_printf(c->a, "batch%s", rest);
    const char *q = strmap_get(c->imports, first);
    const char *full = q ? arena_printf(c->a, "%s%s", q, rest) : dotted;
    static const struct { const char *from, *to; } PREFIXES[] = {
        {"sqlalchemy.dialects.postgresql.", "postgresql."},
        {"sqlalchemy.sql.expression.", "sa."},
        {"sqlalchemy.sql.", "sa."},
        {"sqlalchemy.types.", "sa."},
        {"sqlalchemy.schema.", "sa."},
        {"sqlalchemy.", "sa."},
        {"alembic.op.", "op."},
    };
    for (size_t i = 0; i < sizeof PREFIXES / sizeof PREFIXES[0]; i++) {
        size_t k = strlen(PREFIXES[i].from);
        if (!strncmp(full, PREFIXES[i].from, k)) return arena_printf(c->a, "%s%s", PREFIXES[i].to, full + k);
    }
    return full;
}

static void load_imports(conv *c) {
    c->imports = strmap_new(c->a);
    strmap_put(c->imports, "op", (void *)"alembic.op");
    strmap_put(c->imports, "sa", (void *)"sqlalchemy");
    strmap_put(c->imports, "sqlalchemy", (void *)"sqlalchemy");
    strmap_put(c->imports, "postgresql", (void *)"sqlalchemy.dialects.postgresql");
    for (size_t i = 0; i < c->m->imports.len; i++) {
        const py_import *im = &c->m->imports.items[i];
        if (im->module) {
            strmap_put(c->imports, im->alias ? im->alias : im->name,
                       arena_printf(c->a, "%s.%s", im->module, im->name));
        } else if (im->alias) {
            strmap_put(c->imports, im->alias, (void *)im->name);
        } else {
            const char *dot = strchr(im->name, '.');
            char *first = arena_strndup(c->a, im->name, dot ? (size_t)(dot - im->name) : strlen(im->name));
            strmap_put(c->imports, first, first);
        }
    }
}

/* The value of local name `name` (t = sa.table(...)), or NULL. */
static const py_value *local_value(conv *c, const char *name) {
    for (size_t i = c->locals.len; i-- > 0;)
        if (!strcmp(c->locals.items[i].name, name)) return c->locals.items[i].value;
    return NULL;
}

static int truth(conv *c, const py_value *v, int depth);

/* What v stands for: a local name's value, and the branch a conditional
** expression takes when its condition can be evaluated (truth() >= 0);
** else v itself (a conditional that cannot be is refused before, by
** check_conditionals).  Names hop at most 100 times and conditions nest at
** most 100 deep: `x = x if x else x` ends. */
static const py_value *deref_depth(conv *c, const py_value *v, int depth) {
    for (int hops = 0; v && hops < 100 && depth < 100; hops++) {
        const py_value *next = NULL;
        if (v->kind == PY_NAME && !strchr(v->text, '.')) next = local_value(c, v->text);
        else if (v->kind == PY_CONDITIONAL) {
            int t = truth(c, v->items.items[1], depth + 1);
            if (t >= 0) next = v->items.items[t ? 0 : 2];
        }
        if (!next) break;
        v = next;
    }
    return v;
}

static const py_value *deref(conv *c, const py_value *v) { return deref_depth(c, v, 0); }

/* Python's truth of a number literal ("0", "0.0", "0x0", "0j", "1e-400"
** are false). */
static bool number_true(const char *text) {
    char digits[128];
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < sizeof digits; p++)
        if (*p != '_' && *p != '-' && *p != '+' && *p != 'j' && *p != 'J') digits[n++] = *p;
    digits[n] = '\0';
    if (n > 1 && digits[0] == '0' && strchr("xXoObB", digits[1])) {
        for (size_t i = 2; i < n; i++)
            if (digits[i] != '0') return true;
        return false;
    }
    return strtod(digits, NULL) != 0.0;
}

/* The truth of condition v: 1 or 0 when it is a literal (None, True, False,
** a number, a string, a tuple / list / dict display: empty is false), a
** local name of one, or a conditional of those; -1 for anything else — a
** call, an attribute, an operator: a value only Python knows. */
static int truth(conv *c, const py_value *v, int depth) {
    v = deref_depth(c, v, depth);
    if (!v) return -1;
    switch (v->kind) {
    case PY_NONE: case PY_FALSE: return 0;
    case PY_TRUE: return 1;
    case PY_NUMBER: return number_true(v->text);
    case PY_STRING: return v->text[0] != '\0';
    case PY_TUPLE: case PY_LIST: case PY_DICT: return v->items.len > 0;
    default: return -1;
    }
}

/* Every conditional expression statement s would evaluate, through the
** local names it uses, must have a condition truth() can evaluate: else
** one error, at the condition.  The branch not taken is not looked at (as
** Python does not evaluate it).  Iterative, each value visited once. */
static int check_conditionals(conv *c, const py_value *root) {
    VEC(const py_value *) stack = {0};
    strmap *seen = strmap_new(c->a);
    vec_push(c->a, &stack, root);
    while (stack.len) {
        const py_value *v = stack.items[--stack.len];
        if (!v) continue;
        const char *key = arena_printf(c->a, "%p", (const void *)v);
        if (strmap_get(seen, key)) continue;
        strmap_put(seen, key, (void *)v);
        switch (v->kind) {
        case PY_CONDITIONAL: {
            const py_value *test = v->items.items[1];
            int t = truth(c, test, 0);
            if (t < 0) {
                const py_value *shown = deref(c, test);
                const char *what =
                    test->kind == PY_OPAQUE  ? arena_printf(c->a, "%s, which retort does not compute", test->text)
                    : shown->kind == PY_CALL ? "a call, a value known only when Python runs"
                    : shown->kind == PY_NAME ? arena_printf(c->a, "'%s', which this file does not assign a "
                                                                  "literal", shown->text)
                                             : "a value retort does not compute";
                diag *d = fail(c, L(c, test->loc), "retort does not evaluate this conditional expression: its "
                                                    "condition is %s", what);
                diag_set_hint(c->dl, d, "retort evaluates a condition only when it is a literal or a name assigned "
                                        "one in this file (USE_JSONB = True); run this revision with "
                                        "python3 -m alembic, or rewrite it with the branch that applies");
                return -1;
            }
            vec_push(c->a, &stack, v->items.items[t ? 0 : 2]);
            break;
        }
        case PY_NAME:
            if (!strchr(v->text, '.')) vec_push(c->a, &stack, local_value(c, v->text));
            break;
        case PY_CALL:
            vec_push(c->a, &stack, v->callee);
            for (size_t i = 0; i < v->args.len; i++) vec_push(c->a, &stack, v->args.items[i].value);
            break;
        default:
            for (size_t i = 0; i < v->items.len; i++) vec_push(c->a, &stack, v->items.items[i]);
            for (size_t i = 0; i < v->values.len; i++) vec_push(c->a, &stack, v->values.items[i]);
            break;
        }
    }
    return 0;
}

/* The canonical name of a call's callee ("" when the callee is not a name). */
static const char *callee_name(conv *c, const py_value *v) {
    if (!v || v->kind != PY_CALL || v->callee->kind != PY_NAME) return "";
    return canonical(c, v->callee->text);
}

static bool is_call_to(conv *c, const py_value *v, const char *name) {
    return v && v->kind == PY_CALL && !strcmp(callee_name(c, v), name);
}

/* When v is a value of Python's standard library (`datetime.datetime(2020,
** 1, 1)`, `uuid.uuid4()`, `json.dumps(...)` after `import datetime`...):
** how to show it, and *module the module; else NULL.  Importing those
** modules is fine (migration.c); what they compute is not a literal. */
static const char *stdlib_value(conv *c, const py_value *v, const char **module) {
    const py_value *name = v && v->kind == PY_CALL ? v->callee : v;
    if (!name || name->kind != PY_NAME) return NULL;
    const char *dot = strchr(name->text, '.');
    const char *first = arena_strndup(c->a, name->text, dot ? (size_t)(dot - name->text) : strlen(name->text));
    const char *q = strmap_get(c->imports, first);
    if (!q) return NULL;
    const char *qdot = strchr(q, '.');
    const char *mod = arena_strndup(c->a, q, qdot ? (size_t)(qdot - q) : strlen(q));
    if (!migration_stdlib_module(mod)) return NULL;
    *module = mod;
    return arena_printf(c->a, "%s%s", name->text, v->kind == PY_CALL ? "(...)" : "");
}

/* fail() for a value v that is not what `what` needs; a value of the
** standard library is named as such, with what to write instead. */
static diag *fail_value(conv *c, const py_value *v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static diag *fail_value(conv *c, const py_value *v, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(c->a, fmt, ap);
    va_end(ap);
    const char *module = NULL, *shown = stdlib_value(c, v, &module);
    src_loc at = L(c, v ? v->loc : (src_loc){0});
    if (!shown) return fail(c, at, "%s", msg);
    diag *d = fail(c, at, "%s, not %s: a value Python's %s module computes when the migration runs", msg, shown,
                   module);
    diag_set_hint(c->dl, d, "retort reads literals and does not run Python: write the value %s gives as a literal "
                            "(a string, a number), or run this migration with python3 -m alembic", shown);
    return d;
}

/* ------------------------------------------------------------ arguments */

/* A call's arguments matched to a signature: `params` lists positional
** parameter names in order; a name starting with '*' takes every further
** positional argument (into *rest); names after that are keyword-only.
** Positional *[...] arguments are spread.  Unknown or repeated arguments
** are errors. */
typedef struct bound {
    const py_value *v[24];
    src_loc at[24];
    VEC(const py_value *) rest;
} bound;

static int bind(conv *c, const py_value *call, const char *what, const char *const *params, size_t n, bound *b) {
    memset(b, 0, sizeof *b);
    size_t star = n;
    for (size_t i = 0; i < n; i++)
        if (params[i][0] == '*') star = i;
    size_t pos = 0;
    int rc = 0;
    VEC(const py_value *) positional = {0};
    VEC(src_loc) positional_at = {0};
    for (size_t i = 0; i < call->args.len; i++) {
        const py_arg *arg = &call->args.items[i];
        if (arg->keyword && !strcmp(arg->keyword, "*")) {
            const py_value *l = deref(c, arg->value);
            if (l->kind != PY_LIST && l->kind != PY_TUPLE) {
                fail(c, L(c, arg->loc), "%s(): only a literal list can be unpacked with *", what);
                rc = -1;
                continue;
            }
            for (size_t k = 0; k < l->items.len; k++) {
                vec_push(c->a, &positional, l->items.items[k]);
                vec_push(c->a, &positional_at, l->items.items[k]->loc);
            }
        } else if (!arg->keyword) {
            vec_push(c->a, &positional, arg->value);
            vec_push(c->a, &positional_at, arg->loc);
        }
    }
    for (size_t i = 0; i < positional.len; i++) {
        if (pos < star) {
            b->v[pos] = positional.items[i];
            b->at[pos] = positional_at.items[i];
            pos++;
        } else if (star < n) {
            vec_push(c->a, &b->rest, positional.items[i]);
        } else {
            fail(c, L(c, positional_at.items[i]), "%s() takes at most %zu positional arguments", what, star);
            return -1;
        }
    }
    for (size_t i = 0; i < call->args.len; i++) {
        const py_arg *arg = &call->args.items[i];
        if (!arg->keyword || !strcmp(arg->keyword, "*")) continue;
        size_t k = 0;
        while (k < n && (params[k][0] == '*' || strcmp(params[k], arg->keyword) != 0)) k++;
        if (k == n) {
            const char *names[24];
            size_t m = 0;
            for (size_t j = 0; j < n; j++)
                if (params[j][0] != '*') names[m++] = params[j];
            const char *close = closest_match(arg->keyword, names, m);
            diag *d = fail(c, L(c, arg->loc), "%s(): retort does not understand the argument '%s'%s%s%s", what,
                           arg->keyword, close ? " (did you mean '" : "", close ? close : "", close ? "'?)" : "");
            (void)d;
            rc = -1;
            continue;
        }
        if (b->v[k]) {
            fail(c, L(c, arg->loc), "%s(): argument '%s' given twice", what, arg->keyword);
            rc = -1;
            continue;
        }
        b->v[k] = arg->value;
        b->at[k] = arg->loc;
    }
    for (size_t k = 0; k < n; k++)
        if (b->v[k]) b->v[k] = deref(c, b->v[k]);
    for (size_t k = 0; k < b->rest.len; k++) b->rest.items[k] = deref(c, b->rest.items[k]);
    return rc;
}

static src_loc at_of(conv *c, const bound *b, size_t k, const py_value *call) {
    return L(c, b->v[k] ? b->v[k]->loc : call->loc);
}

/* ------------------------------------------------------------- values */

static int want_string(conv *c, const py_value *v, const char *what, const char **out) {
    v = deref(c, v);
    if (v && v->kind == PY_STRING) {
        *out = S(c, v->text);
        return 0;
    }
    fail_value(c, v, "%s must be a string literal", what);
    return -1;
}

static int want_string_or_none(conv *c, const py_value *v, const char *what, const char **out) {
    *out = NULL;
    if (!v || deref(c, v)->kind == PY_NONE) return 0;
    return want_string(c, v, what, out);
}

/* True / False; absent or None leaves *out and returns 0 with *given false. */
static int want_bool(conv *c, const py_value *v, const char *what, bool *out, bool *given) {
    if (given) *given = false;
    if (!v || v->kind == PY_NONE) return 0;
    if (v->kind == PY_TRUE || v->kind == PY_FALSE) {
        *out = v->kind == PY_TRUE;
        if (given) *given = true;
        return 0;
    }
    fail_value(c, v, "%s must be True or False", what);
    return -1;
}

static int want_none(conv *c, const py_value *v, const char *what) {
    if (!v || v->kind == PY_NONE) return 0;
    fail(c, L(c, v->loc), "%s is not supported (only %s=None)", what, what);
    return -1;
}

/* schema= (or source_schema= / referent_schema=) on PostgreSQL: None, or
** a schema.  The default one ([retort] schema; public unless it says
** otherwise) is the connection's search path, and the IR's NULL, as None
** is; any other is the IR's schema of the op.  SQLite has no schemas: any
** schema there is refused. */
static const char *ir_schema(conv *c, const char *name) {
    return !name || (c->schema && !strcmp(name, c->schema)) ? NULL : S(c, name);
}

static void refuse_sqlite_schema(conv *c, src_loc at, const char *written, const char *drop) {
    diag *d = fail(c, at, "%s: SQLite has no schemas, and retort migrates the main database only", written);
    diag_set_hint(c->dl, d, "%s; an attached database is not supported yet. Or let Alembic run this revision: "
                            "[retort] alembic_fallback = true (or --alembic-fallback), or python3 -m alembic", drop);
}

/* *out: the IR's schema (NULL for None or the default one). */
static int want_schema_of(conv *c, const py_value *v, const char *what, const char **out) {
    *out = NULL;
    if (!v || v->kind == PY_NONE) return 0;
    if (v->kind != PY_STRING) {
        fail_value(c, v, "%s= must be a string or None", what);
        return -1;
    }
    if (!c->schema) {
        refuse_sqlite_schema(c, L(c, v->loc), arena_printf(c->a, "%s='%s'", what, v->text),
                             arena_printf(c->a, "drop %s= (or write %s=None)", what, what));
        return -1;
    }
    *out = ir_schema(c, v->text);
    return 0;
}

/* The schema of the op call's table (schema=, source_schema=). */
static int want_schema(conv *c, const py_value *v, const char *what) {
    return want_schema_of(c, v, what, &c->op_schema);
}

static int want_string_list(conv *c, const py_value *v, const char *what, str_vec *out) {
    out->len = 0;
    v = deref(c, v);
    if (v && v->kind == PY_STRING) {
        vec_push(c->a, out, S(c, v->text));
        return 0;
    }
    if (!v || (v->kind != PY_LIST && v->kind != PY_TUPLE)) {
        fail_value(c, v, "%s must be a list of column names", what);
        return -1;
    }
    for (size_t i = 0; i < v->items.len; i++) {
        const char *s;
        if (want_string(c, v->items.items[i], what, &s)) return -1;
        vec_push(c->a, out, s);
    }
    return 0;
}

/* A string or sa.text('...'): SQL text. */
static int want_sql(conv *c, const py_value *v, const char *what, const char **out) {
    v = deref(c, v);
    if (v && v->kind == PY_STRING) {
        *out = S(c, v->text);
        return 0;
    }
    if (is_call_to(c, v, "sa.text") && v->args.len == 1 && !v->args.items[0].keyword)
        return want_string(c, v->args.items[0].value, "the text of sa.text()", out);
    fail_value(c, v, "%s must be a string or sa.text('...')", what);
    return -1;
}

/* An object name: 'x', op.f('x') / batch_op.f('x') (conventional), None. */
static int want_name(conv *c, const py_value *v, const char *what, const char **out, bool *conventional) {
    v = deref(c, v);
    if (conventional) *conventional = false;
    const char *callee = callee_name(c, v);
    if (!strcmp(callee, "op.f") || !strcmp(callee, "batch.f")) {
        if (conventional) *conventional = true;
        if (v->args.len != 1 || v->args.items[0].keyword) {
            fail(c, L(c, v->loc), "op.f() takes one name");
            return -1;
        }
        return want_string(c, v->args.items[0].value, what, out);
    }
    return want_string_or_none(c, v, what, out);
}

/* ---------------------------------------------------------------- types */

typedef enum { TA_NONE, TA_LENGTH, TA_PREC_SCALE, TA_TIMEZONE } type_args;

static const struct generic_type {
    const char *name;
    type_kind kind;
    type_args args;
} GENERIC_TYPES[] = {
    {"sa.Integer", TYPE_INTEGER, TA_NONE},       {"sa.BigInteger", TYPE_BIGINT, TA_NONE},
    {"sa.SmallInteger", TYPE_SMALLINT, TA_NONE}, {"sa.String", TYPE_STRING, TA_LENGTH},
    {"sa.Unicode", TYPE_STRING, TA_LENGTH},      {"sa.Text", TYPE_TEXT, TA_LENGTH},
    {"sa.UnicodeText", TYPE_TEXT, TA_LENGTH},    {"sa.Boolean", TYPE_BOOLEAN, TA_NONE},
    {"sa.Float", TYPE_FLOAT, TA_NONE},           {"sa.Numeric", TYPE_NUMERIC, TA_PREC_SCALE},
    {"sa.DateTime", TYPE_DATETIME, TA_TIMEZONE}, {"sa.Date", TYPE_DATE, TA_NONE},
    {"sa.Time", TYPE_TIME, TA_TIMEZONE},         {"sa.Interval", TYPE_INTERVAL, TA_NONE},
    {"sa.JSON", TYPE_JSON, TA_NONE},             {"sa.LargeBinary", TYPE_LARGEBINARY, TA_LENGTH},
};

/* SQLAlchemy's upper-case (SQL-named) and PostgreSQL types: their SQL
** spelling, read by the dialect as an introspected type would be. */
static const struct sql_type {
    const char *name;
    const char *sql;
    type_args args;
} SQL_TYPES[] = {
    {"sa.INTEGER", "INTEGER", TA_NONE},         {"sa.INT", "INTEGER", TA_NONE},
    {"sa.BIGINT", "BIGINT", TA_NONE},           {"sa.SMALLINT", "SMALLINT", TA_NONE},
    {"sa.VARCHAR", "VARCHAR", TA_LENGTH},       {"sa.NVARCHAR", "NVARCHAR", TA_LENGTH},
    {"sa.CHAR", "CHAR", TA_LENGTH},             {"sa.NCHAR", "NCHAR", TA_LENGTH},
    {"sa.TEXT", "TEXT", TA_NONE},               {"sa.CLOB", "CLOB", TA_NONE},
    {"sa.BLOB", "BLOB", TA_NONE},               {"sa.BOOLEAN", "BOOLEAN", TA_NONE},
    {"sa.FLOAT", "FLOAT", TA_NONE},             {"sa.REAL", "REAL", TA_NONE},
    {"sa.NUMERIC", "NUMERIC", TA_PREC_SCALE},   {"sa.DECIMAL", "DECIMAL", TA_PREC_SCALE},
    {"sa.DATE", "DATE", TA_NONE},               {"sa.DATETIME", "DATETIME", TA_NONE},
    {"sa.TIME", "TIME", TA_NONE},               {"sa.TIMESTAMP", "TIMESTAMP", TA_TIMEZONE},
    {"postgresql.TIMESTAMP", "TIMESTAMP", TA_TIMEZONE},
    {"postgresql.TIME", "TIME", TA_TIMEZONE},   {"postgresql.INTERVAL", "INTERVAL", TA_NONE},
    {"postgresql.BYTEA", "BYTEA", TA_NONE},     {"postgresql.CIDR", "CIDR", TA_NONE},
    {"postgresql.DOUBLE_PRECISION", "DOUBLE PRECISION", TA_NONE},
    {"postgresql.INET", "INET", TA_NONE},       {"postgresql.MACADDR", "MACADDR", TA_NONE},
    {"postgresql.MONEY", "MONEY", TA_NONE},     {"postgresql.OID", "OID", TA_NONE},
    {"postgresql.TSVECTOR", "TSVECTOR", TA_NONE},
    {"postgresql.UUID", "UUID", TA_NONE},       {"postgresql.JSON", "JSON", TA_NONE},
    {"postgresql.VARCHAR", "VARCHAR", TA_LENGTH},
    {"postgresql.INTEGER", "INTEGER", TA_NONE}, {"postgresql.BIGINT", "BIGINT", TA_NONE},
    {"postgresql.TEXT", "TEXT", TA_NONE},       {"postgresql.BOOLEAN", "BOOLEAN", TA_NONE},
};

/* A number argument of a type (String(50), Numeric(10, 2)). */
static int want_int(conv *c, const py_value *v, const char *what, int *out) {
    if (!v || v->kind == PY_NONE) return 0;
    char *end = NULL;
    if (v->kind == PY_NUMBER) {
        long n = strtol(v->text, &end, 10);
        if (*end == '\0' && n >= 0 && n < 1000000) {
            *out = (int)n;
            return 0;
        }
    }
    fail_value(c, v, "%s must be a whole number", what);
    return -1;
}

static int convert_type(conv *c, const py_value *v, col_type *out);

/* postgresql.ARRAY(item_type, as_tuple=, dimensions=, zero_indexes=) and
** sa.ARRAY(...): the element is any other type (an array of arrays is
** written with dimensions=). */
static int convert_array_type(conv *c, const py_value *call, col_type *out) {
    static const char *const P[] = {"item_type", "as_tuple", "dimensions", "zero_indexes"};
    bound b;
    if (!call) {
        fail(c, L(c, (src_loc){0}), "ARRAY needs its element type: postgresql.ARRAY(sa.Integer())");
        return -1;
    }
    if (bind(c, call, call->callee->text, P, 4, &b)) return -1;
    if (!b.v[0]) {
        fail(c, L(c, call->loc), "%s() needs its element type", call->callee->text);
        return -1;
    }
    const py_value *item = deref(c, b.v[0]);
    const char *item_name = item && item->kind == PY_CALL && item->callee->kind == PY_NAME
                                ? canonical(c, item->callee->text)
                                : item && item->kind == PY_NAME ? canonical(c, item->text) : "";
    if (!strcmp(item_name, "postgresql.ARRAY") || !strcmp(item_name, "sa.ARRAY")) {
        fail(c, L(c, item->loc), "an ARRAY of ARRAY is written with dimensions=: postgresql.ARRAY(sa.Integer(), dimensions=2)");
        return -1;
    }
    col_type *element = arena_alloc(c->a, sizeof *element);
    if (convert_type(c, item, element)) return -1;
    out->kind = TYPE_ARRAY;
    out->element = element;
    out->dimensions = 1;
    if (b.v[2] && want_int(c, b.v[2], "dimensions", &out->dimensions)) return -1;
    if (out->dimensions < 1) out->dimensions = 1;
    return 0;
}

/* sa.Enum('a', 'b', name='x') and postgresql.ENUM(..., create_type=False):
** the labels written out (an enum.Enum class is not read).  On PostgreSQL
** the column's type is the named type; elsewhere, and with
** native_enum=False, a VARCHAR as long as the longest label (or length=).
** In op.create_table, SQLAlchemy creates the type first unless
** postgresql.ENUM says create_type=False (an sa.Enum always does). */
static int convert_enum_type(conv *c, const py_value *call, const char *name, col_type *out) {
    static const char *const P[] = {"*enums", "name", "create_type", "native_enum", "create_constraint", "length",
                                    "schema", "metadata", "inherit_schema", "validate_strings", "values_callable",
                                    "omit_aliases", "quote", "_create_events"};
    bound b;
    bool pg_enum = !strcmp(name, "postgresql.ENUM");
    if (!call) {
        fail(c, L(c, (src_loc){0}), "%s needs its labels: %s('a', 'b', name='x')", name, name);
        return -1;
    }
    if (bind(c, call, call->callee->text, P, 14, &b)) return -1;
    enum_type *e = arena_alloc(c->a, sizeof *e);
    for (size_t i = 0; i < b.rest.len; i++) {
        const py_value *l = b.rest.items[i];
        if (l->kind != PY_STRING) {
            diag *d = fail_value(c, l, "%s(): a label must be a string literal", call->callee->text);
            diag_set_hint(c->dl, d, "write the labels out: sa.Enum('pending', 'done', name='task_status') (retort "
                                    "does not read an enum.Enum class); or run this migration with python3 -m alembic");
            return -1;
        }
        vec_push(c->a, &e->labels, ((enum_label){.label = S(c, l->text), .loc = L(c, l->loc)}));
    }
    if (want_string_or_none(c, b.v[1], "name", &e->name)) return -1;
    bool create_type = true, given = false, native = true, constraint = false;
    if (b.v[2] && !pg_enum) {
        /* SQLAlchemy's Enum takes create_type and ignores it */
    } else if (want_bool(c, b.v[2], "create_type", &create_type, &given)) return -1;
    if (want_bool(c, b.v[3], "native_enum", &native, &given) ||
        want_bool(c, b.v[4], "create_constraint", &constraint, &given))
        return -1;
    if (constraint) {
        fail(c, at_of(c, &b, 4, call), "%s(create_constraint=True): the CHECK constraint it makes is not supported",
             call->callee->text);
        return -1;
    }
    if (want_schema_of(c, b.v[6], "schema", &e->schema)) return -1;
    for (size_t k = 7; k < 14; k++)
        if (b.v[k] && k != 9 && k != 11 && k != 12) {
            fail(c, at_of(c, &b, k, call), "%s(): retort does not support the argument '%s'", call->callee->text, P[k]);
            return -1;
        }
    int length = -1;
    if (b.v[5] && want_int(c, b.v[5], "length", &length)) return -1;
    if (!native || (c->d && !c->d->has_enum_types)) {
        /* a VARCHAR: what SQLAlchemy makes of a non-native enum */
        out->kind = TYPE_STRING;
        out->length = length >= 0 ? length : enum_type_max_length(e);
        if (c->d && !c->d->has_enum_types && native) {
            out->kind = TYPE_ENUM;      /* SQLite's VARCHAR(n), with its labels */
            out->length = -1;
            if (!e->name) e->name = "";
            out->enumeration = e;
        }
        return 0;
    }
    if (!e->name || !*e->name) {
        fail(c, L(c, call->loc), "%s() needs name=: PostgreSQL's enum types have names", call->callee->text);
        return -1;
    }
    e->create_with_table = create_type;
    out->kind = TYPE_ENUM;
    out->enumeration = e;
    return 0;
}

static int convert_type(conv *c, const py_value *v, col_type *out) {
    v = deref(c, v);
    memset(out, 0, sizeof *out);
    out->length = out->precision = out->scale = -1;
    const py_value *call = v;
    const char *name;
    if (v && v->kind == PY_NAME) {
        name = canonical(c, v->text);
        call = NULL;
    } else if (v && v->kind == PY_CALL && v->callee->kind == PY_NAME) {
        name = canonical(c, v->callee->text);
    } else {
        fail(c, L(c, v ? v->loc : (src_loc){0}), "a column type must be a SQLAlchemy type such as sa.String(length=50)");
        return -1;
    }
    static const char *const P_LENGTH[] = {"length", "collation"};
    static const char *const P_PREC[] = {"precision", "scale", "asdecimal", "decimal_return_scale"};
    static const char *const P_TZ[] = {"timezone", "precision"};
    static const char *const P_NONE[] = {"create_constraint", "name", "none_as_null", "astext_type",
                                         "as_uuid", "fields", "native", "_expect_unicode"};
    bound b;
    type_args args = TA_NONE;
    const char *sql = NULL;
    bool found = false;
    for (size_t i = 0; i < sizeof GENERIC_TYPES / sizeof GENERIC_TYPES[0] && !found; i++)
        if (!strcmp(GENERIC_TYPES[i].name, name)) {
            out->kind = GENERIC_TYPES[i].kind;
            args = GENERIC_TYPES[i].args;
            found = true;
        }
    for (size_t i = 0; i < sizeof SQL_TYPES / sizeof SQL_TYPES[0] && !found; i++)
        if (!strcmp(SQL_TYPES[i].name, name)) {
            sql = SQL_TYPES[i].sql;
            args = SQL_TYPES[i].args;
            found = true;
        }
    if (!strcmp(name, "postgresql.ARRAY") || !strcmp(name, "sa.ARRAY")) return convert_array_type(c, call, out);
    if (!strcmp(name, "sa.Enum") || !strcmp(name, "postgresql.ENUM")) return convert_enum_type(c, call, name, out);
    if (!strcmp(name, "postgresql.CITEXT")) {      /* the import of the generated files' fallback too */
        out->kind = TYPE_CITEXT;
        found = true;
    }
    bool jsonb = !strcmp(name, "postgresql.JSONB");
    if (jsonb) {
        out->kind = TYPE_JSON;
        out->jsonb = true;
        found = true;
    }
    if (!found) {
        if (!strcmp(name, "sa.NullType")) {
            /* Alembic cannot run it either: no hint to run Alembic. */
            diag *d = fail(c, L(c, v->loc), "sa.types.NullType() is no SQL type: replace it with the column's type");
            diag_set_hint(c->dl, d, "write the type the column has in the database (e.g. sa.String(length=50)); "
                                    "the note retort wrote at the top of the file names it");
        }
        else
            fail(c, L(c, v->loc), "retort does not know the column type %s", v->kind == PY_NAME ? v->text : v->callee->text);
        return -1;
    }
    if (call) {
        const char *const *params = args == TA_LENGTH ? P_LENGTH : args == TA_PREC_SCALE ? P_PREC
                                  : args == TA_TIMEZONE ? P_TZ : P_NONE;
        size_t np = args == TA_LENGTH ? 2 : args == TA_PREC_SCALE ? 4 : args == TA_TIMEZONE ? 2 : 8;
        if (args == TA_NONE) {
            /* Only keyword options that change no DDL. */
            for (size_t i = 0; i < call->args.len; i++)
                if (!call->args.items[i].keyword) {
                    fail(c, L(c, call->args.items[i].loc), "%s() takes no positional argument here", call->callee->text);
                    return -1;
                }
        }
        if (bind(c, call, call->callee->text, params, np, &b)) return -1;
        if (args == TA_LENGTH) {
            if (want_int(c, b.v[0], "a type length", &out->length)) return -1;
            if (b.v[1] && b.v[1]->kind != PY_NONE) {
                fail(c, at_of(c, &b, 1, call), "a column collation is not supported");
                return -1;
            }
        } else if (args == TA_PREC_SCALE) {
            if (want_int(c, b.v[0], "a precision", &out->precision) || want_int(c, b.v[1], "a scale", &out->scale))
                return -1;
        } else if (args == TA_TIMEZONE) {
            if (want_bool(c, b.v[0], "timezone", &out->timezone, NULL)) return -1;
            if (b.v[1] && b.v[1]->kind != PY_NONE) {
                fail(c, at_of(c, &b, 1, call), "a time precision is not supported");
                return -1;
            }
        }
    }
    if (sql) {
        const char *spelling = sql;
        if (args == TA_LENGTH && out->length >= 0) spelling = arena_printf(c->a, "%s(%d)", sql, out->length);
        if (args == TA_PREC_SCALE && out->precision >= 0)
            spelling = out->scale >= 0 ? arena_printf(c->a, "%s(%d, %d)", sql, out->precision, out->scale)
                                       : arena_printf(c->a, "%s(%d)", sql, out->precision);
        if (args == TA_TIMEZONE && out->timezone) spelling = arena_printf(c->a, "%s WITH TIME ZONE", sql);
        if (c->d) {
            *out = c->d->parse_type(c->a, spelling);
        } else {
            memset(out, 0, sizeof *out);
            out->kind = TYPE_OTHER;
            out->length = out->precision = out->scale = -1;
        }
        if (!out->raw) out->raw = S(c, spelling);
    }
    return 0;
}

/* server_default=: 'x', sa.text('...'), sa.func.now(), None. */
static int convert_default(conv *c, const py_value *v, server_default *out) {
    memset(out, 0, sizeof *out);
    v = deref(c, v);
    if (!v || v->kind == PY_NONE) return 0;
    if (v->kind == PY_STRING) {
        out->kind = DEFAULT_STRING;
        out->text = S(c, v->text);
        return 0;
    }
    const char *callee = callee_name(c, v);
    if (!strcmp(callee, "sa.text")) {
        out->kind = DEFAULT_SQL;
        return want_sql(c, v, "server_default", &out->text);
    }
    if ((!strcmp(callee, "sa.func.now") || !strcmp(callee, "sa.func.current_timestamp")) && v->args.len == 0) {
        out->kind = DEFAULT_NOW;
        return 0;
    }
    fail_value(c, v, "server_default must be a string, sa.text('...') or sa.func.now()");
    return -1;
}

/* ------------------------------------------------------- tables, columns */

static table *new_table(conv *c, const char *name, src_loc at) {
    table *t = arena_alloc(c->a, sizeof *t);
    t->name = name;
    t->loc = at;
    return t;
}

static column *new_column(conv *c, const char *name) {
    column *col = arena_alloc(c->a, sizeof *col);
    col->name = col->field_name = name;
    col->nullable = true;
    col->type.kind = TYPE_OTHER;
    col->type.length = col->type.precision = col->type.scale = -1;
    return col;
}

/* "table.column" -> table, column; "schema.table.column" as SQLAlchemy
** reads it -> *nsp too (the IR's: NULL for the default schema). */
static int split_ref(conv *c, const char *ref, src_loc at, const char **nsp, const char **tbl, const char **col) {
    *nsp = NULL;
    const char *dot = strrchr(ref, '.');
    if (!dot || dot == ref || !dot[1]) {
        fail(c, at, "a foreign key target must be 'table.column', not '%s'", ref);
        return -1;
    }
    const char *first = strchr(ref, '.');
    if (first != dot) {
        if (first == ref || first + 1 == dot) {
            fail(c, at, "a foreign key target must be 'table.column' or 'schema.table.column', not '%s'", ref);
            return -1;
        }
        const char *name = arena_strndup(c->a, ref, (size_t)(first - ref));
        if (!c->schema) {
            refuse_sqlite_schema(c, at, arena_printf(c->a, "the foreign key target '%s' is in schema '%s'", ref, name),
                                 arena_printf(c->a, "write the target without its schema ('%s')", first + 1));
            return -1;
        }
        *nsp = ir_schema(c, name);
        ref = first + 1;
    }
    *tbl = arena_strndup(c->a, ref, (size_t)(dot - ref));
    *col = S(c, dot + 1);
    return 0;
}

static int fk_options(conv *c, const bound *b, size_t ondelete, size_t onupdate, foreign_key *fk) {
    if (want_string_or_none(c, b->v[ondelete], "ondelete", &fk->ondelete) ||
        want_string_or_none(c, b->v[onupdate], "onupdate", &fk->onupdate))
        return -1;
    for (char *p = (char *)fk->ondelete; p && *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    for (char *p = (char *)fk->onupdate; p && *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    return 0;
}

/* Options a constraint may carry that retort cannot honour. */
static int refuse_options(conv *c, const bound *b, size_t from, size_t to, const char *const *params) {
    for (size_t k = from; k < to; k++)
        if (b->v[k] && b->v[k]->kind != PY_NONE) {
            fail(c, L(c, b->at[k]), "%s= is not supported", params[k]);
            return -1;
        }
    return 0;
}

/* A whole number of sa.Identity (64 bits, negative or not). */
static int want_int64(conv *c, const py_value *v, const char *what, long long *out, bool *given) {
    *given = false;
    if (!v || v->kind == PY_NONE) return 0;
    if (v->kind == PY_NUMBER) {
        char *end = NULL;
        errno = 0;
        long long n = strtoll(v->text, &end, 10);
        if (*end == '\0' && errno == 0) {
            *out = n;
            *given = true;
            return 0;
        }
    }
    fail_value(c, v, "%s must be a whole number", what);
    return -1;
}

/* sa.Identity(always=, on_null=, start=, increment=, minvalue=, maxvalue=,
** nominvalue=, nomaxvalue=, cycle=, cache=, order=): GENERATED { ALWAYS |
** BY DEFAULT } AS IDENTITY.  on_null and order are Oracle's: refused. */
static const identity_def *convert_identity(conv *c, const py_value *call) {
    static const char *const P[] = {"always", "on_null", "start", "increment", "minvalue", "maxvalue",
                                    "nominvalue", "nomaxvalue", "cycle", "cache", "order"};
    bound b;
    if (bind(c, call, "sa.Identity", P, sizeof P / sizeof P[0], &b) || refuse_options(c, &b, 1, 2, P) ||
        refuse_options(c, &b, 10, 11, P))
        return NULL;
    identity_def *g = arena_alloc(c->a, sizeof *g);
    bool given, flag = false;
    g->increment = 1;
    g->cycle = -1;
    if (want_bool(c, b.v[0], "always", &g->always, NULL) ||
        want_int64(c, b.v[3], "increment", &g->increment, &given))
        return NULL;
    g->increment_omitted = !given;
    if (g->increment == 0) {
        fail(c, at_of(c, &b, 3, call), "increment must not be 0");
        return NULL;
    }
    g->start = identity_default_start(g->increment);
    bool start_given;
    if (want_int64(c, b.v[2], "start", &g->start, &start_given) ||
        want_int64(c, b.v[4], "minvalue", &g->minvalue, &g->has_minvalue) ||
        want_int64(c, b.v[5], "maxvalue", &g->maxvalue, &g->has_maxvalue) ||
        want_bool(c, b.v[6], "nominvalue", &g->nominvalue, NULL) ||
        want_bool(c, b.v[7], "nomaxvalue", &g->nomaxvalue, NULL) || want_bool(c, b.v[8], "cycle", &flag, &given) ||
        want_int64(c, b.v[9], "cache", &g->cache, &(bool){0}))
        return NULL;
    if (given) g->cycle = flag;
    g->start_omitted = !start_given;
    /* a start below MINVALUE (or above MAXVALUE) is the server's to refuse */
    if (g->has_minvalue && !b.v[2] && g->increment > 0) g->start = g->minvalue;
    if (g->has_maxvalue && !b.v[2] && g->increment < 0) g->start = g->maxvalue;
    g->loc = L(c, call->loc);
    return g;
}

/* sa.Column(...).  In create_table (t != NULL) column-level keys and
** flags go into t; extra_indexes gets index=True. */
static column *convert_column(conv *c, const py_value *v, table *t, index_list *extra_indexes) {
    v = deref(c, v);
    if (!is_call_to(c, v, "sa.Column")) {
        fail(c, L(c, v->loc), "expected sa.Column(...)");
        return NULL;
    }
    static const char *const P[] = {"name", "type_", "*args", "nullable", "server_default", "autoincrement",
                                    "comment", "primary_key", "unique", "index", "default", "onupdate",
                                    "doc", "info", "key", "server_onupdate", "quote", "system", "computed"};
    bound b;
    if (bind(c, v, "sa.Column", P, sizeof P / sizeof P[0], &b)) return NULL;
    const char *name;
    if (want_string(c, b.v[0], "a column name", &name)) return NULL;
    column *col = new_column(c, name);
    col->loc = L(c, v->loc);
    /* The type may come third when the second positional is a ForeignKey. */
    const py_value *type = b.v[1];
    VEC(const py_value *) rest = {0};
    if (type && is_call_to(c, type, "sa.ForeignKey")) {
        vec_push(c->a, &rest, type);
        type = NULL;
    }
    for (size_t i = 0; i < b.rest.len; i++) vec_push(c->a, &rest, b.rest.items[i]);
    if (!type) {
        fail(c, L(c, v->loc), "sa.Column('%s', ...) needs a type", name);
        return NULL;
    }
    if (convert_type(c, type, &col->type)) return NULL;
    bool pk = false, unique = false, index = false, given;
    if (want_bool(c, b.v[7], "primary_key", &pk, NULL) || want_bool(c, b.v[8], "unique", &unique, NULL) ||
        want_bool(c, b.v[9], "index", &index, NULL))
        return NULL;
    col->primary_key = pk;
    col->nullable = !pk;
    if (want_bool(c, b.v[3], "nullable", &col->nullable, &given)) return NULL;
    if (convert_default(c, b.v[4], &col->server_default)) return NULL;
    if (b.v[5]) {
        const py_value *ai = b.v[5];
        if (ai->kind == PY_TRUE) col->autoincrement = AUTOINC_TRUE;
        else if (ai->kind == PY_FALSE) col->autoincrement = AUTOINC_FALSE;
        else if (!(ai->kind == PY_STRING && !strcmp(ai->text, "auto"))) {
            fail(c, L(c, ai->loc), "autoincrement must be True, False or 'auto'");
            return NULL;
        }
    }
    if (want_string_or_none(c, b.v[6], "comment", &col->comment)) return NULL;
    /* default= / onupdate= / doc= / info= / key= only matter to Python code. */
    if (refuse_options(c, &b, 13, 19, P)) return NULL;
    /* sa.Computed('expr', persisted=True|False|None): a generated column,
    ** stored unless persisted=False (None: the database's default, which
    ** is stored on PostgreSQL and virtual on SQLite). */
    for (size_t i = 0; i < rest.len; i++) {
        const py_value *r = deref(c, rest.items[i]);
        if (!is_call_to(c, r, "sa.Computed")) continue;
        static const char *const PC[] = {"sqltext", "persisted"};
        bound cb;
        if (bind(c, r, "sa.Computed", PC, 2, &cb) || want_sql(c, cb.v[0], "a computed expression", &col->generated))
            return NULL;
        if (!col->generated) {
            fail(c, L(c, r->loc), "sa.Computed() needs its SQL expression");
            return NULL;
        }
        col->generated_stored = !(c->d && c->d->kind == DIALECT_SQLITE);
        if (cb.v[1] && cb.v[1]->kind != PY_NONE && want_bool(c, cb.v[1], "persisted", &col->generated_stored, NULL))
            return NULL;
        memmove(&rest.items[i], &rest.items[i + 1], (rest.len - i - 1) * sizeof *rest.items);
        rest.len--;
        i--;
    }
    /* sa.Identity(...): an identity column (NOT NULL, as SQLAlchemy makes
    ** it unless nullable= says otherwise, and PostgreSQL whatever). */
    for (size_t i = 0; i < rest.len; i++) {
        const py_value *r = deref(c, rest.items[i]);
        if (!is_call_to(c, r, "sa.Identity")) continue;
        if (col->generated_identity) {
            fail(c, L(c, r->loc), "sa.Column('%s', ...) has two sa.Identity()", name);
            return NULL;
        }
        if (!(col->generated_identity = convert_identity(c, r))) return NULL;
        col->identity = true;
        if (!given) col->nullable = false;
        memmove(&rest.items[i], &rest.items[i + 1], (rest.len - i - 1) * sizeof *rest.items);
        rest.len--;
        i--;
    }
    if (!t && (pk || unique || index || rest.len)) {
        fail(c, L(c, v->loc), "primary_key, unique, index and sa.ForeignKey on a column are only supported in "
                              "op.create_table()");
        return NULL;
    }
    if (t) {
        if (pk) vec_push(c->a, &t->primary_key.columns, name);
        if (unique) {
            unique_def *u = arena_alloc(c->a, sizeof *u);
            vec_push(c->a, &u->columns, name);
            u->loc = col->loc;
            vec_push(c->a, &t->uniques, u);
        }
        if (index) {
            index_def *ix = arena_alloc(c->a, sizeof *ix);
            ix->name = index_conventional_name(c->a, t->name, name);
            ix->conventional_name = true;
            vec_push(c->a, &ix->columns, name);
            ix->loc = col->loc;
            vec_push(c->a, extra_indexes, ix);
        }
        for (size_t i = 0; i < rest.len; i++) {
            const py_value *r = deref(c, rest.items[i]);
            if (!is_call_to(c, r, "sa.ForeignKey")) {
                fail(c, L(c, r->loc), "sa.Column() takes sa.ForeignKey(...) here, nothing else");
                return NULL;
            }
            static const char *const PF[] = {"column", "name", "ondelete", "onupdate", "deferrable", "initially",
                                             "match", "use_alter", "link_to_name"};
            bound fb;
            if (bind(c, r, "sa.ForeignKey", PF, sizeof PF / sizeof PF[0], &fb)) return NULL;
            foreign_key *fk = arena_alloc(c->a, sizeof *fk);
            const char *ref, *rt, *rc;
            if (want_string(c, fb.v[0], "a foreign key target", &ref) || split_ref(c, ref, L(c, r->loc), &fk->ref_schema, &rt, &rc) ||
                want_string_or_none(c, fb.v[1], "a constraint name", &fk->name) || fk_options(c, &fb, 2, 3, fk) ||
                refuse_options(c, &fb, 4, 9, PF))
                return NULL;
            vec_push(c->a, &fk->columns, name);
            fk->ref_table = rt;
            vec_push(c->a, &fk->ref_columns, rc);
            fk->loc = L(c, r->loc);
            vec_push(c->a, &t->foreign_keys, fk);
        }
    }
    return col;
}

/* A table constraint of op.create_table. */
static int convert_table_constraint(conv *c, const py_value *v, table *t) {
    const char *callee = callee_name(c, v);
    bound b;
    if (!strcmp(callee, "sa.PrimaryKeyConstraint")) {
        static const char *const P[] = {"*columns", "name", "deferrable", "initially"};
        if (bind(c, v, "sa.PrimaryKeyConstraint", P, 4, &b) || refuse_options(c, &b, 2, 4, P)) return -1;
        if (want_string_or_none(c, b.v[1], "a constraint name", &t->primary_key.name)) return -1;
        t->primary_key.columns.len = 0;
        for (size_t i = 0; i < b.rest.len; i++) {
            const char *col;
            if (want_string(c, b.rest.items[i], "a primary key column", &col)) return -1;
            vec_push(c->a, &t->primary_key.columns, col);
        }
        return 0;
    }
    if (!strcmp(callee, "sa.UniqueConstraint")) {
        static const char *const P[] = {"*columns", "name", "deferrable", "initially"};
        if (bind(c, v, "sa.UniqueConstraint", P, 4, &b) || refuse_options(c, &b, 2, 4, P)) return -1;
        unique_def *u = arena_alloc(c->a, sizeof *u);
        if (want_string_or_none(c, b.v[1], "a constraint name", &u->name)) return -1;
        for (size_t i = 0; i < b.rest.len; i++) {
            const char *col;
            if (want_string(c, b.rest.items[i], "a unique constraint column", &col)) return -1;
            vec_push(c->a, &u->columns, col);
        }
        u->loc = L(c, v->loc);
        vec_push(c->a, &t->uniques, u);
        return 0;
    }
    if (!strcmp(callee, "sa.CheckConstraint")) {
        static const char *const P[] = {"sqltext", "name", "deferrable", "initially"};
        if (bind(c, v, "sa.CheckConstraint", P, 4, &b) || refuse_options(c, &b, 2, 4, P)) return -1;
        check_def *ck = arena_alloc(c->a, sizeof *ck);
        if (want_sql(c, b.v[0], "a check condition", &ck->sqltext) ||
            want_string_or_none(c, b.v[1], "a constraint name", &ck->name))
            return -1;
        ck->loc = L(c, v->loc);
        vec_push(c->a, &t->checks, ck);
        return 0;
    }
    if (!strcmp(callee, "sa.ForeignKeyConstraint")) {
        static const char *const P[] = {"columns", "refcolumns", "name", "ondelete", "onupdate",
                                        "deferrable", "initially", "match", "use_alter", "link_to_name"};
        if (bind(c, v, "sa.ForeignKeyConstraint", P, 10, &b) || refuse_options(c, &b, 5, 10, P)) return -1;
        foreign_key *fk = arena_alloc(c->a, sizeof *fk);
        str_vec refs = {0};
        if (want_string_list(c, b.v[0], "foreign key columns", &fk->columns) ||
            want_string_list(c, b.v[1], "foreign key targets", &refs) ||
            want_string_or_none(c, b.v[2], "a constraint name", &fk->name) || fk_options(c, &b, 3, 4, fk))
            return -1;
        if (refs.len != fk->columns.len) {
            fail(c, L(c, v->loc), "a foreign key needs as many targets as columns");
            return -1;
        }
        for (size_t i = 0; i < refs.len; i++) {
            const char *rt, *rc, *rs;
            if (split_ref(c, refs.items[i], at_of(c, &b, 1, v), &rs, &rt, &rc)) return -1;
            if (fk->ref_table && (strcmp(fk->ref_table, rt) != 0 || (fk->ref_schema == NULL) != (rs == NULL) ||
                                  (rs && strcmp(rs, fk->ref_schema)))) {
                fail(c, at_of(c, &b, 1, v), "a foreign key's targets must all be in one table");
                return -1;
            }
            fk->ref_table = rt;
            fk->ref_schema = rs;
            vec_push(c->a, &fk->ref_columns, rc);
        }
        fk->loc = L(c, v->loc);
        vec_push(c->a, &t->foreign_keys, fk);
        return 0;
    }
    fail(c, L(c, v->loc), "op.create_table() takes sa.Column and sa.*Constraint arguments; retort does not "
                          "understand %s", v->kind == PY_CALL && v->callee->kind == PY_NAME ? v->callee->text : "this");
    return -1;
}

/* --------------------------------------------------------------- emit */

static op *emit(conv *c, op_kind kind, const py_value *call) {
    op o = {0};
    o.kind = kind;
    o.loc = L(c, call->loc);
    o.autocommit = c->in_autocommit;
    o.schema = c->op_schema;
    if (c->in_batch_call) {
        o.batch = c->batch;
        o.table_name = c->batch->table_name;
        o.schema = c->batch->schema;
        vec_push(c->a, &c->pending, o);
        return &c->pending.items[c->pending.len - 1];
    }
    vec_push(c->a, &c->out->ops, o);
    return &c->out->ops.items[c->out->ops.len - 1];
}

/* The table of a plain op.* call: positional `k` (a batch op has none). */
static const char *op_table(conv *c, const bound *b, size_t k) {
    if (c->in_batch_call) return c->batch->table_name;
    const char *t = NULL;
    want_string(c, b->v[k], "a table name", &t);
    return t;
}

/* ------------------------------------------------------------ op calls */

/* One reader per Alembic operation, op_<name>; OP_CALLS, after them, says
** where each may be called. */

/* The batch form of a call has no table argument: P lists the plain
** form's parameters and `table_k` which one is the table. */
static int bind_op(conv *c, const py_value *call, const char *what, const char *const *P, size_t n, size_t table_k,
                   bound *b) {
    if (!c->in_batch_call) return bind(c, call, what, P, n, b);
    const char *Q[24];
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (k != table_k) Q[m++] = P[k];
    bound raw;
    if (bind(c, call, what, Q, m, &raw)) return -1;
    memset(b, 0, sizeof *b);
    for (size_t k = 0, j = 0; k < n; k++) {
        if (k == table_k) continue;
        b->v[k] = raw.v[j];
        b->at[k] = raw.at[j];
        j++;
    }
    b->rest = raw.rest;
    return 0;
}

static int op_create_table(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"table_name", "*columns", "comment", "schema", "info", "prefixes"};
    bound b;
    if (bind(c, call, what, P, 6, &b) || want_schema(c, b.v[3], "schema") ||
        refuse_options(c, &b, 5, 6, P))
        return -1;
    const char *name;
    if (want_string(c, b.v[0], "a table name", &name)) return -1;
    table *t = new_table(c, name, L(c, call->loc));
    t->schema = c->op_schema;
    if (want_string_or_none(c, b.v[2], "a table comment", &t->comment)) return -1;
    index_list extra = {0};
    for (size_t i = 0; i < b.rest.len; i++) {
        const py_value *v = b.rest.items[i];
        if (is_call_to(c, v, "sa.Column")) {
            column *col = convert_column(c, v, t, &extra);
            if (!col) return -1;
            if (table_find_column(t, col->name)) {
                fail(c, L(c, v->loc), "column '%s' appears twice in table '%s'", col->name, name);
                return -1;
            }
            table_attach_column(c->a, t, col);
        } else if (convert_table_constraint(c, v, t)) {
            return -1;
        }
    }
    for (size_t i = 0; i < t->primary_key.columns.len; i++) {
        column *col = table_find_column(t, t->primary_key.columns.items[i]);
        if (!col) {
            fail(c, L(c, call->loc), "the primary key names column '%s', which table '%s' does not have",
                 t->primary_key.columns.items[i], name);
            return -1;
        }
        col->primary_key = true;
    }
    op *o = emit(c, OP_CREATE_TABLE, call);
    o->table = t;
    o->table_name = name;
    for (size_t i = 0; i < extra.len; i++) {
        op *ix = emit(c, OP_CREATE_INDEX, call);
        ix->table_name = name;
        ix->index = extra.items[i];
    }
    return 0;
}

static int op_drop_table(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"table_name", "schema"};
    bound b;
    const char *t;
    if (bind(c, call, what, P, 2, &b) || want_schema(c, b.v[1], "schema") ||
        want_string(c, b.v[0], "a table name", &t))
        return -1;
    op *o = emit(c, OP_DROP_TABLE, call);
    o->table_name = t;
    return 0;
}

static int op_rename_table(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"old_table_name", "new_table_name", "schema"};
    bound b;
    const char *from, *to;
    if (bind(c, call, what, P, 3, &b) || want_schema(c, b.v[2], "schema") ||
        want_string(c, b.v[0], "a table name", &from) || want_string(c, b.v[1], "a table name", &to))
        return -1;
    op *o = emit(c, OP_RENAME_TABLE, call);
    o->old_name = from;
    o->new_name = to;
    o->table_name = from;
    return 0;
}

/* Setting and dropping a table comment are one op: a drop sets none. */
static void emit_table_comment(conv *c, const py_value *call, const char *table, const char *existing,
                               const char *comment) {
    op *o = emit(c, OP_SET_TABLE_COMMENT, call);
    o->table_name = table;
    o->old_comment = existing;
    o->new_comment = comment;
}

static int op_create_table_comment(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"table_name", "comment", "existing_comment", "schema"};
    bound b;
    const char *t, *comment, *existing;
    if (bind_op(c, call, what, P, 4, 0, &b) || want_schema(c, b.v[3], "schema") || !(t = op_table(c, &b, 0)) ||
        want_string(c, b.v[1], "a table comment", &comment) ||
        want_string_or_none(c, b.v[2], "existing_comment", &existing))
        return -1;
    emit_table_comment(c, call, t, existing, comment);
    return 0;
}

static int op_drop_table_comment(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"table_name", "existing_comment", "schema"};
    bound b;
    const char *t, *existing;
    if (bind_op(c, call, what, P, 3, 0, &b) || want_schema(c, b.v[2], "schema") || !(t = op_table(c, &b, 0)) ||
        want_string_or_none(c, b.v[1], "existing_comment", &existing))
        return -1;
    emit_table_comment(c, call, t, existing, NULL);
    return 0;
}

static int op_add_column(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"table_name", "column", "schema", "insert_before", "insert_after"};
    bound b;
    if (bind_op(c, call, what, P, 5, 0, &b) || want_schema(c, b.v[2], "schema") || refuse_options(c, &b, 3, 5, P))
        return -1;
    const char *t = op_table(c, &b, 0);
    if (!t) return -1;
    if (!b.v[1]) {
        fail(c, L(c, call->loc), "%s() needs a sa.Column(...)", what);
        return -1;
    }
    column *col = convert_column(c, b.v[1], NULL, NULL);
    if (!col) return -1;
    op *o = emit(c, OP_ADD_COLUMN, call);
    o->table_name = t;
    o->column = col;
    return 0;
}

static int op_drop_column(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"table_name", "column_name", "schema"};
    bound b;
    const char *t, *col;
    if (bind_op(c, call, what, P, 3, 0, &b) || want_schema(c, b.v[2], "schema") || !(t = op_table(c, &b, 0)) ||
        want_string(c, b.v[1], "a column name", &col))
        return -1;
    op *o = emit(c, OP_DROP_COLUMN, call);
    o->table_name = t;
    o->old_name = col;
    o->column = new_column(c, col);     /* a stub: the name only */
    return 0;
}

static int op_alter_column(conv *c, const py_value *call, const char *what) {
    static const char *const P_PLAIN[] = {
        "table_name", "column_name", "nullable", "comment", "server_default", "new_column_name", "type_",
        "existing_type", "existing_server_default", "existing_nullable", "existing_comment", "schema",
        "autoincrement", "existing_autoincrement", "postgresql_using"};
    static const char *const P_BATCH[] = {
        "column_name", "nullable", "comment", "server_default", "new_column_name", "type_",
        "existing_type", "existing_server_default", "existing_nullable", "existing_comment", "schema",
        "autoincrement", "existing_autoincrement", "insert_before", "insert_after", "postgresql_using"};
    bound raw;
    bool batch = c->in_batch_call;
    if (bind(c, call, what, batch ? P_BATCH : P_PLAIN, batch ? 16 : 15, &raw)) return -1;
    /* Line the batch form up with the plain one: v[k] of P_PLAIN. */
    bound b = raw;
    if (batch) {
        memset(b.v, 0, sizeof b.v);
        for (size_t k = 0; k < 13; k++) {
            b.v[k + 1] = raw.v[k];
            b.at[k + 1] = raw.at[k];
        }
        b.v[14] = raw.v[15];
        b.at[14] = raw.at[15];
        if (refuse_options(c, &raw, 13, 15, P_BATCH)) return -1;
    }
    /* postgresql_using='expr': ALTER COLUMN ... TYPE ... USING expr on
    ** PostgreSQL (Alembic wants type_ with it); SQLAlchemy ignores it on
    ** SQLite, and so does retort. */
    const char *using = NULL;
    if (want_string_or_none(c, b.v[14], "postgresql_using", &using)) return -1;
    if (using && !b.v[6]) {
        fail(c, at_of(c, &b, 14, call), "postgresql_using= needs type_=: it says how the values become the new type");
        return -1;
    }
    if (c->d && c->d->kind == DIALECT_SQLITE) using = NULL;
    if (want_schema(c, b.v[11], "schema")) return -1;
    const char *table = op_table(c, &b, 0), *name, *new_name = NULL;
    if (!table || want_string(c, b.v[1], "a column name", &name) ||
        want_string_or_none(c, b.v[5], "new_column_name", &new_name))
        return -1;
    column *old = new_column(c, name);
    if (b.v[7] && convert_type(c, b.v[7], &old->type)) return -1;
    if (want_bool(c, b.v[9], "existing_nullable", &old->nullable, NULL)) return -1;
    if (is_call_to(c, b.v[8], "sa.Identity")) {
        if (!(old->generated_identity = convert_identity(c, b.v[8]))) return -1;
        old->identity = true;
    } else if (convert_default(c, b.v[8], &old->server_default)) {
        return -1;
    }
    if (want_string_or_none(c, b.v[10], "existing_comment", &old->comment)) return -1;
    if (b.v[13] && want_bool(c, b.v[13], "existing_autoincrement", &(bool){0}, NULL)) return -1;

    column *col = arena_alloc(c->a, sizeof *col);
    *col = *old;
    unsigned alter = 0;
    bool given;
    if (b.v[6]) {
        if (convert_type(c, b.v[6], &col->type)) return -1;
        alter |= ALTER_TYPE;
    }
    if (want_bool(c, b.v[2], "nullable", &col->nullable, &given)) return -1;
    if (given) alter |= ALTER_NULLABLE;
    /* comment=False and server_default=False are Alembic's "not given". */
    if (b.v[3] && b.v[3]->kind != PY_FALSE) {
        if (want_string_or_none(c, b.v[3], "comment", &col->comment)) return -1;
        alter |= ALTER_COMMENT;
    }
    /* server_default=sa.Identity(...) adds an identity, or with
    ** existing_server_default=sa.Identity(...) changes it; None with an
    ** existing identity drops it (Alembic's IdentityColumnDefault). */
    if (is_call_to(c, b.v[4], "sa.Identity")) {
        if (!(col->generated_identity = convert_identity(c, b.v[4]))) return -1;
        col->identity = true;
        alter |= ALTER_IDENTITY;
    } else if (b.v[4] && b.v[4]->kind == PY_NONE && old->generated_identity) {
        col->generated_identity = NULL;
        col->identity = false;
        alter |= ALTER_IDENTITY;
    } else if (b.v[4] && b.v[4]->kind != PY_FALSE) {
        if (convert_default(c, b.v[4], &col->server_default)) return -1;
        alter |= ALTER_DEFAULT;
    }
    if (b.v[12]) {
        if (b.v[12]->kind == PY_TRUE) col->autoincrement = AUTOINC_TRUE;
        else if (b.v[12]->kind == PY_FALSE) col->autoincrement = AUTOINC_FALSE;
    }
    if (new_name) {
        column *renamed = arena_alloc(c->a, sizeof *renamed);
        *renamed = *old;
        renamed->name = renamed->field_name = new_name;
        op *o = emit(c, OP_RENAME_COLUMN, call);
        o->table_name = table;
        o->old_name = name;
        o->new_name = new_name;
        o->column = renamed;
        if (!alter) return 0;
        old = renamed;
        col->name = col->field_name = new_name;
    }
    if (!alter && !new_name) {
        /* Nothing changes: Alembic runs nothing either. */
        return 0;
    }
    op *o = emit(c, OP_ALTER_COLUMN, call);
    o->table_name = table;
    o->column = col;
    o->old_column = old;
    o->alter = alter;
    o->postgresql_using = using;
    return 0;
}

/* Does text[0..n) end with the word w (case-insensitive), after white space
** or at the start?  *rest gets the length before it. */
static bool ends_with_word(const char *text, size_t n, const char *w, size_t *rest) {
    size_t wl = strlen(w);
    if (n < wl || strncasecmp(text + n - wl, w, wl) != 0) return false;
    if (n > wl && !isspace((unsigned char)text[n - wl - 1])) return false;
    size_t r = n - wl;
    while (r > 0 && isspace((unsigned char)text[r - 1])) r--;
    *rest = r;
    return true;
}

/* One sa.text() index key, as index_key_text() writes it (render/sql.h):
** the expression or column, then an operator class, ASC / DESC, NULLS
** FIRST / LAST.  A trailing name after white space is an operator class when
** what precedes it ends a name or a call ("email varchar_pattern_ops",
** "lower(email) text_pattern_ops"; not "a + b", not "... END").  A bare or
** double-quoted name is a column; anything else an expression, kept in
** parentheses as introspection keeps it. */
static void read_index_key_text(conv *c, const char *text, const char **column, index_key *key) {
    memset(key, 0, sizeof *key);
    size_t n = strlen(text), rest;
    while (n > 0 && isspace((unsigned char)text[n - 1])) n--;
    if (ends_with_word(text, n, "FIRST", &rest) && ends_with_word(text, rest, "NULLS", &rest)) {
        key->nulls = NULLS_FIRST;
        n = rest;
    } else if (ends_with_word(text, n, "LAST", &rest) && ends_with_word(text, rest, "NULLS", &rest)) {
        key->nulls = NULLS_LAST;
        n = rest;
    }
    if (ends_with_word(text, n, "DESC", &rest)) {
        key->desc = true;
        n = rest;
    } else if (ends_with_word(text, n, "ASC", &rest)) {
        n = rest;
    }
    if (key->nulls != NULLS_DEFAULT && (key->nulls == NULLS_FIRST) == key->desc) key->nulls = NULLS_DEFAULT;
    /* an operator class */
    size_t w = n;
    while (w > 0 && (isalnum((unsigned char)text[w - 1]) || text[w - 1] == '_' || text[w - 1] == '.')) w--;
    if (w < n && w > 0 && isspace((unsigned char)text[w - 1]) && !isdigit((unsigned char)text[w])) {
        size_t p = w;
        while (p > 0 && isspace((unsigned char)text[p - 1])) p--;
        char before = p > 0 ? text[p - 1] : 0;
        const char *word = arena_strndup(c->a, text + w, n - w);
        static const char *const not_opclass[] = {"end", "null", "true", "false", "and", "or", "not"};
        bool keyword = false;
        for (size_t k = 0; k < sizeof not_opclass / sizeof not_opclass[0]; k++)
            keyword |= !strcasecmp(word, not_opclass[k]);
        if (p > 0 && !keyword && (isalnum((unsigned char)before) || before == '_' || before == ')' || before == '"')) {
            key->opclass = word;
            n = p;
        }
    }
    size_t s = 0;
    while (s < n && isspace((unsigned char)text[s])) s++;
    const char *e = arena_strndup(c->a, text + s, n - s);
    size_t el = strlen(e);
    bool ident = el > 0 && (isalpha((unsigned char)e[0]) || e[0] == '_');
    for (size_t k = 0; ident && k < el; k++) ident = isalnum((unsigned char)e[k]) || e[k] == '_' || e[k] == '$';
    if (ident) {
        *column = e;
    } else if (el >= 2 && e[0] == '"' && e[el - 1] == '"' && !strchr(e + 1, '"') ) {
        *column = arena_strndup(c->a, e + 1, el - 2);
    } else if (el >= 2 && e[0] == '"' && e[el - 1] == '"') {
        /* "a""b": a doubled quote inside */
        strbuf sb = STRBUF_INIT;
        bool quoted = true;
        for (size_t k = 1; k + 1 < el; k++) {
            if (e[k] == '"' && e[k + 1] == '"') { sb_appendc(&sb, '"'); k++; }
            else if (e[k] == '"') { quoted = false; break; }
            else sb_appendc(&sb, e[k]);
        }
        *column = quoted ? arena_strdup(c->a, sb_str(&sb)) : arena_printf(c->a, "(%s)", e);
        sb_free(&sb);
    } else {
        *column = sql_parenthesized_whole(e) ? e : arena_printf(c->a, "(%s)", e);
    }
}

/* postgresql_ops={'col': 'opclass'}: keyed by a bare column's name, or by
** the text of an sa.text() key (what SQLAlchemy matches), as Alembic does;
** a key that names no index key is ignored, as SQLAlchemy ignores it. */
static int read_index_ops(conv *c, const py_value *v, index_def *ix, const str_vec *raw_keys) {
    if (!v || v->kind == PY_NONE) return 0;
    if (v->kind != PY_DICT) {
        fail_value(c, v, "postgresql_ops must be a dict of column name to operator class");
        return -1;
    }
    for (size_t i = 0; i < v->items.len; i++) {
        const char *name, *opclass;
        if (want_string(c, v->items.items[i], "a postgresql_ops key", &name) ||
            want_string(c, v->values.items[i], "an operator class", &opclass))
            return -1;
        for (size_t k = 0; k < ix->columns.len; k++)
            if (!strcmp(raw_keys->items[k], name)) {
                while (ix->keys.len <= k) vec_push(c->a, &ix->keys, ((index_key){0}));
                if (!ix->keys.items[k].opclass) ix->keys.items[k].opclass = opclass;
            }
    }
    return 0;
}

/* postgresql_concurrently=True of create_index / drop_index (argument k):
** CREATE / DROP INDEX CONCURRENTLY, which PostgreSQL runs only outside a
** transaction, so only inside `with op.get_context().autocommit_block():`
** (Alembic would send it and the server refuse it).  SQLAlchemy's SQLite
** compiler ignores it, and so does retort there. */
static int want_concurrently(conv *c, const bound *b, size_t k, const py_value *call, bool *out) {
    *out = false;
    if (want_bool(c, b->v[k], "postgresql_concurrently", out, NULL)) return -1;
    if (!*out) return 0;
    if (c->d && c->d->kind == DIALECT_SQLITE) {
        *out = false;
        return 0;
    }
    if (!c->in_autocommit) {
        diag *d = fail(c, at_of(c, b, k, call),
                       "postgresql_concurrently=True outside an autocommit_block: PostgreSQL builds or drops an "
                       "index CONCURRENTLY only outside a transaction");
        diag_set_hint(c->dl, d, "put the call in `with op.get_context().autocommit_block():`");
        return -1;
    }
    return 0;
}

static int op_create_index(conv *c, const py_value *call, const char *what) {
    static const char *const P_PLAIN[] = {"index_name", "table_name", "columns", "unique", "schema",
                                          "postgresql_where", "sqlite_where", "if_not_exists",
                                          "postgresql_using", "postgresql_include", "postgresql_concurrently",
                                          "postgresql_ops"};
    static const char *const P_BATCH[] = {"index_name", "columns", "unique", "schema",
                                          "postgresql_where", "sqlite_where", "if_not_exists",
                                          "postgresql_using", "postgresql_include", "postgresql_concurrently",
                                          "postgresql_ops"};
    bound raw, b;
    bool batch = c->in_batch_call;
    if (bind(c, call, what, batch ? P_BATCH : P_PLAIN, batch ? 11 : 12, &raw)) return -1;
    b = raw;
    if (batch) {
        memset(b.v, 0, sizeof b.v);
        b.v[0] = raw.v[0];
        for (size_t k = 1; k < 11; k++) {
            b.v[k + 1] = raw.v[k];
            b.at[k + 1] = raw.at[k];
        }
    }
    bool concurrently = false;
    if (want_schema(c, b.v[4], "schema") || refuse_options(c, &b, 7, 8, P_PLAIN) ||
        want_concurrently(c, &b, 10, call, &concurrently))
        return -1;
    index_def *ix = arena_alloc(c->a, sizeof *ix);
    const char *table = op_table(c, &b, 1);
    if (!table || want_name(c, b.v[0], "an index name", &ix->name, &ix->conventional_name)) return -1;
    if (!ix->name) {
        fail(c, L(c, call->loc), "an index needs a name");
        return -1;
    }
    const py_value *cols = b.v[2];
    if (!cols) {
        fail(c, L(c, call->loc), "%s() needs the index columns", what);
        return -1;
    }
    const py_value *items[1] = {cols};
    const py_value *const *list = items;
    size_t n = 1;
    if (cols->kind == PY_LIST || cols->kind == PY_TUPLE) {
        list = (const py_value *const *)cols->items.items;
        n = cols->items.len;
    }
    str_vec raw_keys = {0};
    for (size_t i = 0; i < n; i++) {
        const py_value *v = deref(c, list[i]);
        const char *s;
        if (v->kind == PY_STRING) {
            index_add_key(c->a, ix, S(c, v->text), (index_key){0});
            vec_push(c->a, &raw_keys, S(c, v->text));
        } else if (is_call_to(c, v, "sa.text")) {
            if (want_sql(c, v, "an index expression", &s)) return -1;
            const char *column;
            index_key key;
            read_index_key_text(c, s, &column, &key);
            index_add_key(c->a, ix, column, key);
            vec_push(c->a, &raw_keys, s);
        } else {
            fail(c, L(c, v->loc), "an index column must be a name or sa.text('expression')");
            return -1;
        }
    }
    bool unique = false;
    if (want_bool(c, b.v[3], "unique", &unique, NULL)) return -1;
    ix->unique = unique;
    /* The partial-index predicate of this database. */
    size_t where_k = c->d && c->d->kind == DIALECT_SQLITE ? 6 : 5;
    if (!c->d && !b.v[5]) where_k = 6;
    if (b.v[where_k] && want_sql(c, b.v[where_k], P_PLAIN[where_k], &ix->where)) return -1;
    /* PostgreSQL's options: SQLAlchemy's SQLite compiler ignores them, and
    ** so does the SQL renderer there. */
    const char *method = NULL;
    if (want_string_or_none(c, b.v[8], "postgresql_using", &method)) return -1;
    if (method && strcasecmp(method, "btree") != 0) {
        char *m = arena_strdup(c->a, method);
        for (char *p = m; *p; p++) *p = (char)tolower((unsigned char)*p);
        ix->method = m;
    }
    if (b.v[9] && b.v[9]->kind != PY_NONE && want_string_list(c, b.v[9], "postgresql_include", &ix->include)) return -1;
    if (read_index_ops(c, b.v[11], ix, &raw_keys)) return -1;
    ix->loc = L(c, call->loc);
    op *o = emit(c, OP_CREATE_INDEX, call);
    if (!batch) o->table_name = table;
    o->index = ix;
    o->concurrently = concurrently;
    return 0;
}

static int op_drop_index(conv *c, const py_value *call, const char *what) {
    static const char *const P_PLAIN[] = {"index_name", "table_name", "schema", "postgresql_where",
                                          "sqlite_where", "if_exists", "postgresql_concurrently",
                                          "postgresql_using", "postgresql_include", "postgresql_ops"};
    static const char *const P_BATCH[] = {"index_name", "schema", "postgresql_where", "sqlite_where",
                                          "if_exists", "postgresql_concurrently",
                                          "postgresql_using", "postgresql_include", "postgresql_ops"};
    bound raw, b;
    bool batch = c->in_batch_call;
    /* postgresql_using, _include, _ops: what Alembic writes on drop_index
    ** too; a DROP INDEX does not need them. */
    if (bind(c, call, what, batch ? P_BATCH : P_PLAIN, batch ? 9 : 10, &raw)) return -1;
    b = raw;
    if (batch) {
        memset(b.v, 0, sizeof b.v);
        b.v[0] = raw.v[0];
        for (size_t k = 1; k < 9; k++) {
            b.v[k + 1] = raw.v[k];
            b.at[k + 1] = raw.at[k];
        }
    }
    bool concurrently = false;
    if (want_schema(c, b.v[2], "schema") || refuse_options(c, &b, 5, 6, P_PLAIN) ||
        want_concurrently(c, &b, 6, call, &concurrently))
        return -1;
    index_def *ix = arena_alloc(c->a, sizeof *ix);
    const char *table = NULL;
    if (batch) table = c->batch->table_name;
    else if (want_string_or_none(c, b.v[1], "a table name", &table)) return -1;
    if (want_name(c, b.v[0], "an index name", &ix->name, &ix->conventional_name)) return -1;
    if (!ix->name) {
        fail(c, L(c, call->loc), "drop_index() needs the index name");
        return -1;
    }
    size_t where_k = c->d && c->d->kind == DIALECT_SQLITE ? 4 : 3;
    if (b.v[where_k] && want_sql(c, b.v[where_k], P_PLAIN[where_k], &ix->where)) return -1;
    op *o = emit(c, OP_DROP_INDEX, call);
    if (!batch) o->table_name = table;
    o->index = ix;
    o->old_name = ix->name;
    o->concurrently = concurrently;
    return 0;
}

static int op_create_unique_constraint(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"constraint_name", "table_name", "columns", "schema", "deferrable",
                                    "initially"};
    bound b;
    unique_def *u = arena_alloc(c->a, sizeof *u);
    const char *t;
    if (bind_op(c, call, what, P, 6, 1, &b) || want_schema(c, b.v[3], "schema") || refuse_options(c, &b, 4, 6, P) ||
        !(t = op_table(c, &b, 1)) || want_name(c, b.v[0], "a constraint name", &u->name, NULL) ||
        want_string_list(c, b.v[2], "unique constraint columns", &u->columns))
        return -1;
    u->loc = L(c, call->loc);
    op *o = emit(c, OP_ADD_UNIQUE, call);
    o->table_name = t;
    o->unique = u;
    return 0;
}

static int op_create_foreign_key(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"constraint_name", "source_table", "referent_table", "local_cols",
                                    "remote_cols", "onupdate", "ondelete", "source_schema", "referent_schema",
                                    "deferrable", "initially", "match"};
    bound b;
    foreign_key *fk = arena_alloc(c->a, sizeof *fk);
    const char *t;
    if (bind_op(c, call, what, P, 12, 1, &b) || want_schema(c, b.v[7], "source_schema") ||
        want_schema_of(c, b.v[8], "referent_schema", &fk->ref_schema) || refuse_options(c, &b, 9, 12, P) ||
        !(t = op_table(c, &b, 1)) || want_name(c, b.v[0], "a constraint name", &fk->name, NULL) ||
        want_string(c, b.v[2], "the referenced table", &fk->ref_table) ||
        want_string_list(c, b.v[3], "foreign key columns", &fk->columns) ||
        want_string_list(c, b.v[4], "referenced columns", &fk->ref_columns) || fk_options(c, &b, 6, 5, fk))
        return -1;
    if (fk->columns.len != fk->ref_columns.len) {
        fail(c, L(c, call->loc), "a foreign key needs as many referenced columns as columns");
        return -1;
    }
    fk->loc = L(c, call->loc);
    op *o = emit(c, OP_ADD_FOREIGN_KEY, call);
    o->table_name = t;
    o->fk = fk;
    return 0;
}

static int op_create_check_constraint(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"constraint_name", "table_name", "condition", "schema", "deferrable",
                                    "initially"};
    bound b;
    check_def *ck = arena_alloc(c->a, sizeof *ck);
    const char *t;
    if (bind_op(c, call, what, P, 6, 1, &b) || want_schema(c, b.v[3], "schema") || refuse_options(c, &b, 4, 6, P) ||
        !(t = op_table(c, &b, 1)) || want_name(c, b.v[0], "a constraint name", &ck->name, NULL) ||
        want_sql(c, b.v[2], "a check condition", &ck->sqltext))
        return -1;
    ck->loc = L(c, call->loc);
    op *o = emit(c, OP_ADD_CHECK, call);
    o->table_name = t;
    o->check = ck;
    return 0;
}

static int op_create_primary_key(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"constraint_name", "table_name", "columns", "schema"};
    bound b;
    primary_key *pk = arena_alloc(c->a, sizeof *pk);
    const char *t;
    if (bind_op(c, call, what, P, 4, 1, &b) || want_schema(c, b.v[3], "schema") || !(t = op_table(c, &b, 1)) ||
        want_name(c, b.v[0], "a constraint name", &pk->name, NULL) ||
        want_string_list(c, b.v[2], "primary key columns", &pk->columns))
        return -1;
    if (!pk->columns.len) {
        fail(c, L(c, call->loc), "create_primary_key() needs at least one column");
        return -1;
    }
    op *o = emit(c, OP_ADD_PRIMARY_KEY, call);
    o->table_name = t;
    o->pk = pk;
    return 0;
}

/* drop_constraint names the constraint only; type_ says which kind of op
** it is (Alembic needs it too, to drop one in a batch block).  Without
** type_ the op carries a stub of every kind and kind_unknown: the runner
** looks the constraint up in the database (migration_op_set_drop_kind). */
static int op_drop_constraint(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"constraint_name", "table_name", "type_", "schema"};
    bound b;
    const char *t, *cname, *type = NULL;
    if (bind_op(c, call, what, P, 4, 1, &b) || want_schema(c, b.v[3], "schema") || !(t = op_table(c, &b, 1)) ||
        want_name(c, b.v[0], "a constraint name", &cname, NULL) ||
        want_string_or_none(c, b.v[2], "type_", &type))
        return -1;
    if (!cname) {
        fail(c, L(c, call->loc), "drop_constraint() needs the constraint name");
        return -1;
    }
    if (type && strcmp(type, "unique") && strcmp(type, "foreignkey") && strcmp(type, "check") &&
        strcmp(type, "primary")) {
        fail(c, at_of(c, &b, 2, call), "drop_constraint() takes type_='unique', 'foreignkey', 'check' or 'primary' "
                                       "(not '%s')", type);
        return -1;
    }
    unique_def *u = arena_alloc(c->a, sizeof *u);
    foreign_key *fk = arena_alloc(c->a, sizeof *fk);
    primary_key *pk = arena_alloc(c->a, sizeof *pk);
    check_def *ck = arena_alloc(c->a, sizeof *ck);
    u->name = fk->name = pk->name = ck->name = cname;
    op *o = emit(c, OP_DROP_UNIQUE, call);
    o->unique = u;
    o->fk = fk;
    o->pk = pk;
    o->check = ck;
    o->table_name = t;
    o->old_name = cname;
    if (!type) o->kind_unknown = true;
    else migration_op_set_drop_kind(o, !strcmp(type, "unique")       ? OP_DROP_UNIQUE
                                       : !strcmp(type, "foreignkey") ? OP_DROP_FOREIGN_KEY
                                       : !strcmp(type, "primary")    ? OP_DROP_PRIMARY_KEY
                                                                     : OP_DROP_CHECK);
    return 0;
}

void migration_op_set_drop_kind(op *o, op_kind k) {
    o->kind = k;
    o->kind_unknown = false;
    if (k != OP_DROP_UNIQUE) o->unique = NULL;
    if (k != OP_DROP_FOREIGN_KEY) o->fk = NULL;
    if (k != OP_DROP_PRIMARY_KEY) o->pk = NULL;
    if (k != OP_DROP_CHECK) o->check = NULL;
}

/* SQL text reading for the one statement the reader knows in op.execute():
** a keyword (case-insensitive), an identifier ("quoted", with "" inside,
** or bare, which PostgreSQL folds to lower case). */
static bool sql_keyword(const char **p, const char *kw) {
    while (isspace((unsigned char)**p)) (*p)++;
    size_t n = strlen(kw);
    if (strncasecmp(*p, kw, n) != 0 || isalnum((unsigned char)(*p)[n]) || (*p)[n] == '_') return false;
    *p += n;
    return true;
}

static const char *sql_ident(conv *c, const char **p) {
    while (isspace((unsigned char)**p)) (*p)++;
    strbuf sb = STRBUF_INIT;
    const char *q = *p;
    if (*q == '"') {
        for (q++; *q && !(q[0] == '"' && q[1] != '"'); q++) {
            if (*q == '"') q++;
            sb_appendc(&sb, *q);
        }
        if (*q != '"' || !sb.len) { sb_free(&sb); return NULL; }
        q++;
    } else {
        if (!isalpha((unsigned char)*q) && *q != '_') return NULL;
        for (; isalnum((unsigned char)*q) || *q == '_' || *q == '$'; q++) sb_appendc(&sb, (char)tolower((unsigned char)*q));
    }
    *p = q;
    const char *r = S(c, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* `ALTER TABLE "a"."t" SET SCHEMA "b"`, as the renderers write a table's
** move (sql_set_table_schema): the op it is, so that the schema the runner
** keeps follows the move.  False for any other text. */
static bool read_set_schema(conv *c, const char *sql, op *o) {
    if (!c->schema) return false;
    const char *p = sql, *from, *table, *to;
    if (!sql_keyword(&p, "ALTER") || !sql_keyword(&p, "TABLE") || !(from = sql_ident(c, &p))) return false;
    if (*p == '.') {
        p++;
        if (!(table = sql_ident(c, &p))) return false;
    } else {
        table = from;
        from = c->schema;      /* unqualified: the search path's first, the default one */
    }
    if (!sql_keyword(&p, "SET") || !sql_keyword(&p, "SCHEMA") || !(to = sql_ident(c, &p))) return false;
    while (isspace((unsigned char)*p) || *p == ';') p++;
    if (*p) return false;
    o->kind = OP_SET_TABLE_SCHEMA;
    o->table_name = table;
    o->old_schema = ir_schema(c, from);
    o->schema = ir_schema(c, to);
    o->default_schema = c->schema;
    return true;
}

static int op_execute(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"sqltext", "execution_options"};
    bound b;
    const char *sql;
    if (bind(c, call, what, P, 2, &b) || want_none(c, b.v[1], "execution_options") ||
        want_sql(c, b.v[0], "the SQL of op.execute()", &sql))
        return -1;
    op *o = emit(c, OP_EXECUTE, call);
    if (!read_set_schema(c, sql, o)) o->sql = sql;
    return 0;
}

static int op_bulk_insert(conv *c, const py_value *call, const char *what) {
    static const char *const P[] = {"table", "rows", "multiinsert"};
    bound b;
    if (bind(c, call, what, P, 3, &b)) return -1;
    bool multi = true;
    if (want_bool(c, b.v[2], "multiinsert", &multi, NULL)) return -1;
    const py_value *t = b.v[0];
    if (!t) {
        fail(c, L(c, call->loc), "op.bulk_insert() needs a table");
        return -1;
    }
    /* The table: sa.table('t', sa.column('a'), ...), sa.Table('t', meta,
    ** sa.Column(...), ...) or what op.create_table() returned. */
    const char *callee = callee_name(c, t);
    str_vec columns = {0};
    const char *name = NULL;
    bool known_columns = true;
    if (!strcmp(callee, "sa.table") || !strcmp(callee, "sa.Table") || !strcmp(callee, "op.create_table")) {
        bool big = strcmp(callee, "sa.table") != 0;
        static const char *const PT[] = {"name", "*columns", "schema"};
        bound tb;
        if (bind(c, t, callee, PT, 3, &tb) || want_schema(c, tb.v[2], "schema") ||
            want_string(c, tb.v[0], "a table name", &name))
            return -1;
        for (size_t i = 0; i < tb.rest.len; i++) {
            const py_value *col = tb.rest.items[i];
            const char *cn = callee_name(c, col);
            if (!strcmp(callee, "sa.Table") && i == 0 && !strcmp(cn, "sa.MetaData")) continue;
            if (!strcmp(cn, big ? "sa.Column" : "sa.column") && col->args.len >= 1 && !col->args.items[0].keyword) {
                const char *colname;
                if (want_string(c, col->args.items[0].value, "a column name", &colname)) return -1;
                vec_push(c->a, &columns, colname);
            } else if (big && strncmp(cn, "sa.", 3) == 0 && strstr(cn, "Constraint")) {
                continue;
            } else {
                fail(c, L(c, col->loc), "the table of op.bulk_insert() must list its columns as %s('name', ...)",
                     big ? "sa.Column" : "sa.column");
                return -1;
            }
        }
    } else {
        fail(c, L(c, t->loc), "op.bulk_insert() takes a sa.table('name', sa.column('a'), ...) retort can read");
        return -1;
    }
    if (columns.len == 0) known_columns = false;
    const py_value *rows = b.v[1];
    if (!rows || rows->kind != PY_LIST) {
        fail(c, L(c, rows ? rows->loc : call->loc), "the rows of op.bulk_insert() must be a list of dicts");
        return -1;
    }
    str_vec *keys = arena_alloc(c->a, sizeof *keys);
    for (size_t i = 0; i < rows->items.len; i++) {
        const py_value *r = deref(c, rows->items.items[i]);
        if (r->kind != PY_DICT) {
            fail(c, L(c, r->loc), "each row of op.bulk_insert() must be a dict of literal values");
            return -1;
        }
        for (size_t k = 0; k < r->items.len; k++) {
            const char *key;
            if (want_string(c, r->items.items[k], "a row key", &key)) return -1;
            bool known = !known_columns;
            for (size_t j = 0; j < columns.len && !known; j++) known = !strcmp(columns.items[j], key);
            if (!known) {
                fail(c, L(c, r->items.items[k]->loc), "table '%s' of op.bulk_insert() has no column '%s'", name, key);
                return -1;
            }
            bool seen = false;
            for (size_t j = 0; j < keys->len && !seen; j++) seen = !strcmp(keys->items[j], key);
            if (!seen) vec_push(c->a, keys, key);
        }
    }
    literal_rows *out = arena_alloc(c->a, sizeof *out);
    for (size_t i = 0; i < rows->items.len; i++) {
        const py_value *r = deref(c, rows->items.items[i]);
        literal_row row = {0};
        for (size_t j = 0; j < keys->len; j++) {
            sql_literal lit = {LIT_NULL, NULL, false};
            for (size_t k = 0; k < r->items.len; k++) {
                if (strcmp(r->items.items[k]->text, keys->items[j]) != 0) continue;
                const py_value *v = deref(c, r->values.items[k]);
                switch (v->kind) {
                case PY_NONE: lit.kind = LIT_NULL; break;
                case PY_STRING: lit.kind = LIT_STRING; lit.text = S(c, v->text); break;
                case PY_NUMBER: lit.kind = LIT_NUMBER; lit.text = S(c, v->text); break;
                case PY_TRUE: case PY_FALSE: lit.kind = LIT_BOOL; lit.bool_value = v->kind == PY_TRUE; break;
                default:
                    fail_value(c, v, "a value of op.bulk_insert() must be a string, a number, True, False or "
                                     "None");
                    return -1;
                }
            }
            vec_push(c->a, &row, lit);
        }
        vec_push(c->a, out, row);
    }
    op *o = emit(c, OP_BULK_INSERT, call);
    o->table_name = name;
    o->insert_columns = keys;
    o->rows = out;
    return 0;
}

/* Every Alembic operation retort reads: its name, whether it may be called
** as batch_op.<name> in a batch block and as op.<name> (in a block too,
** where it runs before the block's ops), and its reader.  A reader binds
** the call's arguments (`what` is the call as written, for messages),
** checks them and emits the op.  The names are also the did-you-mean
** candidates for a misspelled call; of two equally close names the first
** is suggested, hence the alphabetical order.  Adding an op: its reader,
** its line here. */
typedef int (*op_reader)(conv *c, const py_value *call, const char *what);

static const struct op_call {
    const char *name;
    bool in_batch, outside;
    op_reader read;
} OP_CALLS[] = {
    {"add_column",               true,  true, op_add_column},
    {"alter_column",             true,  true, op_alter_column},
    {"bulk_insert",              false, true, op_bulk_insert},
    {"create_check_constraint",  true,  true, op_create_check_constraint},
    {"create_foreign_key",       true,  true, op_create_foreign_key},
    {"create_index",             true,  true, op_create_index},
    {"create_primary_key",       true,  true, op_create_primary_key},
    {"create_table",             false, true, op_create_table},
    {"create_table_comment",     true,  true, op_create_table_comment},
    {"create_unique_constraint", true,  true, op_create_unique_constraint},
    {"drop_column",              true,  true, op_drop_column},
    {"drop_constraint",          true,  true, op_drop_constraint},
    {"drop_index",               true,  true, op_drop_index},
    {"drop_table",               false, true, op_drop_table},
    {"drop_table_comment",       true,  true, op_drop_table_comment},
    {"execute",                  false, true, op_execute},
    {"rename_table",             false, true, op_rename_table},
};
#define N_OP_CALLS (sizeof OP_CALLS / sizeof OP_CALLS[0])

/* One op.* / batch_op.* call.  `name` is canonical ("op.x" / "batch.x"). */
static int convert_call(conv *c, const py_value *call, const char *name) {
    bool batch = !strncmp(name, "batch.", 6);
    const char *fn = strchr(name, '.') + 1;
    const char *what = arena_printf(c->a, "%s.%s", batch ? c->batch_name : "op", fn);
    c->in_batch_call = batch;
    const char *names[N_OP_CALLS];
    for (size_t i = 0; i < N_OP_CALLS; i++) {
        const struct op_call *oc = &OP_CALLS[i];
        if (!strcmp(oc->name, fn) && (batch ? oc->in_batch : oc->outside)) {
            c->op_schema = NULL;
            return oc->read(c, call, what);
        }
        names[i] = oc->name;
    }
    /* A misspelled operation is a typo to fix, not a reason to use Alembic
    ** (which would fail on it too).  An operation called where it may not
    ** be (batch_op.create_table) is its own closest name. */
    const char *close = closest_match(fn, names, N_OP_CALLS);
    if (close) {
        diag *d = fail(c, L(c, call->loc), "unknown operation %s()", what);
        diag_set_hint(c->dl, d, "did you mean %.*s%s()? (Alembic has no %s either)", (int)(strlen(what) - strlen(fn)),
                      what, close, what);
        return -1;
    }
    fail(c, L(c, call->loc), "retort cannot run %s()", what);
    return -1;
}

/* ------------------------------------------------------------ statements */

static void flush_batch(conv *c) {
    for (size_t i = 0; i < c->pending.len; i++) vec_push(c->a, &c->out->ops, c->pending.items[i]);
    c->pending.len = 0;
}

static int convert_stmt(conv *c, const py_stmt *s);

/* `with op.get_context().autocommit_block():` — its ops run outside the
** migration's transaction (the runner commits before them and begins
** again after, as Alembic does). */
static int convert_autocommit(conv *c, const py_stmt *s) {
    const py_value *v = s->value;
    if (c->in_autocommit) {
        fail(c, L(c, s->loc), "an autocommit_block inside an autocommit_block");
        return -1;
    }
    if (v->args.len) {
        fail(c, L(c, v->args.items[0].loc), "autocommit_block() takes no arguments");
        return -1;
    }
    if (s->target) {
        fail(c, L(c, s->loc), "`with op.get_context().autocommit_block() as %s:`: the block gives no value", s->target);
        return -1;
    }
    c->in_autocommit = true;
    int rc = 0;
    for (size_t i = 0; i < s->body.len; i++)
        if (convert_stmt(c, s->body.items[i])) rc = -1;
    c->in_autocommit = false;
    return rc;
}

static int convert_with(conv *c, const py_stmt *s) {
    const py_value *v = s->value;
    if (is_call_to(c, v, "op.get_context().autocommit_block")) {
        if (c->batch_name) {
            fail(c, L(c, s->loc), "an autocommit_block inside a batch_alter_table block");
            return -1;
        }
        return convert_autocommit(c, s);
    }
    if (c->batch_name) {
        fail(c, L(c, s->loc), "a with block inside a batch_alter_table block");
        return -1;
    }
    if (!is_call_to(c, v, "op.batch_alter_table")) {
        fail(c, L(c, s->loc), "retort runs only `with op.batch_alter_table(...) as batch_op:` and "
                              "`with op.get_context().autocommit_block():` blocks");
        return -1;
    }
    static const char *const P[] = {"table_name", "schema", "recreate", "partial_reordering", "copy_from",
                                    "table_args", "table_kwargs", "reflect_args", "reflect_kwargs",
                                    "naming_convention"};
    bound b;
    const char *table, *recreate = "auto", *nsp;
    if (bind(c, v, "op.batch_alter_table", P, 10, &b) || want_schema_of(c, b.v[1], "schema", &nsp) ||
        refuse_options(c, &b, 3, 10, P) || want_string(c, b.v[0], "a table name", &table))
        return -1;
    if (b.v[2] && (want_string(c, b.v[2], "recreate", &recreate) ||
                   (strcmp(recreate, "auto") && strcmp(recreate, "always") && strcmp(recreate, "never")))) {
        if (b.v[2]->kind == PY_STRING) fail(c, at_of(c, &b, 2, v), "recreate must be 'auto', 'always' or 'never'");
        return -1;
    }
    batch_block *bb = arena_alloc(c->a, sizeof *bb);
    bb->table_name = table;
    bb->schema = nsp;
    bb->recreate = recreate;
    bb->loc = L(c, s->loc);
    c->batch = bb;
    c->batch_name = s->target ? s->target : "\x01";
    c->pending.len = 0;
    int rc = 0;
    for (size_t i = 0; i < s->body.len; i++)
        if (convert_stmt(c, s->body.items[i])) rc = -1;
    flush_batch(c);
    c->batch = NULL;
    c->batch_name = NULL;
    return rc;
}

static int convert_stmt(conv *c, const py_stmt *s) {
    c->in_batch_call = false;
    /* A statement that runs evaluates its conditionals; an assignment's
    ** value is looked at where a later statement uses the name. */
    if ((s->kind == STMT_EXPR || s->kind == STMT_WITH) && check_conditionals(c, s->value) != 0) return -1;
    switch (s->kind) {
    case STMT_PASS: return 0;
    case STMT_UNSUPPORTED:
        fail(c, L(c, s->loc), "retort cannot run %s in a migration", s->what);
        return -1;
    case STMT_WITH: return convert_with(c, s);
    case STMT_ASSIGN: {
        const py_value *v = s->value;
        const char *callee = callee_name(c, v);
        if (!strcmp(callee, "op.create_table")) {
            c->in_batch_call = false;
            if (op_create_table(c, v, "op.create_table")) return -1;
        } else if (!strncmp(callee, "op.", 3) || !strncmp(callee, "batch.", 6)) {
            fail(c, L(c, v->loc), "retort cannot run %s()", v->callee->text);
            return -1;
        }
        local_name ln = {s->target, v};
        vec_push(c->a, &c->locals, ln);
        return 0;
    }
    case STMT_EXPR: {
        const py_value *v = deref(c, s->value);     /* op.x() if FLAG else op.y() */
        if (v->kind == PY_NONE || v->kind == PY_STRING || v->kind == PY_NUMBER || v->kind == PY_TRUE ||
            v->kind == PY_FALSE)
            return 0;                               /* ... else None: nothing to do */
        const char *callee = callee_name(c, v);
        if (!strncmp(callee, "op.", 3) || (c->batch_name && !strncmp(callee, "batch.", 6)))
            return convert_call(c, v, callee);
        fail(c, L(c, v->loc), "retort cannot run %s() in a migration: only op.* calls",
             v->kind == PY_CALL && v->callee->kind == PY_NAME ? v->callee->text : "this call");
        return -1;
    }
    }
    return -1;
}

/* Every STMT_UNSUPPORTED under body, into set. */
static void collect_unsupported(const py_stmt *const *body, size_t n, strmap *set, arena *a) {
    /* A with block nests one level at most in practice; an explicit stack
    ** keeps this iterative all the same. */
    VEC(const py_stmt *) stack = {0};
    for (size_t i = 0; i < n; i++) vec_push(a, &stack, body[i]);
    while (stack.len) {
        const py_stmt *s = stack.items[--stack.len];
        if (s->kind == STMT_UNSUPPORTED) strmap_put(set, arena_printf(a, "%p", (const void *)s), (void *)s);
        for (size_t i = 0; i < s->body.len; i++) vec_push(a, &stack, s->body.items[i]);
    }
}

int migration_file_ops(const migration_file *m, migration_direction dir, const dialect *d, const char *schema,
                       migration_ops **out, diag_list *dl) {
    *out = NULL;
    arena *a = arena_new();
    migration_ops *ops = arena_alloc(a, sizeof *ops);
    ops->arena = a;
    conv c = {0};
    c.a = a;
    c.m = m;
    c.d = d;
    c.schema = d && d->kind == DIALECT_SQLITE ? NULL : schema ? schema : "public";
    c.dl = dl;
    c.out = ops;
    c.path = arena_strdup(a, m->path);
    load_imports(&c);
    for (size_t i = 0; i < m->assignments.len; i++) {
        local_name ln = {m->assignments.items[i]->target, m->assignments.items[i]->value};
        vec_push(a, &c.locals, ln);
    }
    /* Module-level code retort cannot read could do anything: refuse. */
    strmap *in_bodies = strmap_new(a);
    collect_unsupported((const py_stmt *const *)m->upgrade.items, m->upgrade.len, in_bodies, a);
    collect_unsupported((const py_stmt *const *)m->downgrade.items, m->downgrade.len, in_bodies, a);
    for (size_t i = 0; i < m->unsupported.len; i++) {
        const py_stmt *s = m->unsupported.items[i];
        if (!strmap_get(in_bodies, arena_printf(a, "%p", (const void *)s)))
            fail(&c, L(&c, s->loc), "retort cannot run %s in a migration", s->what);
    }
    bool has = dir == MIGRATE_UPGRADE ? m->has_upgrade : m->has_downgrade;
    if (!has) fail(&c, (src_loc){c.path, 0, 0}, "the migration has no %s() function",
                   dir == MIGRATE_UPGRADE ? "upgrade" : "downgrade");
    size_t n = dir == MIGRATE_UPGRADE ? m->upgrade.len : m->downgrade.len;
    py_stmt *const *body = dir == MIGRATE_UPGRADE ? m->upgrade.items : m->downgrade.items;
    for (size_t i = 0; i < n; i++) convert_stmt(&c, body[i]);
    if (c.errors) {
        arena_free(a);
        return -1;
    }
    *out = ops;
    return 0;
}
