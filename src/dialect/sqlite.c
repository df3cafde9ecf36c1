/*
** sqlite.c — the SQLite dialect: how SQLite spells types, how it keeps
** server defaults, and how it quotes identifiers.
**
** Types.  SQLite keeps a column's declared type as text and attaches no
** meaning to it beyond an "affinity".  SQLAlchemy writes these declared
** types for the model types (measured with SQLAlchemy 1.4.46):
**
**     String(n) VARCHAR(n)    String VARCHAR      Text TEXT
**     Integer INTEGER         BigInteger BIGINT   SmallInteger SMALLINT
**     Float FLOAT             Numeric(p, s) NUMERIC(p, s)
**     DateTime DATETIME (with or without timezone=true: SQLite keeps no zone)
**     Date DATE   Time TIME   Boolean BOOLEAN   JSON JSON   LargeBinary BLOB
**     Interval DATETIME (SQLAlchemy stores an interval as a datetime
**              relative to the epoch on backends without an interval type)
**     Uuid CHAR(32)   (SQLAlchemy 2; 1.4 has no generic Uuid)
**
** parse_type() maps a declared type to a type kind by its base name, case
** insensitively and tolerant of spaces ("varchar ( 50 )").  Aliases that
** SQLAlchemy's own SQLite reflection treats as the same generic type map to
** the same kind: INT -> Integer, CHAR/NCHAR/NVARCHAR -> String,
** CLOB -> Text, REAL/DOUBLE -> Float, DECIMAL -> Numeric,
** TIMESTAMP -> DateTime, BOOL -> Boolean.  INTERVAL and UUID (hand-written
** DDL) parse to Interval and Uuid.  Anything else is TYPE_OTHER; raw always
** keeps the declared text as is.
**
** types_equal(wanted, current) compares kinds and parameters: String(50) is
** VARCHAR(50) but not VARCHAR(100) nor VARCHAR; String is VARCHAR;
** Integer is not BIGINT; Numeric(10, 2) is NUMERIC(10, 2); DateTime ignores
** timezone.  Two special cases follow from the table above: a wanted
** Interval equals a current DATETIME (or INTERVAL), and a wanted Uuid equals
** a current CHAR(32) (or UUID).  Float ignores precision.
**
** Defaults.  canonical_default() turns a default into a value of one of
** four sorts and prints it:
**     number      "0", "1.5"           (model numbers and booleans, SQL
**                                        numeric literals, TRUE/FALSE)
**     string      "'pending'"          (the SQL literal, '' for a quote)
**     now         "CURRENT_TIMESTAMP"  (now(), CURRENT_TIMESTAMP,
**                                        datetime('now'), any case/parens)
**     expression  the SQL text, outer parentheses and extra blanks removed
** then applies the column's affinity the way SQLite does when it stores the
** default: on INTEGER/REAL/NUMERIC affinity a string that is a well-formed
** number becomes that number ('0' == 0 on a Boolean or Integer column), on
** TEXT affinity a number becomes its text (0 == '0' on a VARCHAR column).
** A NULL default, or no default, is NULL.
**
** Identifiers.  quote_ident() quotes only when needed: a name that is not a
** plain identifier ([A-Za-z_][A-Za-z0-9_]*) or that is an SQLite keyword is
** put in double quotes, inner double quotes doubled.
*/
#include "dialect/dialect.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ types */

/* One declared type, split: base name upper-cased with single spaces
** ("DOUBLE PRECISION"), and up to two integer arguments. */
typedef struct declared_type {
    char base[64];
    int nargs;
    int args[2];
    bool bad_args;          /* arguments that are not plain integers */
} declared_type;

static void split_declared_type(const char *text, declared_type *dt) {
    memset(dt, 0, sizeof *dt);
    const char *p = text ? text : "";
    size_t n = 0;
    bool space = false;
    while (*p && *p != '(') {
        unsigned char c = (unsigned char)*p++;
        if (isspace(c)) {
            space = n > 0;
            continue;
        }
        if (space && n + 1 < sizeof dt->base) dt->base[n++] = ' ';
        space = false;
        if (n + 1 < sizeof dt->base) dt->base[n++] = (char)toupper(c);
    }
    dt->base[n] = '\0';
    if (*p != '(') return;
    p++;
    for (;;) {
        while (isspace((unsigned char)*p)) p++;
        if (*p == ')' || !*p) break;
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 0 || v > 1000000000 || dt->nargs >= 2) {
            dt->bad_args = true;
            return;
        }
        dt->args[dt->nargs++] = (int)v;
        p = end;
        while (isspace((unsigned char)*p)) p++;
        if (*p == ',') p++;
        else if (*p != ')') {
            dt->bad_args = true;
            return;
        }
    }
}

typedef struct type_name_entry {
    const char *base;
    type_kind kind;
} type_name_entry;

static const type_name_entry SQLITE_TYPE_NAMES[] = {
    {"INTEGER", TYPE_INTEGER},     {"INT", TYPE_INTEGER},
    {"BIGINT", TYPE_BIGINT},       {"SMALLINT", TYPE_SMALLINT},
    {"VARCHAR", TYPE_STRING},      {"NVARCHAR", TYPE_STRING},
    {"CHAR", TYPE_STRING},         {"NCHAR", TYPE_STRING},
    {"CHARACTER", TYPE_STRING},    {"CHARACTER VARYING", TYPE_STRING},
    {"TEXT", TYPE_TEXT},           {"CLOB", TYPE_TEXT},
    {"FLOAT", TYPE_FLOAT},         {"REAL", TYPE_FLOAT},
    {"DOUBLE", TYPE_FLOAT},        {"DOUBLE PRECISION", TYPE_FLOAT},
    {"NUMERIC", TYPE_NUMERIC},     {"DECIMAL", TYPE_NUMERIC},
    {"DATETIME", TYPE_DATETIME},   {"TIMESTAMP", TYPE_DATETIME},
    {"DATE", TYPE_DATE},           {"TIME", TYPE_TIME},
    {"INTERVAL", TYPE_INTERVAL},   {"BOOLEAN", TYPE_BOOLEAN},
    {"BOOL", TYPE_BOOLEAN},        {"JSON", TYPE_JSON},
    {"BLOB", TYPE_LARGEBINARY},    {"UUID", TYPE_UUID},
};

static col_type sqlite_parse_type(arena *a, const char *db_type) {
    col_type t = {.kind = TYPE_OTHER, .length = -1, .precision = -1, .scale = -1};
    t.raw = arena_strdup(a, db_type ? db_type : "");
    declared_type dt;
    split_declared_type(db_type, &dt);
    if (dt.bad_args) return t;
    for (size_t i = 0; i < sizeof SQLITE_TYPE_NAMES / sizeof SQLITE_TYPE_NAMES[0]; i++) {
        if (strcmp(dt.base, SQLITE_TYPE_NAMES[i].base) != 0) continue;
        type_kind k = SQLITE_TYPE_NAMES[i].kind;
        switch (k) {
        case TYPE_STRING:
            if (dt.nargs > 1) return t;
            if (dt.nargs == 1) t.length = dt.args[0];
            break;
        case TYPE_NUMERIC:
            if (dt.nargs >= 1) t.precision = dt.args[0];
            if (dt.nargs == 2) t.scale = dt.args[1];
            break;
        case TYPE_FLOAT:
            if (dt.nargs > 1) return t;
            if (dt.nargs == 1) t.precision = dt.args[0];
            break;
        default:
            if (dt.nargs) return t;     /* INTEGER(5) and the like: keep raw */
            break;
        }
        t.kind = k;
        return t;
    }
    return t;
}

static bool raw_base_is(const char *raw, const char *base) {
    declared_type dt;
    split_declared_type(raw, &dt);
    return strcmp(dt.base, base) == 0;
}

/* The declared text with case and blanks normalized, for comparing two
** TYPE_OTHER spellings. */
static bool raw_types_same(const char *x, const char *y) {
    declared_type a, b;
    split_declared_type(x, &a);
    split_declared_type(y, &b);
    return !a.bad_args && !b.bad_args && strcmp(a.base, b.base) == 0 && a.nargs == b.nargs &&
           (a.nargs < 1 || a.args[0] == b.args[0]) && (a.nargs < 2 || a.args[1] == b.args[1]);
}

static bool sqlite_types_equal(const col_type *wanted, const col_type *current) {
    if (!wanted || !current) return false;
    /* wanted as it is (not copied: the differ asks for every column), or
    ** as SQLite reads its dialect spelling */
    const col_type *w = wanted;
    col_type parsed;
    if (w->kind == TYPE_OTHER) {
        if (current->raw && w->raw && raw_types_same(w->raw, current->raw)) return true;
        /* A dialect spelling in the model that SQLite knows as a kind. */
        arena *tmp = arena_new();
        parsed = sqlite_parse_type(tmp, wanted->raw);
        arena_free(tmp);
        parsed.raw = NULL;
        if (parsed.kind == TYPE_OTHER) return false;
        w = &parsed;
    }
    switch (w->kind) {
    case TYPE_INTERVAL:
        return current->kind == TYPE_INTERVAL || current->kind == TYPE_DATETIME;
    case TYPE_UUID:
        if (current->kind == TYPE_UUID) return true;
        /* retort renders Uuid as String(36) (portable to SQLAlchemy 1.4);
        ** SQLAlchemy 2's own Uuid is CHAR(32) on SQLite. */
        if (current->kind == TYPE_STRING && current->length == 36 &&
            (!current->raw || raw_base_is(current->raw, "VARCHAR")))
            return true;
        return current->kind == TYPE_STRING && current->length == 32 && current->raw &&
               raw_base_is(current->raw, "CHAR");
    case TYPE_STRING:
        return current->kind == TYPE_STRING && current->length == w->length;
    case TYPE_ENUM:
        /* sa.Enum on SQLite: VARCHAR(length of the longest label), no
        ** constraint (SQLAlchemy 1.4 and 2.0 both default to
        ** create_constraint=False); the labels are nowhere in the file. */
        return current->kind == TYPE_STRING && w->enumeration &&
               current->length == enum_type_max_length(w->enumeration);
    case TYPE_NUMERIC:
        return current->kind == TYPE_NUMERIC && current->precision == w->precision &&
               current->scale == w->scale;
    case TYPE_OTHER:
        return false;
    default:
        return current->kind == w->kind;
    }
}

/* --------------------------------------------------------------- defaults */

typedef enum affinity { AFF_BLOB, AFF_TEXT, AFF_NUMERIC, AFF_INTEGER, AFF_REAL } affinity;

/* Does s begin with word? */
static bool begins_with(const char *s, const char *word) {
    while (*word)
        if (*s++ != *word++) return false;
    return true;
}

/* SQLite's rules (datatype3.html, 3.1) on a declared type's text: the
** first rule whose word the upper-cased text holds anywhere wins (INT, then
** CHAR/CLOB/TEXT, then BLOB or no type, then REAL/FLOA/DOUB, else
** NUMERIC).  One pass notes which words it holds: the differ asks this
** for every current column with a default. */
static affinity affinity_of_declared(const char *decl) {
    char up[256];
    size_t n = 0;
    for (const char *p = decl; *p && n + 1 < sizeof up; p++) up[n++] = (char)toupper((unsigned char)*p);
    up[n] = '\0';
    bool text = false, blob = n == 0, real = false;
    for (const char *w = up; *w; w++) {
        switch (*w) {
        case 'I': if (begins_with(w, "INT")) return AFF_INTEGER; break;
        case 'C': text = text || begins_with(w, "CHAR") || begins_with(w, "CLOB"); break;
        case 'T': text = text || begins_with(w, "TEXT"); break;
        case 'B': blob = blob || begins_with(w, "BLOB"); break;
        case 'R': real = real || begins_with(w, "REAL"); break;
        case 'F': real = real || begins_with(w, "FLOA"); break;
        case 'D': real = real || begins_with(w, "DOUB"); break;
        default: break;
        }
    }
    return text ? AFF_TEXT : blob ? AFF_BLOB : real ? AFF_REAL : AFF_NUMERIC;
}

static affinity affinity_of(const col_type *t) {
    if (!t) return AFF_BLOB;
    if (t->raw) return affinity_of_declared(t->raw);
    switch (t->kind) {
    case TYPE_INTEGER: case TYPE_BIGINT: case TYPE_SMALLINT: return AFF_INTEGER;
    case TYPE_STRING: case TYPE_TEXT: case TYPE_UUID: return AFF_TEXT;
    case TYPE_LARGEBINARY: case TYPE_OTHER: return AFF_BLOB;
    case TYPE_FLOAT: return AFF_REAL;
    default: return AFF_NUMERIC;
    }
}

/* Digits without a sign or a leading zero, short enough for a long long:
** already the canonical text of the number. */
static bool plain_integer(const char *s) {
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9') n++;
    return n && !s[n] && n < 19 && (s[0] != '0' || n == 1);
}

/* The canonical text of a numeric literal ("+007" -> "7", "1.50" -> "1.5",
** "1.0" -> "1"), or NULL when s is not one well-formed number. */
static const char *canonical_number(arena *a, const char *s) {
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    bool digits = false, real = false;
    while (isdigit((unsigned char)*p)) { p++; digits = true; }
    if (*p == '.') {
        real = true;
        p++;
        while (isdigit((unsigned char)*p)) { p++; digits = true; }
    }
    if (!digits) return NULL;
    if (*p == 'e' || *p == 'E') {
        real = true;
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!isdigit((unsigned char)*p)) return NULL;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p) return NULL;
    if (plain_integer(s)) return s;     /* the default of nearly every column */
    if (!real) {
        errno = 0;
        long long v = strtoll(s, NULL, 10);
        if (!errno) return arena_printf(a, "%lld", v);
    }
    double d = strtod(s, NULL);
    if (d == floor(d) && fabs(d) < 9e15) return arena_printf(a, "%lld", (long long)d);
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", d);
    if (strtod(buf, NULL) != d) snprintf(buf, sizeof buf, "%.17g", d);
    return arena_strdup(a, buf);
}

static const char *quote_literal(arena *a, const char *value) { return dialect_quote_string(a, value); }

/* Collapse runs of blanks outside string literals to one space. */
static const char *normalize_blanks(arena *a, const char *s) {
    bool blanks = false;
    for (const char *p = s; *p && !blanks; p++) blanks = isspace((unsigned char)*p);
    if (!blanks) return s;      /* nothing to collapse */
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    bool in_str = false, pending_space = false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!in_str && isspace(c)) {
            pending_space = true;
            continue;
        }
        if (pending_space && sb.len) sb_appendc(&sb, ' ');
        pending_space = false;
        if (c == '\'') in_str = !in_str;
        sb_appendc(&sb, (char)c);
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static bool is_now_expression(const char *s) {
    static const char *const NOW_SPELLINGS[] = {
        "CURRENT_TIMESTAMP", "now()", "datetime('now')", "datetime(CURRENT_TIMESTAMP)",
    };
    for (size_t i = 0; i < sizeof NOW_SPELLINGS / sizeof NOW_SPELLINGS[0]; i++)
        if (!strcasecmp(s, NOW_SPELLINGS[i])) return true;
    return false;
}

typedef enum value_sort { VALUE_NUMBER, VALUE_STRING, VALUE_NOW, VALUE_EXPRESSION } value_sort;

/* The length of body when sql is '<body>' with no quote or blank in body
** (how SQLite reports the defaults SQLAlchemy writes: '0', 'pending',
** '{}'), else -1.  Such a literal has nothing to strip or collapse, and
** quoting its value again gives sql back. */
static long plain_literal_body(const char *sql) {
    if (sql[0] != '\'') return -1;
    size_t n = 1;
    while (sql[n] && sql[n] != '\'' && !isspace((unsigned char)sql[n])) n++;
    if (sql[n] != '\'' || sql[n + 1]) return -1;
    return (long)n - 1;
}

/* sqlite_canonical_default of a plain literal '<body>' (plain_literal_body:
** n), the general path's result without its copies: the string on TEXT
** and BLOB affinity, or where body is not a number (canonical_number
** wants a sign, a digit or a point first); else the number. */
static const char *canonical_plain_literal(arena *a, const col_type *type, const char *sql, size_t n) {
    affinity aff = affinity_of(type);
    if (aff == AFF_TEXT || aff == AFF_BLOB) return sql;
    char first = sql[1];
    if (!n || !(isdigit((unsigned char)first) || first == '+' || first == '-' || first == '.')) return sql;
    const char *num = canonical_number(a, arena_strcopy(a, sql + 1, n));
    return num ? num : sql;
}

static const char *sqlite_canonical_default(arena *a, const col_type *type, const server_default *d) {
    if (!d) return NULL;
    value_sort sort;
    const char *text;
    switch (d->kind) {
    case DEFAULT_NONE:
        return NULL;
    case DEFAULT_STRING:
        sort = VALUE_STRING;
        text = d->text ? d->text : "";
        break;
    case DEFAULT_NUMBER: {
        const char *n = d->text ? canonical_number(a, d->text) : NULL;
        sort = n ? VALUE_NUMBER : VALUE_EXPRESSION;
        text = n ? n : (d->text ? d->text : "");
        break;
    }
    case DEFAULT_BOOL:
        sort = VALUE_NUMBER;
        text = d->bool_value ? "1" : "0";
        break;
    case DEFAULT_NOW:
        sort = VALUE_NOW;
        text = "CURRENT_TIMESTAMP";
        break;
    case DEFAULT_SQL:
    default: {
        if (!d->text) return NULL;
        if (plain_integer(d->text)) {
            /* what SQLite reports for most numeric defaults: nothing to
            ** strip, unquote or rewrite */
            if (affinity_of(type) == AFF_TEXT) return quote_literal(a, d->text);
            return d->text;
        }
        if (!strcmp(d->text, "CURRENT_TIMESTAMP")) return "CURRENT_TIMESTAMP";
        long body = plain_literal_body(d->text);
        if (body >= 0) return canonical_plain_literal(a, type, d->text, (size_t)body);
        const char *s = normalize_blanks(a, dialect_strip_parens(a, d->text));
        /* A literal (SQLite reports most defaults quoted) begins with a
        ** quote or E': it is not empty, NULL or a number. */
        const char *lit = dialect_unquote_literal(a, s);
        if (lit) { sort = VALUE_STRING; text = lit; break; }
        if (!*s || !strcasecmp(s, "NULL")) return NULL;
        const char *num = canonical_number(a, s);
        if (num) { sort = VALUE_NUMBER; text = num; }
        else if (!strcasecmp(s, "TRUE")) { sort = VALUE_NUMBER; text = "1"; }
        else if (!strcasecmp(s, "FALSE")) { sort = VALUE_NUMBER; text = "0"; }
        else if (is_now_expression(s)) { sort = VALUE_NOW; text = "CURRENT_TIMESTAMP"; }
        else { sort = VALUE_EXPRESSION; text = s; }
        break;
    }
    }
    /* What SQLite stores for the value in a column of this affinity (which
    ** only a string or a number depends on). */
    if (sort == VALUE_STRING || sort == VALUE_NUMBER) {
        affinity aff = affinity_of(type);
        if (sort == VALUE_STRING && aff != AFF_TEXT && aff != AFF_BLOB) {
            const char *num = canonical_number(a, text);
            if (num) { sort = VALUE_NUMBER; text = num; }
        } else if (sort == VALUE_NUMBER && aff == AFF_TEXT) {
            sort = VALUE_STRING;
        }
    }
    switch (sort) {
    case VALUE_STRING: return quote_literal(a, text);
    case VALUE_NOW: return "CURRENT_TIMESTAMP";
    /* text is static, d's or already in a (for comparison only, as the
    ** plain integer above): not copied */
    default: return text;
    }
}

/* ------------------------------------------------------------ identifiers */

/* SQLite's keywords (lang_keywords.html).  Not all are reserved in every
** position, but quoting one is never wrong. */
static const char *const SQLITE_KEYWORDS[] = {
    "ABORT", "ACTION", "ADD", "AFTER", "ALL", "ALTER", "ALWAYS", "ANALYZE", "AND", "AS",
    "ASC", "ATTACH", "AUTOINCREMENT", "BEFORE", "BEGIN", "BETWEEN", "BY", "CASCADE", "CASE",
    "CAST", "CHECK", "COLLATE", "COLUMN", "COMMIT", "CONFLICT", "CONSTRAINT", "CREATE",
    "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DATABASE",
    "DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE", "DESC", "DETACH", "DISTINCT", "DO",
    "DROP", "EACH", "ELSE", "END", "ESCAPE", "EXCEPT", "EXCLUDE", "EXCLUSIVE", "EXISTS",
    "EXPLAIN", "FAIL", "FILTER", "FIRST", "FOLLOWING", "FOR", "FOREIGN", "FROM", "FULL",
    "GENERATED", "GLOB", "GROUP", "GROUPS", "HAVING", "IF", "IGNORE", "IMMEDIATE", "IN",
    "INDEX", "INDEXED", "INITIALLY", "INNER", "INSERT", "INSTEAD", "INTERSECT", "INTO", "IS",
    "ISNULL", "JOIN", "KEY", "LAST", "LEFT", "LIKE", "LIMIT", "MATCH", "MATERIALIZED",
    "NATURAL", "NO", "NOT", "NOTHING", "NOTNULL", "NULL", "NULLS", "OF", "OFFSET", "ON", "OR",
    "ORDER", "OTHERS", "OUTER", "OVER", "PARTITION", "PLAN", "PRAGMA", "PRECEDING",
    "PRIMARY", "QUERY", "RAISE", "RANGE", "RECURSIVE", "REFERENCES", "REGEXP", "REINDEX",
    "RELEASE", "RENAME", "REPLACE", "RESTRICT", "RETURNING", "RIGHT", "ROLLBACK", "ROW",
    "ROWS", "SAVEPOINT", "SELECT", "SET", "TABLE", "TEMP", "TEMPORARY", "THEN", "TIES", "TO",
    "TRANSACTION", "TRIGGER", "UNBOUNDED", "UNION", "UNIQUE", "UPDATE", "USING", "VACUUM",
    "VALUES", "VIEW", "VIRTUAL", "WHEN", "WHERE", "WINDOW", "WITH", "WITHOUT",
};

static bool is_sqlite_keyword(const char *s) {
    char first = (char)toupper((unsigned char)s[0]);   /* the keywords are upper case */
    for (size_t i = 0; i < sizeof SQLITE_KEYWORDS / sizeof SQLITE_KEYWORDS[0]; i++)
        if (SQLITE_KEYWORDS[i][0] == first && !strcasecmp(s, SQLITE_KEYWORDS[i])) return true;
    return false;
}

static const char *sqlite_quote_ident(arena *a, const char *ident) {
    if (!ident) return NULL;
    bool plain = ident[0] && (isalpha((unsigned char)ident[0]) || ident[0] == '_');
    for (const char *p = ident; plain && *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') plain = false;
    if (plain && !is_sqlite_keyword(ident)) return arena_strdup(a, ident);
    return dialect_double_quote(a, ident);
}

/* ---------------------------------------------------------------- dialect */

static const dialect SQLITE_DIALECT = {
    .kind = DIALECT_SQLITE,
    .name = "sqlite",
    .stores_comments = false,
    .alter_needs_batch = true,
    .parse_type = sqlite_parse_type,
    .types_equal = sqlite_types_equal,
    .canonical_default = sqlite_canonical_default,
    .quote_ident = sqlite_quote_ident,
    .quote_literal = dialect_quote_string,  /* SQLite has no escapes in literals */
};

const dialect *dialect_sqlite(void) { return &SQLITE_DIALECT; }
