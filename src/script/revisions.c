/*
** revisions.c — revision files: reading their headers, the rule for
** revision ids and branch labels, naming new files.
**
** The header reader reads a file once, as Python's tokenizer sees it, and
** interprets only the module docstring and the module-level assignments of
** revision, down_revision, branch_labels and depends_on (with or without a
** type annotation) up to the first top-level `def`: bodies are never
** interpreted, so listing thousands of revisions costs one short read each.
** It still refuses what Python would refuse before running anything, so that
** retort never lists (or plans from) a file Alembic cannot import: a file
** that is not UTF-8 or holds a NUL byte, an unterminated string, an
** unmatched or unclosed bracket, a stray character, a merge conflict marker
** — one located error per file, as Python reports one SyntaxError.  Full
** syntax is the migration grammar's business, when a file is run.
**
** Strings are decoded as Python decodes them (escapes, raw strings,
** adjacent literals, newlines normalised), so `history` shows the docstring
** Alembic shows.  A header value may name a constant the file assigned
** above it (`LABEL = 'contract'`, `branch_labels = (LABEL,)`): top-level
** assignments and imports before the first `def` are noted as the lines go
** by, so that a name is read, or refused at its column saying where it
** comes from (an import, a call) and to write the literal instead.  A coding
** line other than UTF-8 is honoured only where Python would read the same
** text (an ASCII file).
*/
#include "script/script.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------- UTF-8 */

/* Decode one strict UTF-8 sequence at p (p < end): its length, or 0 when
** the bytes are not UTF-8 (overlong forms, surrogates, > U+10FFFF, a
** truncated sequence). */
static size_t utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp) {
    unsigned c = p[0];
    if (c < 0x80) { *cp = c; return 1; }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    if ((size_t)(end - p) < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

size_t script_utf8_check(const char *text, size_t len) {
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    while (p < end) {
        uint32_t cp;
        uint64_t w;
        /* Eight ASCII bytes at a time (most files are all ASCII). */
        if (end - p >= 8 && (memcpy(&w, p, 8), (w & 0x8080808080808080ULL) == 0)) { p += 8; continue; }
        if (*p < 0x80) { p++; continue; }
        size_t n = utf8_decode(p, end, &cp);
        if (!n) return (size_t)(p - (const unsigned char *)text);
        p += n;
    }
    return len;
}

static void append_utf8(strbuf *sb, uint32_t cp) {
    if (cp < 0x80) sb_appendc(sb, (char)cp);
    else if (cp < 0x800) {
        sb_appendc(sb, (char)(0xC0 | (cp >> 6)));
        sb_appendc(sb, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sb_appendc(sb, (char)(0xE0 | (cp >> 12)));
        sb_appendc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_appendc(sb, (char)(0x80 | (cp & 0x3F)));
    } else {
        sb_appendc(sb, (char)(0xF0 | (cp >> 18)));
        sb_appendc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sb_appendc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_appendc(sb, (char)(0x80 | (cp & 0x3F)));
    }
}

/* What str.strip() and str.isspace() call whitespace. */
static bool py_space(uint32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

/* Characters Python's tokenizer refuses outside strings and comments
** although they are not ASCII: spaces and invisible format characters
** ("invalid non-printable character"), and the General Punctuation block
** (typographic quotes and dashes pasted from documents: "invalid
** character"). Other non-ASCII characters are taken as identifier letters. */
static bool py_bad_char(uint32_t cp, bool *nonprintable) {
    *nonprintable = py_space(cp) || cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) ||
                    (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF;
    if (*nonprintable) return true;
    return (cp >= 0x2010 && cp <= 0x203E) || (cp >= 0x2041 && cp <= 0x2053) || (cp >= 0x2055 && cp <= 0x205E);
}

/* str.strip(), on UTF-8 text. */
static const char *py_strip(arena *a, const char *s) {
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    uint32_t cp;
    size_t n;
    while (p < end && (n = utf8_decode(p, end, &cp)) && py_space(cp)) p += n;
    while (end > p) {
        const unsigned char *q = end - 1;
        while (q > p && (*q & 0xC0) == 0x80) q--;
        if (!utf8_decode(q, end, &cp) || !py_space(cp)) break;
        end = q;
    }
    return arena_strndup(a, (const char *)p, (size_t)(end - p));
}

/* --------------------------------------------------------- the reader */

typedef VEC(const char *) ptr_vec;

typedef struct reader {
    arena *a;
    const char *path;
    const char *text, *end;     /* the file: UTF-8, no NUL byte; *end is the NUL after it */
    diag_list *dl;
    bool failed;                /* one error per file, as Python reports one */
    strmap *names;              /* top-level names bound so far (module_name) */
    const char *stmt;           /* the start of the header statement being read */
    /* scan_line's open brackets, one vector for every line (a vector per
    ** line was 4 MB of the arena for a 16 MB initial migration) */
    ptr_vec brackets;
} reader;

/* The line and column of p; a header's values are located as they are read
** (for later diagnostics), so lines are counted a memchr at a time. */
static src_loc loc_of(const reader *r, const char *p) {
    int line = 1;
    const char *ls = r->text, *nl;
    while ((nl = memchr(ls, '\n', (size_t)(p - ls))) != NULL) {
        line++;
        ls = nl + 1;
    }
    return (src_loc){r->path, line, (int)(p - ls) + 1};
}

/* The end of p's line: its '\n' or '\r', or the end of the file (the
** end of a comment). */
static const char *line_end(const reader *r, const char *p) {
    const char *nl = memchr(p, '\n', (size_t)(r->end - p));
    if (!nl) nl = r->end;
    const char *cr = memchr(p, '\r', (size_t)(nl - p));
    return cr ? cr : nl;
}

static diag *rerror(reader *r, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static diag *rerror(reader *r, const char *at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(r->a, fmt, ap);
    va_end(ap);
    r->failed = true;
    return diag_add(r->dl, DIAG_ERROR, loc_of(r, at), "%s", msg);
}

/* (The C locale's classes, spelled out: every byte of every file goes
** through these.) */
static bool ident_char(char c) {
    unsigned char u = (unsigned char)c;
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u >= 0x80;
}

/* A newline at p ("\n", "\r\n" or a lone "\r", as Python normalises
** them): its length, or 0. */
static size_t newline_at(const reader *r, const char *p) {
    if (p >= r->end) return 0;
    if (*p == '\n') return 1;
    if (*p == '\r') return p + 1 < r->end && p[1] == '\n' ? 2 : 1;
    return 0;
}

/* Spaces, tabs, form feeds and backslash continuations. */
static const char *skip_inline(const reader *r, const char *p) {
    for (;;) {
        while (p < r->end && (*p == ' ' || *p == '\t' || *p == '\f')) p++;
        size_t nl = p[0] == '\\' ? newline_at(r, p + 1) : 0;
        if (!nl) return p;
        p += 1 + nl;
    }
}

/* Inside brackets: also newlines and comments. */
static const char *skip_bracketed(const reader *r, const char *p) {
    for (;;) {
        p = skip_inline(r, p);
        size_t nl = newline_at(r, p);
        if (nl) { p += nl; continue; }
        if (p < r->end && *p == '#') {
            p = line_end(r, p);
            continue;
        }
        return p;
    }
}

/* ------------------------------------------------------ string literals */

typedef struct strlit {
    const char *start, *end;        /* the token, prefix to closing quote */
    bool bytes, fstring;
    const char *text;               /* decoded (a str literal), else NULL */
} strlit;

typedef enum { LIT_NONE, LIT_OK, LIT_ERROR } lit_status;

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A letter of a string prefix (r, u, b, f in either case). */
static bool is_prefix_letter(char c) {
    switch (c) {
    case 'r': case 'R': case 'u': case 'U': case 'b': case 'B': case 'f': case 'F': return true;
    default: return false;
    }
}

/* What the scanners do with each byte, looked up once a byte:
** most of a migration is names, spaces and punctuation that need nothing
** but a step (a 16 MB initial migration of 10,000 tables is read at
** every command that reads headers). */
enum {
    /* the first four in this order: what the line scanner steps over in a run */
    CH_OTHER,       /* an operator */
    CH_SPACE,       /* ' ', '\t', '\f' */
    CH_NAME,        /* an ASCII letter, digit or '_' that starts no string prefix */
    CH_PREFIX,      /* r u b f in either case: a name, or a string's prefix (found from its quote) */
    CH_HIGH,        /* a byte of a UTF-8 sequence: a name's, checked */
    CH_HASH, CH_OPEN, CH_CLOSE,
    CH_NEWLINE, CH_BACKSLASH, CH_QUOTE, /* in this order: what ends a run of a string (string_stop) */
    CH_CONTROL,     /* other control characters and DEL: refused */
    CH_BAD,         /* '$', '?', '`': refused */
    CH_BANG         /* '!': refused unless in '!=' */
};
#define OT CH_OTHER
#define CT CH_CONTROL
#define SP CH_SPACE
#define NL CH_NEWLINE
#define HS CH_HASH
#define BS CH_BACKSLASH
#define OP CH_OPEN
#define CL CH_CLOSE
#define QT CH_QUOTE
#define NM CH_NAME
#define PF CH_PREFIX
#define HI CH_HIGH
#define BD CH_BAD
#define BG CH_BANG
static const unsigned char char_class[256] = {
    CT, CT, CT, CT, CT, CT, CT, CT, CT, SP, NL, CT, SP, NL, CT, CT,  /* 0x00 */
    CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT, CT,  /* 0x10 */
    SP, BG, QT, HS, BD, OT, OT, QT, OP, CL, OT, OT, OT, OT, OT, OT,  /* 0x20 */
    NM, NM, NM, NM, NM, NM, NM, NM, NM, NM, OT, OT, OT, OT, OT, BD,  /* 0x30 */
    OT, NM, PF, NM, NM, NM, PF, NM, NM, NM, NM, NM, NM, NM, NM, NM,  /* 0x40 */
    NM, NM, PF, NM, NM, PF, NM, NM, NM, NM, NM, OP, BS, CL, OT, NM,  /* 0x50 */
    BD, NM, PF, NM, NM, NM, PF, NM, NM, NM, NM, NM, NM, NM, NM, NM,  /* 0x60 */
    NM, NM, PF, NM, NM, PF, NM, NM, NM, NM, NM, OP, OT, CL, OT, CT,  /* 0x70 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,  /* 0x80 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,  /* 0x90 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,  /* 0xa0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,  /* 0xb0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,  /* 0xc0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,  /* 0xd0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,  /* 0xe0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,  /* 0xf0 */
};
#undef OT
#undef CT
#undef SP
#undef NL
#undef HS
#undef BS
#undef OP
#undef CL
#undef QT
#undef NM
#undef PF
#undef HI
#undef BD
#undef BG

static bool name_byte(unsigned char c) { return (unsigned)(char_class[c] - CH_NAME) <= CH_PREFIX - CH_NAME; }

/* The bytes of class CH_NEWLINE, CH_BACKSLASH and CH_QUOTE, for strcspn. */
#define STRING_STOPS "\n\r\\'\""

/* A newline, a backslash or a quote: what a run inside a string stops at. */
static bool string_stop(unsigned char c) { return (unsigned)(char_class[c] - CH_NEWLINE) <= CH_QUOTE - CH_NEWLINE; }

/* A string literal at p (a token start): an optional prefix (r, u, b, f,
** br, rb, fr, rf in any case) and a quoted body, decoded as Python 3.11
** decodes it (keep: into out->text; else only checked, as the line
** scanner needs).  LIT_NONE: p does not start one. */
static lit_status read_literal_kept(reader *r, const char *p, strlit *out, bool keep) {
    memset(out, 0, sizeof *out);
    const char *q = p;
    bool raw = false;
    while (q < r->end && q - p < 2 && is_prefix_letter(*q)) q++;
    if (q >= r->end || (*q != '\'' && *q != '"')) return LIT_NONE;
    size_t plen = (size_t)(q - p);
    if (plen) {
        char pre[3] = {0};
        for (size_t i = 0; i < plen; i++) pre[i] = (char)tolower((unsigned char)p[i]);
        static const char *const ok[] = {"r", "u", "b", "f", "br", "rb", "fr", "rf"};
        bool valid = false;
        for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) valid |= !strcmp(pre, ok[i]);
        if (!valid) return LIT_NONE;
        raw = strchr(pre, 'r') != NULL;
        out->bytes = strchr(pre, 'b') != NULL;
        out->fstring = strchr(pre, 'f') != NULL;
    }
    char quote = *q;
    bool triple = q + 2 < r->end && q[1] == quote && q[2] == quote;
    const char *s = q + (triple ? 3 : 1);
    if (!keep && !triple && !plen) {
        /* What the line scanner mostly meets: a plain string on one line,
        ** with no backslash; anything else is the general reader's. */
        for (const char *e = s; e < r->end; e++) {
            unsigned char c = (unsigned char)*e;
            if (!string_stop(c) || (c != (unsigned char)quote && char_class[c] == CH_QUOTE)) continue;
            if (c != (unsigned char)quote) break;
            out->start = p;
            out->end = e + 1;
            return LIT_OK;
        }
    }
    bool decode = !out->bytes && !out->fstring;
    strbuf buf = STRBUF_INIT;
    strbuf *sb = keep && decode ? &buf : NULL;  /* NULL: nothing to build */
    if (sb) sb_append(sb, "");
    for (;;) {
        /* A run of ordinary characters at once. */
        const char *run = s;
        for (;;) {
            s += strcspn(s, STRING_STOPS);      /* the text has no NUL before the one at r->end */
            if (s < r->end && *s != quote && (*s == '\'' || *s == '"')) { s++; continue; }   /* the other quote */
            break;
        }
        if (sb && s > run) sb_appendn(sb, run, (size_t)(s - run));
        if (s >= r->end) {
            diag *d = rerror(r, p, "unterminated %sstring literal", triple ? "triple-quoted " : "");
            diag_set_hint(r->dl, d, "close it with %s%c%s", triple ? "the same three quotes: " : "", quote,
                          triple ? (quote == '"' ? "\"\"" : "''") : "");
            sb_free(&buf);
            return LIT_ERROR;
        }
        char c = *s;
        size_t nl = newline_at(r, s);
        if (nl) {
            if (!triple) {
                diag *d = rerror(r, p, "unterminated string literal");
                diag_set_hint(r->dl, d, "close the string on the same line, or use triple quotes for several lines");
                sb_free(&buf);
                return LIT_ERROR;
            }
            if (sb) sb_appendc(sb, '\n');
            s += nl;
            continue;
        }
        if (c == quote) {
            if (!triple) { s++; break; }
            if (s + 2 < r->end && s[1] == quote && s[2] == quote) { s += 3; break; }
            if (sb) sb_appendc(sb, c);
            s++;
            continue;
        }
        if (c != '\\') { if (sb) sb_appendc(sb, c); s++; continue; }
        /* A backslash. */
        if (s + 1 >= r->end) { s++; continue; }     /* unterminated, next turn */
        size_t enl = newline_at(r, s + 1);
        if (raw || !decode) {
            /* Kept as written (raw), or not decoded: only the quote or
            ** newline after it is not the end of the string. */
            if (sb) sb_appendc(sb, '\\');
            if (enl) { if (sb) sb_appendc(sb, '\n'); s += 1 + enl; }
            else { if (sb) sb_appendc(sb, s[1]); s += 2; }
            continue;
        }
        if (enl) { s += 1 + enl; continue; }        /* line continuation */
        char e = s[1];
        const char *simple = strchr("\\'\"abfnrtv", e);
        if (simple && e) {
            static const char decoded[] = "\\'\"\a\b\f\n\r\t\v";
            if (sb) sb_appendc(sb, decoded[simple - "\\'\"abfnrtv"]);
            s += 2;
            continue;
        }
        if (e >= '0' && e <= '7') {
            uint32_t cp = 0;
            size_t k = 1;
            while (k <= 3 && s + k < r->end && s[k] >= '0' && s[k] <= '7') cp = cp * 8 + (uint32_t)(s[k++] - '0');
            if (sb) append_utf8(sb, cp);
            s += k;
            continue;
        }
        if (e == 'x' || e == 'u' || e == 'U') {
            size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            uint32_t cp = 0;
            bool ok = (size_t)(r->end - s) >= 2 + digits;
            for (size_t k = 0; ok && k < digits; k++) {
                int h = hex_digit(s[2 + k]);
                if (h < 0) ok = false;
                else cp = cp * 16 + (uint32_t)h;
            }
            if (!ok || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                diag *d = !ok ? rerror(r, s, "truncated \\%c%s escape", e, e == 'x' ? "XX" : e == 'u' ? "XXXX" : "XXXXXXXX")
                              : rerror(r, s, "\\%c escape: U+%04X is not a character that can be written as UTF-8", e, cp);
                diag_set_hint(r->dl, d, "write \\x41, \\u00e9 or \\U0001f600; write \\\\ for a backslash");
                sb_free(&buf);
                return LIT_ERROR;
            }
            if (sb) append_utf8(sb, cp);
            s += 2 + digits;
            continue;
        }
        /* \N{...} (a character by name) and unknown escapes are kept as
        ** written: Python keeps the unknown ones; retort has no table of
        ** character names. */
        if (sb) sb_appendc(sb, '\\');
        s++;
    }
    out->start = p;
    out->end = s;
    if (sb) out->text = arena_strdup(r->a, sb_str(sb));
    sb_free(&buf);
    return LIT_OK;
}

static lit_status read_literal(reader *r, const char *p, strlit *out) { return read_literal_kept(r, p, out, true); }

/* ------------------------------------------------------------ tokens */

/* A merge conflict marker at the start of a line. */
static bool conflict_marker(const reader *r, const char *p) {
    static const char *const marks[] = {"<<<<<<<", ">>>>>>>", "=======", "|||||||"};
    if (p >= r->end || (*p != '<' && *p != '>' && *p != '=' && *p != '|')) return false;
    for (size_t i = 0; i < 4; i++) {
        if ((size_t)(r->end - p) < 7 || strncmp(p, marks[i], 7) != 0) continue;
        const char *after = p + 7;
        if (after >= r->end || *after == ' ' || *after == '\n' || *after == '\r') return true;
    }
    return false;
}

static bool check_conflict(reader *r, const char *p) {
    if (!conflict_marker(r, p)) return true;
    diag *d = rerror(r, p, "unresolved merge conflict: a '%.7s' marker line", p);
    diag_set_hint(r->dl, d, "finish the merge: keep the right lines and delete the <<<<<<<, ======= and >>>>>>> "
                            "lines (Python, and so Alembic, cannot read the file as it is)");
    return false;
}

/* Where the string whose quote is at q starts: at the one or two name
** bytes before the quote when they are a whole token (Python reads rb'x'
** as one string, and xrb'x' as the name xrb and a string).  Whether they
** are a valid prefix is read_literal_kept's to say. */
static const char *string_start(const reader *r, const char *q) {
    const char *s = q;
    while (s > r->text && q - s < 3 && name_byte((unsigned char)s[-1])) s--;
    if (s == q || q - s > 2) return q;
    if (s > r->text && (unsigned char)s[-1] >= 0x80) return q;     /* inside a non-ASCII name */
    return s;
}

/* Check the tokens of one logical line from p: strings, brackets,
** continuation backslashes and stray characters.  Returns the start of the
** next line, or NULL after an error (or at the end of the file). */
static const char *scan_line(reader *r, const char *p) {
    ptr_vec *open = &r->brackets;
    open->len = 0;
    while (p < r->end) {
        char c = *p;
        switch (char_class[(unsigned char)c]) {
        case CH_OTHER:
        case CH_SPACE:
        case CH_NAME:
        case CH_PREFIX:
            /* a run of them at once (the '\0' at r->end, a control byte,
            ** ends the last); a string's prefix is found from its quote
            ** (string_start) */
            do p++; while (char_class[(unsigned char)*p] <= CH_PREFIX);
            continue;
        case CH_HASH:
            p = line_end(r, p);
            continue;
        case CH_NEWLINE: {
            p += newline_at(r, p);
            if (!open->len) return p;
            if (!check_conflict(r, p)) return NULL;
            continue;
        }
        case CH_BACKSLASH: {
            size_t enl = newline_at(r, p + 1);
            if (enl) { p += 1 + enl; continue; }
            diag *d = p + 1 >= r->end ? rerror(r, p, "unexpected end of file after a line continuation character")
                                      : rerror(r, p + 1, "unexpected character after line continuation character");
            diag_set_hint(r->dl, d, "a '\\' outside a string must end its line");
            return NULL;
        }
        case CH_OPEN:
            vec_push(r->a, open, p);
            p++;
            continue;
        case CH_CLOSE: {
            if (!open->len) {
                diag *d = rerror(r, p, "unmatched '%c'", c);
                diag_set_hint(r->dl, d, "remove it, or open it where it belongs");
                return NULL;
            }
            char o = *open->items[--open->len];
            char want = o == '(' ? ')' : o == '[' ? ']' : '}';
            if (c != want) {
                src_loc ol = loc_of(r, open->items[open->len]);
                diag *d = rerror(r, p, "closing parenthesis '%c' does not match opening parenthesis '%c' on line %d", c, o, ol.line);
                diag_set_hint(r->dl, d, "close the '%c' with '%c'", o, want);
                return NULL;
            }
            p++;
            continue;
        }
        case CH_QUOTE: {
            /* What a migration is full of: a string with no prefix (no
            ** name byte before its quote), not triple-quoted, closed on
            ** its line with no backslash, read here.  The text ends in a
            ** NUL (p[1] is there, and p[2] when p[1] is a quote). */
            if ((p == r->text || !name_byte((unsigned char)p[-1])) && !(p[1] == c && p[2] == c)) {
                const char *e = p + 1;
                unsigned char b;
                /* on over the other quote; stop at this one, a newline, a
                ** backslash or the end (then the general reader) */
                while ((b = (unsigned char)*e) != (unsigned char)c && b &&
                       (!string_stop(b) || char_class[b] == CH_QUOTE))
                    e++;
                if (b == (unsigned char)c) { p = e + 1; continue; }
            }
            strlit lit;
            const char *start = string_start(r, p);
            lit_status st = read_literal_kept(r, start, &lit, false);
            /* not a prefix after all (xb'..', ub'..'): a name, then the string */
            if (st == LIT_NONE) st = read_literal_kept(r, p, &lit, false);
            if (st == LIT_ERROR) return NULL;
            p = lit.end;
            continue;
        }
        case CH_HIGH:
            while (p < r->end && ident_char(*p)) {
                if ((unsigned char)*p < 0x80) { p++; continue; }
                uint32_t cp = 0;
                size_t n = utf8_decode((const unsigned char *)p, (const unsigned char *)r->end, &cp);
                bool nonprintable;
                if (py_bad_char(cp, &nonprintable)) {
                    diag *d = nonprintable ? rerror(r, p, "invalid non-printable character U+%04X", cp)
                                           : rerror(r, p, "invalid character '%.*s' (U+%04X)", (int)n, p, cp);
                    diag_set_hint(r->dl, d, "outside strings and comments Python takes only ASCII punctuation; "
                                            "replace it (often pasted from a document)");
                    return NULL;
                }
                p += n;
            }
            continue;
        case CH_CONTROL: {
            diag *d = rerror(r, p, "invalid non-printable character U+%04X", (unsigned char)c);
            diag_set_hint(r->dl, d, "remove it: the file may be damaged, or not a Python file");
            return NULL;
        }
        case CH_BANG:
            if (p + 1 < r->end && p[1] == '=') { p += 2; continue; }
            /* fall through */
        case CH_BAD: {
            diag *d = rerror(r, p, "invalid syntax: '%c' is not Python", c);
            diag_set_hint(r->dl, d, "every .py file in the versions folder must be a Python module (Alembic imports it)");
            return NULL;
        }
        }
    }
    if (open->len) {
        char o = *open->items[0];
        diag *d = rerror(r, open->items[0], "'%c' was never closed", o);
        diag_set_hint(r->dl, d, "close it with '%c'", o == '(' ? ')' : o == '[' ? ']' : '}');
    }
    return NULL;
}

/* -------------------------------------------------------------- values */

/* The end of a statement: spaces, then a comment, a newline, ';' or the
** end of the file. */
static bool statement_ends(const reader *r, const char *p) {
    p = skip_inline(r, p);
    return p >= r->end || *p == '#' || *p == ';' || newline_at(r, p);
}

static bool ident_start(char c) { return ident_char(c) && !(c >= '0' && c <= '9'); }

/* The keyword or name `word` at p (not part of a longer name). */
static bool word_at(const reader *r, const char *p, const char *word) {
    size_t n = strlen(word);
    return (size_t)(r->end - p) >= n && !strncmp(p, word, n) && !(p + n < r->end && ident_char(p[n]));
}

/* The length of the name at p, dots included (cli.CONTRACT_BRANCH); 0 when
** p starts no name. */
static size_t dotted_len(const reader *r, const char *p) {
    const char *q = p;
    while (q < r->end && ident_start(*q)) {
        while (q < r->end && ident_char(*q)) q++;
        if (q + 1 < r->end && *q == '.' && ident_start(q[1])) q++;
        else break;
    }
    return (size_t)(q - p);
}

typedef enum { HV_NONE, HV_STRING, HV_SEQ } hv_kind;

/* A name bound at the top level of the file before the header uses it: a
** constant (`LABEL = 'contract'`, `PARENTS = ('a', 'b')`, `X = None`, a
** header name itself), or why it is none (imported, assigned something
** else).  Python runs the module from the top, so the last binding before
** a use is the one that counts. */
typedef struct module_name {
    const char *at;             /* the binding statement */
    const char *module;         /* bound by an import: from this module (`from m import x`), or
                                ** this module itself (`import m`, `import a.b as m`) */
    bool from;                  /* `from module import name` */
    bool constant;              /* assigned a value read here */
    hv_kind kind;
    str_vec items;
} module_name;

/* What to write instead of a value the header reader cannot read, per
** header: the literal itself, never an id where a label goes. */
static const char *header_hint(arena *a, const char *what, const char *name) {
    const char *v = name ? arena_printf(a, "'<the value of %s>'", name) : NULL;
    if (!strcmp(what, "revision"))
        return arena_printf(a, "write the revision id itself as a string: revision = %s", v ? v : "'ae1027a6acf'");
    if (!strcmp(what, "down_revision"))
        return arena_printf(a, "write the parent revision's id itself as a string: down_revision = %s (None for "
                               "a first revision)", v ? v : "'ae1027a6acf'");
    if (!strcmp(what, "branch_labels"))
        return arena_printf(a, "write the label itself as a string: branch_labels = (%s,) (or None)",
                            v ? v : "'my_label'");
    return arena_printf(a, "write the revision id or branch label itself as a string: depends_on = (%s,) (or None)",
                        v ? v : "'my_label'");
}

static const char *const CONSTANT_RULE =
    "; a name assigned a string, None or a tuple of strings higher up in the file is read too (LABEL = 'contract')";

/* An item of a header value that is not a string literal, at p: a bytes
** literal, an f-string, a name, a call...  With `what` (a header name),
** the error; without (a candidate constant), nothing.  -1 after an error,
** else 0. */
static int not_a_string(reader *r, const char *p, const char *what) {
    if (!what) return 0;
    /* A token-level error of the statement (an unclosed bracket) is the
    ** better message, and Python's. */
    scan_line(r, r->stmt);
    if (r->failed) return -1;
    strlit lit;
    if (read_literal(r, p, &lit) == LIT_OK) {
        int span = memchr(p, '\n', (size_t)(lit.end - p)) ? 1 : (int)(lit.end - p);
        diag *d = lit.bytes ? rerror(r, p, "%s: a bytes literal is not a string", what)
                            : rerror(r, p, "%s: retort does not evaluate f-strings in revision headers", what);
        d->span = span;
        diag_set_hint(r->dl, d, lit.bytes ? "remove the b prefix: Alembic needs str ids and labels (it fails with "
                                            "\"revision identifier b'...' is not a string\")"
                                          : "remove the f prefix and write the string as it is meant");
        return -1;
    }
    size_t n = dotted_len(r, p);
    if (!n || word_at(r, p, "None") || word_at(r, p, "True") || word_at(r, p, "False")) return 0;
    const char *name = arena_strndup(r->a, p, n);
    const char *after = skip_inline(r, p + n);
    const char *dot = memchr(name, '.', n);
    const char *first = dot ? arena_strndup(r->a, name, (size_t)(dot - name)) : name;
    const module_name *mn = strmap_get(r->names, first);
    diag *d;
    bool call = after < r->end && (*after == '(' || *after == '[');
    if (call) {
        name = arena_printf(r->a, "%s%s", name, *after == '(' ? "(...)" : "[...]");
        d = rerror(r, p, "%s: '%s' is %s: retort reads revision headers without running Python", what, name,
                   *after == '(' ? "a call" : "a subscript");
    } else if (mn && mn->module)
        d = rerror(r, p, "%s: '%s' %s '%s' (line %d): retort reads revision headers without running "
                         "Python, so it cannot know its value", what, name,
                   dot && mn->from ? arena_printf(r->a, "is an attribute of '%s', imported from", first)
                   : dot            ? "is an attribute of module"
                   : mn->from       ? "is imported from module"
                                    : "is module", mn->module, loc_of(r, mn->at).line);
    else if (dot)
        d = rerror(r, p, "%s: '%s' is an attribute of '%s': retort reads revision headers without running Python",
                   what, name, first);
    else if (mn && !mn->constant)
        d = rerror(r, p, "%s: '%s' is assigned on line %d a value retort cannot read without running Python", what,
                   name, loc_of(r, mn->at).line);
    else if (mn)
        d = rerror(r, p, "%s: '%s' is %s: an item of a tuple must be a string", what, name,
                   mn->kind == HV_NONE ? "None" : "a tuple (it would make a tuple in a tuple)");
    else
        d = rerror(r, p, "%s: '%s' is not assigned at the top of this file before this line", what, name);
    d->span = (int)n;
    diag_set_hint(r->dl, d, "%s%s", header_hint(r->a, what, name), CONSTANT_RULE);
    return -1;
}

/* The constant a bare name at p stands for (NULL when p is not a bare name
** that names one); *n its length. */
static const module_name *constant_at(const reader *r, const char *p, size_t *n) {
    *n = dotted_len(r, p);
    if (!*n || memchr(p, '.', *n)) return NULL;
    const char *after = skip_inline(r, p + *n);
    if (after < r->end && (*after == '(' || *after == '[' || *after == '.')) return NULL;
    const module_name *mn = strmap_get(r->names, arena_strndup(r->a, p, *n));
    return mn && mn->constant ? mn : NULL;
}

/* A header value at *pp: None, a string (adjacent literals concatenated),
** or a tuple / list of strings, bracketed or not ('a', 'b'); each item may
** also be a name the file assigned a string before (LABEL), and the whole
** value a name assigned one of these.  The strings go to out, where each
** is written to at (the name, for a constant), the shape to *kind.  `what`
** is the header's name (errors say what is wrong) or NULL (a candidate
** constant: no error for what is not one).  1: done (*pp after it); 0: not
** such a value (*pp at the offending token); -1: an error, reported. */
static int header_value(reader *r, const char **pp, const char *what, hv_kind *kind, str_vec *out, ptr_vec *at) {
    const char *p = skip_inline(r, *pp);
    *kind = HV_STRING;
    if (word_at(r, p, "None")) {
        *kind = HV_NONE;
        *pp = p + 4;
        return 1;
    }
    size_t n;
    const module_name *whole = constant_at(r, p, &n);
    if (whole && statement_ends(r, p + n)) {       /* LABELS, a name for the whole value */
        *kind = whole->kind;
        for (size_t i = 0; i < whole->items.len; i++) {
            vec_push(r->a, out, whole->items.items[i]);
            vec_push(r->a, at, p);
        }
        *pp = p + n;
        return 1;
    }
    char close = *p == '(' ? ')' : *p == '[' ? ']' : 0;
    const char *opened = p;
    if (close) {
        p++;
        *kind = HV_SEQ;
    }
    for (;;) {
        p = close ? skip_bracketed(r, p) : skip_inline(r, p);
        if (close && p < r->end && *p == close) { p++; break; }
        if (close && p >= r->end) {
            diag *d = rerror(r, opened, "'%c' was never closed", *opened);
            diag_set_hint(r->dl, d, "close it with '%c'", close);
            return -1;
        }
        /* One item: adjacent string literals, or a name for a string. */
        strbuf sb = STRBUF_INIT;
        sb_append(&sb, "");
        const char *item = p, *q = p;
        int parts = 0;
        for (;;) {
            strlit lit;
            lit_status st = read_literal(r, q, &lit);
            if (st == LIT_ERROR) { sb_free(&sb); return -1; }
            if (st == LIT_NONE || !lit.text) break;
            sb_append(&sb, lit.text);
            parts++;
            p = lit.end;
            q = close ? skip_bracketed(r, p) : skip_inline(r, p);
        }
        const module_name *c = parts ? NULL : constant_at(r, p, &n);
        if (c && c->kind == HV_STRING) {
            sb_append(&sb, c->items.items[0]);
            parts++;
            p += n;
        }
        if (!parts) {
            sb_free(&sb);
            *pp = p;
            return not_a_string(r, p, what);
        }
        vec_push(r->a, out, arena_strdup(r->a, sb_str(&sb)));
        vec_push(r->a, at, item);
        sb_free(&sb);
        if (close) {
            p = skip_bracketed(r, p);
            if (p < r->end && *p == ',') { p++; continue; }
            if (p < r->end && *p == close) continue;
            *pp = p;
            return 0;
        }
        p = skip_inline(r, p);
        if (p < r->end && *p == ',') {             /* 'a', 'b' : a tuple */
            *kind = HV_SEQ;
            p = skip_inline(r, p + 1);
            if (p >= r->end || *p == '#' || newline_at(r, p) || *p == ';') break;
            continue;
        }
        break;
    }
    *pp = p;
    return 1;
}

/* Bind name (n bytes at p) as the statement at `stmt` binds it. */
static module_name *bind_name(reader *r, const char *p, size_t n, const char *stmt) {
    module_name *mn = arena_alloc(r->a, sizeof *mn);
    mn->at = stmt;
    strmap_put(r->names, arena_strndup(r->a, p, n), mn);
    return mn;
}

/* After a name at p: the '=' of `name = value` or `name: annotation =
** value` (an annotation runs to the '=' outside brackets), or NULL when
** the statement is something else (`name == x`, a call...). */
static const char *assignment_equals(const reader *r, const char *p) {
    const char *v = skip_inline(r, p);
    if (v < r->end && *v == ':') {
        int depth = 0;
        while (v < r->end && !(*v == '=' && depth == 0) && *v != '\n') {
            if (*v == '[' || *v == '(') depth++;
            if (*v == ']' || *v == ')') depth--;
            v++;
        }
    }
    if (v >= r->end || *v != '=' || (v + 1 < r->end && v[1] == '=')) return NULL;
    return v;
}

/* A top-level line at p that is not a header assignment: `NAME = value`
** or `NAME: annotation = value` (a constant when the value is one), or an
** import (the names it binds come from a module).  Anything else binds
** nothing the header could use.  -1 after an error. */
static int module_statement(reader *r, const char *p) {
    if (word_at(r, p, "import") || word_at(r, p, "from")) {
        bool from = *p == 'f';
        const char *q = skip_inline(r, p + (from ? 4 : 6));
        const char *module = NULL;
        if (from) {
            size_t n = dotted_len(r, q);
            if (!n) return 0;
            module = arena_strndup(r->a, q, n);
            q = skip_inline(r, q + n);
            if (!word_at(r, q, "import")) return 0;
            q = skip_inline(r, q + 6);
        }
        bool paren = from && q < r->end && *q == '(';
        if (paren) q++;
        for (;;) {
            q = paren ? skip_bracketed(r, q) : skip_inline(r, q);
            size_t n = dotted_len(r, q);
            if (!n) return 0;
            const char *name = q, *dot = memchr(q, '.', n);
            size_t bound = from || !dot ? n : (size_t)(dot - q);    /* import a.b binds a */
            const char *full = arena_strndup(r->a, q, n);
            q = paren ? skip_bracketed(r, q + n) : skip_inline(r, q + n);
            if (word_at(r, q, "as")) {
                q = paren ? skip_bracketed(r, q + 2) : skip_inline(r, q + 2);
                bound = dotted_len(r, q);
                if (!bound) return 0;
                name = q;
                q = paren ? skip_bracketed(r, q + bound) : skip_inline(r, q + bound);
            }
            module_name *mn = bind_name(r, name, bound, p);
            mn->module = from ? module : full;
            mn->from = from;
            if (q >= r->end || *q != ',') return 0;
            q++;
        }
    }
    size_t n = dotted_len(r, p);
    if (!n || memchr(p, '.', n)) return 0;
    const char *v = assignment_equals(r, p + n);
    if (!v) return 0;
    hv_kind kind;
    str_vec items = {0};
    ptr_vec at = {0};
    const char *after = v + 1;
    int rc = header_value(r, &after, NULL, &kind, &items, &at);
    if (rc < 0) return -1;
    module_name *mn = bind_name(r, p, n, p);
    mn->constant = rc == 1 && statement_ends(r, after);
    mn->kind = kind;
    mn->items = items;
    return 0;
}

/* The module docstring at p, the first statement: string literals (maybe
** in parentheses) and nothing else.  Sets h->longdoc and h->doc. */
static void docstring(reader *r, const char *p, revision_header *h) {
    bool paren = *p == '(';
    if (paren) p = skip_bracketed(r, p + 1);
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    int parts = 0;
    for (;;) {
        strlit lit;
        if (read_literal(r, p, &lit) != LIT_OK) break;
        if (!lit.text) { parts = 0; break; }       /* bytes, f-string: no docstring */
        sb_append(&sb, lit.text);
        parts++;
        p = paren ? skip_bracketed(r, lit.end) : skip_inline(r, lit.end);
    }
    if (paren && parts) {
        if (p < r->end && *p == ')') p++;
        else parts = 0;
    }
    if (parts && !r->failed && statement_ends(r, p)) {
        h->longdoc = py_strip(r->a, sb_str(&sb));
        const char *para = strstr(h->longdoc, "\n\n");
        h->doc = para ? arena_strndup(r->a, h->longdoc, (size_t)(para - h->longdoc)) : h->longdoc;
    }
    sb_free(&sb);
}

/* ----------------------------------------------------------- the header */

static const char *const header_names[] = {"revision", "down_revision", "branch_labels", "depends_on"};

/* `name =` or `name: annotation =` at p (column 1): which header name, and
** *value after the '='; -1 when the line is something else. */
static int header_assignment(const reader *r, const char *p, const char **value) {
    for (int k = 0; k < 4; k++) {
        size_t n = strlen(header_names[k]);
        if ((size_t)(r->end - p) < n || strncmp(p, header_names[k], n) != 0 || (p + n < r->end && ident_char(p[n])))
            continue;
        const char *v = assignment_equals(r, p + n);
        if (!v) return -1;
        *value = v + 1;
        return k;
    }
    return -1;
}

/* The caret width of a string item (read before, so without error) on one
** line. */
static int item_span(reader *r, const char *item) {
    strlit lit;
    if (read_literal(r, item, &lit) == LIT_OK && !memchr(item, '\n', (size_t)(lit.end - item)))
        return (int)(lit.end - item);
    return 1;
}

/* The coding a PEP 263 line declares, or NULL: Python's rule, a comment
** matching `coding[:=]\s*([-\w.]+)` on line 1, or on line 2 when line 1
** holds nothing but a comment or blanks.  *at gets where the name is. */
static const char *coding_declared(arena *a, const char *text, const char **at) {
    const char *line = text;
    if (!strncmp(line, "\xEF\xBB\xBF", 3)) line += 3;
    for (int i = 0; i < 2 && line && *line; i++) {
        size_t n = strcspn(line, "\r\n");
        const char *s = line;
        while (s < line + n && (*s == ' ' || *s == '\t' || *s == '\f')) s++;
        if (s < line + n && *s == '#') {
            const char *c = s;
            while ((c = strstr(c, "coding")) && c < line + n) {
                c += 6;
                if (*c == ':' || *c == '=') {
                    c++;
                    while (*c == ' ' || *c == '\t') c++;
                    size_t k = 0;
                    while (c + k < line + n && (isalnum((unsigned char)c[k]) || strchr("-_.", c[k]))) k++;
                    if (k) {
                        *at = c;
                        return arena_strndup(a, c, k);
                    }
                }
            }
        } else if (s < line + n) {
            return NULL;                        /* code on line 1: line 2 is not looked at */
        }
        line += n;
        if (*line == '\r') line++;
        if (*line == '\n') line++;
    }
    return NULL;
}

/* Is `coding` a name Python reads as UTF-8?  Its tokenizer makes "utf-8"
** and "utf-8-*" (case and '_' aside) UTF-8; the codec registry adds the
** aliases of utf_8. */
static bool utf8_coding(arena *a, const char *coding) {
    char *n = arena_strdup(a, coding);
    for (char *p = n; *p; p++) *p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
    static const char *const aliases[] = {"utf-8", "utf8", "u8", "utf", "cp65001", "utf8-ucs2", "utf8-ucs4"};
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (!strcmp(n, aliases[i])) return true;
    return !strncmp(n, "utf-8-", 6);
}

/* Codings that do not read ASCII as ASCII (Python refuses the UTF-16 and
** UTF-32 ones as source codings; UTF-7 and EBCDIC read other text). */
static bool ascii_foreign_coding(arena *a, const char *coding) {
    char *n = arena_strdup(a, coding);
    for (char *p = n; *p; p++) *p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
    static const char *const foreign[] = {"utf-16", "utf16", "utf-32", "utf32", "utf-7", "utf7", "u16", "u32",
                                          "u7", "cp037", "cp273", "cp424", "cp500", "cp875", "cp1026", "cp1140",
                                          "ebcdic"};
    for (size_t i = 0; i < sizeof foreign / sizeof *foreign; i++)
        if (!strncmp(n, foreign[i], strlen(foreign[i]))) return true;
    return false;
}

static const char *file_type_name(mode_t m) {
    if (S_ISFIFO(m)) return "a FIFO (named pipe)";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISDIR(m)) return "a folder";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
    return "not a regular file";
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* read: the file as a file_reader read it, when the folder's listing said
** the entry is a regular file (d_type, not a link): opened without
** O_NONBLOCK or fstat (the text is taken over).  NULL: read here, refused
** unless regular. */
static int header_read(arena *a, const char *path, file_read *read, revision_header **out, diag_list *dl) {
    *out = NULL;
    size_t len = 0;
    bool not_regular = false;
    mode_t mode = 0;
    char *text;
    if (read) {
        text = read->text;
        len = read->len;
        errno = read->error;
        read->text = NULL;
    } else {
        text = read_file_if_regular(path, &len, &mode);
        not_regular = !text && mode != 0;
    }
    if (!text) {
        diag *d = not_regular ? diag_add(dl, DIAG_ERROR, (src_loc){path, 0, 0}, "cannot read revision file: it is %s",
                                         file_type_name(mode))
                              : diag_add(dl, DIAG_ERROR, (src_loc){path, 0, 0}, "cannot read revision file: %s",
                                         strerror(errno));
        if (errno == ENOENT)
            diag_set_hint(dl, d, "if it is a symbolic link, its target is missing: restore it or remove the link");
        else if (not_regular)
            diag_set_hint(dl, d, "a revision is a regular file; remove this one or give it a name not ending in .py");
        return -1;
    }
    int rc = revision_header_parse(a, path, text, len, out, dl);
    free(text);
    return rc;
}

int revision_header_read(arena *a, const char *path, revision_header **out, diag_list *dl) {
    return header_read(a, path, NULL, out, dl);
}

int revision_header_parse(arena *a, const char *path, const char *text, size_t len, revision_header **out,
                          diag_list *dl) {
    *out = NULL;
    reader r = {a, arena_strdup(a, path), text, text + len, dl, false, strmap_new(a), NULL, {0}};
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        /* The text before it is what a C string sees: locate by hand. */
        int line = 1;
        const char *ls = text;
        for (const char *q = text; q < nul; q++)
            if (*q == '\n') { line++; ls = q + 1; }
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, line, (int)(nul - ls) + 1}, "the file contains a NUL byte");
        diag_set_hint(dl, d, "a Python source file cannot hold NUL bytes (Alembic's import fails): the file is "
                             "damaged or not Python; restore it from version control");
        return -1;
    }
    size_t bad = script_utf8_check(text, len);
    const char *coding_at = text;
    const char *coding = coding_declared(a, text, &coding_at);
    int coding_line = loc_of(&r, coding_at).line;
    bool utf8 = !coding || utf8_coding(a, coding);
    if (bad == len && !utf8) {
        /* Valid UTF-8, but Python reads it in the declared coding: the
        ** same text only if it is ASCII (and the coding reads ASCII as
        ** ASCII).  Otherwise Alembic would show other characters than
        ** retort ("cafÃ©" for a UTF-8 "café" read as latin-1). */
        const char *nonascii = text;
        while (nonascii < text + len && (unsigned char)*nonascii < 0x80) nonascii++;
        if (ascii_foreign_coding(a, coding)) {
            diag *d = rerror(&r, coding_at, "line %d declares coding '%s': retort reads revision files as UTF-8 only",
                             coding_line, coding);
            d->span = (int)strlen(coding);
            diag_set_hint(dl, d, "convert the file (iconv -f %s -t UTF-8) and change the line to "
                                 "'# -*- coding: utf-8 -*-'", coding);
            return -1;
        }
        if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
            diag *d = rerror(&r, text, "a UTF-8 BOM, and line %d declares coding '%s'", coding_line, coding);
            diag_set_hint(dl, d, "Python refuses the file (\"encoding problem: %s with BOM\"): change the line to "
                                 "'# -*- coding: utf-8 -*-'", coding);
            return -1;
        }
        if (nonascii < text + len) {
            diag *d = rerror(&r, nonascii, "non-ASCII text in a file whose line %d declares coding '%s'", coding_line,
                             coding);
            diag_set_hint(dl, d, "Python (and so Alembic) reads this file as %s, retort as UTF-8: they would not "
                                 "read the same text.  If the file is UTF-8, change the line to "
                                 "'# -*- coding: utf-8 -*-'; if it is %s, convert it (iconv -f %s -t UTF-8) and "
                                 "change the line", coding, coding, coding);
            return -1;
        }
    }
    if (bad < len) {
        diag *d = rerror(&r, text + bad, "the file is not valid UTF-8 (byte 0x%02X)", (unsigned char)text[bad]);
        if (!utf8)
            diag_set_hint(dl, d, "retort reads revision files as UTF-8 only, whatever their coding line says: "
                                 "convert it (iconv -f %s -t UTF-8) and change the line to 'coding: utf-8'", coding);
        else
            diag_set_hint(dl, d, "Python reads source files as UTF-8, and so does Alembic (it refuses this file): "
                                 "save it as UTF-8 (e.g. iconv -f latin1 -t UTF-8)");
        return -1;
    }
    revision_header *h = arena_alloc(a, sizeof *h);
    h->path = r.path;
    h->longdoc = h->doc = "";
    bool have_rev = false, have_down = false, header = true, first = true;
    const char *rev_line = NULL, *rev_item = NULL;
    ptr_vec label_at = {0};
    const char *p = text;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;    /* a BOM, as Python allows */
    while (p && p < r.end && !r.failed) {
        const char *line = p;
        if (!check_conflict(&r, p)) break;
        p = skip_inline(&r, p);
        if (p >= r.end) break;
        size_t nl = newline_at(&r, p);
        if (nl) { p += nl; continue; }
        if (*p == '#') { p = line_end(&r, p); continue; }
        if (first) {
            first = false;
            docstring(&r, p, h);
            if (r.failed) break;
        }
        const char *value;
        int k = p == line && header ? header_assignment(&r, p, &value) : -1;
        if (p == line && ((r.end - p > 3 && !strncmp(p, "def", 3) && !ident_char(p[3])) ||
                          (r.end - p > 5 && !strncmp(p, "async", 5) && !ident_char(p[5]))))
            header = false;
        if (k < 0 && p == line && header && module_statement(&r, p) != 0) break;
        if (k >= 0) {
            str_vec vals = {0};
            ptr_vec at = {0};
            const char *after = value;
            hv_kind kind;
            r.stmt = p;
            int rc = header_value(&r, &after, header_names[k], &kind, &vals, &at);
            if (rc < 0) break;
            if (rc == 0) {
                /* A token-level error (an unclosed bracket) is the better
                ** message, and Python's. */
                scan_line(&r, p);
                if (r.failed) break;
                diag *d = rerror(&r, after, "%s must be %s", header_names[k],
                                 k == 0 ? "a string" : "None, a string or a tuple of strings");
                diag_set_hint(dl, d, "%s%s", header_hint(a, header_names[k], NULL), CONSTANT_RULE);
                break;
            }
            module_name *mn = bind_name(&r, p, strlen(header_names[k]), p);
            mn->constant = true;
            mn->kind = kind;
            mn->items = vals;
            if (!statement_ends(&r, after)) {
                diag *d = rerror(&r, skip_inline(&r, after), "unexpected text after the value of %s", header_names[k]);
                diag_set_hint(dl, d, "end the assignment there (a comment may follow '#')");
                break;
            }
            if (k == 0) {
                if (vals.len != 1 || kind != HV_STRING) {
                    diag *d = rerror(&r, p, "revision must be one string");
                    diag_set_hint(dl, d, "write revision = '<12 hex digits>'");
                    break;
                }
                h->revision = vals.items[0];
                rev_line = p;
                rev_item = at.items[0];
                have_rev = true;
            } else if (k == 1) { h->down_revisions = vals; have_down = true; }
            else if (k == 2) { h->branch_labels = vals; label_at = at; }
            else h->depends_on = vals;
            p = after;
        }
        p = scan_line(&r, p);
    }
    int rc = r.failed ? -1 : 0;
    if (rc == 0 && (first || !have_rev)) {
        /* Nothing but blank lines and comments, or no header: Alembic
        ** refuses both ("Could not determine revision id from filename"). */
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, 1, 1}, first ? "the file is empty: it is not a revision"
                                                                        : "no 'revision = ...' in this file: it is not a revision");
        diag_set_hint(dl, d, "every .py file in the versions folder must be a revision (Alembic refuses this one too: "
                             "\"Could not determine revision id from filename %s\"); delete it, or move a helper "
                             "module out of the folder (__init__.py is fine: it is skipped)", base_name(path));
        rc = -1;
    }
    if (rc == 0) {
        h->line_of_revision = loc_of(&r, rev_line).line;
        if (revision_name_check(h->revision, NAME_REVISION, loc_of(&r, rev_item), item_span(&r, rev_item), dl) != 0) rc = -1;
        for (size_t i = 0; i < h->branch_labels.len; i++)
            if (revision_name_check(h->branch_labels.items[i], NAME_BRANCH_LABEL, loc_of(&r, label_at.items[i]),
                                    item_span(&r, label_at.items[i]), dl) != 0)
                rc = -1;
    }
    if (rc == 0 && !have_down) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, h->line_of_revision, 1},
                           "revision '%s' has no down_revision", h->revision);
        diag_set_hint(dl, d, "add down_revision = None for a first revision, or the id of its parent");
        rc = -1;
    }
    if (rc == 0) *out = h;
    return rc;
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static revision_set *revision_set_new(void) {
    arena *a = arena_new();
    revision_set *rs = arena_alloc(a, sizeof *rs);
    rs->arena = a;
    rs->by_id = strmap_new(a);
    return rs;
}

/* What a folder's listing says of one revision source: a regular file
** (d_type DT_REG: not a link, not a FIFO), and its identity (the folder's
** device, the entry's inode).  A link, or a file system that does not
** fill d_type, leaves regular false: the file is looked at with stat. */
typedef struct listed_source {
    const char *path;           /* the name while listing, then the path */
    bool regular;
    dev_t dev;
    ino_t ino;
} listed_source;
typedef VEC(listed_source) source_vec;

static int cmp_listed_source(const void *a, const void *b) {
    return strcmp(((const listed_source *)a)->path, ((const listed_source *)b)->path);
}

/* Is name a revision source Alembic reads?  *.py, but not __init__* (nor,
** retort's own rule, a hidden file). */
static bool is_source_name(const char *name) {
    size_t n = strlen(name);
    return n > 3 && !strcmp(name + n - 3, ".py") && name[0] != '.' && strncmp(name, "__init__", 8) != 0;
}

/* With sourceless = true, Alembic also loads dir/x.pyc (x.pyo) when there
** is no x.py, and __pycache__/x.*.pyc when dir has no entry named x.*:
** retort reads no bytecode, so each such file is an error at its path. */
static int check_sourceless(arena *a, const char *dir, const str_vec *names, const retort_config *c, diag_list *dl) {
    int rc = 0;
    str_vec compiled = {0};
    for (size_t i = 0; i < names->len; i++) {
        const char *nm = names->items[i];
        size_t n = strlen(nm);
        if (n > 4 && (!strcmp(nm + n - 4, ".pyc") || !strcmp(nm + n - 4, ".pyo")) && strncmp(nm, "__init__", 8) &&
            strncmp(nm, ".#", 2)) {
            const char *src = arena_printf(a, "%s/%.*s", dir, (int)(n - 1), nm);
            struct stat st;
            if (stat(src, &st) != 0) vec_push(a, &compiled, arena_path_join(a, dir, nm));
        }
    }
    const char *cache = arena_printf(a, "%s/__pycache__", dir);
    DIR *d = opendir(cache);
    if (d) {
        str_vec found = {0};
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n < 5 || strcmp(e->d_name + n - 4, ".pyc") || !strncmp(e->d_name, "__init__", 8)) continue;
            size_t stem = strcspn(e->d_name, ".");
            bool has = false;
            for (size_t i = 0; i < names->len && !has; i++)
                has = strcspn(names->items[i], ".") == stem && !strncmp(names->items[i], e->d_name, stem);
            if (!has) vec_push(a, &found, arena_path_join(a, cache, e->d_name));
        }
        closedir(d);
        if (found.len) qsort(found.items, found.len, sizeof *found.items, cmp_str);
        for (size_t i = 0; i < found.len; i++) vec_push(a, &compiled, found.items[i]);
    }
    for (size_t i = 0; i < compiled.len; i++) {
        diag *dg = diag_add(dl, DIAG_ERROR, (src_loc){compiled.items[i], 0, 0},
                            "a compiled revision without its source: retort reads .py files only");
        diag_set_hint(dl, dg, "sourceless = true (%s:%d) lets Alembic load bytecode, which retort cannot read: "
                              "put the .py file beside it, or run this command with python3 -m alembic",
                      c->sourceless_loc.file, c->sourceless_loc.line);
        rc = -1;
    }
    return rc;
}

/* The revision sources of dir in Alembic's order (names sorted), and with
** recursive, of its subfolders after them, depth first in name order (as
** os.walk with its folder list sorted; symbolic links to folders are not
** followed, as os.walk does not follow them).  An explicit stack: no
** recursion on folder depth. */
static int list_sources(arena *a, const char *top, const retort_config *c, str_vec *files, source_vec *listed,
                        diag_list *dl) {
    bool recursive = c && c->recursive_version_locations, sourceless = c && c->sourceless;
    str_vec stack = {0};
    vec_push(a, &stack, top);
    int rc = 0;
    while (stack.len) {
        const char *dir = stack.items[--stack.len];
        DIR *d = opendir(dir);
        if (!d) {
            diag *dg = diag_add(dl, DIAG_ERROR, (src_loc){dir, 0, 0}, "cannot open the versions folder: %s",
                                strerror(errno));
            diag_set_hint(dl, dg, "check script_location (and version_locations) in alembic.ini; 'retort init' "
                                  "creates the folder");
            return -1;
        }
        /* The folder's device, for the identity of the files listed in it
        ** (listed_source). */
        struct stat dir_st;
        bool have_dev = listed && fstat(dirfd(d), &dir_st) == 0;
        VEC(listed_source) entries = {0};
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            bool regular = have_dev && e->d_type == DT_REG;
            vec_push(a, &entries, ((listed_source){arena_strdup(a, e->d_name), regular,
                                                   regular ? dir_st.st_dev : 0, regular ? e->d_ino : 0}));
        }
        closedir(d);
        if (entries.len) qsort(entries.items, entries.len, sizeof *entries.items, cmp_listed_source);
        str_vec names = {0}, subdirs = {0};
        for (size_t i = 0; i < entries.len; i++) {
            listed_source ls = entries.items[i];
            vec_push(a, &names, ls.path);
            const char *path = arena_path_join(a, dir, ls.path);
            struct stat st;
            if (!ls.regular && recursive && lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) vec_push(a, &subdirs, path);
            else if (is_source_name(ls.path)) {
                vec_push(a, files, path);
                ls.path = path;
                if (listed) vec_push(a, listed, ls);
            }
        }
        if (sourceless && check_sourceless(a, dir, &names, c, dl) != 0) rc = -1;
        for (size_t i = subdirs.len; i-- > 0;) vec_push(a, &stack, subdirs.items[i]);
    }
    return rc;
}

/* "\x01<device>:<inode>" in hex, the key of a file's identity (written
** by hand: it is made for every revision file, and snprintf cost a
** tenth of reading 10,000 headers).  key has room for 64 bytes. */
static void identity_key(char *key, const struct stat *st) {
    static const char hex[] = "0123456789abcdef";
    unsigned long long parts[2] = {(unsigned long long)st->st_dev, (unsigned long long)st->st_ino};
    char *w = key;
    *w++ = '\x01';
    for (int k = 0; k < 2; k++) {
        if (k) *w++ = ':';
        char digits[16];
        int n = 0;
        unsigned long long v = parts[k];
        do digits[n++] = hex[v & 15]; while (v >>= 4);
        while (n) *w++ = digits[--n];
    }
    *w = '\0';
}

/* Has a file with st's device and inode been listed already?  Two paths
** with one real path are one file, so a file whose inode is new cannot be
** a duplicate: its real path (a readlink per component of the path) is
** worked out only when the inode was seen (a link, or a hard link, which
** Alembic reads twice), and for the file that was first, so that the
** comparison by real path below stays Alembic's. */
static bool seen_before(arena *a, strmap *seen, const char *path, const struct stat *st) {
    char key[64];
    identity_key(key, st);
    const char *first = strmap_get(seen, key);
    if (!first) {
        strmap_put(seen, arena_strdup(a, key), (void *)arena_strdup(a, path));
        return false;
    }
    if (*first) {
        char *real = realpath(first, NULL);
        const char *k = real ? arena_strdup(a, real) : first;
        free(real);
        strmap_put(seen, k, (void *)k);
        strmap_put(seen, arena_strdup(a, key), (void *)"");   /* its real path is in the map now */
    }
    return true;
}

/* Whether files->items[i] is one the folder's listing says is regular. */
static bool listed_regular(const source_vec *listed, size_t i) {
    return listed && i < listed->len && listed->items[i].regular;
}

/* The files the listing says are regular are read ahead, READ_AHEAD at a
** time (file_reader: in one system call where io_uring is there), into
** window; the others are read at their turn.  Only the window's texts are
** held at once. */
#define READ_AHEAD 32
typedef struct read_window {
    file_reader *reader;
    file_read reads[READ_AHEAD];
    size_t len, next;
} read_window;

/* The read of file i (listed regular): the window's next, read ahead
** with the regular files that follow i when the window is used up. */
static file_read *window_take(read_window *w, const str_vec *files, const source_vec *listed, size_t i) {
    if (w->next == w->len) {
        w->len = w->next = 0;
        for (size_t j = i; j < files->len && w->len < READ_AHEAD; j++)
            if (listed_regular(listed, j)) w->reads[w->len++] = (file_read){.path = files->items[j]};
        file_reader_read(w->reader, w->reads, w->len);
    }
    return &w->reads[w->next++];
}

/* Read the headers of files into rs (each once: a file reached twice, by
** two locations or a link, is read the first time only, with Alembic's
** warning). */
static int read_headers(revision_set *rs, const str_vec *files, const source_vec *listed, strmap *seen,
                        diag_list *dl) {
    arena *a = rs->arena;
    int rc = 0;
    if (seen) strmap_reserve(seen, files->len);        /* a key a file, grown once */
    strmap_reserve(rs->by_id, files->len);
    read_window window = {.reader = file_reader_new(true)};
    for (size_t i = 0; i < files->len; i++) {
        /* Only regular files (or symlinks to them) are read: opening a
        ** FIFO would block (Alembic hangs there), a device may do
        ** anything.  A symlink to nothing is an error (a revision may be
        ** missing); anything else cannot be a revision: a warning.  What
        ** the folder's listing says is a regular file needs no stat: its
        ** identity is the folder's device and the entry's inode. */
        const listed_source *ls = listed && i < listed->len ? &listed->items[i] : NULL;
        bool known_regular = listed_regular(listed, i);
        /* taken now, so that the window keeps step with the files; its
        ** text is freed when the file is skipped below */
        file_read *read = known_regular ? window_take(&window, files, listed, i) : NULL;
        struct stat st;
        bool stat_ok;
        if (known_regular) {
            memset(&st, 0, sizeof st);
            st.st_mode = S_IFREG;
            st.st_dev = ls->dev;
            st.st_ino = ls->ino;
            stat_ok = true;
        } else {
            stat_ok = stat(files->items[i], &st) == 0;
        }
        if (stat_ok && !S_ISREG(st.st_mode)) {
            diag *dg = diag_add(dl, DIAG_WARNING, (src_loc){files->items[i], 0, 0},
                                "skipped: %s, not a revision file", file_type_name(st.st_mode));
            diag_set_hint(dl, dg, "retort reads only regular files (and symbolic links to them) in the versions "
                                  "folder; remove it or rename it so that it does not end in .py (Alembic %s it)",
                          S_ISFIFO(st.st_mode) ? "hangs reading" : "fails on");
            continue;
        }
        if (seen && (!stat_ok || seen_before(a, seen, files->items[i], &st))) {
            char *real = realpath(files->items[i], NULL);
            const char *key = real ? arena_strdup(a, real) : files->items[i];
            free(real);
            if (strmap_get(seen, key)) {
                diag *dg = diag_add(dl, DIAG_WARNING, (src_loc){files->items[i], 0, 0},
                                    "File %s loaded twice! ignoring. Please ensure version_locations is unique.", key);
                diag_set_hint(dl, dg, "Alembic's warning: two entries of version_locations reach the same file");
                if (read) free(read->text);
                continue;
            }
            strmap_put(seen, key, (void *)key);
        }
        revision_header *h;
        if (header_read(a, files->items[i], read, &h, dl) != 0) { rc = -1; continue; }
        revision_header *prev = strmap_put(rs->by_id, h->revision, h);
        if (prev) {
            diag *dg = diag_add(dl, DIAG_ERROR, (src_loc){h->path, h->line_of_revision, 1},
                                "duplicate revision id '%s' (also in %s)", h->revision, prev->path);
            diag_set_hint(dl, dg, "give one of the files a new id; every revision id must be unique");
            rc = -1;
            continue;
        }
        vec_push(a, &rs->revisions, h);
    }
    file_reader_free(window.reader);
    return rc;
}

int revisions_list_sources(arena *a, const char *dir, const retort_config *c, str_vec *files, diag_list *dl) {
    return list_sources(a, dir, c, files, NULL, dl);
}

int revisions_load(const char *dir, revision_set **out, diag_list *dl) {
    *out = NULL;
    revision_set *rs = revision_set_new();
    str_vec files = {0};
    source_vec listed = {0};
    if (list_sources(rs->arena, dir, NULL, &files, &listed, dl) != 0 ||
        read_headers(rs, &files, &listed, NULL, dl) != 0) {
        revisions_free(rs);
        return -1;
    }
    *out = rs;
    return 0;
}

int revisions_load_config(const retort_config *c, revision_set **out, diag_list *dl) {
    *out = NULL;
    revision_set *rs = revision_set_new();
    arena *a = rs->arena;
    str_vec files = {0};
    source_vec listed = {0};
    int rc = 0;
    if (!c->version_locations.len) {
        rc = list_sources(a, c->versions_dir, c, &files, &listed, dl);
    } else {
        /* Alembic skips a location that does not exist (a new one is
        ** created when a revision is written there). */
        for (size_t i = 0; i < c->version_locations.len && rc == 0; i++) {
            struct stat st;
            if (stat(c->version_locations.items[i], &st) != 0) continue;
            rc = list_sources(a, c->version_locations.items[i], c, &files, &listed, dl);
        }
    }
    if (rc == 0) rc = read_headers(rs, &files, &listed, strmap_new(a), dl);
    if (rc != 0) {
        revisions_free(rs);
        return -1;
    }
    *out = rs;
    return 0;
}

void revisions_free(revision_set *rs) {
    if (rs) arena_free(rs->arena);
}

/* ------------------------------------------------ ids and branch labels */

/* name as it may be shown: control characters, quotes, backslashes and
** bytes that are not UTF-8 escaped as Python's repr would. */
static const char *shown(arena *a, const char *s, size_t n) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        uint32_t cp;
        size_t k = *p >= 0x80 ? utf8_decode(p, end, &cp) : 1;
        if (*p == '\t') sb_append(&sb, "\\t");
        else if (*p == '\n') sb_append(&sb, "\\n");
        else if (*p == '\r') sb_append(&sb, "\\r");
        else if (*p == '\\') sb_append(&sb, "\\\\");
        else if (*p == '\'') sb_append(&sb, "\\'");
        else if (*p < 0x20 || *p == 0x7f || !k) sb_printf(&sb, "\\x%02x", *p);
        else if (*p >= 0x80 && (py_space(cp) || cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF))
            sb_printf(&sb, cp <= 0xFF ? "\\x%02x" : "\\u%04x", cp);
        else { sb_appendn(&sb, (const char *)p, k); p += k; continue; }
        p += k ? k : 1;
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

int revision_name_check(const char *name, revision_name_kind kind, src_loc loc, int span, diag_list *dl) {
    bool label = kind == NAME_BRANCH_LABEL || kind == NAME_NEW_BRANCH_LABEL;
    const char *what = label ? "branch label" : "revision identifier";
    const char *rule = label ? "a branch label is ASCII letters, digits and '_', with '.' and '-' inside (not "
                               "first; '-' not last either), e.g. shoppingcart, my_feature, feature-x"
                             : "a revision id is ASCII letters, digits and '_', with '.' inside (not first), "
                               "e.g. ae1027a6acf or 0001_initial";
    arena *a = dl->arena;
    size_t n = strlen(name);
    diag *d = NULL;
    for (size_t i = 0; i < n && !d; i++) {
        unsigned char c = (unsigned char)name[i];
        bool edge = (c == '.' && i == 0) || (c == '-' && label && (i == 0 || i + 1 == n));
        if (isalnum(c) || c == '_' || ((c == '.' || (c == '-' && label)) && !edge)) {
            if (c == '-' && kind == NAME_NEW_BRANCH_LABEL && isdigit((unsigned char)name[i + 1])) {
                d = diag_add(dl, DIAG_ERROR, loc, "'-' before a digit in branch label '%s'", shown(a, name, n));
                diag_set_hint(dl, d, "Alembic reads '%.*s' as a relative revision (\"%c below %.*s\"), so "
                                     "'%s@head' would never name the branch; %s",
                              (int)(i + 2), name, name[i + 1], (int)i, name, name, rule);
            }
            continue;
        }
        if (edge) {
            d = diag_add(dl, DIAG_ERROR, loc, "%s '%s' may not %s with '%c'", what, shown(a, name, n),
                         i == 0 ? "start" : "end", c);
        } else {
            size_t k = 1;
            uint32_t cp;
            if (c >= 0x80) k = utf8_decode((const unsigned char *)name + i, (const unsigned char *)name + n, &cp);
            d = diag_add(dl, DIAG_ERROR, loc, "character '%s' not allowed in %s '%s'", shown(a, name + i, k ? k : 1),
                         what, shown(a, name, n));
        }
        diag_set_hint(dl, d, "%s", rule);
    }
    static const char *const reserved[] = {"base", "head", "heads", "current"};
    for (size_t i = 0; i < 4 && !d; i++)
        if (!strcmp(name, reserved[i])) {
            d = diag_add(dl, DIAG_ERROR, loc, "'%s' cannot be a %s: it is a symbol of revision targets", name, what);
            diag_set_hint(dl, d, "choose another name (base, head, heads and current name positions, not revisions)");
        }
    if (!d && !n) {
        d = diag_add(dl, DIAG_ERROR, loc, "empty %s", what);
        diag_set_hint(dl, d, "%s", rule);
    }
    if (!d && kind == NAME_NEW_REVISION && n > 32) {
        d = diag_add(dl, DIAG_ERROR, loc, "revision identifier '%s' is longer than 32 characters", name);
        diag_set_hint(dl, d, "alembic_version.version_num is VARCHAR(32): use at most 32 characters");
    }
    if (d) d->span = span > 0 ? span : 1;
    return d ? -1 : 0;
}

/* ------------------------------------------------------------ new files */
const char *revision_new_id(arena *a) {
    unsigned char b[6] = {0};
    int fd = open("/dev/urandom", O_RDONLY);
    bool ok = fd >= 0 && read(fd, b, sizeof b) == (ssize_t)sizeof b;
    if (fd >= 0) close(fd);
    if (!ok) {
        /* No /dev/urandom: fall back on time and pid, still 12 hex digits. */
        unsigned long long v = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 20);
        for (int i = 0; i < 6; i++) b[i] = (unsigned char)(v >> (8 * i));
    }
    return arena_printf(a, "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

const char *revision_slug(arena *a, const char *message, int truncate) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    const unsigned char *p = (const unsigned char *)(message ? message : "");
    while (*p) {
        while (*p && !(isalnum(*p) || *p == '_' || *p >= 0x80)) p++;
        if (!*p) break;
        if (sb.len) sb_appendc(&sb, '_');
        while (*p && (isalnum(*p) || *p == '_' || *p >= 0x80)) sb_appendc(&sb, (char)tolower(*p++));
    }
    if ((int)sb.len > truncate) {
        /* Alembic: slug[:truncate].rsplit("_", 1)[0] + "_" */
        sb.data[truncate] = '\0';
        char *us = strrchr(sb.data, '_');
        if (us) us[0] = '\0';
        const char *r = arena_printf(a, "%s_", sb.data);
        sb_free(&sb);
        return r;
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}


/* ------------------------------------------------------- file_template */

/* The keys Alembic's _rev_path gives file_template: two strings, then
** numbers. */
static const char *const template_keys[] = {"rev", "slug", "epoch", "year", "month", "day", "hour", "minute", "second"};
enum { TEMPLATE_KEYS = 9, TEMPLATE_STRINGS = 2 };

/* Python's `template % values`, for the conversions retort writes: expand
** into out (when values is non-NULL), or find what is wrong. */
static const char *template_walk(arena *a, const char *tmpl, const char *const *strs, const long *nums, strbuf *out,
                                 size_t *at, const char **hint) {
    for (const char *p = tmpl; *p; p++) {
        if (*p != '%') { if (out) sb_appendc(out, *p); continue; }
        *at = (size_t)(p - tmpl);
        if (p[1] == '%') { if (out) sb_appendc(out, '%'); p++; continue; }
        if (p[1] != '(') {
            *hint = "in alembic.ini a file name's '%' is written %%%% (ConfigParser makes it %%, Python's % "
                    "formatting makes that %); the keys are written %%(rev)s, %%(slug)s, %%(year)d...";
            return "a '%' in file_template that starts no %(key)s";
        }
        const char *close = strchr(p + 2, ')');
        if (!close) {
            *hint = "write the key as %%(name)s, e.g. %%(rev)s";
            return "a '%(' in file_template without its ')'";
        }
        const char *key = arena_strndup(a, p + 2, (size_t)(close - p - 2));
        int k = -1;
        for (int i = 0; i < TEMPLATE_KEYS; i++)
            if (!strcmp(key, template_keys[i])) k = i;
        if (k < 0) {
            const char *near = closest_match(key, template_keys, TEMPLATE_KEYS);
            *hint = arena_printf(a, "%sfile_template may use rev, slug, epoch, year, month, day, hour, minute and "
                                    "second (Alembic fails with KeyError: '%s')",
                                 near ? arena_printf(a, "did you mean %%%%(%s)s? ", near) : "", key);
            return arena_printf(a, "unknown key '%s' in file_template", key);
        }
        const char *f = close + 1;
        bool left = false, zero = false, plus = false, space = false;
        for (; *f && strchr("#0- +", *f); f++) {
            if (*f == '-') left = true;
            if (*f == '0') zero = true;
            if (*f == '+') plus = true;
            if (*f == ' ') space = true;
        }
        int width = -1, prec = -1;
        /* The numbers stop growing past 255 (refused below): a huge width
        ** must not overflow an int. */
        if (isdigit((unsigned char)*f))
            for (width = 0; isdigit((unsigned char)*f); f++)
                if (width <= 255) width = width * 10 + (*f - '0');
        if (*f == '.')
            for (f++, prec = 0; isdigit((unsigned char)*f); f++)
                if (prec <= 255) prec = prec * 10 + (*f - '0');
        if (width > 255 || prec > 255) {
            *hint = "a file name does not need more than a few characters of padding, e.g. %%(month).2d";
            return "a width or precision over 255 in file_template";
        }
        if (*f && strchr("hlL", *f)) f++;            /* Python ignores a length modifier */
        char conv = *f;
        if (conv == 's' || ((conv == 'd' || conv == 'i' || conv == 'u') && k >= TEMPLATE_STRINGS)) {
            if (out) {
                char fmt[32];
                if (conv == 's') {
                    const char *v = k < TEMPLATE_STRINGS ? strs[k] : arena_printf(a, "%ld", nums[k - TEMPLATE_STRINGS]);
                    snprintf(fmt, sizeof fmt, "%%%s*.*s", left ? "-" : "");
                    sb_printf(out, fmt, width < 0 ? 0 : width, prec < 0 ? (int)strlen(v) : prec, v);
                } else {
                    /* Python's %d: precision = least digits; the 0 flag pads
                    ** to the width even with a precision (unlike C). */
                    long v = nums[k - TEMPLATE_STRINGS];
                    char digits[32];
                    snprintf(digits, sizeof digits, "%lu", v < 0 ? 0UL - (unsigned long)v : (unsigned long)v);
                    const char *sign = v < 0 ? "-" : plus ? "+" : space ? " " : "";
                    int nd = (int)strlen(digits), body = (int)strlen(sign) + (prec > nd ? prec : nd);
                    int pad = width > body ? width - body : 0;
                    if (!left && !zero) sb_printf(out, "%*s", pad, "");
                    sb_append(out, sign);
                    if (!left && zero) sb_printf(out, "%0*d", pad, 0 * pad);
                    if (prec > nd) sb_printf(out, "%0*d", prec - nd, 0);
                    sb_append(out, digits);
                    if (left) sb_printf(out, "%*s", pad, "");
                }
            }
            p = f;
            continue;
        }
        if (conv == 'd' || conv == 'i' || conv == 'u') {
            *hint = arena_printf(a, "write %%%%(%s)s: %s is text (Alembic fails with TypeError)", key, key);
            return arena_printf(a, "'%%(%s)%c' in file_template: %s is not a number", key, conv, key);
        }
        *hint = "write %%(key)s, or %%(key)d for the numbers (with flags, a width and a precision: %%(month).2d)";
        if (!conv) return arena_printf(a, "'%%(%s)' in file_template has no conversion character", key);
        return arena_printf(a, "'%%(%s)%c' in file_template: retort writes only the s and d conversions", key, conv);
    }
    return NULL;
}

const char *revision_template_check(arena *a, const char *tmpl, size_t *at, const char **hint) {
    *at = 0;
    *hint = NULL;
    return template_walk(a, tmpl, NULL, NULL, NULL, at, hint);
}

const char *revision_file_name(arena *a, const char *tmpl, const char *rev, const char *slug,
                               const struct tm *when, time_t epoch) {
    const char *strs[TEMPLATE_STRINGS] = {rev, slug};
    long nums[TEMPLATE_KEYS - TEMPLATE_STRINGS] = {(long)epoch,   when->tm_year + 1900, when->tm_mon + 1, when->tm_mday,
                                                   when->tm_hour, when->tm_min,         when->tm_sec};
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    size_t at;
    const char *hint;
    template_walk(a, tmpl, strs, nums, &sb, &at, &hint);
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}
const char *revision_create_date(arena *a, const char *timezone, struct tm *tm_out, time_t *epoch) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *epoch = ts.tv_sec;
    if (!timezone) {
        localtime_r(&ts.tv_sec, tm_out);
    } else {
        /* A configured zone: convert in it and show the offset, as
        ** Python's str(datetime.now(tz)) does. */
        const char *old = getenv("TZ");
        char *saved = old ? strdup(old) : NULL;
        setenv("TZ", timezone, 1);
        tzset();
        localtime_r(&ts.tv_sec, tm_out);
        if (saved) { setenv("TZ", saved, 1); free(saved); } else unsetenv("TZ");
        tzset();
    }
    char base[64];
    strftime(base, sizeof base, "%Y-%m-%d %H:%M:%S", tm_out);
    const char *r = arena_printf(a, "%s.%06ld", base, ts.tv_nsec / 1000);
    if (timezone) {
        long off = tm_out->tm_gmtoff;
        char sign = off < 0 ? '-' : '+';
        if (off < 0) off = -off;
        r = arena_printf(a, "%s%c%02ld:%02ld", r, sign, off / 3600, (off % 3600) / 60);
    }
    return r;
}
