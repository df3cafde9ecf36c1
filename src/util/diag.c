/*
** diag.c — diagnostics that a person can act on: where, what, the line
** itself with a caret under the spot, and what to do.
*/
#include "util/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void diag_list_init(diag_list *dl) {
    memset(dl, 0, sizeof *dl);
    dl->arena = arena_new();
}

void diag_list_free(diag_list *dl) {
    arena_free(dl->arena);
    memset(dl, 0, sizeof *dl);
}

/* Line `line` of text.  `end` bounds a text that may hold NUL bytes (a
** file read whole, with a NUL after its last byte): lines after a NUL are
** still found.  NULL end: text is a C string.  The copy stops at a NUL
** either way, as the line, being a C string, would. */
static const char *line_of(arena *a, const char *text, const char *end, int line) {
    if (!text || line <= 0) return NULL;
    const char *p = text;
    for (int cur = 1; cur < line; cur++) {
        const char *nl = end ? memchr(p, '\n', (size_t)(end - p)) : strchr(p, '\n');
        if (!nl) return NULL;
        p = nl + 1;
    }
    return arena_strndup(a, p, strcspn(p, "\r\n"));
}

const char *text_line(arena *a, const char *text, int line) { return line_of(a, text, NULL, line); }

const char *file_line(arena *a, const char *path, int line) {
    if (!path || line <= 0) return NULL;
    size_t len;
    char *text = read_file(path, &len);
    if (!text) return NULL;
    const char *res = line_of(a, text, text + len, line);
    free(text);
    return res;
}

diag *diag_add(diag_list *dl, diag_severity sev, src_loc loc, const char *fmt, ...) {
    diag d = {0};
    d.severity = sev;
    d.loc = loc;
    d.loc.file = arena_strdup(dl->arena, loc.file);
    d.span = 1;
    va_list ap;
    va_start(ap, fmt);
    d.message = arena_vprintf(dl->arena, fmt, ap);
    va_end(ap);
    d.source_line = file_line(dl->arena, loc.file, loc.line);
    vec_push(dl->arena, &dl->items, d);
    if (sev == DIAG_ERROR) dl->errors++;
    return &dl->items.items[dl->items.len - 1];
}

void diag_list_append(diag_list *dst, const diag_list *src) {
    for (size_t i = 0; i < src->items.len; i++) {
        diag d = src->items.items[i];
        d.loc.file = arena_strdup(dst->arena, d.loc.file);
        d.message = arena_strdup(dst->arena, d.message);
        d.hint = arena_strdup(dst->arena, d.hint);
        d.source_line = arena_strdup(dst->arena, d.source_line);
        vec_push(dst->arena, &dst->items, d);
        if (d.severity == DIAG_ERROR) dst->errors++;
    }
}

void diag_set_hint(diag_list *dl, diag *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    d->hint = arena_vprintf(dl->arena, fmt, ap);
    va_end(ap);
}

static const char *severity_name(diag_severity s) {
    switch (s) {
    case DIAG_ERROR: return "error";
    case DIAG_WARNING: return "warning";
    case DIAG_NOTE: return "note";
    }
    return "error";
}

void fputs_printable(const char *s, FILE *out) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f) fprintf(out, "\\x%02x", *p);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) fprintf(out, "\\u%04x", p[1]), p++;
        else fputc(*p, out);
    }
}

void diag_print_one(const diag *d, FILE *out) {
    if (d->loc.file && d->loc.line > 0)
        fprintf(out, "%s:%d:%d: ", d->loc.file, d->loc.line, d->loc.column > 0 ? d->loc.column : 1);
    else if (d->loc.file)
        fprintf(out, "%s: ", d->loc.file);
    fprintf(out, "%s: ", severity_name(d->severity));
    fputs_printable(d->message, out);
    fputc('\n', out);
    if (d->source_line) {
        char num[16];
        int w = snprintf(num, sizeof num, "%d", d->loc.line);
        fprintf(out, " %s | ", num);
        fputs_printable(d->source_line, out);
        fputc('\n', out);
        fprintf(out, " %*s | ", w, "");
        /* Keep tabs so the caret lines up under tab-indented text. */
        int col = d->loc.column > 0 ? d->loc.column : 1;
        size_t len = strlen(d->source_line);
        for (int i = 1; i < col; i++) {
            size_t k = (size_t)(i - 1);
            fputc(k < len && d->source_line[k] == '\t' ? '\t' : ' ', out);
        }
        fputc('^', out);
        for (int i = 1; i < d->span; i++) fputc('~', out);
        fputc('\n', out);
    }
    if (d->hint) {
        /* Continuation lines of a hint line up under its first word. */
        fputs("  hint: ", out);
        for (const char *h = d->hint; *h;) {
            size_t n = strcspn(h, "\n");
            char *line = strndup(h, n);
            if (!line) util_oom();
            fputs_printable(line, out);
            free(line);
            h += n;
            if (*h == '\n') {
                fputc('\n', out);
                if (*++h) fputs("        ", out);
            }
        }
        fputc('\n', out);
    }
}

void diag_print(const diag_list *dl, FILE *out) {
    for (size_t i = 0; i < dl->items.len; i++) diag_print_one(&dl->items.items[i], out);
}

int edit_distance(const char *a, const char *b, int max) {
    size_t la = strlen(a), lb = strlen(b);
    if ((int)(la > lb ? la - lb : lb - la) > max) return max + 1;
    int *prev = malloc((lb + 1) * sizeof *prev), *cur = malloc((lb + 1) * sizeof *cur);
    if (!prev || !cur) util_oom();
    for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        int row_min = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            cur[j] = v;
            if (v < row_min) row_min = v;
        }
        int *t = prev; prev = cur; cur = t;
        if (row_min > max) { free(prev); free(cur); return max + 1; }
    }
    int d = prev[lb];
    free(prev);
    free(cur);
    return d > max ? max + 1 : d;
}

const char *closest_match(const char *word, const char *const *candidates, size_t n) {
    int max = (int)strlen(word) / 3 + 1;
    if (max > 3) max = 3;
    const char *best = NULL;
    int best_d = max + 1;
    for (size_t i = 0; i < n; i++) {
        int d = edit_distance(word, candidates[i], max);
        if (d < best_d) { best_d = d; best = candidates[i]; }
    }
    return best;
}
