/*
** dialect.c — choosing a dialect, and the text helpers the dialects share.
*/
#include "dialect/dialect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const dialect *dialect_for_url(const char *url) {
    if (!url) return NULL;
    size_t n = strcspn(url, "+:");
    if (n == 6 && !strncmp(url, "sqlite", 6)) return dialect_sqlite();
    if ((n == 10 && !strncmp(url, "postgresql", 10)) || (n == 8 && !strncmp(url, "postgres", 8)))
        return dialect_postgresql();
    return NULL;
}

/* Index just past the parenthesis matching the one at s[open], honouring
** single-quoted literals; 0 when unbalanced. */
static size_t matching_paren(const char *s, size_t open) {
    int depth = 0;
    bool in_str = false;
    for (size_t i = open; s[i]; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\'') {
                if (s[i + 1] == '\'') i++;
                else in_str = false;
            }
        } else if (c == '\'') {
            in_str = true;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0) return i + 1;
        }
    }
    return 0;
}

/* Is s[0..len) one operand: a single-quoted literal, a parenthesized
** group, or a bare word/number? */
static bool is_atom(const char *s, size_t len) {
    while (len && isspace((unsigned char)*s)) { s++; len--; }
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (!len) return false;
    if (s[0] == '\'') {
        size_t i = 1;
        while (i < len) {
            if (s[i] == '\'') {
                if (i + 1 < len && s[i + 1] == '\'') { i += 2; continue; }
                return i + 1 == len;
            }
            i++;
        }
        return false;
    }
    if (s[0] == '(') {
        char *copy = strndup(s, len);
        if (!copy) util_oom();
        bool whole = matching_paren(copy, 0) == len;
        free(copy);
        return whole;
    }
    for (size_t i = 0; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-')) return false;
    return true;
}

/* Position of a trailing "::type" cast that applies to the whole
** expression (the part before it is one operand, the part after it a type
** name such as "character varying(255)" or "text[]"), or len. */
static size_t trailing_cast(const char *s, size_t len) {
    int depth = 0;
    bool in_str = false;
    size_t last = len;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\'') {
                if (i + 1 < len && s[i + 1] == '\'') i++;
                else in_str = false;
            }
        } else if (c == '\'') in_str = true;
        else if (c == '(') depth++;
        else if (c == ')') depth--;
        else if (c == ':' && depth == 0 && i + 1 < len && s[i + 1] == ':') {
            last = i;
            i++;
        }
    }
    if (last == len) return len;
    for (size_t i = last + 2; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || strchr(" _\"()[],", s[i]))) return len;
    return is_atom(s, last) ? last : len;
}

const char *dialect_strip_parens(arena *a, const char *sql) {
    if (!sql) return NULL;
    const char *s = sql;
    size_t len = strlen(s);
    for (;;) {
        while (len && isspace((unsigned char)*s)) { s++; len--; }
        while (len && isspace((unsigned char)s[len - 1])) len--;
        size_t cast = trailing_cast(s, len);
        if (cast < len) { len = cast; continue; }
        if (len >= 2 && s[0] == '(' && matching_paren(s, 0) == len) {
            s++;
            len -= 2;
            continue;
        }
        break;
    }
    return arena_strndup(a, s, len);
}

/* The character a backslash escape of an E'' string stands for ('\\',
** '\'', n, t, r, b, f); -1 for the escapes retort does not decode (octal,
** \x, \u: such a default is compared as written, never misread). */
static int escape_char(char c) {
    switch (c) {
    case '\\': return '\\';
    case '\'': return '\'';
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'b': return '\b';
    case 'f': return '\f';
    default: return -1;
    }
}

const char *dialect_unquote_literal(arena *a, const char *s) {
    if (!s) return NULL;
    size_t len = strlen(s);
    /* PostgreSQL escape-string syntax E'...' is accepted too. */
    bool escapes = len >= 3 && (s[0] == 'E' || s[0] == 'e') && s[1] == '\'';
    if (escapes) { s++; len--; }
    if (len < 2 || s[0] != '\'' || s[len - 1] != '\'') return NULL;
    /* The value is never longer than the literal: written in place. */
    char *r = arena_string_room(a, len), *w = r;
    for (size_t i = 1; i + 1 < len; i++) {
        if (escapes && s[i] == '\\') {
            int c = i + 2 < len ? escape_char(s[i + 1]) : -1;
            if (c < 0) return NULL;
            *w++ = (char)c;
            i++;
            continue;
        }
        if (s[i] == '\'') {
            if (s[i + 1] != '\'' || i + 2 >= len) return NULL;
            i++;
        }
        *w++ = s[i];
    }
    *w = '\0';
    return r;
}

/* s between two q's, inner q's doubled (written in place: no buffer). */
static const char *quoted(arena *a, const char *s, char q) {
    if (!s) s = "";
    size_t n = 0, extra = 0;
    for (; s[n]; n++) extra += s[n] == q;
    char *r = arena_string_room(a, n + extra + 2), *w = r;
    *w++ = q;
    for (const char *p = s; *p; p++) {
        if (*p == q) *w++ = q;
        *w++ = *p;
    }
    *w++ = q;
    *w = '\0';
    return r;
}

const char *dialect_double_quote(arena *a, const char *ident) { return quoted(a, ident, '"'); }

const char *dialect_quote_table(const dialect *d, arena *a, const char *nsp, const char *name) {
    return nsp ? arena_printf(a, "%s.%s", d->quote_ident(a, nsp), d->quote_ident(a, name)) : d->quote_ident(a, name);
}
const char *dialect_quote_string(arena *a, const char *text) { return quoted(a, text, '\''); }

/* PostgreSQL's makeObjectName(): "<name1>_<name2>_<label>", shortening the
** longer of name1 / name2 one byte at a time until the whole fits in
** NAMEDATALEN - 1 = 63 bytes.  (Multibyte clipping is not reproduced:
** identifiers here are ASCII in practice.) */
const char *pg_constraint_name(arena *a, const char *table, const str_vec *columns,
                               const char *suffix) {
    enum { MAX_IDENT = 63 };
    strbuf cols = STRBUF_INIT;
    if (columns)
        for (size_t i = 0; i < columns->len; i++) {
            if (i) sb_appendc(&cols, '_');
            sb_append(&cols, columns->items[i]);
        }
    size_t n1 = strlen(table), n2 = cols.len;
    size_t overhead = strlen(suffix) + 1 + (n2 ? 1 : 0);
    size_t avail = MAX_IDENT - overhead;
    while (n1 + n2 > avail) {
        if (n1 > n2) n1--;
        else n2--;
    }
    const char *r = n2 ? arena_printf(a, "%.*s_%.*s_%s", (int)n1, table, (int)n2, sb_str(&cols), suffix)
                       : arena_printf(a, "%.*s_%s", (int)n1, table, suffix);
    sb_free(&cols);
    return r;
}
