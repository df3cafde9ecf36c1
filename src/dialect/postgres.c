/*
** postgres.c — the PostgreSQL dialect: how PostgreSQL spells types, how it
** keeps server defaults, and when an identifier needs quoting.
**
** The introspector (src/introspect/postgres.c) reads types as format_type()
** prints them ("character varying(255)", "timestamp with time zone") and
** defaults as pg_get_expr() prints them ("'pending'::character varying",
** "now()", "false", "'-1'::integer", "nextval('t_id_seq'::regclass)").  The
** differ asks this dialect whether those are the same as what the models say
** (String(255), @default("pending"), @default(now())...).  The rules are
** listed for users in docs/postgresql.md ("why no change was reported"):
**
**   types     Float matches double precision (and real when the model asks
**             for precision <= 24, which no model spelling does today);
**             JSON matches json, JSONB jsonb; Uuid matches varchar(36) (how
**             retort renders it) and uuid, UUID only uuid; ARRAY(T) matches
**             T[] whatever the dimensions;
**             DateTime/Time match with the same time zone flag, whatever the
**             fractional-second precision.
**   defaults  casts after literals are dropped ('x'::text -> 'x'); enclosing
**             parentheses are dropped; the value is then read according to
**             the column's type: numbers compare as numbers ('0'::integer,
**             0, (0) and @default(0) are equal; 1.50 equals 1.5), booleans as
**             booleans ('0', false, 'f', @default(false)), JSON by content
**             ('{"a":1}' equals '{"a": 1}'), other types as string literals;
**             now(), CURRENT_TIMESTAMP and transaction_timestamp() are the
**             same; a nextval(...) default (serial columns) counts as no
**             default, since the model side expresses it as autoincrement.
**
** Every canonical default is prefixed with a letter saying what it is
** ("n:0", "b:false", "s:'pending'", "j:{}", "x:now()") so that a string
** default can never be mistaken for an expression of the same spelling.
*/
#include "dialect/dialect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ text helpers */

static bool starts_with_ci(const char *s, const char *prefix) {
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Copy of s with surrounding white space removed. */
static char *trimmed(arena *a, const char *s) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    return arena_strndup(a, s, n);
}

/* Index just past the quoted literal or identifier that opens at s[i]
** (quote character q, doubled to escape); the string's end when unclosed. */
static size_t skip_quoted(const char *s, size_t i, char q) {
    for (i++; s[i]; i++) {
        if (s[i] == q) {
            if (s[i + 1] == q) i++;
            else return i + 1;
        }
    }
    return i;
}

/* True when s (length n) is "( ... )" with the two parentheses matching. */
static bool wrapped_in_parens(const char *s, size_t n) {
    if (n < 2 || s[0] != '(' || s[n - 1] != ')') return false;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'' || s[i] == '"') {
            i = skip_quoted(s, i, s[i]) - 1;
            continue;
        }
        if (s[i] == '(') depth++;
        else if (s[i] == ')' && --depth == 0 && i != n - 1) return false;
    }
    return depth == 0;
}

/* Index just past the type name of a cast that starts at s[i] (just after
** "::"): a word or quoted name, then any of "(...)", "[]" and the words
** that continue PostgreSQL's multi-word type names ("character varying(255)",
** "timestamp(3) with time zone", "double precision", "integer[]"). */
static size_t skip_type_name(const char *s, size_t i) {
    static const char *const continuations[] = {
        " varying", " precision", " with time zone", " without time zone",
    };
    while (s[i] == ' ') i++;
    if (s[i] == '"') i = skip_quoted(s, i, '"');
    else
        while (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.') i++;
    for (;;) {
        if (s[i] == '(') {
            while (s[i] && s[i] != ')') i++;
            if (s[i]) i++;
            continue;
        }
        if (s[i] == '[' && s[i + 1] == ']') {
            i += 2;
            continue;
        }
        bool more = false;
        for (size_t k = 0; k < sizeof continuations / sizeof *continuations; k++) {
            size_t n = strlen(continuations[k]);
            if (!strncasecmp(s + i, continuations[k], n) && !isalnum((unsigned char)s[i + n]) &&
                s[i + n] != '_') {
                i += n;
                more = true;
                break;
            }
        }
        if (!more) return i;
    }
}

/*
** The expression with its spelling normalized for comparison:
**   - a cast right after a quoted literal is dropped ('utc'::text -> 'utc'),
**     and so is a cast that ends the whole expression (0::integer -> 0);
**   - runs of white space outside literals become one space;
**   - everything outside single-quoted literals and double-quoted names is
**     lower case (PostgreSQL folds unquoted names);
**   - enclosing parentheses around the whole are dropped, repeatedly.
*/
static char *normalize_expression(arena *a, const char *sql) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    const char *s = sql;
    size_t i = 0;
    while (isspace((unsigned char)s[i])) i++;
    bool after_literal = false;
    while (s[i]) {
        char c = s[i];
        if (c == '\'' || c == '"') {
            size_t end = skip_quoted(s, i, c);
            sb_appendn(&sb, s + i, end - i);
            after_literal = c == '\'';
            i = end;
            continue;
        }
        if (c == ':' && s[i + 1] == ':') {
            size_t j = skip_type_name(s, i + 2);
            size_t k = j;
            while (isspace((unsigned char)s[k])) k++;
            if (after_literal || s[k] == '\0') {
                i = j;
                after_literal = false;
                continue;
            }
        }
        if (isspace((unsigned char)c)) {
            while (isspace((unsigned char)s[i])) i++;
            if (s[i]) sb_appendc(&sb, ' ');
            continue;
        }
        if (!(c == ')' && after_literal)) after_literal = false;
        sb_appendc(&sb, (char)tolower((unsigned char)c));
        i++;
    }
    /* drop enclosing parentheses (and the spaces they leave) */
    const char *r = sb_str(&sb);
    size_t start = 0, n = sb.len;
    for (;;) {
        while (n && isspace((unsigned char)r[start])) { start++; n--; }
        while (n && isspace((unsigned char)r[start + n - 1])) n--;
        if (!wrapped_in_parens(r + start, n)) break;
        start++;
        n -= 2;
    }
    char *out = arena_strndup(a, r + start, n);
    sb_free(&sb);
    return out;
}

/* The value of s when it is exactly one single-quoted literal (E'' too):
** 'it''s' -> it's.  NULL otherwise. */
static const char *literal_value(arena *a, const char *s) { return dialect_unquote_literal(a, s); }

/* The literal PostgreSQL reads as v whatever standard_conforming_strings
** says: without a backslash, 'v' means v under both settings; with one,
** only the escape-string form E'...' does (backslashes doubled). */
static const char *pg_quote_literal(arena *a, const char *v) {
    if (!v || !strchr(v, '\\')) return dialect_quote_string(a, v);
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "E'");
    for (const char *p = v; *p; p++) {
        if (*p == '\\' || *p == '\'') sb_appendc(&sb, *p);
        sb_appendc(&sb, *p);
    }
    sb_appendc(&sb, '\'');
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* A decimal number in canonical form ("+007.50" -> "7.5", "-0" -> "0",
** "1e3" kept as "1e3"), or NULL when v is not a plain number. */
static char *canonical_number(arena *a, const char *v) {
    const char *p = v;
    while (isspace((unsigned char)*p)) p++;
    bool negative = false;
    if (*p == '+' || *p == '-') {
        negative = *p == '-';
        p++;
        while (isspace((unsigned char)*p)) p++;
    }
    const char *int_start = p;
    while (isdigit((unsigned char)*p)) p++;
    size_t int_len = (size_t)(p - int_start);
    const char *frac_start = p, *frac_end = p;
    if (*p == '.') {
        frac_start = ++p;
        while (isdigit((unsigned char)*p)) p++;
        frac_end = p;
    }
    if (int_len == 0 && frac_end == frac_start) return NULL;
    const char *exp = p;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!isdigit((unsigned char)*p)) return NULL;
        while (isdigit((unsigned char)*p)) p++;
    }
    size_t exp_len = (size_t)(p - exp);
    while (isspace((unsigned char)*p)) p++;
    if (*p) return NULL;
    while (int_len > 1 && *int_start == '0') { int_start++; int_len--; }
    while (frac_end > frac_start && frac_end[-1] == '0') frac_end--;
    size_t frac_len = (size_t)(frac_end - frac_start);
    bool zero = exp_len == 0 && frac_len == 0 && (int_len == 0 || (int_len == 1 && *int_start == '0'));
    if (zero) return arena_strdup(a, "0");
    return arena_printf(a, "%s%.*s%s%.*s%.*s", negative ? "-" : "", int_len ? (int)int_len : 1,
                        int_len ? int_start : "0", frac_len ? "." : "", (int)frac_len, frac_start,
                        (int)exp_len, exp);
}

/* PostgreSQL's boolean input spellings; returns 1, 0, or -1 when v is none. */
static int boolean_value(const char *v) {
    static const char *const yes[] = {"t", "true", "y", "yes", "on", "1"};
    static const char *const no[] = {"f", "false", "n", "no", "off", "0"};
    char buf[8];
    size_t n = 0;
    while (isspace((unsigned char)*v)) v++;
    while (*v && !isspace((unsigned char)*v) && n < sizeof buf - 1) buf[n++] = *v++;
    buf[n] = '\0';
    while (isspace((unsigned char)*v)) v++;
    if (*v) return -1;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (!strcasecmp(buf, yes[i])) return 1;
        if (!strcasecmp(buf, no[i])) return 0;
    }
    return -1;
}

/* ------------------------------------------------------------------ types */

/* "name(12)" / "name(10,2)": reads the numbers after prefix.  Returns the
** count read (0, 1 or 2) and sets *rest to what follows, or -1 when the
** text after prefix is not "", "(n)" or "(n,m)". */
static int type_args(const char *s, const char *prefix, int *n1, int *n2, const char **rest) {
    size_t plen = strlen(prefix);
    if (strncasecmp(s, prefix, plen)) return -1;
    const char *p = s + plen;
    *n1 = *n2 = -1;
    while (*p == ' ') p++;
    if (*p != '(') {
        *rest = p;
        return 0;
    }
    char *end;
    long a = strtol(p + 1, &end, 10);
    if (end == p + 1) return -1;
    *n1 = (int)a;
    p = end;
    while (*p == ' ') p++;
    int count = 1;
    if (*p == ',') {
        long b = strtol(p + 1, &end, 10);
        if (end == p + 1) return -1;
        *n2 = (int)b;
        p = end;
        while (*p == ' ') p++;
        count = 2;
    }
    if (*p != ')') return -1;
    p++;
    while (*p == ' ') p++;
    *rest = p;
    return count;
}

/* Is s (after prefix and optional "(n)") exactly prefix, possibly followed by
** the given suffixes?  Helper for the timestamp / time spellings. */
static bool time_type(const char *s, const char *prefix, bool *tz, bool *matched) {
    int n1, n2;
    const char *rest;
    *matched = false;
    if (type_args(s, prefix, &n1, &n2, &rest) < 0 || n2 != -1) return false;
    if (*rest && !isspace((unsigned char)rest[-1]) && rest[-1] != ')') return false;
    if (!*rest || !strcasecmp(rest, "without time zone")) *tz = false;
    else if (!strcasecmp(rest, "with time zone")) *tz = true;
    else return false;
    *matched = true;
    return true;
}

static col_type pg_parse_type(arena *a, const char *db_type) {
    col_type t = {.kind = TYPE_OTHER, .length = -1, .precision = -1, .scale = -1};
    if (!db_type) return t;
    char *s = trimmed(a, db_type);
    t.raw = s;
    int n1, n2;
    const char *rest;
    bool tz, matched;

    static const struct { const char *name; type_kind kind; } simple[] = {
        {"text", TYPE_TEXT},           {"integer", TYPE_INTEGER},      {"int", TYPE_INTEGER},
        {"int4", TYPE_INTEGER},        {"bigint", TYPE_BIGINT},        {"int8", TYPE_BIGINT},
        {"smallint", TYPE_SMALLINT},   {"int2", TYPE_SMALLINT},        {"double precision", TYPE_FLOAT},
        {"float8", TYPE_FLOAT},        {"float", TYPE_FLOAT},          {"boolean", TYPE_BOOLEAN},
        {"bool", TYPE_BOOLEAN},        {"date", TYPE_DATE},            {"json", TYPE_JSON},
        {"bytea", TYPE_LARGEBINARY},   {"uuid", TYPE_UUID_NATIVE},     {"inet", TYPE_INET},
        {"cidr", TYPE_CIDR},           {"macaddr", TYPE_MACADDR},      {"tsvector", TYPE_TSVECTOR},
        {"citext", TYPE_CITEXT},
    };
    /* "integer[]", "character varying(20)[]" (format_type prints one "[]"
    ** whatever the dimensions): an array of the element type.  An array of
    ** a type with no model spelling stays TYPE_OTHER. */
    size_t len = strlen(s);
    if (len > 2 && !strcmp(s + len - 2, "[]")) {
        size_t n = len - 2;
        while (n > 2 && !strncmp(s + n - 2, "[]", 2)) n -= 2;
        col_type *e = arena_alloc(a, sizeof *e);
        *e = pg_parse_type(a, arena_strndup(a, s, n));
        if (e->kind != TYPE_OTHER && e->kind != TYPE_ARRAY) {
            t.kind = TYPE_ARRAY;
            t.element = e;
            t.dimensions = (int)((len - n) / 2);
        }
        return t;
    }
    for (size_t i = 0; i < sizeof simple / sizeof *simple; i++)
        if (!strcasecmp(s, simple[i].name)) {
            t.kind = simple[i].kind;
            return t;
        }
    if (!strcasecmp(s, "jsonb")) {
        t.kind = TYPE_JSON;
        t.jsonb = true;
        return t;
    }
    if (!strcasecmp(s, "real") || !strcasecmp(s, "float4")) {
        t.kind = TYPE_FLOAT;
        t.precision = 24;
        return t;
    }
    if ((type_args(s, "character varying", &n1, &n2, &rest) >= 0 ||
         type_args(s, "varchar", &n1, &n2, &rest) >= 0) && !*rest && n2 == -1) {
        t.kind = TYPE_STRING;
        t.length = n1;
        return t;
    }
    if ((type_args(s, "numeric", &n1, &n2, &rest) >= 0 ||
         type_args(s, "decimal", &n1, &n2, &rest) >= 0) && !*rest) {
        t.kind = TYPE_NUMERIC;
        t.precision = n1;
        t.scale = n1 >= 0 && n2 < 0 ? 0 : n2;
        return t;
    }
    if (!strcasecmp(s, "timestamptz")) {
        t.kind = TYPE_DATETIME;
        t.timezone = true;
        return t;
    }
    if (time_type(s, "timestamp", &tz, &matched) && matched) {
        t.kind = TYPE_DATETIME;
        t.timezone = tz;
        return t;
    }
    if (!strcasecmp(s, "timetz")) {
        t.kind = TYPE_TIME;
        t.timezone = true;
        return t;
    }
    if (time_type(s, "time", &tz, &matched) && matched) {
        t.kind = TYPE_TIME;
        t.timezone = tz;
        return t;
    }
    /* "interval", "interval day to second", "interval(3)" */
    if (starts_with_ci(s, "interval") && (s[8] == '\0' || s[8] == ' ' || s[8] == '(')) {
        t.kind = TYPE_INTERVAL;
        return t;
    }
    return t;   /* arrays, character(n), enums, domains...: TYPE_OTHER */
}

/* Float precision class: 24 and below is real, above (or none) double. */
static bool float_is_real(int precision) { return precision >= 1 && precision <= 24; }

/* Type names compared loosely: case and runs of spaces ignored. */
static bool raw_types_equal(const char *a, const char *b) {
    if (!a || !b) return a == b;
    for (;;) {
        while (*a == ' ') a++;
        while (*b == ' ') b++;
        if (!*a || !*b) return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
        a++;
        b++;
    }
}

static bool pg_types_equal(const col_type *wanted, const col_type *current) {
    col_type w = *wanted;
    col_type c = *current;
    /* A dialect type written out in a model (TYPE_OTHER "varchar(10)") is
    ** read the way the server's spelling is. */
    arena *scratch = NULL;
    if (w.kind == TYPE_OTHER && w.raw) {
        scratch = arena_new();
        w = pg_parse_type(scratch, w.raw);
    }
    bool equal = false;
    if (w.kind == TYPE_UUID && c.kind == TYPE_STRING)
        equal = c.length == 36;     /* retort renders Uuid as String(36) */
    else if (w.kind == TYPE_UUID && c.kind == TYPE_UUID_NATIVE)
        equal = true;               /* a portable Uuid matches a native uuid too */
    else if (w.kind != c.kind) equal = false;
    else switch (w.kind) {
        case TYPE_STRING:
            equal = w.length == c.length;
            break;
        case TYPE_NUMERIC: {
            int ws = w.precision >= 0 && w.scale < 0 ? 0 : w.scale;
            equal = w.precision == c.precision && ws == c.scale;
            break;
        }
        case TYPE_FLOAT:
            equal = float_is_real(w.precision) == float_is_real(c.precision);
            break;
        case TYPE_DATETIME:
        case TYPE_TIME:
            equal = w.timezone == c.timezone;
            break;
        case TYPE_JSON:
            equal = w.jsonb == c.jsonb;
            break;
        case TYPE_ARRAY:
            /* Dimensions are not compared: the server does not enforce them. */
            equal = w.element && c.element && w.element->kind != TYPE_ARRAY && pg_types_equal(w.element, c.element);
            break;
        case TYPE_ENUM:
            /* The same type by name; its labels are compared as the type's
            ** own (the differ's enum comparison). */
            equal = w.enumeration && c.enumeration && !strcmp(w.enumeration->name, c.enumeration->name);
            break;
        case TYPE_OTHER:
            equal = raw_types_equal(w.raw, c.raw);
            break;
        default:
            equal = true;
            break;
    }
    if (scratch) arena_free(scratch);
    return equal;
}

/* --------------------------------------------------------------- defaults */

typedef enum value_class { CLASS_NUMBER, CLASS_BOOLEAN, CLASS_JSON, CLASS_TEXT } value_class;

static value_class class_of(const col_type *t) {
    if (!t) return CLASS_TEXT;
    switch (t->kind) {
        case TYPE_INTEGER: case TYPE_BIGINT: case TYPE_SMALLINT:
        case TYPE_FLOAT: case TYPE_NUMERIC:
            return CLASS_NUMBER;
        case TYPE_BOOLEAN:
            return CLASS_BOOLEAN;
        case TYPE_JSON:
            return CLASS_JSON;
        default:
            return CLASS_TEXT;
    }
}

/* The canonical form of a literal value (unquoted text) on a column of class
** cls. */
static const char *canonical_value(arena *a, value_class cls, const char *v) {
    switch (cls) {
        case CLASS_NUMBER: {
            const char *n = canonical_number(a, v);
            if (n) return arena_printf(a, "n:%s", n);
            break;
        }
        case CLASS_BOOLEAN: {
            int b = boolean_value(v);
            if (b >= 0) return b ? "b:true" : "b:false";
            break;
        }
        case CLASS_JSON: {
            json_error_t err;
            json_t *j = json_loads(v, JSON_DECODE_ANY, &err);
            if (j) {
                char *dump = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
                json_decref(j);
                if (dump) {
                    const char *r = arena_printf(a, "j:%s", dump);
                    free(dump);
                    return r;
                }
            }
            break;
        }
        case CLASS_TEXT:
            break;
    }
    return arena_printf(a, "s:%s", dialect_quote_string(a, v));
}

/* The canonical form of an SQL expression kept as a server default. */
static const char *canonical_sql(arena *a, value_class cls, const char *sql) {
    char *e = normalize_expression(a, sql);
    if (!*e) return NULL;
    if (starts_with_ci(e, "nextval(")) return NULL;     /* serial: autoincrement */
    const char *lit = literal_value(a, e);
    if (lit) return canonical_value(a, cls, lit);
    if (cls == CLASS_NUMBER && canonical_number(a, e)) return canonical_value(a, cls, e);
    if (!strcmp(e, "true") || !strcmp(e, "false")) {
        if (cls == CLASS_BOOLEAN) return canonical_value(a, cls, e);
        if (cls == CLASS_NUMBER) return e[0] == 't' ? "n:1" : "n:0";
    }
    if (!strcmp(e, "null")) return NULL;
    if (!strcmp(e, "now()") || !strcmp(e, "current_timestamp") ||
        !strcmp(e, "transaction_timestamp()"))
        return "x:now()";
    return arena_printf(a, "x:%s", e);
}

static const char *pg_canonical_default(arena *a, const col_type *type, const server_default *d) {
    if (!d) return NULL;
    value_class cls = class_of(type);
    switch (d->kind) {
        case DEFAULT_NONE:
            return NULL;
        case DEFAULT_STRING:
            return canonical_value(a, cls, d->text ? d->text : "");
        case DEFAULT_NUMBER:
            return canonical_value(a, cls, d->text ? d->text : "0");
        case DEFAULT_BOOL:
            if (cls == CLASS_NUMBER) return d->bool_value ? "n:1" : "n:0";
            if (cls == CLASS_TEXT) return canonical_value(a, cls, d->bool_value ? "true" : "false");
            return d->bool_value ? "b:true" : "b:false";
        case DEFAULT_NOW:
            return "x:now()";
        case DEFAULT_SQL:
            return d->text ? canonical_sql(a, cls, d->text) : NULL;
    }
    return NULL;
}

/* ---------------------------------------------------------------- quoting */

/* PostgreSQL's reserved key words, and the ones it reserves where a type or
** function name can stand (they cannot be column names unquoted).  Sorted. */
static const char *const RESERVED[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "binary", "both", "case", "cast", "check", "collate", "collation",
    "column", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
    "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
    "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant",
    "group", "having", "ilike", "in", "initially", "inner", "intersect", "into", "is",
    "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
    "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or",
    "order", "outer", "overlaps", "placing", "primary", "references", "returning",
    "right", "select", "session_user", "similar", "some", "symmetric", "system_user",
    "table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user",
    "using", "variadic", "verbose", "when", "where", "window", "with",
};

static int compare_words(const void *key, const void *item) {
    return strcmp((const char *)key, *(const char *const *)item);
}

static const char *pg_quote_ident(arena *a, const char *ident) {
    if (!ident) return NULL;
    bool plain = (islower((unsigned char)ident[0]) || ident[0] == '_');
    for (const char *p = ident; *p && plain; p++)
        plain = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' || *p == '$';
    if (plain && !bsearch(ident, RESERVED, sizeof RESERVED / sizeof *RESERVED, sizeof *RESERVED,
                          compare_words))
        return arena_strdup(a, ident);
    return dialect_double_quote(a, ident);
}

/* ---------------------------------------------------------------- dialect */

static const dialect POSTGRESQL = {
    .kind = DIALECT_POSTGRESQL,
    .name = "postgresql",
    .stores_comments = true,
    .has_enum_types = true,
    .alter_needs_batch = false,
    .parse_type = pg_parse_type,
    .types_equal = pg_types_equal,
    .canonical_default = pg_canonical_default,
    .quote_ident = pg_quote_ident,
    .quote_literal = pg_quote_literal,
};

const dialect *dialect_postgresql(void) { return &POSTGRESQL; }
