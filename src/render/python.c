/*
** python.c — op lists to an Alembic migration module.
**
** The output is byte for byte what Alembic 1.8.1 writes with the project's
** script.py.mako (the template is at the top of docs/generated-migrations.md)
** and autogenerate's renderer, except where Alembic's own output is wrong:
**
**   - JSONB renders postgresql.JSONB(astext_type=sa.Text()) (Alembic writes
**     a bare Text(), a NameError);
**   - now() renders sa.func.now(), which SQLAlchemy compiles per backend
**     (now() on PostgreSQL, (CURRENT_TIMESTAMP) on SQLite), where Alembic
**     writes sa.text('now()'), which SQLite cannot run;
**   - foreign keys and unique constraints are always named (the name
**     PostgreSQL would choose, pg_constraint_name()), so downgrades and batch
**     operations can find them on both backends;
**   - table comments in batch mode render as batch_op.create_table_comment(
**     'comment', existing_comment=...) (Alembic 1.8.1 passes the table name
**     too, a TypeError); in plain mode op.create_table_comment('t', ...);
**   - check constraints render op.create_check_constraint (Alembic's
**     renderer raises NotImplementedError) and renames render
**     new_column_name= / op.rename_table (Alembic never detects renames).
**
** The upgrade body is the op list in order; the downgrade body is
** op_inverse() of each op, in reverse order.  With render_options.batch,
** consecutive ops on one existing table share one
** "with op.batch_alter_table('t', schema=None) as batch_op:" block, as
** Alembic's render_as_batch does.
**
** Layout follows Alembic's printer: the first line of an op is indented to
** its block (4 spaces, 8 inside a batch block); continuation lines of a
** multi-line op are indented 4 spaces plus their own indentation, inside a
** batch block or not.  A batch block is followed by one empty line.
**
** Everything is built in a private arena and a strbuf; the result is one
** malloc'd string.  Same input, same bytes.
*/
#include "render/render.h"
#include "render/sql.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Alembic writes create_table(..., *[...]) past this many elements. */
#define MAX_PYTHON_ARGS 255

typedef struct renderer {
    arena *a;
    strbuf *out;                /* the body being rendered */
    bool batch;                 /* render_options.batch */
    const char *batch_table;    /* table of the open batch block, or NULL */
    const char *batch_schema;   /* and its schema (NULL: the default one) */
    bool uses_postgresql;       /* a postgresql.* type was rendered */
    bool postgresql;            /* the database is PostgreSQL (render_options.dialect) */
    bool uses_citext;           /* CITEXT() was rendered (the module defines it) */
    strbuf notes;               /* "# ..." lines to print before the next op */
} renderer;

static bool same_schema(const char *x, const char *y) { return x == y || (x && y && !strcmp(x, y)); }

/* ------------------------------------------------------------ literals */

/* Length of the UTF-8 sequence starting at s (1 for an invalid byte), and
** its code point in *cp (the byte itself when invalid). */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp) {
    unsigned c = s[0];
    size_t n;
    uint32_t v;
    if (c < 0x80) { *cp = c; return 1; }
    if ((c & 0xE0) == 0xC0) { n = 2; v = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; v = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; v = c & 0x07; }
    else { *cp = c; return 1; }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) { *cp = c; return 1; }
        v = (v << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min_for_len[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = c;
        return 1;
    }
    *cp = v;
    return n;
}

/* Code points Python's str.isprintable() rejects that repr() therefore
** escapes: controls, separators other than space, common format
** characters. */
static bool py_unprintable(uint32_t cp) {
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) return true;
    if (cp == 0x1680 || cp == 0x061C || cp == 0x180E) return true;
    if (cp >= 0x2000 && cp <= 0x200F) return true;
    if (cp >= 0x2028 && cp <= 0x202F) return true;
    if (cp >= 0x205F && cp <= 0x206F) return true;
    if (cp == 0x3000 || cp == 0xFEFF) return true;
    if (cp >= 0xE000 && cp <= 0xF8FF) return true;      /* private use */
    if (cp >= 0xFFF0 && cp <= 0xFFFB) return true;
    if (cp == 0xFFFE || cp == 0xFFFF) return true;
    return false;
}

static void sb_py_string(strbuf *sb, const char *s) {
    char quote = (strchr(s, '\'') && !strchr(s, '"')) ? '"' : '\'';
    sb_appendc(sb, quote);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t n = utf8_decode(p, &cp);
        if (n == 1 && *p >= 0x80) {
            /* Invalid UTF-8: keep the file valid; the byte becomes \xNN. */
            sb_printf(sb, "\\x%02x", *p);
        } else if (cp == '\\') {
            sb_append(sb, "\\\\");
        } else if (cp == (uint32_t)quote) {
            sb_appendc(sb, '\\');
            sb_appendc(sb, quote);
        } else if (cp == '\n') {
            sb_append(sb, "\\n");
        } else if (cp == '\r') {
            sb_append(sb, "\\r");
        } else if (cp == '\t') {
            sb_append(sb, "\\t");
        } else if (py_unprintable(cp)) {
            if (cp <= 0xFF) sb_printf(sb, "\\x%02x", (unsigned)cp);
            else if (cp <= 0xFFFF) sb_printf(sb, "\\u%04x", (unsigned)cp);
            else sb_printf(sb, "\\U%08x", (unsigned)cp);
        } else {
            sb_appendn(sb, (const char *)p, n);
        }
        p += n;
    }
    sb_appendc(sb, quote);
}

const char *render_py_string(arena *a, const char *s) {
    strbuf sb = STRBUF_INIT;
    sb_py_string(&sb, s ? s : "");
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static const char *py_str(renderer *r, const char *s) { return render_py_string(r->a, s); }

/* repr() of a str or None. */
static const char *py_str_or_none(renderer *r, const char *s) {
    return s ? py_str(r, s) : "None";
}

/* ['a', 'b'] */
static const char *py_list(renderer *r, const str_vec *v) {
    strbuf sb = STRBUF_INIT;
    sb_appendc(&sb, '[');
    for (size_t i = 0; i < v->len; i++) {
        if (i) sb_append(&sb, ", ");
        sb_py_string(&sb, v->items[i]);
    }
    sb_appendc(&sb, ']');
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* None / 'x' / ('a', 'b') — Alembic's tuple_rev_as_scalar. */
static void sb_py_rev_scalar(strbuf *sb, const str_vec *v) {
    if (!v || v->len == 0) {
        sb_append(sb, "None");
    } else if (v->len == 1) {
        sb_py_string(sb, v->items[0]);
    } else {
        sb_appendc(sb, '(');
        for (size_t i = 0; i < v->len; i++) {
            if (i) sb_append(sb, ", ");
            sb_py_string(sb, v->items[i]);
        }
        sb_appendc(sb, ')');
    }
}

/* None / ('a',) / ('a', 'b') — a tuple as repr() writes it. */
static void sb_py_tuple_or_none(strbuf *sb, const str_vec *v) {
    if (!v || v->len == 0) {
        sb_append(sb, "None");
        return;
    }
    sb_appendc(sb, '(');
    for (size_t i = 0; i < v->len; i++) {
        if (i) sb_append(sb, ", ");
        sb_py_string(sb, v->items[i]);
    }
    if (v->len == 1) sb_appendc(sb, ',');
    sb_appendc(sb, ')');
}

/* ---------------------------------------------------------------- types */

/* Database type spellings (TYPE_OTHER) that have a SQLAlchemy name present
** in both 1.4 and 2.x.  `args` says what the parenthesized part means. */
typedef enum { ARGS_NONE, ARGS_LENGTH, ARGS_PRECISION_SCALE } other_args;
static const struct other_type {
    const char *db_name;    /* lower case, without "(...)" */
    const char *python;     /* without "()" */
    other_args args;
} OTHER_TYPES[] = {
    {"bigint", "sa.BIGINT", ARGS_NONE},
    {"blob", "sa.BLOB", ARGS_NONE},
    {"bytea", "postgresql.BYTEA", ARGS_NONE},
    {"char", "sa.CHAR", ARGS_LENGTH},
    {"character", "sa.CHAR", ARGS_LENGTH},
    {"character varying", "sa.VARCHAR", ARGS_LENGTH},
    {"cidr", "postgresql.CIDR", ARGS_NONE},
    {"clob", "sa.CLOB", ARGS_NONE},
    {"decimal", "sa.DECIMAL", ARGS_PRECISION_SCALE},
    {"double precision", "postgresql.DOUBLE_PRECISION", ARGS_NONE},
    {"inet", "postgresql.INET", ARGS_NONE},
    {"macaddr", "postgresql.MACADDR", ARGS_NONE},
    {"money", "postgresql.MONEY", ARGS_NONE},
    {"nchar", "sa.NCHAR", ARGS_LENGTH},
    {"numeric", "sa.NUMERIC", ARGS_PRECISION_SCALE},
    {"nvarchar", "sa.NVARCHAR", ARGS_LENGTH},
    {"oid", "postgresql.OID", ARGS_NONE},
    {"real", "sa.REAL", ARGS_NONE},
    {"timestamp", "sa.TIMESTAMP", ARGS_NONE},
    {"tsvector", "postgresql.TSVECTOR", ARGS_NONE},
    {"uuid", "postgresql.UUID", ARGS_NONE},
    {"varchar", "sa.VARCHAR", ARGS_LENGTH},
};

/* "character varying(20)" -> name "character varying", args "20". */
static const char *render_other_type(renderer *r, const col_type *t, const char *table,
                                     const char *column) {
    const char *raw = t->raw ? t->raw : "";
    const char *paren = strchr(raw, '(');
    size_t name_len = paren ? (size_t)(paren - raw) : strlen(raw);
    while (name_len && raw[name_len - 1] == ' ') name_len--;
    char *name = arena_strndup(r->a, raw, name_len);
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    int n1 = -1, n2 = -1;
    bool args_ok = true;
    if (paren) {
        const char *close = strchr(paren, ')');
        args_ok = close && close[1] == '\0';
        if (args_ok) {
            int used = 0;
            bool two = sscanf(paren, "(%d , %d)%n", &n1, &n2, &used) == 2 && paren[used] == '\0';
            if (!two) {
                n2 = -1;
                used = 0;
                args_ok = sscanf(paren, "(%d)%n", &n1, &used) == 1 && paren[used] == '\0';
            }
        }
    }
    for (size_t i = 0; args_ok && i < sizeof OTHER_TYPES / sizeof OTHER_TYPES[0]; i++) {
        const struct other_type *ot = &OTHER_TYPES[i];
        if (strcmp(ot->db_name, name) != 0) continue;
        if (ot->args == ARGS_NONE && paren) break;
        if (ot->args == ARGS_LENGTH && n2 >= 0) break;
        if (strncmp(ot->python, "postgresql.", 11) == 0) r->uses_postgresql = true;
        if (!paren) return arena_printf(r->a, "%s()", ot->python);
        if (ot->args == ARGS_LENGTH) return arena_printf(r->a, "%s(length=%d)", ot->python, n1);
        if (n2 >= 0) return arena_printf(r->a, "%s(precision=%d, scale=%d)", ot->python, n1, n2);
        return arena_printf(r->a, "%s(precision=%d)", ot->python, n1);
    }
    sb_printf(&r->notes, "# retort: column %s has database type %s, which has no SQLAlchemy "
                         "spelling here: replace sa.types.NullType() with its type\n",
              py_str(r, arena_printf(r->a, "%s.%s", table, column)), py_str(r, raw));
    return "sa.types.NullType()";
}

static const char *render_type(renderer *r, const col_type *t, const char *table,
                               const char *column) {
    switch (t->kind) {
    case TYPE_INTEGER: return "sa.Integer()";
    case TYPE_BIGINT: return "sa.BigInteger()";
    case TYPE_SMALLINT: return "sa.SmallInteger()";
    case TYPE_STRING:
        return t->length >= 0 ? arena_printf(r->a, "sa.String(length=%d)", t->length) : "sa.String()";
    case TYPE_TEXT: return "sa.Text()";
    case TYPE_BOOLEAN: return "sa.Boolean()";
    case TYPE_FLOAT: return "sa.Float()";
    case TYPE_NUMERIC:
        if (t->precision < 0) return "sa.Numeric()";
        if (t->scale < 0) return arena_printf(r->a, "sa.Numeric(precision=%d)", t->precision);
        return arena_printf(r->a, "sa.Numeric(precision=%d, scale=%d)", t->precision, t->scale);
    case TYPE_DATETIME: return t->timezone ? "sa.DateTime(timezone=True)" : "sa.DateTime()";
    case TYPE_DATE: return "sa.Date()";
    case TYPE_TIME: return "sa.Time()";
    case TYPE_INTERVAL: return "sa.Interval()";
    case TYPE_JSON:
        if (t->jsonb) {
            r->uses_postgresql = true;
            return "postgresql.JSONB(astext_type=sa.Text())";
        }
        return "sa.JSON()";
    case TYPE_LARGEBINARY: return "sa.LargeBinary()";
    case TYPE_UUID:
        /* SQLAlchemy 1.4 has no portable Uuid: the canonical text form. */
        return "sa.String(length=36)";
    /* PostgreSQL's own types: the postgresql.* names of SQLAlchemy 1.4 and 2.x. */
    case TYPE_UUID_NATIVE: r->uses_postgresql = true; return "postgresql.UUID()";
    case TYPE_INET: r->uses_postgresql = true; return "postgresql.INET()";
    case TYPE_CIDR: r->uses_postgresql = true; return "postgresql.CIDR()";
    case TYPE_MACADDR: r->uses_postgresql = true; return "postgresql.MACADDR()";
    case TYPE_TSVECTOR: r->uses_postgresql = true; return "postgresql.TSVECTOR()";
    /* SQLAlchemy 1.4 has no postgresql.CITEXT: the module imports it or
    ** defines it (CITEXT_FALLBACK). */
    case TYPE_CITEXT: r->uses_citext = true; return "CITEXT()";
    case TYPE_ARRAY: {
        r->uses_postgresql = true;
        const char *e = t->element && t->element->kind != TYPE_ARRAY ? render_type(r, t->element, table, column)
                                                                    : "sa.Text()";
        if (t->dimensions > 1) return arena_printf(r->a, "postgresql.ARRAY(%s, dimensions=%d)", e, t->dimensions);
        return arena_printf(r->a, "postgresql.ARRAY(%s)", e);
    }
    case TYPE_ENUM: {
        /* On PostgreSQL the migration creates and drops the type itself
        ** (op.execute: Alembic's create_table would create it, but not
        ** add_column, and no drop ever drops it): create_type=False. */
        const enum_type *e = t->enumeration;
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; e && i < e->labels.len; i++) sb_printf(&sb, "%s, ", py_str(r, e->labels.items[i].label));
        const char *labels = arena_strdup(r->a, sb_str(&sb));
        sb_free(&sb);
        const char *name = py_str(r, e ? e->name : "");
        const char *nsp = e && e->schema ? arena_printf(r->a, ", schema=%s", py_str(r, e->schema)) : "";
        if (r->postgresql) {
            r->uses_postgresql = true;
            return arena_printf(r->a, "postgresql.ENUM(%sname=%s%s, create_type=False)", labels, name, nsp);
        }
        return arena_printf(r->a, "sa.Enum(%sname=%s%s)", labels, name, nsp);
    }
    case TYPE_OTHER: return render_other_type(r, t, table, column);
    }
    return "sa.types.NullType()";
}

/* The Python value of a server default, or NULL for none. */
static const char *render_default(renderer *r, const server_default *d) {
    switch (d->kind) {
    case DEFAULT_NONE: return NULL;
    case DEFAULT_STRING:
    case DEFAULT_NUMBER: return py_str(r, d->text ? d->text : "");
    case DEFAULT_BOOL: return d->bool_value ? "'1'" : "'0'";
    case DEFAULT_NOW: return "sa.func.now()";
    case DEFAULT_SQL: return arena_printf(r->a, "sa.text(%s)", py_str(r, d->text ? d->text : ""));
    }
    return NULL;
}

/* sa.Identity(always=False, start=1, increment=1), every modeled option
** written (so that Alembic's alter_column finds each that changes), then
** the others the identity has, in Alembic's order. */
static const char *render_identity(renderer *r, const identity_def *g) {
    strbuf sb = STRBUF_INIT;
    sb_printf(&sb, "sa.Identity(always=%s, start=%lld, increment=%lld", g->always ? "True" : "False", g->start,
              g->increment);
    if (g->has_minvalue) sb_printf(&sb, ", minvalue=%lld", g->minvalue);
    if (g->has_maxvalue) sb_printf(&sb, ", maxvalue=%lld", g->maxvalue);
    if (g->nominvalue) sb_append(&sb, ", nominvalue=True");
    if (g->nomaxvalue) sb_append(&sb, ", nomaxvalue=True");
    if (g->cycle >= 0) sb_printf(&sb, ", cycle=%s", g->cycle ? "True" : "False");
    if (g->cache) sb_printf(&sb, ", cache=%lld", g->cache);
    sb_appendc(&sb, ')');
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* sa.Column('name', type, server_default=..., autoincrement=..., nullable=..., comment=...) */
static const char *render_column(renderer *r, const char *table, const column *c) {
    strbuf sb = STRBUF_INIT;
    sb_printf(&sb, "sa.Column(%s, %s", py_str(r, c->name), render_type(r, &c->type, table, c->name));
    if (c->generated)
        sb_printf(&sb, ", sa.Computed(%s, persisted=%s)", py_str(r, c->generated), c->generated_stored ? "True" : "False");
    if (c->generated_identity) sb_printf(&sb, ", %s", render_identity(r, c->generated_identity));
    const char *def = c->generated || c->generated_identity ? NULL : render_default(r, &c->server_default);
    if (def) sb_printf(&sb, ", server_default=%s", def);
    if (c->autoincrement == AUTOINC_TRUE) sb_append(&sb, ", autoincrement=True");
    if (c->autoincrement == AUTOINC_FALSE) sb_append(&sb, ", autoincrement=False");
    sb_printf(&sb, ", nullable=%s", c->nullable && !c->primary_key ? "True" : "False");
    if (c->comment && *c->comment) sb_printf(&sb, ", comment=%s", py_str(r, c->comment));
    sb_appendc(&sb, ')');
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* ----------------------------------------------------- constraint names */

static const char *fk_name(renderer *r, const char *table, const foreign_key *fk) {
    return fk->name ? fk->name : pg_constraint_name(r->a, table, &fk->columns, "fkey");
}

static const char *unique_name(renderer *r, const char *table, const unique_def *u) {
    return u->name ? u->name : pg_constraint_name(r->a, table, &u->columns, "key");
}

static const char *check_name(renderer *r, const char *table, const check_def *ck) {
    return ck->name ? ck->name : pg_constraint_name(r->a, table, NULL, "check");
}

/* ---------------------------------------------------------- create_table */

static int cmp_strings(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static const char *render_fk_options(renderer *r, const foreign_key *fk) {
    const char *s = "";
    if (fk->onupdate) s = arena_printf(r->a, "%s, onupdate=%s", s, py_str(r, fk->onupdate));
    if (fk->ondelete) s = arena_printf(r->a, "%s, ondelete=%s", s, py_str(r, fk->ondelete));
    return s;
}

static const char *render_create_table(renderer *r, const table *t) {
    VEC(const char *) args = {0};
    for (size_t i = 0; i < t->columns.len; i++) vec_push(r->a, &args, render_column(r, t->name, t->columns.items[i]));

    /* Constraints: sorted as text, as Alembic sorts them (Check, ForeignKey,
    ** PrimaryKey, Unique). */
    VEC(const char *) cons = {0};
    for (size_t i = 0; i < t->checks.len; i++) {
        const check_def *ck = t->checks.items[i];
        vec_push(r->a, &cons,
                 ck->name ? arena_printf(r->a, "sa.CheckConstraint(%s, name=%s)", py_str(r, ck->sqltext),
                                         py_str(r, ck->name))
                          : arena_printf(r->a, "sa.CheckConstraint(%s)", py_str(r, ck->sqltext)));
    }
    for (size_t i = 0; i < t->foreign_keys.len; i++) {
        const foreign_key *fk = t->foreign_keys.items[i];
        str_vec refs = {0};
        for (size_t j = 0; j < fk->ref_columns.len; j++)
            vec_push(r->a, &refs, arena_printf(r->a, "%s.%s", qualified_name(r->a, fk->ref_schema, fk->ref_table),
                                               fk->ref_columns.items[j]));
        vec_push(r->a, &cons,
                 arena_printf(r->a, "sa.ForeignKeyConstraint(%s, %s, name=%s%s)", py_list(r, &fk->columns),
                              py_list(r, &refs), py_str(r, fk_name(r, t->name, fk)), render_fk_options(r, fk)));
    }
    if (t->primary_key.columns.len) {
        strbuf sb = STRBUF_INIT;
        sb_append(&sb, "sa.PrimaryKeyConstraint(");
        for (size_t i = 0; i < t->primary_key.columns.len; i++) {
            if (i) sb_append(&sb, ", ");
            sb_py_string(&sb, t->primary_key.columns.items[i]);
        }
        if (t->primary_key.name) sb_printf(&sb, ", name=%s", py_str(r, t->primary_key.name));
        sb_appendc(&sb, ')');
        vec_push(r->a, &cons, arena_strdup(r->a, sb_str(&sb)));
        sb_free(&sb);
    }
    for (size_t i = 0; i < t->uniques.len; i++) {
        const unique_def *u = t->uniques.items[i];
        strbuf sb = STRBUF_INIT;
        sb_append(&sb, "sa.UniqueConstraint(");
        for (size_t j = 0; j < u->columns.len; j++) {
            sb_py_string(&sb, u->columns.items[j]);
            sb_append(&sb, ", ");
        }
        sb_printf(&sb, "name=%s)", py_str(r, unique_name(r, t->name, u)));
        vec_push(r->a, &cons, arena_strdup(r->a, sb_str(&sb)));
        sb_free(&sb);
    }
    if (cons.len) qsort(cons.items, cons.len, sizeof cons.items[0], cmp_strings);
    for (size_t i = 0; i < cons.len; i++) vec_push(r->a, &args, cons.items[i]);

    strbuf sb = STRBUF_INIT;
    sb_printf(&sb, "op.create_table(%s,\n", py_str(r, t->name));
    bool starred = args.len > MAX_PYTHON_ARGS;
    if (starred) sb_append(&sb, "*[");
    for (size_t i = 0; i < args.len; i++) {
        if (i) sb_append(&sb, ",\n");
        sb_append(&sb, args.items[i]);
    }
    if (starred) sb_appendc(&sb, ']');
    if (t->schema) sb_printf(&sb, ",\nschema=%s", py_str(r, t->schema));
    if (t->comment && *t->comment) sb_printf(&sb, ",\ncomment=%s", py_str(r, t->comment));
    sb_append(&sb, "\n)");
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* -------------------------------------------------------------- indexes */

static const char *render_index_name(renderer *r, const char *prefix, const index_def *ix) {
    const char *name = py_str(r, ix->name);
    return ix->conventional_name ? arena_printf(r->a, "%sf(%s)", prefix, name) : name;
}

/* ['a', sa.text('lower(b)'), sa.text('created_at DESC')]: a bare column
** as its name, any other key as sa.text() of index_key_text() (render/sql.h:
** the runner writes the same text). */
static const char *render_index_columns(renderer *r, const index_def *ix) {
    strbuf sb = STRBUF_INIT;
    sb_appendc(&sb, '[');
    for (size_t i = 0; i < ix->columns.len; i++) {
        if (i) sb_append(&sb, ", ");
        if (index_key_bare(ix, i)) sb_py_string(&sb, ix->columns.items[i]);
        else sb_printf(&sb, "sa.text(%s)", py_str(r, index_key_text(r->a, ix, i)));
    }
    sb_appendc(&sb, ']');
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* The dialect options of an index, in Alembic's (sorted) order:
** postgresql_include, postgresql_ops (the operator classes of bare
** columns; the others are inside their sa.text()), postgresql_using,
** postgresql_where and sqlite_where.  Written on create_index and on
** drop_index alike, as Alembic does. */
static const char *render_index_options(renderer *r, const index_def *ix) {
    strbuf sb = STRBUF_INIT;
    if (ix->include.len) sb_printf(&sb, ", postgresql_include=%s", py_list(r, &ix->include));
    bool ops = false;
    for (size_t i = 0; i < ix->columns.len; i++) {
        index_key key = index_key_at(ix, i);
        if (!key.opclass || !index_key_bare(ix, i)) continue;
        sb_append(&sb, ops ? ", " : ", postgresql_ops={");
        sb_printf(&sb, "%s: %s", py_str(r, ix->columns.items[i]), py_str(r, key.opclass));
        ops = true;
    }
    if (ops) sb_appendc(&sb, '}');
    if (ix->method) sb_printf(&sb, ", postgresql_using=%s", py_str(r, ix->method));
    if (ix->where) {
        const char *w = py_str(r, ix->where);
        sb_printf(&sb, ", postgresql_where=sa.text(%s), sqlite_where=sa.text(%s)", w, w);
    }
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* ------------------------------------------------------------ alter_column */

/* The continuation-line indent of alter_column, as Alembic writes it. */
#define ALTER_INDENT "           "

static const char *render_alter_column(renderer *r, const op *o, bool in_batch, const char *prefix) {
    const column *n = o->column, *p = o->old_column ? o->old_column : o->column;
    strbuf sb = STRBUF_INIT;
    if (in_batch) sb_printf(&sb, "%salter_column(%s", prefix, py_str(r, p->name));
    else sb_printf(&sb, "%salter_column(%s, %s", prefix, py_str(r, o->table_name), py_str(r, p->name));
    sb_printf(&sb, ",\n" ALTER_INDENT "existing_type=%s", render_type(r, &p->type, o->table_name, p->name));
    if (o->alter & ALTER_DEFAULT) {
        const char *d = render_default(r, &n->server_default);
        sb_printf(&sb, ",\n" ALTER_INDENT "server_default=%s", d ? d : "None");
    }
    /* Alembic's identity forms: server_default=sa.Identity(...) with
    ** existing_server_default=None adds one (ADD GENERATED), with
    ** existing_server_default=sa.Identity(...) changes what differs (SET
    ** ...); server_default=None with an existing identity drops it (DROP
    ** IDENTITY). */
    if (o->alter & ALTER_IDENTITY)
        sb_printf(&sb, ",\n" ALTER_INDENT "server_default=%s",
                  n->generated_identity ? render_identity(r, n->generated_identity) : "None");
    if (o->alter & ALTER_TYPE)
        sb_printf(&sb, ",\n" ALTER_INDENT "type_=%s", render_type(r, &n->type, o->table_name, n->name));
    if (o->alter & ALTER_NULLABLE) sb_printf(&sb, ",\n" ALTER_INDENT "nullable=%s", n->nullable ? "True" : "False");
    if (o->alter & ALTER_COMMENT) sb_printf(&sb, ",\n" ALTER_INDENT "comment=%s", py_str_or_none(r, n->comment));
    if (p->comment) sb_printf(&sb, ",\n" ALTER_INDENT "existing_comment=%s", py_str(r, p->comment));
    if (!(o->alter & ALTER_NULLABLE))
        sb_printf(&sb, ",\n" ALTER_INDENT "existing_nullable=%s", p->nullable ? "True" : "False");
    if (n->autoincrement == AUTOINC_TRUE) sb_append(&sb, ",\n" ALTER_INDENT "autoincrement=True");
    if (n->autoincrement == AUTOINC_FALSE) sb_append(&sb, ",\n" ALTER_INDENT "autoincrement=False");
    if (o->alter & ALTER_IDENTITY) {
        /* None, not left out: Alembic's default (False) makes it a SET of
        ** an existing identity, which the server refuses */
        sb_printf(&sb, ",\n" ALTER_INDENT "existing_server_default=%s",
                  p->generated_identity ? render_identity(r, p->generated_identity) : "None");
    } else if (!(o->alter & ALTER_DEFAULT)) {
        const char *d = render_default(r, &p->server_default);
        if (d) sb_printf(&sb, ",\n" ALTER_INDENT "existing_server_default=%s", d);
    }
    /* A change to or from an array: the USING PostgreSQL needs (ignored
    ** on SQLite, which has no arrays anyway). */
    const char *using = o->alter & ALTER_TYPE ? sql_type_change_using(r->a, p->name, &p->type, &n->type) : NULL;
    if (using) sb_printf(&sb, ",\n" ALTER_INDENT "postgresql_using=%s", py_str(r, using));
    if (!in_batch && o->schema) sb_printf(&sb, ",\n" ALTER_INDENT "schema=%s", py_str(r, o->schema));
    sb_appendc(&sb, ')');
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

static const char *render_rename_column(renderer *r, const op *o, bool in_batch, const char *prefix) {
    const column *c = o->column ? o->column : o->old_column;
    strbuf sb = STRBUF_INIT;
    if (in_batch) sb_printf(&sb, "%salter_column(%s", prefix, py_str(r, o->old_name));
    else sb_printf(&sb, "%salter_column(%s, %s", prefix, py_str(r, o->table_name), py_str(r, o->old_name));
    sb_printf(&sb, ",\n" ALTER_INDENT "new_column_name=%s", py_str(r, o->new_name));
    if (c) {
        sb_printf(&sb, ",\n" ALTER_INDENT "existing_type=%s", render_type(r, &c->type, o->table_name, c->name));
        if (c->comment) sb_printf(&sb, ",\n" ALTER_INDENT "existing_comment=%s", py_str(r, c->comment));
        sb_printf(&sb, ",\n" ALTER_INDENT "existing_nullable=%s", c->nullable ? "True" : "False");
        const char *d = render_default(r, &c->server_default);
        if (d) sb_printf(&sb, ",\n" ALTER_INDENT "existing_server_default=%s", d);
    }
    if (!in_batch && o->schema) sb_printf(&sb, ",\n" ALTER_INDENT "schema=%s", py_str(r, o->schema));
    sb_appendc(&sb, ')');
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* A primary key's name: its own, or the one PostgreSQL gives (<table>_pkey):
** create_primary_key always needs one. */
static const char *primary_key_name(renderer *r, const char *table, const primary_key *pk) {
    return pk->name ? pk->name : pg_constraint_name(r->a, table, NULL, "pkey");
}

/* --------------------------------------------------------------- one op */

/* Ops that go inside a batch block in batch mode. */
static bool op_is_batchable(op_kind k) { return op_kind_info_of(k)->scope != OP_SCOPE_SCHEMA; }

/* The text of one op; continuation lines carry their own indentation only.
** in_batch: render as batch_op.* without the table name. */
static const char *render_op_text(renderer *r, const op *o, bool in_batch) {
    const char *pfx = in_batch ? "batch_op." : "op.";
    const char *t = py_str(r, o->table_name ? o->table_name : "");
    /* `tcomma` is "'t', " outside batch, "" inside: the table argument. */
    const char *tcomma = in_batch ? "" : arena_printf(r->a, "%s, ", t);
    /* The table's schema, when it is not the default one: `sk` ends the
    ** arguments (", schema='audit'"), `skcomma` goes before type_= of
    ** drop_constraint.  A batch block says it once, in its header. */
    const char *nsp = in_batch || !o->schema ? NULL : py_str(r, o->schema);
    const char *sk = nsp ? arena_printf(r->a, ", schema=%s", nsp) : "";
    const char *skcomma = nsp ? arena_printf(r->a, "schema=%s, ", nsp) : "";
    arena *a = r->a;
    switch (o->kind) {
    case OP_CREATE_TABLE: return render_create_table(r, o->table);
    case OP_DROP_TABLE:
        return arena_printf(a, "op.drop_table(%s%s)", py_str(r, o->table ? o->table->name : o->table_name), sk);
    case OP_RENAME_TABLE:
        return arena_printf(a, "op.rename_table(%s, %s%s)", py_str(r, o->old_name), py_str(r, o->new_name), sk);
    case OP_SET_TABLE_SCHEMA:
        /* Alembic has no op for it: the statement (PostgreSQL's), which the
        ** reader knows again */
        return arena_printf(a, "op.execute(%s)", py_str(r, sql_set_table_schema(a, dialect_postgresql(), o)));
    case OP_ADD_COLUMN:
        return arena_printf(a, "%sadd_column(%s%s%s)", pfx, tcomma, render_column(r, o->table_name, o->column), sk);
    case OP_DROP_COLUMN:
        return arena_printf(a, "%sdrop_column(%s%s%s)", pfx, tcomma, py_str(r, o->column->name), sk);
    case OP_ALTER_COLUMN: return render_alter_column(r, o, in_batch, pfx);
    case OP_RENAME_COLUMN: return render_rename_column(r, o, in_batch, pfx);
    case OP_CREATE_INDEX:
        return arena_printf(a, "%screate_index(%s, %s%s, unique=%s%s%s)", pfx, render_index_name(r, pfx, o->index),
                            tcomma, render_index_columns(r, o->index), o->index->unique ? "True" : "False", sk,
                            render_index_options(r, o->index));
    case OP_DROP_INDEX:
        if (in_batch)
            return arena_printf(a, "batch_op.drop_index(%s%s)", render_index_name(r, pfx, o->index),
                                render_index_options(r, o->index));
        return arena_printf(a, "op.drop_index(%s, table_name=%s%s%s)", render_index_name(r, pfx, o->index), t, sk,
                            render_index_options(r, o->index));
    case OP_ADD_UNIQUE:
        return arena_printf(a, "%screate_unique_constraint(%s, %s%s%s)", pfx,
                            py_str(r, unique_name(r, o->table_name, o->unique)), tcomma,
                            py_list(r, &o->unique->columns), sk);
    case OP_DROP_UNIQUE:
        return arena_printf(a, "%sdrop_constraint(%s, %s%stype_='unique')", pfx,
                            py_str(r, unique_name(r, o->table_name, o->unique)), tcomma, skcomma);
    case OP_ADD_FOREIGN_KEY: {
        const char *schemas = arena_printf(a, "%s%s", nsp ? arena_printf(a, ", source_schema=%s", nsp) : "",
                                           o->fk->ref_schema
                                               ? arena_printf(a, ", referent_schema=%s", py_str(r, o->fk->ref_schema))
                                               : "");
        return arena_printf(a, "%screate_foreign_key(%s, %s%s, %s, %s%s%s)", pfx,
                            py_str(r, fk_name(r, o->table_name, o->fk)), tcomma, py_str(r, o->fk->ref_table),
                            py_list(r, &o->fk->columns), py_list(r, &o->fk->ref_columns), schemas,
                            render_fk_options(r, o->fk));
    }
    case OP_DROP_FOREIGN_KEY:
        return arena_printf(a, "%sdrop_constraint(%s, %s%stype_='foreignkey')", pfx,
                            py_str(r, fk_name(r, o->table_name, o->fk)), tcomma, skcomma);
    case OP_ADD_CHECK:
        return arena_printf(a, "%screate_check_constraint(%s, %s%s%s)", pfx,
                            py_str(r, check_name(r, o->table_name, o->check)), tcomma,
                            py_str(r, o->check->sqltext), sk);
    case OP_DROP_CHECK:
        return arena_printf(a, "%sdrop_constraint(%s, %s%stype_='check')", pfx,
                            py_str(r, check_name(r, o->table_name, o->check)), tcomma, skcomma);
    case OP_ADD_PRIMARY_KEY:
        return arena_printf(a, "%screate_primary_key(%s, %s%s%s)", pfx,
                            py_str(r, primary_key_name(r, o->table_name, o->pk)), tcomma, py_list(r, &o->pk->columns),
                            sk);
    case OP_DROP_PRIMARY_KEY:
        /* SQLite keeps a primary key created without a name unnamed, and
        ** Alembic's batch cannot drop an unnamed constraint; the
        ** create_primary_key that follows replaces it there.  The database
        ** this file was generated against is such a SQLite file. */
        if (!o->pk->name)
            return arena_printf(a, "# the unnamed primary key (%s) is replaced by the create_primary_key below "
                                   "(SQLite; on PostgreSQL, drop %s first)",
                                str_vec_join(a, &o->pk->columns, ", "),
                                pg_constraint_name(a, o->table_name, NULL, "pkey"));
        return arena_printf(a, "%sdrop_constraint(%s, %s%stype_='primary')", pfx, py_str(r, o->pk->name), tcomma,
                            skcomma);
    case OP_SET_TABLE_COMMENT:
        /* Alembic's multi-line layout.  In a batch block the table is the
        ** block's (no table or schema argument). */
        if (o->new_comment) {
            if (in_batch)
                return arena_printf(a, "batch_op.create_table_comment(\n    %s,\n    existing_comment=%s\n)",
                                    py_str(r, o->new_comment), py_str_or_none(r, o->old_comment));
            return arena_printf(a,
                                "op.create_table_comment(\n    %s,\n    %s,\n    existing_comment=%s,\n"
                                "    schema=%s\n)",
                                t, py_str(r, o->new_comment), py_str_or_none(r, o->old_comment), nsp ? nsp : "None");
        }
        if (in_batch)
            return arena_printf(a, "batch_op.drop_table_comment(\n    existing_comment=%s\n)",
                                py_str_or_none(r, o->old_comment));
        return arena_printf(a, "op.drop_table_comment(\n    %s,\n    existing_comment=%s,\n    schema=%s\n)", t,
                            py_str_or_none(r, o->old_comment), nsp ? nsp : "None");
    case OP_CREATE_ENUM: case OP_DROP_ENUM: case OP_ALTER_ENUM:
        return "";      /* render_enum_op */
    case OP_EXECUTE:
        return arena_printf(a, "op.execute(%s)", py_str(r, o->sql));
    case OP_BULK_INSERT: {
        /* op.bulk_insert(sa.table('t', sa.column('a'), ...), [{'a': 1}, ...]) */
        strbuf sb = STRBUF_INIT;
        sb_printf(&sb, "op.bulk_insert(sa.table(%s", t);
        for (size_t i = 0; o->insert_columns && i < o->insert_columns->len; i++)
            sb_printf(&sb, ", sa.column(%s)", py_str(r, o->insert_columns->items[i]));
        sb_printf(&sb, "%s), [", sk);
        for (size_t i = 0; o->rows && i < o->rows->len; i++) {
            const literal_row *row = &o->rows->items[i];
            sb_append(&sb, i ? ", {" : "{");
            for (size_t k = 0; k < row->len && o->insert_columns && k < o->insert_columns->len; k++) {
                const sql_literal *v = &row->items[k];
                sb_printf(&sb, "%s%s: ", k ? ", " : "", py_str(r, o->insert_columns->items[k]));
                switch (v->kind) {
                case LIT_NULL: sb_append(&sb, "None"); break;
                case LIT_STRING: sb_append(&sb, py_str(r, v->text)); break;
                case LIT_NUMBER: sb_append(&sb, v->text); break;
                case LIT_BOOL: sb_append(&sb, v->bool_value ? "True" : "False"); break;
                }
            }
            sb_append(&sb, "}");
        }
        sb_append(&sb, "])");
        const char *res = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
        return res;
    }
    }
    return "";
}

/* Write text with its first line at `indent` spaces and continuation lines
** at 4 spaces plus their own indentation (Alembic's printer). */
static void emit_lines(strbuf *out, int indent, const char *text) {
    sb_printf(out, "%*s", indent, "");
    for (const char *p = text; *p; p++) {
        sb_appendc(out, *p);
        if (*p == '\n') sb_append(out, "    ");
    }
    sb_appendc(out, '\n');
}

/* Comment lines (each ending in '\n') at `indent` spaces. */
static void emit_note_lines(strbuf *out, int indent, const char *p) {
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        sb_printf(out, "%*s", indent, "");
        sb_appendn(out, p, n);
        if (!nl) sb_appendc(out, '\n');
        p += n;
    }
}

static void close_batch(renderer *r) {
    if (!r->batch_table) return;
    sb_appendc(r->out, '\n');
    r->batch_table = NULL;
}

/* An enum type op: its statements (render_sql, PostgreSQL's, one
** definition for both renderers) as op.execute() calls, those that run
** outside the transaction in Alembic's autocommit_block. */
static void render_enum_op(renderer *r, const op *o) {
    sql_statements sql = {0};
    diag_list scratch;
    diag_list_init(&scratch);
    (void)render_sql(o, 1, dialect_postgresql(), NULL, r->a, &sql, &scratch);
    diag_list_free(&scratch);
    for (size_t i = 0; i < sql.len; i++) {
        if (sql.items[i].autocommit && (i == 0 || !sql.items[i - 1].autocommit))
            sb_append(r->out, "    with op.get_context().autocommit_block():\n");
        sb_printf(r->out, "%*sop.execute(%s)\n", sql.items[i].autocommit ? 8 : 4, "", py_str(r, sql.items[i].text));
    }
}

static void render_one(renderer *r, const op *o) {
    bool in_batch = r->batch && op_is_batchable(o->kind);
    if (!in_batch) close_batch(r);
    if (o->kind == OP_CREATE_ENUM || o->kind == OP_DROP_ENUM || o->kind == OP_ALTER_ENUM) {
        if (r->notes.len) {
            emit_note_lines(r->out, 4, sb_str(&r->notes));
            sb_reset(&r->notes);
        }
        render_enum_op(r, o);
        return;
    }
    else if (r->batch_table &&
             (strcmp(r->batch_table, o->table_name) != 0 || !same_schema(r->batch_schema, o->schema)))
        close_batch(r);
    const char *text = render_op_text(r, o, in_batch);
    int indent = in_batch ? 8 : 4;
    if (in_batch && !r->batch_table) {
        /* Notes about this op go before the block it opens. */
        if (r->notes.len) {
            const char *p = sb_str(&r->notes);
            while (*p) {
                const char *nl = strchr(p, '\n');
                sb_append(r->out, "    ");
                sb_appendn(r->out, p, (size_t)(nl - p) + 1);
                p = nl + 1;
            }
            sb_reset(&r->notes);
        }
        sb_printf(r->out, "    with op.batch_alter_table(%s, schema=%s) as batch_op:\n",
                  py_str(r, o->table_name), o->schema ? py_str(r, o->schema) : "None");
        r->batch_table = o->table_name;
        r->batch_schema = o->schema;
    }
    if (r->notes.len) {
        const char *p = sb_str(&r->notes);
        while (*p) {
            const char *nl = strchr(p, '\n');
            sb_printf(r->out, "%*s", indent, "");
            sb_appendn(r->out, p, (size_t)(nl - p) + 1);
            p = nl + 1;
        }
        sb_reset(&r->notes);
    }
    emit_lines(r->out, indent, text);
}

/* The module's CITEXT, under SQLAlchemy 2.x its postgresql.CITEXT, under
** 1.4 (which has none) a type of that name.  The migration reader reads
** the import and not the fallback (migration.c). */
static const char CITEXT_FALLBACK[] =
    "try:\n"
    "    from sqlalchemy.dialects.postgresql import CITEXT\n"
    "except ImportError:  # SQLAlchemy 1.4 has no CITEXT (2.x has): the same type, by its name\n"
    "    class CITEXT(sa.types.UserDefinedType):\n"
    "        cache_ok = True\n"
    "\n"
    "        def get_col_spec(self, **kw):\n"
    "            return 'CITEXT'\n";

/* Before the first op of a body that makes a citext column: a clear stop
** when the extension is not installed, rather than the server's
** `type "citext" does not exist` at the CREATE TABLE. */
static const char CITEXT_GUARD[] =
    "# CITEXT is the type of the citext extension: stop here with what to do when the database lacks it\n"
    "op.execute(\"DO $$ BEGIN IF to_regtype('citext') IS NULL THEN RAISE EXCEPTION 'type citext does not "
    "exist, the citext extension is not installed in this database' USING HINT = 'run CREATE EXTENSION "
    "citext (as a superuser, or as the database owner on PostgreSQL 13 and later), then run the migration "
    "again'; END IF; END $$\")";

static bool is_citext(const col_type *t) {
    return t->kind == TYPE_CITEXT || (t->kind == TYPE_ARRAY && t->element && t->element->kind == TYPE_CITEXT);
}

static bool op_makes_citext(const op *o) {
    switch (o->kind) {
    case OP_CREATE_TABLE:
        for (size_t i = 0; o->table && i < o->table->columns.len; i++)
            if (is_citext(&o->table->columns.items[i]->type)) return true;
        return false;
    case OP_ADD_COLUMN: return o->column && is_citext(&o->column->type);
    case OP_ALTER_COLUMN: return (o->alter & ALTER_TYPE) && o->column && is_citext(&o->column->type);
    default: return false;
    }
}

/* One function body (without the "def" line): ops[0..n) in order. */
static void render_body(renderer *r, const op *ops, size_t n, bool autogenerate, const char *const *notes) {
    if (n == 0 && !autogenerate) {
        sb_append(r->out, "    pass\n");
        return;
    }
    sb_append(r->out, "    # ### commands auto generated by Alembic - please adjust! ###\n");
    if (n == 0) sb_append(r->out, "    pass\n");
    bool guarded = false;
    for (size_t i = 0; i < n; i++) {
        if (!guarded && op_makes_citext(&ops[i])) {
            close_batch(r);
            const char *p = CITEXT_GUARD;
            for (const char *nl; (nl = strchr(p, '\n')); p = nl + 1) {
                sb_append(r->out, "    ");
                sb_appendn(r->out, p, (size_t)(nl - p) + 1);
            }
            emit_lines(r->out, 4, p);
            guarded = true;
        }
        if (notes && notes[i]) sb_append(&r->notes, notes[i]);
        render_one(r, &ops[i]);
    }
    close_batch(r);
    sb_append(r->out, "    # ### end Alembic commands ###\n");
}

/* ---------------------------------------------------------------- module */

/* The docstring's first line: Alembic writes the message as is; a
** backslash or a triple quote would break the module, so those are
** escaped. */
static void sb_docstring_text(strbuf *sb, const char *s) {
    for (const char *p = s; *p; p++) {
        if (*p == '\\') sb_append(sb, "\\\\");
        else if (p[0] == '"' && p[1] == '"' && p[2] == '"') {
            sb_append(sb, "\\\"\\\"\\\"");
            p += 2;
        } else sb_appendc(sb, *p);
    }
}

char *render_python(const migration_ops *ops, const render_options *opt) {
    renderer r = {.a = arena_new(), .batch = opt->batch, .notes = STRBUF_INIT,
                  .postgresql = opt->dialect && opt->dialect->kind == DIALECT_POSTGRESQL};
    size_t n = ops ? ops->ops.len : 0;

    /* The downgrade: inverses in reverse order. */
    op *down = n ? arena_alloc(r.a, n * sizeof *down) : NULL;
    for (size_t i = 0; i < n; i++) down[i] = op_inverse(&ops->ops.items[n - 1 - i]);

    strbuf up_body = STRBUF_INIT, down_body = STRBUF_INIT;
    r.out = &up_body;
    render_body(&r, n ? ops->ops.items : NULL, n, opt->autogenerate, opt->op_notes);
    r.out = &down_body;
    render_body(&r, down, n, opt->autogenerate, NULL);

    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "\"\"\"");
    sb_docstring_text(&sb, opt->message ? opt->message : "empty message");
    sb_printf(&sb, "\n\nRevision ID: %s\nRevises: ", opt->revision ? opt->revision : "");
    if (opt->down_revisions)
        for (size_t i = 0; i < opt->down_revisions->len; i++)
            sb_printf(&sb, "%s%s", i ? ", " : "", opt->down_revisions->items[i]);
    sb_printf(&sb, "\nCreate Date: %s\n\n\"\"\"\n", opt->create_date ? opt->create_date : "");
    sb_append(&sb, "from alembic import op\nimport sqlalchemy as sa\n");
    if (r.uses_postgresql) sb_append(&sb, "from sqlalchemy.dialects import postgresql\n");
    else sb_append(&sb, "\n");
    if (r.uses_citext) sb_printf(&sb, "%s%s", r.uses_postgresql ? "\n" : "", CITEXT_FALLBACK);
    sb_append(&sb, "\n# revision identifiers, used by Alembic.\nrevision = ");
    sb_py_string(&sb, opt->revision ? opt->revision : "");
    sb_append(&sb, "\ndown_revision = ");
    sb_py_rev_scalar(&sb, opt->down_revisions);
    sb_append(&sb, "\nbranch_labels = ");
    sb_py_tuple_or_none(&sb, opt->branch_labels);
    sb_append(&sb, "\ndepends_on = ");
    sb_py_rev_scalar(&sb, opt->depends_on);
    sb_append(&sb, "\n\n\ndef upgrade() -> None:\n");
    sb_append(&sb, sb_str(&up_body));
    sb_append(&sb, "\n\ndef downgrade() -> None:\n");
    sb_append(&sb, sb_str(&down_body));

    sb_free(&up_body);
    sb_free(&down_body);
    sb_free(&r.notes);
    arena_free(r.a);
    return sb_take(&sb);
}
