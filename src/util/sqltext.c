/*
** sqltext.c — the shape of a piece of SQL text, as the index code needs it:
** is it one parenthesized whole ("(a + b)", not "(a) + (b)"), is it one
** function call ("lower(email)", not "lower(a) || b").  Quotes ('...' and
** "...") are skipped; nothing is parsed beyond brackets.
*/
#include "util/util.h"

#include <ctype.h>
#include <string.h>

/* Where the ')' closing the '(' at text[open] is, or -1. */
static long closing_paren(const char *text, size_t open) {
    int depth = 0;
    char quote = 0;
    for (size_t i = open; text[i]; i++) {
        char c = text[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth == 0) {
            return (long)i;
        }
    }
    return -1;
}

bool sql_parenthesized_whole(const char *text) {
    size_t n = strlen(text);
    if (n < 2 || text[0] != '(' || text[n - 1] != ')') return false;
    return closing_paren(text, 0) == (long)(n - 1);
}

const char *sql_skip_space(const char *p) {
    for (;;) {
        while (isspace((unsigned char)*p)) p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n') p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

bool sql_function_call(const char *text) {
    size_t i = 0;
    if (!isalpha((unsigned char)text[0]) && text[0] != '_') return false;
    while (isalnum((unsigned char)text[i]) || text[i] == '_' || text[i] == '.') i++;
    if (text[i] != '(') return false;
    size_t n = strlen(text);
    return closing_paren(text, i) == (long)(n - 1);
}
