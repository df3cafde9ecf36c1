/*
** format.c — findings as text, JSON, GitHub workflow commands, a Markdown
** table and SARIF 2.1.0 (lint.h).  Every JSON shape is built with jansson.
*/
#include "lint/lint.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int lint_format_find(const char *name) {
    static const char *const N[] = {"text", "json", "github", "markdown", "sarif"};
    for (int i = 0; i < (int)(sizeof N / sizeof *N); i++)
        if (!strcmp(N[i], name)) return i;
    return -1;
}

static bool located(const lint_finding *f) { return f->loc.file && f->loc.line > 0; }

/* How wide the caret is: the dotted name at the column (op.drop_column). */
static int span_at(const char *line, int column) {
    if (!line || column < 1 || (size_t)column > strlen(line)) return 1;
    const char *p = line + column - 1;
    int n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '.') n++;
    return n ? n : 1;
}

static char *format_text(const lint_findings *fs) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out) util_oom();
    arena *a = arena_new();
    for (size_t i = 0; i < fs->items.len; i++) {
        const lint_finding *f = &fs->items.items[i];
        if (f->acknowledged) continue;
        diag d = {.severity = f->severity == LINT_ERROR ? DIAG_ERROR : f->severity == LINT_WARNING ? DIAG_WARNING
                                                                                                    : DIAG_NOTE,
                  .loc = f->loc, .span = 1, .hint = f->hint};
        d.message = arena_printf(a, "%s: %s", f->rule_id, f->message);
        if (located(f)) {
            d.source_line = file_line(a, f->loc.file, f->loc.line);
            d.span = span_at(d.source_line, f->loc.column);
        }
        diag_print_one(&d, out);
    }
    arena_free(a);
    fclose(out);
    return buf;
}

static char *dump(json_t *j) {
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (!s) util_oom();
    size_t n = strlen(s);
    char *r = realloc(s, n + 2);
    if (!r) util_oom();
    r[n] = '\n';
    r[n + 1] = '\0';
    return r;
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static char *format_json(const lint_findings *fs) {
    json_t *list = json_array();
    for (size_t i = 0; i < fs->items.len; i++) {
        const lint_finding *f = &fs->items.items[i];
        json_t *o = json_object();
        json_object_set_new(o, "rule", json_string(f->rule_id));
        json_object_set_new(o, "severity", json_string(lint_severity_name(f->severity)));
        json_object_set_new(o, "file", str_or_null(f->loc.file));
        json_object_set_new(o, "line", f->loc.line > 0 ? json_integer(f->loc.line) : json_null());
        json_object_set_new(o, "column", f->loc.line > 0 ? json_integer(f->loc.column > 0 ? f->loc.column : 1)
                                                          : json_null());
        json_object_set_new(o, "message", json_string(f->message));
        json_object_set_new(o, "hint", json_string(f->hint));
        json_object_set_new(o, "revision", str_or_null(f->revision));
        json_object_set_new(o, "acknowledged", json_boolean(f->acknowledged));
        json_array_append_new(list, o);
    }
    json_t *j = json_object();
    json_object_set_new(j, "findings", list);
    json_object_set_new(j, "errors", json_integer((json_int_t)lint_findings_errors(fs)));
    return dump(j);
}

/* GitHub's workflow-command escaping: data escapes % CR LF; properties
** also : and ,. */
static void gh_escape(strbuf *sb, const char *s, bool property) {
    for (; *s; s++) {
        switch (*s) {
        case '%': sb_append(sb, "%25"); break;
        case '\r': sb_append(sb, "%0D"); break;
        case '\n': sb_append(sb, "%0A"); break;
        case ':': if (property) { sb_append(sb, "%3A"); break; } sb_appendc(sb, *s); break;
        case ',': if (property) { sb_append(sb, "%2C"); break; } sb_appendc(sb, *s); break;
        default: sb_appendc(sb, *s);
        }
    }
}

static char *format_github(const lint_findings *fs) {
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < fs->items.len; i++) {
        const lint_finding *f = &fs->items.items[i];
        if (f->acknowledged) continue;
        sb_printf(&sb, "::%s ", f->severity == LINT_ERROR ? "error" : f->severity == LINT_WARNING ? "warning" : "notice");
        if (located(f)) {
            sb_append(&sb, "file=");
            gh_escape(&sb, f->loc.file, true);
            sb_printf(&sb, ",line=%d,col=%d,", f->loc.line, f->loc.column > 0 ? f->loc.column : 1);
        }
        sb_append(&sb, "title=");
        gh_escape(&sb, f->rule_id, true);
        sb_append(&sb, "::");
        gh_escape(&sb, f->message, false);
        sb_append(&sb, ". ");
        gh_escape(&sb, f->hint, false);
        sb_appendc(&sb, '\n');
    }
    return sb_take(&sb);
}

static void md_cell(strbuf *sb, const char *s) {
    for (; *s; s++) {
        if (*s == '|') sb_append(sb, "\\|");
        else if (*s == '\n') sb_appendc(sb, ' ');
        else sb_appendc(sb, *s);
    }
}

static char *format_markdown(const lint_findings *fs) {
    strbuf sb = STRBUF_INIT;
    size_t shown = 0;
    for (size_t i = 0; i < fs->items.len; i++) shown += !fs->items.items[i].acknowledged;
    if (!shown) {
        sb_append(&sb, "No unacknowledged lint findings.\n");
        return sb_take(&sb);
    }
    sb_append(&sb, "| Severity | Rule | Where | What happens | What to do |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < fs->items.len; i++) {
        const lint_finding *f = &fs->items.items[i];
        if (f->acknowledged) continue;
        sb_printf(&sb, "| %s | `%s` | ", lint_severity_name(f->severity), f->rule_id);
        if (located(f)) {
            md_cell(&sb, f->loc.file);
            sb_printf(&sb, ":%d", f->loc.line);
        } else if (f->revision) {
            md_cell(&sb, f->revision);
        }
        sb_append(&sb, " | ");
        md_cell(&sb, f->message);
        sb_append(&sb, " | ");
        md_cell(&sb, f->hint);
        sb_append(&sb, " |\n");
    }
    return sb_take(&sb);
}

static const char *sarif_level(lint_severity s) {
    return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : s == LINT_INFO ? "note" : "none";
}

static char *format_sarif(const lint_findings *fs) {
    json_t *rules = json_array();
    for (int r = 0; r < LINT_RULE_COUNT; r++) {
        const lint_rule_info *ri = lint_rule_info_of((lint_rule)r);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(ri->id));
        json_object_set_new(o, "shortDescription", json_pack("{s:s}", "text", ri->summary));
        json_object_set_new(o, "defaultConfiguration", json_pack("{s:s}", "level", sarif_level(ri->severity)));
        json_array_append_new(rules, o);
    }
    json_t *results = json_array();
    for (size_t i = 0; i < fs->items.len; i++) {
        const lint_finding *f = &fs->items.items[i];
        json_t *o = json_object();
        json_object_set_new(o, "ruleId", json_string(f->rule_id));
        json_object_set_new(o, "ruleIndex", json_integer(f->rule));
        json_object_set_new(o, "level", json_string(sarif_level(f->severity)));
        json_object_set_new(o, "message", json_pack("{s:s++}", "text", f->message, ". ", f->hint));
        json_t *locs = json_array();
        if (located(f))
            json_array_append_new(
                locs, json_pack("{s:{s:{s:s},s:{s:i,s:i}}}", "physicalLocation", "artifactLocation", "uri",
                                f->loc.file, "region", "startLine", f->loc.line, "startColumn",
                                f->loc.column > 0 ? f->loc.column : 1));
        json_object_set_new(o, "locations", locs);
        if (f->revision) json_object_set_new(o, "properties", json_pack("{s:s}", "revision", f->revision));
        if (f->acknowledged)
            json_object_set_new(o, "suppressions", json_pack("[{s:s,s:s}]", "kind", "inSource", "justification",
                                                             "# retort: allow comment"));
        json_array_append_new(results, o);
    }
    json_t *driver = json_object();
    json_object_set_new(driver, "name", json_string("retort"));
    json_object_set_new(driver, "rules", rules);
    json_t *run = json_object();
    json_object_set_new(run, "tool", json_pack("{s:o}", "driver", driver));
    json_object_set_new(run, "results", results);
    json_t *j = json_object();
    json_object_set_new(j, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
    json_object_set_new(j, "version", json_string("2.1.0"));
    json_object_set_new(j, "runs", json_pack("[o]", run));
    return dump(j);
}

char *lint_format_findings(const lint_findings *f, lint_format fmt) {
    switch (fmt) {
    case LINT_FORMAT_TEXT: return format_text(f);
    case LINT_FORMAT_JSON: return format_json(f);
    case LINT_FORMAT_GITHUB: return format_github(f);
    case LINT_FORMAT_MARKDOWN: return format_markdown(f);
    case LINT_FORMAT_SARIF: return format_sarif(f);
    }
    return NULL;
}
