/*
** apply_sql.c — what an op.execute() statement does to a Schema
** (schema_apply_sql, declared in diff.h), for `retort check --offline`,
** which builds the schema a versions folder produces without a database.
**
** The SQL is cut into statements (at `;` outside quotes, comments and
** dollar quotes) and each is classified by its first words:
**   - rows changed or deleted (UPDATE, DELETE, TRUNCATE...), which verify
**     needs to know, or nothing the IR holds: INSERT, SELECT, SET,
**     GRANT..., and CREATE / ALTER / DROP of what the IR does not model (a
**     view, a function, a trigger, an extension...);
**   - the statements retort itself writes for PostgreSQL enum types
**     (render/sql.c, rendered as op.execute() by render/python.c), which
**     are applied to s: CREATE TYPE t AS ENUM (...), DROP TYPE t, ALTER
**     TYPE t ADD VALUE [IF NOT EXISTS] 'x' [BEFORE|AFTER 'y'], ALTER TYPE t
**     RENAME VALUE 'a' TO 'b', ALTER TYPE t RENAME TO u, and the column
**     statements of a type's rebuild: ALTER TABLE x ALTER COLUMN c TYPE
**     t[[]] USING ..., ... DROP DEFAULT, ... SET DEFAULT ...;
**   - anything else changes the schema in a way not followed (CREATE
**     INDEX, ALTER TABLE ADD ..., a DO block that runs DDL...).
** Nothing is parsed beyond that: a statement is never half applied.
*/
#include "diff/diff.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ tokens */

typedef enum tok_kind { TK_END, TK_WORD, TK_QUOTED_IDENT, TK_STRING, TK_DOLLAR, TK_OTHER } tok_kind;

typedef struct tok {
    tok_kind kind;
    const char *start;
    size_t len;
} tok;

/* The token at p (after blanks); *next is where the one after starts. */
static tok next_tok(const char *p, const char **next) {
    p = sql_skip_space(p);
    tok t = {TK_END, p, 0};
    const char *q = p;
    if (!*p) {
        *next = p;
        return t;
    }
    if ((p[0] == 'E' || p[0] == 'e') && p[1] == '\'') {
        /* E'...': backslash escapes */
        for (q = p + 2; *q && *q != '\''; q++)
            if (*q == '\\' && q[1]) q++;
        if (*q) q++;
        t.kind = TK_STRING;
    } else if (isalpha((unsigned char)*p) || *p == '_') {
        while (isalnum((unsigned char)*q) || *q == '_' || *q == '$') q++;
        t.kind = TK_WORD;
    } else if (*p == '\'' || *p == '"') {
        char quote = *p;
        for (q = p + 1; *q; q++) {
            if (*q != quote) continue;
            if (q[1] != quote) break;
            q++;                                /* a doubled quote */
        }
        if (*q) q++;
        t.kind = quote == '"' ? TK_QUOTED_IDENT : TK_STRING;
    } else if (*p == '$') {
        /* $tag$ ... $tag$ (a parameter $1 is just punctuation) */
        const char *tag_end = p + 1;
        while (isalnum((unsigned char)*tag_end) || *tag_end == '_') tag_end++;
        if (*tag_end == '$' && !isdigit((unsigned char)p[1])) {
            size_t tag_len = (size_t)(tag_end - p) + 1;
            const char *body = tag_end + 1, *close = body;
            while ((close = strchr(close, '$')) && strncmp(close, p, tag_len) != 0) close++;
            q = close ? close + tag_len : body + strlen(body);
            t.kind = TK_DOLLAR;
        } else {
            q = p + 1;
            t.kind = TK_OTHER;
        }
    } else {
        q = p + 1;
        if (p[0] == ':' && p[1] == ':') q++;
        t.kind = TK_OTHER;
    }
    t.len = (size_t)(q - p);
    *next = q;
    return t;
}

static bool is_word(const tok *t, const char *w) {
    return t->kind == TK_WORD && strlen(w) == t->len && !strncasecmp(t->start, w, t->len);
}

static bool is_punct(const tok *t, const char *s) {
    return t->kind == TK_OTHER && strlen(s) == t->len && !strncmp(t->start, s, t->len);
}

/* One statement, as tokens. */
typedef struct stmt {
    VEC(tok) toks;
    size_t at;                  /* the cursor */
    const char *text;           /* its text, for messages */
} stmt;

static const tok *peek(const stmt *st) {
    static const tok end = {TK_END, "", 0};
    return st->at < st->toks.len ? &st->toks.items[st->at] : &end;
}

static bool take_word(stmt *st, const char *w) {
    if (!is_word(peek(st), w)) return false;
    st->at++;
    return true;
}

static bool take_punct(stmt *st, const char *s) {
    if (!is_punct(peek(st), s)) return false;
    st->at++;
    return true;
}

static bool at_end(const stmt *st) { return peek(st)->kind == TK_END; }

/* An identifier: a bare word (folded to lower case, as PostgreSQL does) or
** a "quoted" one; NULL when the token is neither. */
static const char *take_ident(arena *a, stmt *st) {
    const tok *t = peek(st);
    if (t->kind == TK_WORD) {
        char *s = arena_strndup(a, t->start, t->len);
        for (char *p = s; *p; p++) *p = (char)tolower((unsigned char)*p);
        st->at++;
        return s;
    }
    if (t->kind != TK_QUOTED_IDENT || t->len < 2) return NULL;
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    for (size_t i = 1; i + 1 < t->len; i++) {
        if (t->start[i] == '"') i++;
        sb_appendc(&sb, t->start[i]);
    }
    const char *s = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    st->at++;
    return s;
}

/* A table or type name, maybe schema-qualified: false when the tokens are
** no name.  Its schema is NULL when unqualified or the project's own
** (pg_schema, or public), as in the IR. */
typedef struct sql_name {
    const char *nsp;
    const char *name;
} sql_name;
static bool take_name(arena *a, stmt *st, const char *pg_schema, sql_name *out) {
    const char *first = take_ident(a, st);
    *out = (sql_name){NULL, first};
    if (!first || !take_punct(st, ".")) return first != NULL;
    if (!(out->name = take_ident(a, st))) return false;
    if (strcmp(first, pg_schema ? pg_schema : "public")) out->nsp = first;
    return true;
}

/* A string literal ('...', E'...'), decoded; NULL when the token is none. */
static const char *take_literal(arena *a, stmt *st) {
    const tok *t = peek(st);
    if (t->kind != TK_STRING) return NULL;
    const char *s = dialect_unquote_literal(a, arena_strndup(a, t->start, t->len));
    if (s) st->at++;
    return s;
}

/* The text from the cursor to the end of the statement. */
static const char *rest_text(arena *a, const stmt *st) {
    if (at_end(st)) return NULL;
    const tok *first = peek(st), *last = &st->toks.items[st->toks.len - 1];
    return arena_strndup(a, first->start, (size_t)(last->start + last->len - first->start));
}

/* ---------------------------------------------------- classification */

/* Statements that may change or delete rows there are (and nothing else);
** those that change neither them nor the schema (an INSERT adds rows). */
static const char *const ROWS_ONLY[] = {"update", "delete", "merge", "truncate", "call", "with"};
static const char *const NOTHING[] = {
    "insert", "copy", "values", "table", "select", "set", "reset", "show", "analyze", "analyse", "vacuum", "lock", "notify", "listen", "unlisten",
    "grant", "revoke", "begin", "commit", "end", "rollback", "savepoint", "release", "start", "checkpoint",
    "discard", "reindex", "cluster", "refresh", "pragma", "explain", "prepare", "execute", "deallocate",
    "declare", "fetch", "close", "move", "load",
};
/* What CREATE / ALTER / DROP may make, change or remove without touching
** what the IR holds of a table or an enum type. */
static const char *const NOT_MODELED[] = {
    "view", "materialized", "function", "procedure", "trigger", "extension", "sequence", "role", "user",
    "group", "policy", "rule", "schema", "aggregate", "operator", "language", "publication", "subscription",
    "event", "server", "statistics", "domain", "collation", "conversion", "cast", "transform", "database",
    "tablespace", "access", "foreign", "text", "default", "routine", "owned",
};

static bool word_in(const tok *t, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (is_word(t, list[i])) return true;
    return false;
}
#define WORD_IN(t, list) word_in((t), (list), sizeof(list) / sizeof(list)[0])

typedef struct sql_applier {
    schema *s;
    const op *o;
    const char *pg_schema;
    diag_list *dl;
    arena *a;                   /* scratch */
} sql_applier;

/* An error at the op.execute(); -1. */
#define fail(ap, ...) (diag_add((ap)->dl, DIAG_ERROR, (ap)->o->loc, __VA_ARGS__), -1)

/* Every column whose type (or whose array's element type) is enum e. */
typedef void (*enum_column_fn)(sql_applier *ap, col_type *type, void *ctx);
static void each_enum_column(sql_applier *ap, const enum_type *e, enum_column_fn fn, void *ctx) {
    for (size_t i = 0; i < ap->s->tables.len; i++) {
        table *t = ap->s->tables.items[i];
        for (size_t k = 0; k < t->columns.len; k++) {
            col_type *ct = &t->columns.items[k]->type;
            if (ct->kind == TYPE_ARRAY && ct->element) ct = (col_type *)ct->element;
            if (ct->kind == TYPE_ENUM && ct->enumeration == e) fn(ap, ct, ctx);
        }
    }
}

/* A column of a type that changed points at the type as it is now. */
static void repoint_column(sql_applier *ap, col_type *ct, void *ctx) {
    (void)ap;
    ct->enumeration = ctx;
}

static const char *label_of(sql_applier *ap, const sql_name *n) { return qualified_name(ap->a, n->nsp, n->name); }

static enum_type *need_enum(sql_applier *ap, const sql_name *n) {
    enum_type *e = schema_find_enum_in(ap->s, n->nsp, n->name);
    if (!e) (void)fail(ap, "enum type '%s' does not exist", label_of(ap, n));
    return e;
}

static void remove_enum(schema *s, const enum_type *e) {
    strmap_put(s->enums_by_name, e->key, NULL);
    for (size_t i = 0; i < s->enums.len; i++)
        if (s->enums.items[i] == e) {
            memmove(&s->enums.items[i], &s->enums.items[i + 1], (s->enums.len - i - 1) * sizeof *s->enums.items);
            s->enums.len--;
            return;
        }
}

/* CREATE TYPE t AS ENUM ('a', ...): 1 applied, 0 not this form. */
static int create_type(sql_applier *ap, stmt *st) {
    sql_name n;
    if (!take_name(ap->a, st, ap->pg_schema, &n) || !take_word(st, "as") || !take_word(st, "enum") || !take_punct(st, "(")) return 0;
    str_vec labels = {0};
    if (!take_punct(st, ")")) {
        do {
            const char *l = take_literal(ap->a, st);
            if (!l) return 0;
            vec_push(ap->a, &labels, l);
        } while (take_punct(st, ","));
        if (!take_punct(st, ")")) return 0;
    }
    if (!at_end(st)) return 0;
    if (schema_find_enum_in(ap->s, n.nsp, n.name))
        return fail(ap, "enum type '%s' already exists", label_of(ap, &n));
    enum_type *e = schema_add_enum_in(ap->s, n.nsp ? arena_strdup(ap->s->arena, n.nsp) : NULL, n.name);
    for (size_t i = 0; i < labels.len; i++)
        vec_push(ap->s->arena, &e->labels, ((enum_label){.label = arena_strdup(ap->s->arena, labels.items[i])}));
    return 1;
}

/* DROP TYPE t */
static int drop_type(sql_applier *ap, stmt *st) {
    sql_name n;
    if (!take_name(ap->a, st, ap->pg_schema, &n) || !at_end(st)) return 0;
    const enum_type *e = need_enum(ap, &n);
    if (!e) return -1;
    remove_enum(ap->s, e);
    return 1;
}

/* ALTER TYPE t ADD VALUE / RENAME VALUE / RENAME TO */
static int alter_type(sql_applier *ap, stmt *st) {
    arena *sa = ap->s->arena;
    sql_name n;
    if (!take_name(ap->a, st, ap->pg_schema, &n)) return 0;
    const char *name = label_of(ap, &n);
    if (take_word(st, "add")) {
        if (!take_word(st, "value")) return 0;
        bool if_not_exists = take_word(st, "if") && take_word(st, "not") && take_word(st, "exists");
        (void)if_not_exists;
        const char *label = take_literal(ap->a, st), *anchor = NULL;
        if (!label) return 0;
        bool before = take_word(st, "before");
        if (before || take_word(st, "after")) {
            if (!(anchor = take_literal(ap->a, st))) return 0;
        }
        if (!at_end(st)) return 0;
        enum_type *e = need_enum(ap, &n);
        if (!e) return -1;
        if (enum_type_find_label(e, label) >= 0) return 1;     /* IF NOT EXISTS */
        size_t at = e->labels.len;
        if (anchor) {
            int k = enum_type_find_label(e, anchor);
            if (k < 0) return fail(ap, "enum type '%s' has no label '%s' to add '%s' %s", name, anchor, label,
                                   before ? "before" : "after");
            at = (size_t)k + (before ? 0 : 1);
        }
        vec_push(sa, &e->labels, ((enum_label){0}));
        memmove(&e->labels.items[at + 1], &e->labels.items[at], (e->labels.len - 1 - at) * sizeof *e->labels.items);
        e->labels.items[at] = (enum_label){.label = arena_strdup(sa, label)};
        return 1;
    }
    if (!take_word(st, "rename")) return 0;
    if (take_word(st, "value")) {
        const char *from = take_literal(ap->a, st);
        if (!from || !take_word(st, "to")) return 0;
        const char *to = take_literal(ap->a, st);
        if (!to || !at_end(st)) return 0;
        enum_type *e = need_enum(ap, &n);
        if (!e) return -1;
        int k = enum_type_find_label(e, from);
        if (k < 0) return fail(ap, "enum type '%s' has no label '%s' to rename", name, from);
        e->labels.items[k].label = arena_strdup(sa, to);
        return 1;
    }
    if (!take_word(st, "to")) return 0;
    const char *new_name = take_ident(ap->a, st);
    if (!new_name || !at_end(st)) return 0;
    enum_type *e = need_enum(ap, &n);
    if (!e) return -1;
    /* RENAME TO keeps the type in its schema */
    if (schema_find_enum_in(ap->s, n.nsp, new_name))
        return fail(ap, "enum type '%s' already exists", qualified_name(ap->a, n.nsp, new_name));
    /* The columns follow the type: they hold it, not its name. */
    remove_enum(ap->s, e);
    enum_type *renamed = schema_add_enum_in(ap->s, e->schema, new_name);
    renamed->labels = e->labels;
    each_enum_column(ap, e, repoint_column, renamed);
    return 1;
}

/* ALTER TABLE x ALTER [COLUMN] c TYPE t[[]] USING ... | DROP DEFAULT |
** SET DEFAULT expr: the statements of an enum type's rebuild. */
static int alter_table(sql_applier *ap, stmt *st) {
    arena *sa = ap->s->arena;
    sql_name tn, type_name;
    if (!take_name(ap->a, st, ap->pg_schema, &tn) || !take_word(st, "alter")) return 0;
    take_word(st, "column");
    const char *cname = take_ident(ap->a, st);
    if (!cname) return 0;
    enum { DROP_DEFAULT, SET_DEFAULT, SET_TYPE } what;
    const char *default_sql = NULL;
    const enum_type *type = NULL;
    bool array = false;
    if (take_word(st, "drop")) {
        if (!take_word(st, "default") || !at_end(st)) return 0;
        what = DROP_DEFAULT;
    } else if (take_word(st, "set")) {
        if (!take_word(st, "default") || !(default_sql = rest_text(sa, st))) return 0;
        what = SET_DEFAULT;
    } else if (take_word(st, "type")) {
        if (!take_name(ap->a, st, ap->pg_schema, &type_name)) return 0;
        if (take_punct(st, "[")) {
            if (!take_punct(st, "]")) return 0;
            array = true;
        }
        if (!take_word(st, "using") || at_end(st)) return 0;
        type = schema_find_enum_in(ap->s, type_name.nsp, type_name.name);
        if (!type) return 0;                    /* not an enum: not followed */
        what = SET_TYPE;
    } else {
        return 0;
    }
    table *t = schema_find_table_in(ap->s, tn.nsp, tn.name);
    if (!t) return fail(ap, "table '%s' does not exist", label_of(ap, &tn));
    column *c = table_find_column(t, cname);
    if (!c) return fail(ap, "column '%s' does not exist in table '%s'", cname, label_of(ap, &tn));
    switch (what) {
    case DROP_DEFAULT: c->server_default = (server_default){0}; break;
    case SET_DEFAULT: c->server_default = (server_default){.kind = DEFAULT_SQL, .text = default_sql}; break;
    case SET_TYPE: {
        col_type ct = {.kind = TYPE_ENUM, .length = -1, .precision = -1, .scale = -1,
                       .enumeration = type};
        if (array) {
            col_type *el = arena_alloc(sa, sizeof *el);
            *el = ct;
            ct = (col_type){.kind = TYPE_ARRAY, .length = -1, .precision = -1, .scale = -1, .element = el,
                            .dimensions = 1};
        }
        c->type = ct;
        break;
    }
    }
    return 1;
}

/* DO $$ ... $$: what the words of its body (outside its own string
** literals) say: DDL, or SQL built at run time (EXECUTE), is a change of
** the schema not followed; UPDATE, DELETE... rows; else nothing (retort's
** own citext guard raises an error or does nothing). */
static sql_effect do_block_effect(stmt *st) {
    static const char *const DDL[] = {"create", "alter", "drop", "execute", "comment", "rename"};
    static const char *const DML[] = {"update", "delete", "truncate", "merge", "call", "perform", "insert"};
    sql_effect effect = SQL_EFFECT_NONE;
    for (size_t i = st->at; i < st->toks.len; i++) {
        const tok *t = &st->toks.items[i];
        if (t->kind != TK_DOLLAR && t->kind != TK_STRING) continue;
        /* the body: its words outside its own string literals */
        const char *body = t->start, *end = t->start + t->len;
        if (t->kind == TK_DOLLAR) body = strchr(t->start + 1, '$') + 1;
        char *copy = strndup(body, (size_t)(end - body));
        if (!copy) util_oom();
        for (const char *p = copy, *next; effect != SQL_EFFECT_SCHEMA;) {
            tok w = next_tok(p, &next);
            if (w.kind == TK_END) break;
            if (WORD_IN(&w, DDL)) effect = SQL_EFFECT_SCHEMA;
            else if (WORD_IN(&w, DML)) effect = SQL_EFFECT_ROWS;
            p = next;
        }
        free(copy);
    }
    return effect;
}

/* One statement: its effect (and, for SQL_EFFECT_SCHEMA, *what: its first
** words).  -1 when an enum statement does not apply. */
static int one_statement(sql_applier *ap, stmt *st, sql_effect *effect, const char **what) {
    const tok *first = peek(st);
    *effect = SQL_EFFECT_NONE;
    if (at_end(st)) return 0;
    /* the statement's first two words, for messages */
    size_t words = st->toks.len > 2 ? 2 : st->toks.len;
    const tok *last = &st->toks.items[words - 1];
    const char *head = arena_strndup(ap->a, first->start, (size_t)(last->start + last->len - first->start));
    if (WORD_IN(first, NOTHING)) return 0;
    if (WORD_IN(first, ROWS_ONLY)) {
        *effect = SQL_EFFECT_ROWS;
        return 0;
    }
    if (is_word(first, "do")) {
        st->at++;
        *effect = do_block_effect(st);
        if (*effect == SQL_EFFECT_SCHEMA) *what = "a DO block that runs DDL";
        return 0;
    }
    bool create = is_word(first, "create"), alter = is_word(first, "alter"), drop = is_word(first, "drop");
    if (create || alter || drop) {
        st->at++;
        size_t kind_at = st->at;
        if (create && take_word(st, "or")) take_word(st, "replace");
        if (!take_word(st, "temporary")) take_word(st, "temp");
        take_word(st, "constraint");            /* CREATE CONSTRAINT TRIGGER */
        if (WORD_IN(peek(st), NOT_MODELED) && !is_word(peek(st), "foreign")) return 0;
        if (take_word(st, "foreign")) {
            /* FOREIGN DATA WRAPPER is not modeled; FOREIGN TABLE would be a table */
            if (is_word(peek(st), "data")) return 0;
        } else if (take_word(st, "type")) {
            int rc = create ? create_type(ap, st) : drop ? drop_type(ap, st) : alter_type(ap, st);
            if (rc < 0) return -1;
            if (rc > 0) {
                *effect = SQL_EFFECT_APPLIED;
                return 0;
            }
            /* a composite or range type: no table changes */
            st->at = kind_at + 1;
            if (create) {
                sql_name n;
                if (take_name(ap->a, st, ap->pg_schema, &n) && take_word(st, "as") && !is_word(peek(st), "enum"))
                    return 0;
            }
        } else if (alter && take_word(st, "table")) {
            int rc = alter_table(ap, st);
            if (rc < 0) return -1;
            if (rc > 0) {
                *effect = SQL_EFFECT_APPLIED;
                return 0;
            }
        }
    }
    *effect = SQL_EFFECT_SCHEMA;
    *what = head;
    return 0;
}

int schema_apply_sql(schema *s, const op *o, const char *pg_schema, sql_effect *effect, const char **what,
                     diag_list *dl) {
    *effect = SQL_EFFECT_NONE;
    *what = NULL;
    if (!o->sql) return 0;
    arena *a = arena_new();
    sql_applier ap = {.s = s, .o = o, .pg_schema = pg_schema, .dl = dl, .a = a};
    int rc = 0;
    const char *p = o->sql;
    while (rc == 0) {
        stmt st = {.text = p};
        const char *next;
        tok t;
        while ((t = next_tok(p, &next)).kind != TK_END && !is_punct(&t, ";")) {
            vec_push(a, &st.toks, t);
            p = next;
        }
        sql_effect e;
        const char *w = NULL;
        rc = one_statement(&ap, &st, &e, &w);
        /* the strongest effect of all the statements */
        if (rc == 0 && e > *effect) {
            *effect = e;
            if (w) *what = arena_strdup(dl->arena, w);
        }
        if (rc != 0 || *effect == SQL_EFFECT_SCHEMA || t.kind == TK_END) break;
        p = next;
    }
    arena_free(a);
    return rc;
}
