/*
** sqlite.c — read the live schema of an SQLite database into the Schema IR.
**
** Six queries, however many tables there are.  Each joins the catalog
** (main.sqlite_master) with one of the table-valued pragma functions, so a
** single statement walks every table.  In the order they run:
**
**   1. objects       what the IR does not hold: triggers with their SQL,
**                    views, virtual tables and their shadow tables (left
**                    out of the tables), in schema->objects
**   2. columns       pragma_table_xinfo: name, declared type, NOT NULL,
**                    default text, position in the primary key; a table's
**                    first row makes the table (in name order)
**   3. indexes       pragma_index_list: name, unique, origin (c = CREATE
**                    INDEX, u = UNIQUE constraint, pk = primary key),
**                    partial, and the stored CREATE INDEX text
**   4. index columns pragma_index_xinfo: key columns in order
**   5. foreign keys  pragma_foreign_key_list: one row per column pair,
**                    grouped by id
**   6. tables        the stored CREATE TABLE text, which finishes each
**                    table as its row comes (finish_table), so that no
**                    parsed statement outlives its own row
**
** What the pragmas do not tell is read from the stored SQL with a small
** tokenizer (sql_tokenize below): the names of constraints (CONSTRAINT x
** PRIMARY KEY / UNIQUE / FOREIGN KEY / REFERENCES / CHECK), check
** constraints themselves, AUTOINCREMENT, the text of expression index
** columns and the WHERE of partial indexes.  Foreign keys and unique
** constraints from the text are matched to the pragma rows by their
** columns.
**
** Conventions of the result: tables sorted by name; alembic_version,
** sqlite_* and opt->exclude_tables left out (names compared case
** insensitively, as SQLite does); virtual tables left out.  Defaults are
** DEFAULT_SQL with the text SQLite keeps ('pending', (CURRENT_TIMESTAMP),
** 0).  An INTEGER PRIMARY KEY (the rowid) is NOT NULL whatever the pragma
** says; other columns are nullable exactly when declared without NOT NULL.
** The primary key's autoindex is not an index; UNIQUE autoindexes are unique
** constraints; indexes made by CREATE INDEX are indexes, with expression
** columns given as their text in parentheses ("(lower(name))", as on
** PostgreSQL), DESC as the key's option and ASC left out (a COLLATE makes
** the index `unmodeled`; the stored SQL is kept as its `definition`).  Unnamed constraints have a NULL name.  ON DELETE / ON UPDATE are
** upper case, NULL for NO ACTION.
*/
#include "introspect/introspect.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------- tokenizer */

typedef enum sql_token_kind {
    TK_WORD,        /* bare word: keyword, identifier or number */
    TK_QUOTED_ID,   /* "x", `x` or [x] */
    TK_STRING,      /* 'x' */
    TK_LPAREN,
    TK_RPAREN,
    TK_COMMA,
    TK_PUNCT        /* any other single character */
} sql_token_kind;

/* The words the parsers below look for.  The tokenizer tells them once per
** bare word, so that testing a token for a keyword is one comparison: a
** column definition is tested against a dozen keywords per token, and at
** 1,000 tables those tests, each a case-insensitive string comparison,
** were 3.6 M instructions of a no-change run. */
typedef enum sql_keyword {
    KW_NONE,        /* not one of these, or not a bare word */
    KW_AS, KW_ON,
    KW_ASC, KW_KEY, KW_NOT, KW_SET,
    KW_DESC, KW_NULL,
    KW_CHECK, KW_WHERE,
    KW_UNIQUE,
    KW_COLLATE, KW_DEFAULT, KW_FOREIGN, KW_PRIMARY,
    KW_GENERATED,
    KW_CONSTRAINT, KW_DEFERRABLE, KW_REFERENCES,
    KW_AUTOINCREMENT
} sql_keyword;

/* Their spellings: upper-case letters only (keyword_of relies on it). */
static const char *const keyword_text[] = {
    [KW_AS] = "AS", [KW_ON] = "ON",
    [KW_ASC] = "ASC", [KW_KEY] = "KEY", [KW_NOT] = "NOT", [KW_SET] = "SET",
    [KW_DESC] = "DESC", [KW_NULL] = "NULL",
    [KW_CHECK] = "CHECK", [KW_WHERE] = "WHERE",
    [KW_UNIQUE] = "UNIQUE",
    [KW_COLLATE] = "COLLATE", [KW_DEFAULT] = "DEFAULT", [KW_FOREIGN] = "FOREIGN", [KW_PRIMARY] = "PRIMARY",
    [KW_GENERATED] = "GENERATED",
    [KW_CONSTRAINT] = "CONSTRAINT", [KW_DEFERRABLE] = "DEFERRABLE", [KW_REFERENCES] = "REFERENCES",
    [KW_AUTOINCREMENT] = "AUTOINCREMENT",
};

/* The one keyword of each length and first letter: no two share both, so
** a word is compared with one spelling at most. */
static const sql_keyword keyword_by_length_and_letter[][26] = {
    [2] = {['A' - 'A'] = KW_AS, ['O' - 'A'] = KW_ON},
    [3] = {['A' - 'A'] = KW_ASC, ['K' - 'A'] = KW_KEY, ['N' - 'A'] = KW_NOT, ['S' - 'A'] = KW_SET},
    [4] = {['D' - 'A'] = KW_DESC, ['N' - 'A'] = KW_NULL},
    [5] = {['C' - 'A'] = KW_CHECK, ['W' - 'A'] = KW_WHERE},
    [6] = {['U' - 'A'] = KW_UNIQUE},
    [7] = {['C' - 'A'] = KW_COLLATE, ['D' - 'A'] = KW_DEFAULT, ['F' - 'A'] = KW_FOREIGN, ['P' - 'A'] = KW_PRIMARY},
    [9] = {['G' - 'A'] = KW_GENERATED},
    [10] = {['C' - 'A'] = KW_CONSTRAINT, ['D' - 'A'] = KW_DEFERRABLE, ['R' - 'A'] = KW_REFERENCES},
    [13] = {['A' - 'A'] = KW_AUTOINCREMENT},
};

/* Whether the width bytes at s (width <= 8) are those at w once bit 0x20
** of each is cleared, read as one number. */
static bool same_chunk(const char *s, const char *w, size_t width) {
    uint64_t x = 0, y = 0;
    memcpy(&x, s, width);
    memcpy(&y, w, width);
    return (x & 0xDFDFDFDFDFDFDFDFu) == y;
}

/* Whether the n bytes at s (2 <= n <= 16) are the upper-case letters at
** w, in any case.  Clearing bit 0x20 of a byte makes it equal to an
** upper-case letter exactly when it is that letter in either case (what
** strncasecmp does in the C locale, which retort never changes).  Two
** chunks of the widest size that fits, one from each end, cover the n
** bytes (overlapping in the middle), so that a word costs two
** comparisons instead of one per letter. */
static bool same_letters(const char *s, const char *w, size_t n) {
    if (n >= 8) return same_chunk(s, w, 8) && same_chunk(s + n - 8, w + n - 8, 8);
    if (n >= 4) return same_chunk(s, w, 4) && same_chunk(s + n - 4, w + n - 4, 4);
    return same_chunk(s, w, 2) && same_chunk(s + n - 2, w + n - 2, 2);
}

/* Which keyword the bare word s[0..n) is, in any case.  A first byte that
** is not a letter (a digit, _, $, from 0x80) falls outside the table's 26
** columns once bit 0x20 is cleared. */
static sql_keyword keyword_of(const char *s, size_t n) {
    unsigned letter = ((unsigned char)s[0] & ~0x20u) - 'A';
    if (n >= sizeof keyword_by_length_and_letter / sizeof keyword_by_length_and_letter[0] || letter >= 26)
        return KW_NONE;
    sql_keyword k = keyword_by_length_and_letter[n][letter];
    return k != KW_NONE && same_letters(s, keyword_text[k], n) ? k : KW_NONE;
}

typedef struct sql_token {
    sql_token_kind kind;
    sql_keyword keyword;    /* a TK_WORD's; KW_NONE for every other kind */
    const char *text;       /* into the SQL text */
    size_t len;
} sql_token;

typedef VEC(sql_token) token_vec;

/* Character classes of the C locale (retort never sets another), by
** table: the tokenizer reads every byte of every stored CREATE statement,
** and one lookup tells which kind of token a byte starts. */
typedef enum char_class_id {
    CC_PUNCT,       /* any other character: a token of its own */
    CC_END,         /* '\0' */
    CC_SPACE,
    CC_WORD,        /* letters, digits, _, $ and every byte from 0x80 */
    CC_QUOTE,       /* " ` ' [ */
    CC_LPAREN,
    CC_RPAREN,
    CC_COMMA,
    CC_DASH,        /* - (a comment when doubled) */
    CC_SLASH        /* / (a comment before *) */
} char_class_id;
static unsigned char char_class[256];

static void init_char_classes(void) {
    if (char_class['a']) return;
    for (int c = 0; c < 256; c++) {
        char_class_id k = CC_PUNCT;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
            c >= 0x80)
            k = CC_WORD;
        else if (c == ' ' || (c >= '\t' && c <= '\r')) k = CC_SPACE;
        else if (c == '"' || c == '`' || c == '\'' || c == '[') k = CC_QUOTE;
        else if (c == '(') k = CC_LPAREN;
        else if (c == ')') k = CC_RPAREN;
        else if (c == ',') k = CC_COMMA;
        else if (c == '-') k = CC_DASH;
        else if (c == '/') k = CC_SLASH;
        else if (c == '\0') k = CC_END;
        char_class[c] = (unsigned char)k;
    }
}

/* The end of the quoted token that starts at p ("x", `x`, [x] or 'x'): past
** its closing quote, a doubled quote inside it ("" `` '') being part of
** it; the end of the text when it is unterminated. */
static const char *quoted_end(const char *p) {
    char close = *p == '[' ? ']' : *p;
    const char *q = p + 1;
    for (;;) {
        if (!*q) return q;
        if (*q == close) {
            if (close != ']' && q[1] == close) { q += 2; continue; }
            return q + 1;
        }
        q++;
    }
}

/* Split SQL into tokens; blanks and comments (-- to end of line, C style)
** are dropped.  An unterminated quote or comment runs to the end.  The
** vector is pushed to through a local copy, which the compiler keeps in
** registers (the stores of tokens could alias *out). */
static void sql_tokenize(arena *a, const char *sql, token_vec *out) {
    init_char_classes();
    token_vec v = *out;
    const char *p = sql;
    for (;;) {
        sql_token t = {TK_PUNCT, KW_NONE, p, 1};
        switch ((char_class_id)char_class[(unsigned char)*p]) {
        case CC_END:
            *out = v;
            return;
        case CC_SPACE:
            do p++; while (char_class[(unsigned char)*p] == CC_SPACE);
            continue;
        case CC_DASH:
            if (p[1] == '-') {
                while (*p && *p != '\n') p++;
                continue;
            }
            break;
        case CC_SLASH:
            if (p[1] == '*') {
                const char *end = strstr(p + 2, "*/");
                p = end ? end + 2 : p + strlen(p);
                continue;
            }
            break;
        case CC_QUOTE:
            t.kind = *p == '\'' ? TK_STRING : TK_QUOTED_ID;
            t.len = (size_t)(quoted_end(p) - p);
            break;
        case CC_WORD: {
            const char *q = p + 1;
            while (char_class[(unsigned char)*q] == CC_WORD) q++;
            t.kind = TK_WORD;
            t.len = (size_t)(q - p);
            t.keyword = keyword_of(p, t.len);
            break;
        }
        case CC_LPAREN: t.kind = TK_LPAREN; break;
        case CC_RPAREN: t.kind = TK_RPAREN; break;
        case CC_COMMA: t.kind = TK_COMMA; break;
        case CC_PUNCT: break;
        }
        vec_push(a, &v, t);
        p += t.len;
    }
}

/* Is token i the keyword kw? */
static bool tok_is_word(const token_vec *tv, size_t i, sql_keyword kw) {
    return i < tv->len && tv->items[i].keyword == kw;
}

static bool tok_is(const token_vec *tv, size_t i, sql_token_kind k) {
    return i < tv->len && tv->items[i].kind == k;
}

/* Does token i stand for a name (a bare word, a quoted name or a string)? */
static bool tok_is_name(const token_vec *tv, size_t i) {
    if (i >= tv->len) return false;
    sql_token_kind k = tv->items[i].kind;
    return k == TK_WORD || k == TK_QUOTED_ID || k == TK_STRING;
}

/* The name a token stands for: quotes removed and doubled quotes undone;
** NULL when it stands for none. */
static const char *tok_ident(arena *a, const token_vec *tv, size_t i) {
    if (!tok_is_name(tv, i)) return NULL;
    const sql_token *t = &tv->items[i];
    if (t->kind == TK_WORD) return arena_strcopy(a, t->text, t->len);
    char open = t->text[0], close = open == '[' ? ']' : open;
    size_t n = t->len;
    if (n >= 2 && t->text[n - 1] == close) n--;
    char *r = arena_alloc(a, n + 1), *w = r;
    for (size_t k = 1; k < n; k++) {
        if (close != ']' && t->text[k] == close && k + 1 < n && t->text[k + 1] == close) k++;
        *w++ = t->text[k];
    }
    *w = '\0';
    return r;
}

/* Index of the parenthesis closing the one at tv[open]; tv->len when the
** text is unbalanced. */
static size_t matching_rparen(const token_vec *tv, size_t open) {
    int depth = 0;
    for (size_t i = open; i < tv->len; i++) {
        if (tv->items[i].kind == TK_LPAREN) depth++;
        else if (tv->items[i].kind == TK_RPAREN && --depth == 0) return i;
    }
    return tv->len;
}

/* The source text from token `first` to token `last` inclusive. */
static const char *tok_span_text(arena *a, const token_vec *tv, size_t first, size_t last) {
    if (first > last || last >= tv->len) return arena_strdup(a, "");
    const char *s = tv->items[first].text;
    const char *e = tv->items[last].text + tv->items[last].len;
    return arena_strcopy(a, s, (size_t)(e - s));
}

/* The source text strictly inside the parentheses at tv[open], trimmed. */
static const char *paren_group_text(arena *a, const token_vec *tv, size_t open) {
    size_t close = matching_rparen(tv, open);
    if (close >= tv->len || close == open + 1) return arena_strdup(a, "");
    return tok_span_text(a, tv, open + 1, close - 1);
}

/* The comma-separated items directly inside the parentheses at tv[open]
** are walked one at a time: the item that starts at token i ends at the
** index list_item_end returns (the comma or closing parenthesis at depth 0
** after it, or tv->len when the text is unbalanced), and the list ends
** after an item that list_item_last says so of.  An empty item (two commas
** in a row) has end == start.  One walk over the tokens, with no vector:
** CREATE TABLE lists are walked once per table. */
static size_t list_item_end(const token_vec *tv, size_t i) {
    int depth = 0;
    for (; i < tv->len; i++) {
        sql_token_kind k = tv->items[i].kind;
        if (k == TK_LPAREN) depth++;
        else if (k == TK_RPAREN) {
            if (depth == 0) return i;
            depth--;
        } else if (k == TK_COMMA && depth == 0) return i;
    }
    return tv->len;
}

static bool list_item_last(const token_vec *tv, size_t end) {
    return end >= tv->len || tv->items[end].kind == TK_RPAREN;
}

/* The items of the list at tv[open], as token ranges [start, end), empty
** ones left out; returns the index of its closing parenthesis (tv->len when
** unbalanced). */
typedef struct token_range { size_t start, end; } token_range;
typedef VEC(token_range) range_vec;

static size_t split_paren_items(arena *a, const token_vec *tv, size_t open, range_vec *out) {
    for (size_t start = open + 1;;) {
        size_t end = list_item_end(tv, start);
        if (end > start) vec_push(a, out, ((token_range){start, end}));
        if (list_item_last(tv, end)) return end;
        start = end + 1;
    }
}

/* Column names of a "(a, b COLLATE x DESC)" list: each item's first token. */
static size_t paren_column_names(arena *a, const token_vec *tv, size_t open, str_vec *out) {
    for (size_t start = open + 1;;) {
        size_t end = list_item_end(tv, start);
        const char *name = end > start ? tok_ident(a, tv, start) : NULL;
        if (name) vec_push(a, out, name);
        if (list_item_last(tv, end)) return end;
        start = end + 1;
    }
}

/* ------------------------------------------------- the CREATE TABLE text */

typedef enum text_constraint_kind { TC_PRIMARY_KEY, TC_UNIQUE, TC_FOREIGN_KEY, TC_CHECK } text_constraint_kind;

typedef struct text_constraint {
    text_constraint_kind kind;
    const char *name;       /* NULL when unnamed */
    str_vec columns;        /* PK / UNIQUE / FK columns */
    const char *ref_table;  /* FK */
    const char *sqltext;    /* CHECK, without the outer parentheses */
    bool used;              /* matched to a pragma row already */
} text_constraint;

/* A generated column's expression: "AS (expr)" after GENERATED ALWAYS or
** alone (the pragma says whether it is stored). */
typedef struct generated_text {
    const char *column;
    const char *expression;
} generated_text;

typedef struct create_table_text {
    VEC(text_constraint *) constraints;
    VEC(generated_text) generated;
    bool autoincrement;
} create_table_text;

static text_constraint *add_text_constraint(arena *a, create_table_text *ct, text_constraint_kind k,
                                            const char *name) {
    text_constraint *c = arena_alloc(a, sizeof *c);
    c->kind = k;
    c->name = name;
    vec_push(a, &ct->constraints, c);
    return c;
}

/* The column's name for a constraint of its own: made from token s at the
** first such constraint only (most columns have none), then kept. */
static const char *column_name(arena *a, const token_vec *tv, size_t s, const char **name) {
    if (!*name) *name = tok_ident(a, tv, s);
    return *name;
}

/* The constraints written on one column definition, tokens [s, e):
** "name TYPE(args) [CONSTRAINT n] PRIMARY KEY | UNIQUE | CHECK (...) |
** REFERENCES t (c) ON DELETE ... | NOT NULL | DEFAULT v | COLLATE x ..."
** Each token is looked at once, by its keyword. */
static void parse_column_definition(arena *a, const token_vec *tv, size_t s, size_t e,
                                    create_table_text *ct) {
    if (!tok_is_name(tv, s)) return;
    const char *column = NULL;
    const char *pending_name = NULL;
    size_t k = s + 1;
    while (k < e) {
        if (tv->items[k].kind == TK_LPAREN) {       /* type arguments, GENERATED AS (...) */
            k = matching_rparen(tv, k) + 1;
            continue;
        }
        text_constraint *c;
        switch (tv->items[k].keyword) {
        case KW_CONSTRAINT:
            pending_name = tok_ident(a, tv, k + 1);
            k += 2;
            continue;
        case KW_PRIMARY:
        case KW_UNIQUE:
            c = add_text_constraint(a, ct, tv->items[k].keyword == KW_PRIMARY ? TC_PRIMARY_KEY : TC_UNIQUE,
                                    pending_name);
            vec_push(a, &c->columns, column_name(a, tv, s, &column));
            pending_name = NULL;
            break;
        case KW_CHECK:
            if (!tok_is(tv, k + 1, TK_LPAREN)) break;
            c = add_text_constraint(a, ct, TC_CHECK, pending_name);
            c->sqltext = paren_group_text(a, tv, k + 1);
            pending_name = NULL;
            k = matching_rparen(tv, k + 1) + 1;
            continue;
        case KW_REFERENCES:
            c = add_text_constraint(a, ct, TC_FOREIGN_KEY, pending_name);
            vec_push(a, &c->columns, column_name(a, tv, s, &column));
            c->ref_table = tok_ident(a, tv, k + 1);
            pending_name = NULL;
            k += 2;
            continue;
        case KW_SET:                                /* ON DELETE SET NULL / DEFAULT */
            k += 2;
            continue;
        case KW_NOT:
            if (tok_is_word(tv, k + 1, KW_DEFERRABLE)) {
                k += 2;
                continue;
            }
            pending_name = NULL;                    /* NOT NULL */
            break;
        case KW_DEFAULT:
            pending_name = NULL;
            k++;
            if (k < e && tv->items[k].kind == TK_PUNCT) k++;          /* sign */
            if (tok_is(tv, k, TK_LPAREN)) k = matching_rparen(tv, k);
            k++;
            continue;
        case KW_COLLATE:
            pending_name = NULL;
            k += 2;
            continue;
        case KW_AS:
            if (!tok_is(tv, k + 1, TK_LPAREN)) break;
            vec_push(a, &ct->generated, ((generated_text){column_name(a, tv, s, &column),
                                                          paren_group_text(a, tv, k + 1)}));
            pending_name = NULL;
            k = matching_rparen(tv, k + 1) + 1;
            continue;
        case KW_NULL:
        case KW_GENERATED:
            pending_name = NULL;
            break;
        default:
            break;
        }
        k++;
    }
}

/* One item of the CREATE TABLE list, tokens [s, e): a table constraint or a
** column definition. */
static void parse_table_item(arena *a, const token_vec *tv, size_t s, size_t e,
                             create_table_text *ct) {
    size_t j = s;
    const char *name = NULL;
    if (tok_is_word(tv, j, KW_CONSTRAINT)) {
        name = tok_ident(a, tv, j + 1);
        j += 2;
    }
    if (tok_is_word(tv, j, KW_PRIMARY) && tok_is_word(tv, j + 1, KW_KEY) && tok_is(tv, j + 2, TK_LPAREN)) {
        text_constraint *c = add_text_constraint(a, ct, TC_PRIMARY_KEY, name);
        paren_column_names(a, tv, j + 2, &c->columns);
    } else if (tok_is_word(tv, j, KW_UNIQUE) && tok_is(tv, j + 1, TK_LPAREN)) {
        text_constraint *c = add_text_constraint(a, ct, TC_UNIQUE, name);
        paren_column_names(a, tv, j + 1, &c->columns);
    } else if (tok_is_word(tv, j, KW_CHECK) && tok_is(tv, j + 1, TK_LPAREN)) {
        text_constraint *c = add_text_constraint(a, ct, TC_CHECK, name);
        c->sqltext = paren_group_text(a, tv, j + 1);
    } else if (tok_is_word(tv, j, KW_FOREIGN) && tok_is_word(tv, j + 1, KW_KEY) &&
               tok_is(tv, j + 2, TK_LPAREN)) {
        text_constraint *c = add_text_constraint(a, ct, TC_FOREIGN_KEY, name);
        size_t close = paren_column_names(a, tv, j + 2, &c->columns);
        if (tok_is_word(tv, close + 1, KW_REFERENCES)) c->ref_table = tok_ident(a, tv, close + 2);
    } else if (j == s && j < e) {
        parse_column_definition(a, tv, s, e, ct);
    }
}

/* Read the constraints of a stored CREATE TABLE statement, tokenized in
** tv.  Text that is not a CREATE TABLE with a column list (CREATE TABLE
** ... AS SELECT) gives none. */
static void parse_create_table(arena *a, const token_vec *tv, create_table_text *ct) {
    memset(ct, 0, sizeof *ct);
    for (size_t i = 0; i < tv->len; i++)
        if (tok_is_word(tv, i, KW_AUTOINCREMENT)) ct->autoincrement = true;
    size_t open = 0;
    while (open < tv->len && tv->items[open].kind != TK_LPAREN) {
        if (tok_is_word(tv, open, KW_AS)) return;
        open++;
    }
    if (open >= tv->len) return;
    for (size_t start = open + 1;;) {
        size_t end = list_item_end(tv, start);
        if (end > start) parse_table_item(a, tv, start, end, ct);
        if (list_item_last(tv, end)) return;
        start = end + 1;
    }
}

/* ------------------------------------------------- the CREATE INDEX text */

typedef struct create_index_text {
    str_vec items;          /* each indexed item's text, ASC/DESC/COLLATE removed */
    VEC(bool) desc;         /* per item: DESC */
    const char *where;      /* partial index predicate, or NULL */
    const char *unmodeled;  /* a DESC or COLLATE the IR does not hold, or NULL */
} create_index_text;

/* The same for a CREATE INDEX statement, tokenized in tokens. */
static void parse_create_index(arena *a, const token_vec *tokens, create_index_text *ci) {
    memset(ci, 0, sizeof *ci);
    const token_vec tv = *tokens;
    size_t on = 0;
    while (on < tv.len && !tok_is_word(&tv, on, KW_ON)) on++;
    size_t open = on;
    while (open < tv.len && tv.items[open].kind != TK_LPAREN) open++;
    if (open >= tv.len) return;
    range_vec items = {0};
    size_t close = split_paren_items(a, &tv, open, &items);
    for (size_t i = 0; i < items.len; i++) {
        size_t s = items.items[i].start, e = items.items[i].end;
        const char *order = NULL, *collation = NULL;
        if (e > s + 1 && (tok_is_word(&tv, e - 1, KW_ASC) || tok_is_word(&tv, e - 1, KW_DESC))) {
            if (tok_is_word(&tv, e - 1, KW_DESC)) order = "DESC";
            e--;
        }
        if (e > s + 2 && tok_is_word(&tv, e - 2, KW_COLLATE)) {
            collation = tok_ident(a, &tv, e - 1);
            e -= 2;
        }
        const char *item = tok_span_text(a, &tv, s, e - 1);
        vec_push(a, &ci->items, item);
        vec_push(a, &ci->desc, order != NULL);
        if (!ci->unmodeled && collation) ci->unmodeled = arena_printf(a, "COLLATE %s on %s", collation, item);
    }
    if (tok_is_word(&tv, close + 1, KW_WHERE) && close + 2 < tv.len) {
        size_t last = tv.len - 1;
        while (last > close + 2 && tv.items[last].kind == TK_PUNCT && tv.items[last].text[0] == ';') last--;
        ci->where = tok_span_text(a, &tv, close + 2, last);
    }
}

/* ------------------------------------------------------------- the reader */

/* The foreign key being assembled from consecutive rows of one id. */
typedef struct fk_cursor {
    struct table_state *ts;
    int id;
    foreign_key *fk;
    VEC(foreign_key *) missing_ref_columns;  /* REFERENCES parent with no columns */
} fk_cursor;

/* What the reader keeps per table until its CREATE TABLE text is read (the
** last query): the primary key's columns, whose order only the pragma
** tells.  The text itself is parsed then, and only for as long as that
** table is finished; at 10,000 tables, keeping every parsed statement
** until the last query was a sixth of a no-change run's peak memory. */
typedef struct table_state {
    table *t;
    VEC(column *) pk_columns;   /* in pk order once sorted */
    VEC(int) pk_positions;
    bool has_generated;         /* a generated column waits for its expression */
    bool finished;
} table_state;

/* An index or unique constraint whose key columns query 4 adds.  What
** query 3's row and the CREATE INDEX text tell is already in the IR
** (def or unique); the text is kept only to be parsed again when a key is
** an expression (pragma_index_xinfo gives no text for those). */
typedef struct index_state {
    const char *key;            /* "table\x01index" (index_map_key) */
    str_vec *columns;           /* the index_def's or unique_def's */
    const char *sql;            /* CREATE INDEX (stored in the IR as definition), or NULL */
    str_vec items;              /* its key items, once a key needed them */
    bool items_parsed;
} index_state;

typedef struct sqlite_reader {
    sqlite3 *db;
    schema *s;
    arena *a;                   /* scratch: freed when done */
    arena *statement;           /* one parsed CREATE statement's: reset after each */
    diag_list *dl;
    strmap *tables;             /* name -> table_state */
    table_state *last_table;    /* of the last row: rows come grouped by table */
    const char *last_skipped;   /* the name of the last table left out, or NULL */
    /* The index states in query 3's order, which query 4 walks in the same
    ** order (index_state_of); by key only when the keys did not come in
    ** strictly increasing order (then in indexes, made at the first look). */
    VEC(index_state *) index_list;
    size_t index_cursor;        /* query 4's place in index_list */
    bool index_keys_unordered;
    strmap *indexes;            /* "table\x01index" -> index_state, or NULL */
    fk_cursor fk_reading;
    const str_vec *excluded_tables;
    const char *hidden_table;       /* retort's checksum table: left out silently */
    strmap *shadow_tables;      /* names of virtual tables' shadow tables */
    strmap *types;              /* introspect_column_type's: spellings parsed */
    token_vec tokens;           /* the tokenizer's, reused statement after statement */
} sqlite_reader;

/* Every query walks the same tables: ordinary tables of the main schema,
** not SQLite's own and not virtual ones (their module may be missing). */
#define TABLE_FILTER                                                          \
    " m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"          \
    " AND m.sql NOT LIKE 'CREATE VIRTUAL%'"

/* Run last, each row finishing its table: in no particular order (the
** tables are found by name), so that SQLite need not sort the statements. */
static const char SQL_TABLES[] =
    "SELECT m.name, m.sql FROM main.sqlite_master AS m WHERE" TABLE_FILTER;

static const char SQL_COLUMNS[] =
    "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden"
    " FROM main.sqlite_master AS m, pragma_table_xinfo(m.name, 'main') AS p"
    " WHERE" TABLE_FILTER " AND p.hidden IN (0, 2, 3)"
    " ORDER BY m.name, p.cid";

static const char SQL_INDEXES[] =
    "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial, s.sql"
    " FROM main.sqlite_master AS m"
    " JOIN pragma_index_list(m.name, 'main') AS il"
    " LEFT JOIN main.sqlite_master AS s ON s.type = 'index' AND s.name = il.name"
    " WHERE" TABLE_FILTER
    " ORDER BY m.name, il.name";

static const char SQL_INDEX_COLUMNS[] =
    "SELECT m.name, il.name, ix.cid, ix.name"
    " FROM main.sqlite_master AS m, pragma_index_list(m.name, 'main') AS il,"
    " pragma_index_xinfo(il.name, 'main') AS ix"
    " WHERE" TABLE_FILTER " AND ix.key = 1"
    " ORDER BY m.name, il.name, ix.seqno";

/* What the IR does not hold: triggers (their SQL is kept, so that a
** move-and-copy can re-create them), views, virtual tables and the shadow
** tables a virtual table keeps its data in (ordinary tables to every other
** query, left out of the schema here).  pragma_table_list (SQLite 3.37)
** tells shadow tables. */
static const char SQL_OBJECTS[] =
    "SELECT CASE WHEN m.type = 'table' THEN 'virtual table' ELSE m.type END, m.name, m.tbl_name, m.sql"
    " FROM main.sqlite_master AS m"
    " WHERE m.type IN ('trigger', 'view') OR (m.type = 'table' AND m.sql LIKE 'CREATE VIRTUAL%')"
    " UNION ALL"
    " SELECT 'shadow table', tl.name, NULL, NULL FROM pragma_table_list AS tl"
    " WHERE tl.schema = 'main' AND tl.type = 'shadow'"
    " ORDER BY 3, 1, 2";

static const char SQL_OBJECTS_BEFORE_3_37[] =
    "SELECT CASE WHEN m.type = 'table' THEN 'virtual table' ELSE m.type END, m.name, m.tbl_name, m.sql"
    " FROM main.sqlite_master AS m"
    " WHERE m.type IN ('trigger', 'view') OR (m.type = 'table' AND m.sql LIKE 'CREATE VIRTUAL%')"
    " ORDER BY 3, 1, 2";

/* pragma ids count foreign keys from the last declared: id DESC is the
** order of the CREATE TABLE text. */
static const char SQL_FOREIGN_KEYS[] =
    "SELECT m.name, fk.id, fk.\"table\", fk.\"from\", fk.\"to\", fk.on_update, fk.on_delete"
    " FROM main.sqlite_master AS m, pragma_foreign_key_list(m.name, 'main') AS fk"
    " WHERE" TABLE_FILTER
    " ORDER BY m.name, fk.id DESC, fk.seq";

static const char *column_text(sqlite_reader *r, sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? arena_strdup(r->s->arena, (const char *)t) : NULL;
}

static int query_failed(sqlite_reader *r, const char *what) {
    diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "cannot read the SQLite schema (%s): %s", what,
             sqlite3_errmsg(r->db));
    return -1;
}

typedef int (*row_fn)(sqlite_reader *r, sqlite3_stmt *st);

/* Run one catalog query, calling fn for each row. */
static int run_query(sqlite_reader *r, const char *sql, const char *what, row_fn fn) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) return query_failed(r, what);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(r, st) != 0) {
            sqlite3_finalize(st);
            return -1;
        }
    if (rc != SQLITE_DONE) {
        query_failed(r, what);
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

/* The tokens of a stored statement, in the reader's reused vector. */
static const token_vec *tokenize(sqlite_reader *r, const char *sql) {
    r->tokens.len = 0;
    if (sql) sql_tokenize(r->a, sql, &r->tokens);
    return &r->tokens;
}

/* The state of the table a row's first column names, or NULL when the
** table is left out.  Rows come grouped by table, so the last one found
** is tried first. */
static table_state *find_table_state(sqlite_reader *r, sqlite3_stmt *st) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    if (!name) return NULL;
    if (r->last_table && !strcmp(r->last_table->t->name, name)) return r->last_table;
    table_state *ts = strmap_get(r->tables, name);
    if (ts) r->last_table = ts;
    return ts;
}

static int read_object_row(sqlite_reader *r, sqlite3_stmt *st) {
    const char *kind = (const char *)sqlite3_column_text(st, 0);
    const char *name = (const char *)sqlite3_column_text(st, 1);
    if (!kind || !name) return 0;
    const char *tbl = (const char *)sqlite3_column_text(st, 2);
    bool on_table = !strcmp(kind, "trigger");       /* views and virtual tables stand alone */
    schema_add_object(r->s, kind, name, on_table ? tbl : NULL, (const char *)sqlite3_column_text(st, 3));
    if (!strcmp(kind, "shadow table")) strmap_put(r->shadow_tables, arena_strdup(r->a, name), r);
    return 0;
}

/* The table of a column row, made at its first row (the columns query is
** the first to walk the tables, in name order); NULL when it is left out. */
static table_state *column_table_state(sqlite_reader *r, sqlite3_stmt *st) {
    table_state *ts = find_table_state(r, st);
    if (ts) return ts;
    const char *name = (const char *)sqlite3_column_text(st, 0);
    if (!name || (r->last_skipped && !strcmp(r->last_skipped, name))) return NULL;
    if (!strcasecmp(name, "alembic_version") || strmap_get(r->shadow_tables, name) ||
        (r->hidden_table && !strcasecmp(name, r->hidden_table))) {
        r->last_skipped = arena_strdup(r->a, name);
        return NULL;
    }
    if (introspect_excluded(r->excluded_tables, name, true)) {
        schema_add_object(r->s, "table", name, NULL, NULL)->excluded = true;
        r->last_skipped = arena_strdup(r->a, name);
        return NULL;
    }
    table *t = schema_add_table(r->s, name);
    if (!t) return NULL;    /* cannot happen: names are unique in the catalog */
    ts = arena_alloc(r->a, sizeof *ts);
    ts->t = t;
    strmap_put(r->tables, t->name, ts);
    r->last_table = ts;
    return ts;
}

static int read_column_row(sqlite_reader *r, sqlite3_stmt *st) {
    table_state *ts = column_table_state(r, st);
    if (!ts) return 0;
    const char *name = column_text(r, st, 1);
    column *c = table_add_column(r->s, ts->t, name ? name : "");
    if (!c) return 0;   /* a duplicate name: SQLite refuses those */
    const char *declared = (const char *)sqlite3_column_text(st, 2);
    c->type = introspect_column_type(dialect_sqlite(), r->s, r->types, r->a, declared ? declared : "");
    c->nullable = sqlite3_column_int(st, 3) == 0;
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
        c->server_default.kind = DEFAULT_SQL;
        c->server_default.text = column_text(r, st, 4);
    }
    int hidden = sqlite3_column_int(st, 6);     /* 2: VIRTUAL, 3: STORED */
    if (hidden == 2 || hidden == 3) {
        c->generated = "";      /* its expression comes with the table's text */
        c->generated_stored = hidden == 3;
        ts->has_generated = true;
    }
    int pk = sqlite3_column_int(st, 5);
    if (pk > 0) {
        c->primary_key = true;
        vec_push(r->a, &ts->pk_columns, c);
        vec_push(r->a, &ts->pk_positions, pk);
    }
    return 0;
}

/* "table\x01index" of a row's first two columns, in buf when it fits
** (lookups), else (or when keep) in the scratch arena. */
static const char *index_map_key(sqlite_reader *r, sqlite3_stmt *st, char *buf, size_t bufsize, bool keep) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    size_t tn = t ? (size_t)sqlite3_column_bytes(st, 0) : 0;
    const char *i = (const char *)sqlite3_column_text(st, 1);
    size_t in = i ? (size_t)sqlite3_column_bytes(st, 1) : 0;
    char *k = !keep && tn + in + 2 <= bufsize ? buf : arena_alloc(r->a, tn + in + 2);
    if (tn) memcpy(k, t, tn);
    k[tn] = '\x01';
    if (in) memcpy(k + tn + 1, i, in);
    k[tn + 1 + in] = '\0';
    return k;
}

/* An index made by CREATE INDEX: an index of the IR, with what its text
** says (DESC keys, WHERE, a COLLATE the IR does not hold). */
static index_def *add_index(sqlite_reader *r, table_state *ts, sqlite3_stmt *st) {
    arena *sa = r->s->arena;
    index_def *d = arena_alloc(sa, sizeof *d);
    d->name = column_text(r, st, 1);
    d->unique = sqlite3_column_int(st, 2) != 0;
    d->definition = column_text(r, st, 5);
    create_index_text text;
    parse_create_index(r->statement, tokenize(r, d->definition), &text);
    for (size_t k = 0; k < text.desc.len; k++)
        if (text.desc.items[k]) {
            while (d->keys.len < k) vec_push(sa, &d->keys, ((index_key){0}));
            vec_push(sa, &d->keys, ((index_key){.desc = true}));
        }
    d->where = arena_strdup(sa, text.where);
    d->unmodeled = arena_strdup(sa, text.unmodeled);
    arena_reset(r->statement);
    vec_push(sa, &ts->t->indexes, d);
    return d;
}

static int read_index_row(sqlite_reader *r, sqlite3_stmt *st) {
    table_state *ts = find_table_state(r, st);
    if (!ts) return 0;
    const char *origin = (const char *)sqlite3_column_text(st, 3);
    char kind = origin ? origin[0] : 'c';
    if (kind != 'c' && kind != 'u') return 0;   /* the primary key's: not an index */
    index_state *ix = arena_alloc(r->a, sizeof *ix);
    if (kind == 'c') {
        index_def *d = add_index(r, ts, st);
        ix->columns = &d->columns;
        ix->sql = d->definition;
    } else {
        /* A UNIQUE constraint: its name, if it has one, is in the table's
        ** text (finish_table). */
        unique_def *u = arena_alloc(r->s->arena, sizeof *u);
        vec_push(r->s->arena, &ts->t->uniques, u);
        ix->columns = &u->columns;
    }
    ix->key = index_map_key(r, st, NULL, 0, true);
    if (r->index_list.len && strcmp(r->index_list.items[r->index_list.len - 1]->key, ix->key) >= 0)
        r->index_keys_unordered = true;
    vec_push(r->a, &r->index_list, ix);
    return 0;
}

/* The state of the index whose key (index_map_key) a row of query 4 has,
** or NULL when query 3 made none (a primary key's index, a table left
** out).  What a map from key to state would give, at less cost: query 4
** lists the indexes in query 3's order (both sort by table and index
** name), so the key is the one at the cursor or the next one; any other
** is searched for by halves, the keys having come in strictly increasing
** order (so each key is there once).  When they did not (names that hold
** the separator \x01 can do that), the map is made and asked. */
static index_state *index_state_of(sqlite_reader *r, const char *key) {
    index_state **list = r->index_list.items;
    size_t n = r->index_list.len;
    if (r->index_keys_unordered) {
        if (!r->indexes) {
            r->indexes = strmap_new(r->a);
            for (size_t i = 0; i < n; i++) strmap_put(r->indexes, list[i]->key, list[i]);
        }
        return strmap_get(r->indexes, key);
    }
    size_t at = r->index_cursor;
    if (at < n && !strcmp(list[at]->key, key)) return list[at];
    if (at + 1 < n && !strcmp(list[at + 1]->key, key)) {
        r->index_cursor = at + 1;
        return list[at + 1];
    }
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(list[mid]->key, key);
        if (!c) {
            r->index_cursor = mid;
            return list[mid];
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static int read_index_column_row(sqlite_reader *r, sqlite3_stmt *st) {
    char key[256];
    index_state *ix = index_state_of(r, index_map_key(r, st, key, sizeof key, false));
    if (!ix) return 0;
    int cid = sqlite3_column_int(st, 2);
    const char *name;
    if (cid == -2) {    /* an expression: its text from CREATE INDEX, in parentheses */
        if (!ix->items_parsed) {
            create_index_text text;
            parse_create_index(r->a, tokenize(r, ix->sql), &text);
            ix->items = text.items;
            ix->items_parsed = true;
        }
        size_t pos = ix->columns->len;
        const char *text = pos < ix->items.len ? ix->items.items[pos] : "";
        name = sql_parenthesized_whole(text) ? arena_strdup(r->s->arena, text)
                                         : arena_printf(r->s->arena, "(%s)", text);
    } else if (cid == -1) {
        name = arena_strdup(r->s->arena, "rowid");
    } else {
        name = column_text(r, st, 3);
    }
    vec_push(r->s->arena, ix->columns, name);
    return 0;
}

static bool same_columns(const str_vec *x, const str_vec *y) {
    if (x->len != y->len) return false;
    for (size_t i = 0; i < x->len; i++)
        if (strcasecmp(x->items[i], y->items[i]) != 0) return false;
    return true;
}

/* The first not yet used constraint of the text of this kind on these
** columns (and, for a foreign key, to this table). */
static text_constraint *match_text_constraint(create_table_text *text, text_constraint_kind kind,
                                              const str_vec *columns, const char *ref_table) {
    for (size_t i = 0; i < text->constraints.len; i++) {
        text_constraint *c = text->constraints.items[i];
        if (c->used || c->kind != kind || !same_columns(&c->columns, columns)) continue;
        if (ref_table && c->ref_table && strcasecmp(ref_table, c->ref_table) != 0) continue;
        c->used = true;
        return c;
    }
    return NULL;
}


static const char *referential_action(sqlite_reader *r, const char *action) {
    if (!action || !*action || !strcasecmp(action, "NO ACTION")) return NULL;
    char *up = arena_strdup(r->s->arena, action);
    for (char *p = up; *p; p++) *p = (char)toupper((unsigned char)*p);
    return up;
}

static int read_foreign_key_row(sqlite_reader *r, sqlite3_stmt *st) {
    table_state *ts = find_table_state(r, st);
    if (!ts) return 0;
    int id = sqlite3_column_int(st, 1);
    arena *sa = r->s->arena;
    if (!r->fk_reading.fk || r->fk_reading.ts != ts || r->fk_reading.id != id) {
        foreign_key *fk = arena_alloc(sa, sizeof *fk);
        fk->ref_table = column_text(r, st, 2);
        fk->onupdate = referential_action(r, (const char *)sqlite3_column_text(st, 5));
        fk->ondelete = referential_action(r, (const char *)sqlite3_column_text(st, 6));
        vec_push(sa, &ts->t->foreign_keys, fk);
        r->fk_reading.ts = ts;
        r->fk_reading.id = id;
        r->fk_reading.fk = fk;
        if (sqlite3_column_type(st, 4) == SQLITE_NULL) vec_push(r->a, &r->fk_reading.missing_ref_columns, fk);
    }
    const char *from = column_text(r, st, 3);
    vec_push(sa, &r->fk_reading.fk->columns, from ? from : "");
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) vec_push(sa, &r->fk_reading.fk->ref_columns, column_text(r, st, 4));
    return 0;
}

static int compare_pk_positions(const void *x, const void *y) {
    const int *a = x, *b = y;
    return (*a > *b) - (*a < *b);
}

/* Primary key, identity, generated expressions, constraint names and
** checks: what needs all the rows of a table and its CREATE TABLE text
** (sql; NULL when the text was not read, which gives no names). */
static void finish_table(sqlite_reader *r, table_state *ts, const char *sql) {
    arena *sa = r->s->arena;
    table *t = ts->t;
    create_table_text text;
    parse_create_table(r->statement, tokenize(r, sql), &text);
    ts->finished = true;
    /* A DESC the text gives beyond the keys the pragma listed (text the
    ** tokenizer split otherwise) is dropped: keys never outnumber columns. */
    for (size_t i = 0; i < t->indexes.len; i++) {
        index_def *d = t->indexes.items[i];
        if (d->keys.len > d->columns.len) d->keys.len = d->columns.len;
    }
    for (size_t i = 0; ts->has_generated && i < t->columns.len; i++) {
        column *c = t->columns.items[i];
        if (!c->generated) continue;
        for (size_t g = 0; g < text.generated.len; g++)
            if (!strcasecmp(text.generated.items[g].column, c->name))
                c->generated = arena_strdup(sa, text.generated.items[g].expression);
    }
    /* Unique constraints (their indexes, in query 3's order) before the
    ** foreign keys and checks: the order of the matching does not matter,
    ** each kind matches only its own. */
    for (size_t i = 0; i < t->uniques.len; i++) {
        unique_def *u = t->uniques.items[i];
        text_constraint *c = match_text_constraint(&text, TC_UNIQUE, &u->columns, NULL);
        if (c && c->name) u->name = arena_strdup(sa, c->name);
    }
    /* Primary key columns by their position in the key (pk is 1-based). */
    size_t n = ts->pk_columns.len;
    if (n) {
        struct { int pos; column *c; } *order = arena_alloc(r->statement, n * sizeof *order);
        for (size_t i = 0; i < n; i++) {
            order[i].pos = ts->pk_positions.items[i];
            order[i].c = ts->pk_columns.items[i];
        }
        qsort(order, n, sizeof *order, compare_pk_positions);
        for (size_t i = 0; i < n; i++) vec_push(sa, &t->primary_key.columns, order[i].c->name);
        text_constraint *pk = match_text_constraint(&text, TC_PRIMARY_KEY, &t->primary_key.columns, NULL);
        if (pk && pk->name) t->primary_key.name = arena_strdup(sa, pk->name);
        /* A lone INTEGER PRIMARY KEY is the rowid: never NULL, and
        ** AUTOINCREMENT can only be written on it. */
        column *only = order[0].c;
        if (n == 1 && only->type.raw && !strcasecmp(only->type.raw, "INTEGER")) {
            only->nullable = false;
            only->identity = text.autoincrement;
        }
    }
    /* A UNIQUE on exactly the primary-key columns: SQLite keeps it in the
    ** table's SQL but makes no index of its own for it (the key's index, or
    ** the rowid, already is one), so no pragma row shows it.  It is a
    ** unique constraint all the same, and the models may declare it. */
    for (size_t i = 0; i < text.constraints.len; i++) {
        text_constraint *c = text.constraints.items[i];
        if (c->used || c->kind != TC_UNIQUE || !same_columns(&c->columns, &t->primary_key.columns)) continue;
        c->used = true;
        unique_def *u = arena_alloc(sa, sizeof *u);
        u->name = arena_strdup(sa, c->name);
        for (size_t k = 0; k < t->primary_key.columns.len; k++)
            vec_push(sa, &u->columns, t->primary_key.columns.items[k]);
        vec_push(sa, &t->uniques, u);
    }
    for (size_t i = 0; i < t->foreign_keys.len; i++) {
        foreign_key *fk = t->foreign_keys.items[i];
        text_constraint *c = match_text_constraint(&text, TC_FOREIGN_KEY, &fk->columns, fk->ref_table);
        if (c && c->name) fk->name = arena_strdup(sa, c->name);
    }
    for (size_t i = 0; i < text.constraints.len; i++) {
        text_constraint *c = text.constraints.items[i];
        if (c->kind != TC_CHECK) continue;
        check_def *ck = arena_alloc(sa, sizeof *ck);
        ck->name = arena_strdup(sa, c->name);
        ck->sqltext = arena_strdup(sa, c->sqltext);
        vec_push(sa, &t->checks, ck);
    }
    arena_reset(r->statement);
}

static int read_table_row(sqlite_reader *r, sqlite3_stmt *st) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    table_state *ts = name ? strmap_get(r->tables, name) : NULL;
    if (ts) finish_table(r, ts, (const char *)sqlite3_column_text(st, 1));
    return 0;
}

int introspect_sqlite(sqlite3 *db, const introspect_options *opt, schema **out, diag_list *dl) {
    *out = NULL;
    sqlite_reader r = {0};
    r.db = db;
    r.dl = dl;
    r.s = schema_new();
    r.a = arena_new();
    r.statement = arena_new();
    r.tables = strmap_new(r.a);
    r.excluded_tables = opt ? opt->exclude_tables : NULL;
    r.hidden_table = opt ? opt->hidden_table : NULL;
    r.shadow_tables = strmap_new(r.a);
    r.types = strmap_new(r.a);

    int rc = run_query(&r, sqlite3_libversion_number() >= 3037000 ? SQL_OBJECTS : SQL_OBJECTS_BEFORE_3_37,
                       "other objects", read_object_row);
    if (!rc) rc = run_query(&r, SQL_COLUMNS, "columns", read_column_row);
    if (!rc) rc = run_query(&r, SQL_INDEXES, "indexes", read_index_row);
    if (!rc) rc = run_query(&r, SQL_INDEX_COLUMNS, "index columns", read_index_column_row);
    if (!rc) rc = run_query(&r, SQL_FOREIGN_KEYS, "foreign keys", read_foreign_key_row);
    if (!rc) rc = run_query(&r, SQL_TABLES, "tables", read_table_row);
    if (rc) {
        arena_free(r.statement);
        arena_free(r.a);
        schema_free(r.s);
        return -1;
    }
    /* A table the last query did not list (it cannot happen: every query
    ** walks the same tables) still gets its primary key. */
    for (size_t i = 0; i < r.s->tables.len; i++) {
        table_state *ts = strmap_get(r.tables, r.s->tables.items[i]->name);
        if (!ts->finished) finish_table(&r, ts, NULL);
    }
    /* REFERENCES parent (no columns) means the parent's primary key. */
    for (size_t i = 0; i < r.fk_reading.missing_ref_columns.len; i++) {
        foreign_key *fk = r.fk_reading.missing_ref_columns.items[i];
        table *parent = schema_find_table(r.s, fk->ref_table);
        if (parent) fk->ref_columns = parent->primary_key.columns;
    }
    arena_free(r.statement);
    arena_free(r.a);
    *out = r.s;
    return 0;
}

size_t introspect_sqlite_queries(const catalog_query **out) {
    static const catalog_query since_3_37[] = {
        {"other objects", SQL_OBJECTS}, {"columns", SQL_COLUMNS}, {"indexes", SQL_INDEXES},
        {"index columns", SQL_INDEX_COLUMNS}, {"foreign keys", SQL_FOREIGN_KEYS}, {"tables", SQL_TABLES}};
    static const catalog_query before_3_37[] = {
        {"other objects", SQL_OBJECTS_BEFORE_3_37}, {"columns", SQL_COLUMNS}, {"indexes", SQL_INDEXES},
        {"index columns", SQL_INDEX_COLUMNS}, {"foreign keys", SQL_FOREIGN_KEYS}, {"tables", SQL_TABLES}};
    *out = sqlite3_libversion_number() >= 3037000 ? since_3_37 : before_3_37;
    return sizeof since_3_37 / sizeof since_3_37[0];
}
