/*
** config.c — alembic.ini, read the way Alembic's ConfigParser reads it
** (strict, as Python 3.11's configparser.ConfigParser: see parse_ini and
** interpolate_some), refusing what it refuses, each at its line.
**
**   [alembic]  (or the section of -n/--name) script_location,
**              file_template, truncate_slug_length, timezone,
**              sqlalchemy.url, version_locations with path_separator /
**              version_path_separator, recursive_version_locations,
**              sourceless, output_encoding, revision_environment,
**              prepend_sys_path (env.py's only: accepted);
**              a key close to one of these is a warning (a typo)
**   [post_write_hooks]  hooks = a, b; a.type = exec | console_scripts |
**              module, a.executable / a.entrypoint / a.module, a.options,
**              a.cwd: checked here, run by src/api/ after a revision is
**              written
**   [retort]   models (folder), exclude_tables (comma/space separated names or
**              shell patterns),
**              render_as_batch (true/false), schema (PostgreSQL schema),
**              backup_keep (SQLite backups kept, newest first; default 5),
**              version_table, version_table_schema (what env.py passes to
**              context.configure), alembic_fallback (true/false: run the
**              revisions retort's reader refuses through Alembic),
**              alembic_python (its interpreter; default /usr/bin/python3),
**              require_sum (true/false: a versions folder without
**              retort.sum is an error), record_checksums (true/false: the
**              runner records each applied revision's file hash),
**              checksum_table (where; default retort_migrations)
** The DATABASE_URL environment variable overrides sqlalchemy.url, as the
** qlib-ui backend's settings do.
*/
#include "script/script.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct ini_entry {
    const char *section, *key, *value;  /* key lower-cased (ConfigParser's optionxform) */
    int line, key_col, value_col;
} ini_entry;

typedef VEC(ini_entry) ini_entries;

typedef struct ini_section {
    const char *name;
    int line;
} ini_section;

static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

/* An entry by section and key, falling back on [DEFAULT] as ConfigParser
** does. */
static const ini_entry *find_entry(const ini_entries *es, const char *section, const char *key) {
    const ini_entry *dflt = NULL;
    for (size_t i = 0; i < es->len; i++) {
        if (strcmp(es->items[i].key, key) != 0) continue;
        if (!strcmp(es->items[i].section, section)) return &es->items[i];
        if (!strcmp(es->items[i].section, "DEFAULT")) dflt = &es->items[i];
    }
    return dflt;
}

/* ConfigParser's BasicInterpolation (Python 3.11), on one option:
** %% -> %, %(name)s -> the value of name in the same section or [DEFAULT]
** ("here" is the folder of the file), interpolated in its turn, at most 10
** levels deep. */
typedef struct interp {
    arena *a;
    const char *path, *here, *section;
    const ini_entries *es;
    const ini_entry *top;       /* the option being read */
    str_vec chain;              /* the names followed, for the hint */
    diag_list *dl;
} interp;

enum { MAX_INTERPOLATION_DEPTH = 10 };

/* Where byte off of e's value is (its first line only: else the value's
** start). */
static src_loc value_loc(const interp *in, const ini_entry *e, size_t off) {
    const char *nl = strchr(e->value, '\n');
    int col = e->value_col;
    if (!nl || off < (size_t)(nl - e->value)) col += (int)off;
    return (src_loc){in->path, e->line, col};
}

static int interpolate_some(interp *in, const ini_entry *cur, const char *value, int depth, strbuf *out) {
    if (depth > MAX_INTERPOLATION_DEPTH) {
        diag *d = diag_add(in->dl, DIAG_ERROR, (src_loc){in->path, in->top->line, in->top->value_col},
                           "Recursion limit exceeded in value substitution: option '%s' in section '%s' contains an "
                           "interpolation key which cannot be substituted in %d steps",
                           in->top->key, in->section, MAX_INTERPOLATION_DEPTH);
        str_vec shown = in->chain;
        if (shown.len > 4) shown.len = 4;
        diag_set_hint(in->dl, d, "%s -> %s -> ... refer to each other in a loop: give one of them a plain value",
                      in->top->key, str_vec_join(in->a, &shown, " -> "));
        return -1;
    }
    for (const char *p = value; *p; p++) {
        if (*p != '%') { sb_appendc(out, *p); continue; }
        size_t off = (size_t)(p - value);
        if (p[1] == '%') { sb_appendc(out, '%'); p++; continue; }
        if (p[1] != '(') {
            diag *d = diag_add(in->dl, DIAG_ERROR, value_loc(in, cur, off), "'%%' must be followed by '%%' or '(', found: '%s'", p);
            diag_set_hint(in->dl, d, "write %%%% for a literal %% (ConfigParser syntax)");
            return -1;
        }
        const char *close = strchr(p + 2, ')');
        if (!close || close == p + 2 || close[1] != 's') {
            diag *d = diag_add(in->dl, DIAG_ERROR, value_loc(in, cur, off), "bad interpolation variable reference '%s'", p);
            diag_set_hint(in->dl, d, "a reference is %%(name)s (the 's' included); write %%%% for a literal %%");
            return -1;
        }
        char *name = arena_strndup(in->a, p + 2, (size_t)(close - p - 2));
        for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
        const ini_entry *e = find_entry(in->es, in->section, name);
        p = close + 1;
        if (!e && !strcmp(name, "here")) { sb_append(out, in->here); continue; }
        if (!e) {
            diag *d = diag_add(in->dl, DIAG_ERROR, value_loc(in, cur, off), "unknown interpolation '%%(%s)s'", name);
            d->span = (int)(close + 2 - (value + off));
            diag_set_hint(in->dl, d, "no option '%s' in [%s] or [DEFAULT]; write %%%% for a literal %% (ConfigParser "
                                     "syntax), as in file_template = %%%%(rev)s_%%%%(slug)s", name, in->section);
            return -1;
        }
        vec_push(in->a, &in->chain, e->key);
        if (strchr(e->value, '%')) {
            if (interpolate_some(in, e, e->value, depth + 1, out) != 0) return -1;
        } else
            sb_append(out, e->value);
    }
    return 0;
}

static const char *interpolate(arena *a, const ini_entries *es, const char *path, const char *here, const char *section,
                               const ini_entry *e, diag_list *dl) {
    interp in = {a, path, here, section, es, e, {0}, dl};
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    int rc = interpolate_some(&in, e, e->value, 1, &sb);
    const char *r = rc == 0 ? arena_strdup(a, sb_str(&sb)) : NULL;
    sb_free(&sb);
    return r;
}

/* ConfigParser._read (Python 3.11) with Alembic's settings: strict (a
** section or an option twice is an error), '=' or ':', '#' and ';' full-line
** comments only, values continued on more-indented lines (blank lines
** inside kept), keys lower-cased.  Parsing errors are all reported; a
** duplicate or a line before any section stops at once, as ConfigParser
** raises there. */
static int parse_ini(arena *a, const char *path, char *text, ini_entries *out, diag_list *dl) {
    const char *section = NULL;
    VEC(ini_section) sections = {0};
    int lineno = 0, errors = 0;
    size_t indent_level = 0, cur = SIZE_MAX, pending_blank = 0;
    char *save = NULL;
    for (char *line = text; line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[--len] = '\0';
        const char *lead = line;
        while (isspace((unsigned char)*lead)) lead++;
        bool comment = *lead == '#' || *lead == ';';
        if (comment || !*lead) {
            if (!comment && cur != SIZE_MAX) pending_blank++;     /* a blank line may be inside a value */
            continue;
        }
        size_t indent = (size_t)(lead - line);
        if (section && cur != SIZE_MAX && indent > indent_level) {
            ini_entry *e = &out->items[cur];
            strbuf sb = STRBUF_INIT;
            sb_append(&sb, e->value);
            for (size_t i = 0; i <= pending_blank; i++) sb_appendc(&sb, '\n');
            sb_append(&sb, trim(line));
            e->value = arena_strdup(a, sb_str(&sb));
            sb_free(&sb);
            pending_blank = 0;
            continue;
        }
        pending_blank = 0;
        indent_level = indent;
        char *s = trim(line);
        char *rb = *s == '[' ? strrchr(s, ']') : NULL;
        if (rb && rb > s + 1) {
            *rb = '\0';
            const char *name = arena_strdup(a, trim(s + 1));
            for (size_t i = 0; i < sections.len; i++)
                if (!strcmp(sections.items[i].name, name) && strcmp(name, "DEFAULT") != 0) {
                    diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, lineno, (int)(s - line) + 1},
                                       "section '%s' already exists", name);
                    diag_set_hint(dl, d, "it begins at line %d too; ConfigParser (and so Alembic) refuses a section "
                                         "twice: merge the two into one", sections.items[i].line);
                    return -1;
                }
            ini_section sec = {name, lineno};
            vec_push(a, &sections, sec);
            section = name;
            cur = SIZE_MAX;
            continue;
        }
        if (!section) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, lineno, (int)(s - line) + 1}, "File contains no section headers");
            diag_set_hint(dl, d, "options belong in a section: start the file with [alembic]");
            return -1;
        }
        size_t k = strcspn(s, "=:");
        char *value = NULL, *key = s;
        if (s[k]) {
            s[k] = '\0';
            value = trim(s + k + 1);
            key = trim(s);
        }
        if (!value || !*key) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, lineno, (int)(s - line) + 1},
                               value ? "an option without a name" : "line is neither a section, a comment nor 'key = value'");
            diag_set_hint(dl, d, "write 'key = value', or start the line with '#' to comment it out");
            errors++;
            cur = SIZE_MAX;
            continue;
        }
        for (char *c = key; *c; c++) *c = (char)tolower((unsigned char)*c);
        for (size_t i = 0; i < out->len; i++)
            if (!strcmp(out->items[i].section, section) && !strcmp(out->items[i].key, key)) {
                diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, lineno, (int)(key - line) + 1},
                                   "option '%s' in section '%s' already exists", key, section);
                d->span = (int)strlen(key);
                diag_set_hint(dl, d, "it is set at line %d too; ConfigParser (and so Alembic) refuses an option "
                                     "twice in a section (keys ignore case): keep one", out->items[i].line);
                return -1;
            }
        ini_entry e = {section, arena_strdup(a, key), arena_strdup(a, value), lineno, (int)(key - line) + 1,
                       (int)(value - line) + 1};
        vec_push(a, out, e);
        cur = out->len - 1;
    }
    return errors ? -1 : 0;
}

/* The TZ value for a zone as Alembic 1.19 finds it (zoneinfo: the name as
** written, then upper-cased, under the system's tz folders; Alembic 1.8
** uses dateutil's tz.gettz the same way): ":<file>", "UTC0" for UTC, or
** NULL when there is no such zone. */
static const char *zone_tz(arena *a, const char *name) {
    if (!strcasecmp(name, "utc")) return "UTC0";
    /* zoneinfo keys are normalised relative paths */
    if (name[0] == '/' || name[strlen(name) - 1] == '/' || strstr(name, "//")) return NULL;
    for (const char *seg = name; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL)
        if (!strncmp(seg, "../", 3) || !strcmp(seg, "..") || !strncmp(seg, "./", 2) || !strcmp(seg, ".")) return NULL;
    const char *env = getenv("TZDIR");
    const char *dirs[] = {env && *env ? env : "/usr/share/zoneinfo", "/usr/share/zoneinfo", "/usr/lib/zoneinfo",
                          "/usr/share/lib/zoneinfo", "/etc/zoneinfo"};
    char *upper = arena_strdup(a, name);
    for (char *u = upper; *u; u++) *u = (char)toupper((unsigned char)*u);
    const char *variants[] = {name, upper};
    for (size_t v = 0; v < 2; v++)
        for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
            const char *path = arena_path_join(a, dirs[i], variants[v]);
            FILE *f = fopen(path, "rb");
            if (!f) continue;
            char magic[4] = {0};
            size_t got = fread(magic, 1, 4, f);
            fclose(f);
            if (got == 4 && !memcmp(magic, "TZif", 4)) return arena_printf(a, ":%s", path);
        }
    return NULL;
}

static bool parse_bool(const char *v, bool *out) {
    if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) { *out = true; return true; }
    if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) { *out = false; return true; }
    return false;
}

/* The keys Alembic reads from its section (1.8 and 1.19). */
static const char *const alembic_keys[] = {
    "script_location", "file_template", "truncate_slug_length", "timezone", "sqlalchemy.url",
    "version_locations", "version_path_separator", "path_separator", "recursive_version_locations",
    "sourceless", "output_encoding", "prepend_sys_path", "revision_environment"};
enum { N_ALEMBIC_KEYS = sizeof alembic_keys / sizeof *alembic_keys };

static const char *const retort_keys[] = {"models", "exclude_tables", "render_as_batch", "schema",
                                          "include_schemas", "backup_keep", "version_table", "version_table_schema",
                                          "alembic_fallback", "alembic_python", "lint_error", "lint_warning",
                                          "lint_ignore", "refuse_unacknowledged", "require_sum",
                                          "record_checksums", "checksum_table"};
enum { N_RETORT_KEYS = sizeof retort_keys / sizeof *retort_keys };

/* A list of names separated by commas and white space ("a, b c"). */
static void split_names(arena *a, const char *text, str_vec *out) {
    const char *p = text;
    while (*p) {
        p += strspn(p, ", \t\n");
        size_t n = strcspn(p, ", \t\n");
        if (n) vec_push(a, out, arena_strndup(a, p, n));
        p += n;
    }
}

/* A located error at e's value (the whole first line of it under the caret). */
static diag *value_error(diag_list *dl, const char *path, const ini_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static diag *value_error(diag_list *dl, const char *path, const ini_entry *e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(dl->arena, fmt, ap);
    va_end(ap);
    diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, e->line, e->value_col}, "%s", msg);
    size_t n = strcspn(e->value, "\n");
    d->span = n ? (int)n : 1;
    return d;
}

/* Alembic's boolean options compare with "true" exactly (`== "true"`):
** anything but true or false is refused here rather than read as false. */
static int alembic_bool(diag_list *dl, const char *path, const ini_entry *e, const char *v, bool *out) {
    *out = false;
    if (!e) return 0;
    if (!strcmp(v, "true")) { *out = true; return 0; }
    if (!strcmp(v, "false") || !*v) return 0;
    diag *d = value_error(dl, path, e, "%s must be 'true' or 'false', not '%s'", e->key, v);
    diag_set_hint(dl, d, "Alembic compares the value with 'true' exactly (so '%s' would mean false to it): "
                         "write true or false", v);
    return -1;
}

/* version_locations split as Alembic 1.19 splits it (config.py,
** get_version_locations_list): by path_separator, else the deprecated
** version_path_separator (space, newline, os, ':', ';'), else the legacy
** split on commas and spaces.  A piece "package:path" (Alembic resolves it
** with importlib) is refused: retort cannot import packages. */
static int split_locations(arena *a, diag_list *dl, const char *path, const ini_entry *e, const char *value,
                           const ini_entry *sep_e, const char *sep, str_vec *out) {
    const char *chars = NULL;
    if (sep_e) {
        if (!strcmp(sep, "space")) chars = " ";
        else if (!strcmp(sep, "newline")) chars = "\n";
        else if (!strcmp(sep, "os") || !strcmp(sep, ":")) chars = ":";
        else if (!strcmp(sep, ";")) chars = ";";
        else {
            diag *d = value_error(dl, path, sep_e, "'%s' is not a valid value for %s; expected 'space', 'newline', "
                                                   "'os', ':', ';'", sep, sep_e->key);
            diag_set_hint(dl, d, "Alembic's message (a ValueError); a comma is the legacy split: leave %s out",
                          sep_e->key);
            return -1;
        }
    } else if (strchr(value, '\n')) {
        diag *d = value_error(dl, path, e, "version_locations spans several lines, but no path_separator says how "
                                           "to split it");
        diag_set_hint(dl, d, "Alembic's legacy split is on commas and spaces only, so the line break would be "
                             "part of a path: add path_separator = newline to [%s]", e->section);
        return -1;
    }
    const char *p = value;
    while (*p) {
        size_t n = strcspn(p, chars ? chars : ", ");
        char *piece = arena_strndup(a, p, n);
        p += n;
        if (chars && *p) p++;
        else if (!chars) p += strspn(p, ", ");
        char *t = trim(piece);
        if (!*t) continue;
        if (t[0] != '/' && strchr(t, ':')) {
            diag *d = value_error(dl, path, e, "version location '%s' is a package resource (package:path)", t);
            diag_set_hint(dl, d, "Alembic finds it by importing the package; retort cannot: give the folder's path "
                                 "(e.g. %%(here)s/%s)", strchr(t, ':') + 1);
            return -1;
        }
        vec_push(a, out, t);
    }
    return 0;
}

/* [post_write_hooks], as Alembic reads it (write_hooks._run_hooks): hooks
** names them (commas and spaces), each hook's keys are "<name>.<key>".
** What Alembic would fail on only after the file is written (no type, an
** unknown type, no executable / entrypoint / module) is refused here, and
** a key that no hook uses is a warning (a typo). */
static int read_hooks(retort_config *c, const ini_entries *es, diag_list *dl) {
    arena *a = c->arena;
    bool any = false;
    for (size_t i = 0; i < es->len; i++) any |= !strcmp(es->items[i].section, "post_write_hooks");
    if (!any) return 0;
#define HOOK_VALUE(e) ((e) ? interpolate(a, es, c->ini_path, c->here, "post_write_hooks", (e), dl) : NULL)
    const ini_entry *hooks_e = find_entry(es, "post_write_hooks", "hooks");
    const char *names = hooks_e ? HOOK_VALUE(hooks_e) : "";
    if (!names) return -1;
    str_vec list = {0};
    for (const char *p = names; *p;) {
        p += strspn(p, ", \t\n");
        size_t n = strcspn(p, ", \t\n");
        if (n) vec_push(a, &list, arena_strndup(a, p, n));
        p += n;
    }
    int rc = 0;
    for (size_t h = 0; h < list.len; h++) {
        const char *name = list.items[h];
        const char *k_type = arena_printf(a, "%s.type", name);
        const ini_entry *type_e = find_entry(es, "post_write_hooks", k_type);
        if (!type_e) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, hooks_e->line, hooks_e->value_col},
                               "Key %s.type is required for post write hook '%s'", name, name);
            diag_set_hint(dl, d, "add '%s.type = exec' (with %s.executable) or 'console_scripts' (with "
                                 "%s.entrypoint) to [post_write_hooks]", name, name, name);
            rc = -1;
            continue;
        }
        const char *type = HOOK_VALUE(type_e);
        if (!type) return -1;
        write_hook wh = {.name = name, .loc = {c->ini_path, type_e->line, type_e->value_col}, .options = ""};
        const char *need;
        if (!strcmp(type, "exec")) { wh.type = HOOK_EXEC; need = "executable"; }
        else if (!strcmp(type, "console_scripts")) { wh.type = HOOK_CONSOLE_SCRIPTS; need = "entrypoint"; }
        else if (!strcmp(type, "module")) { wh.type = HOOK_MODULE; need = "module"; }
        else {
            static const char *const types[] = {"exec", "console_scripts", "module"};
            const char *near = closest_match(type, types, 3);
            diag *d = value_error(dl, c->ini_path, type_e, "No formatter with name '%s' registered", type);
            diag_set_hint(dl, d, "%sthe hook types are exec (%s.executable), console_scripts (%s.entrypoint) and "
                                 "module (%s.module); a hook registered in Python (write_hooks.register) needs "
                                 "Alembic itself",
                          near ? arena_printf(a, "did you mean '%s'? ", near) : "", name, name, name);
            rc = -1;
            continue;
        }
        const ini_entry *prog_e = find_entry(es, "post_write_hooks", arena_printf(a, "%s.%s", name, need));
        if (!prog_e) {
            diag *d = value_error(dl, c->ini_path, type_e, "Key %s.%s is required for post write hook '%s'", name,
                                  need, name);
            diag_set_hint(dl, d, "add '%s.%s = ...' to [post_write_hooks]", name, need);
            rc = -1;
            continue;
        }
        if (!(wh.program = HOOK_VALUE(prog_e))) return -1;
        const ini_entry *opt_e = find_entry(es, "post_write_hooks", arena_printf(a, "%s.options", name));
        if (opt_e && !(wh.options = HOOK_VALUE(opt_e))) return -1;
        const ini_entry *cwd_e = find_entry(es, "post_write_hooks", arena_printf(a, "%s.cwd", name));
        if (cwd_e && !(wh.cwd = HOOK_VALUE(cwd_e))) return -1;
        vec_push(a, &c->hooks, wh);
    }
    /* Keys no hook reads: a typo in a name or a key. */
    static const char *const hook_keys[] = {"type", "executable", "entrypoint", "module", "options", "cwd"};
    for (size_t i = 0; i < es->len; i++) {
        const ini_entry *e = &es->items[i];
        if (strcmp(e->section, "post_write_hooks") != 0 || !strcmp(e->key, "hooks")) continue;
        const char *dot = strchr(e->key, '.');
        bool used = false;
        for (size_t h = 0; h < list.len && dot; h++) {
            size_t n = strlen(list.items[h]);
            if (!strncmp(e->key, list.items[h], n) && e->key[n] == '.') {
                used = true;
                bool known = false;
                for (size_t k = 0; k < 6; k++) known |= !strcmp(e->key + n + 1, hook_keys[k]);
                if (!known) {
                    const char *near = closest_match(e->key + n + 1, hook_keys, 6);
                    diag *d = diag_add(dl, DIAG_WARNING, (src_loc){c->ini_path, e->line, e->key_col},
                                       "'%s' is not read: a hook takes type, executable, entrypoint, module, "
                                       "options and cwd", e->key);
                    d->span = (int)strlen(e->key);
                    if (near) diag_set_hint(dl, d, "did you mean '%s.%s'?", list.items[h], near);
                }
            }
        }
        if (!used) {
            diag *d = diag_add(dl, DIAG_WARNING, (src_loc){c->ini_path, e->line, e->key_col},
                               "'%s' is not read: no hook of that name is listed in hooks", e->key);
            d->span = (int)strlen(e->key);
            diag_set_hint(dl, d, "add its name to 'hooks = ...' in [post_write_hooks], or remove the line");
        }
    }
#undef HOOK_VALUE
    return rc;
}

/* The configuration in `text` (which is modified: lines are cut in place),
** read as the contents of ini_path. */
static int config_from_text(const char *ini_path, const char *section, char *text, retort_config **out,
                            diag_list *dl) {
    arena *a = arena_new();
    retort_config *c = arena_alloc(a, sizeof *c);
    c->arena = a;
    c->ini_path = arena_strdup(a, ini_path);
    c->section = arena_strdup(a, section ? section : "alembic");
    /* %(here)s is the absolute folder of the file, as Alembic makes it. */
    const char *slash = strrchr(ini_path, '/');
    const char *dir = slash ? arena_strndup(a, ini_path, (size_t)(slash - ini_path)) : ".";
    if (!*dir) dir = "/";
    char *abs = realpath(dir, NULL);
    c->here = abs ? arena_strdup(a, abs) : dir;
    free(abs);
    size_t len = strlen(text), bad = script_utf8_check(text, len);
    if (bad < len) {
        int line = 1;
        const char *ls = text;
        for (const char *q = text; q < text + bad; q++)
            if (*q == '\n') { line++; ls = q + 1; }
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, line, (int)(text + bad - ls) + 1},
                           "the file is not valid UTF-8 (byte 0x%02X)", (unsigned char)text[bad]);
        diag_set_hint(dl, d, "Alembic reads alembic.ini as UTF-8 and fails on it too: save it as UTF-8");
        arena_free(a);
        return -1;
    }
    ini_entries es = {0};
    if (parse_ini(a, c->ini_path, text, &es, dl) != 0) { arena_free(a); return -1; }

    /* [retort] is retort's own: a key it does not know is a typo. */
    int rc = 0;
    for (size_t i = 0; i < es.len; i++) {
        const ini_entry *e = &es.items[i];
        bool known = false;
        for (size_t k = 0; k < N_RETORT_KEYS; k++) known |= !strcmp(e->key, retort_keys[k]);
        if (strcmp(e->section, "retort") != 0 || known) continue;
        const char *near = closest_match(e->key, retort_keys, N_RETORT_KEYS);
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, e->line, e->key_col}, "unknown option '%s' in [retort]", e->key);
        d->span = (int)strlen(e->key);
        diag_set_hint(dl, d, "%s[retort] takes models, exclude_tables, render_as_batch, schema, include_schemas, backup_keep, "
                             "version_table, version_table_schema, alembic_fallback, alembic_python, lint_error, "
                             "lint_warning, lint_ignore, refuse_unacknowledged, require_sum, record_checksums "
                             "and checksum_table",
                      near ? arena_printf(a, "did you mean '%s'? ", near) : "");
        rc = -1;
    }
    if (rc != 0) { arena_free(a); return -1; }
    /* Alembic's section may hold keys of env.py's own; one that is a near
    ** miss of a key Alembic reads is a typo Alembic would ignore. */
    for (size_t i = 0; i < es.len; i++) {
        const ini_entry *e = &es.items[i];
        if (strcmp(e->section, c->section) != 0) continue;
        bool known = false;
        for (size_t k = 0; k < N_ALEMBIC_KEYS; k++) known |= !strcmp(e->key, alembic_keys[k]);
        const char *near = known ? NULL : closest_match(e->key, alembic_keys, N_ALEMBIC_KEYS);
        if (!near) continue;
        diag *d = diag_add(dl, DIAG_WARNING, (src_loc){c->ini_path, e->line, e->key_col},
                           "'%s' is not an option Alembic reads; it is ignored", e->key);
        d->span = (int)strlen(e->key);
        diag_set_hint(dl, d, "did you mean '%s'?", near);
    }

#define GET(sec, key, var)                                                                        \
    const ini_entry *var##_e = find_entry(&es, sec, key);                                         \
    const char *var = var##_e ? interpolate(a, &es, c->ini_path, c->here, sec, var##_e, dl) : NULL; \
    if (var##_e && !var) goto fail;

    const char *sec = c->section;
    GET(sec, "script_location", script_location)
    GET(sec, "file_template", file_template)
    GET(sec, "truncate_slug_length", truncate)
    GET(sec, "timezone", timezone)
    GET(sec, "sqlalchemy.url", url)
    GET(sec, "version_locations", locations)
    GET(sec, "path_separator", path_sep)
    GET(sec, "version_path_separator", version_sep)
    GET(sec, "recursive_version_locations", recursive)
    GET(sec, "sourceless", sourceless)
    GET(sec, "output_encoding", encoding)
    GET(sec, "revision_environment", revision_env)
    GET(sec, "prepend_sys_path", prepend_sys_path)
    GET("retort", "version_table", version_table)
    GET("retort", "version_table_schema", version_table_schema)
    GET("retort", "models", models)
    GET("retort", "exclude_tables", exclude)
    GET("retort", "render_as_batch", batch)
    GET("retort", "schema", pg_schema)
    GET("retort", "include_schemas", include_schemas)
    GET("retort", "backup_keep", backup_keep)
    GET("retort", "alembic_fallback", fallback)
    GET("retort", "alembic_python", alembic_python)
    GET("retort", "lint_error", lint_error)
    GET("retort", "lint_warning", lint_warning)
    GET("retort", "lint_ignore", lint_ignore)
    GET("retort", "refuse_unacknowledged", refuse_unack)
    GET("retort", "require_sum", require_sum)
    GET("retort", "record_checksums", record_checksums)
    GET("retort", "checksum_table", checksum_table)
#undef GET
#define LINT_KEY(field, var)                                                                   \
    if (var##_e) {                                                                             \
        c->field = var;                                                                        \
        c->field##_loc = (src_loc){c->ini_path, var##_e->line, var##_e->value_col};            \
    }
    LINT_KEY(lint_error, lint_error)
    LINT_KEY(lint_warning, lint_warning)
    LINT_KEY(lint_ignore, lint_ignore)
    LINT_KEY(refuse_unacknowledged, refuse_unack)
#undef LINT_KEY

    if (!script_location || !*script_location) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, 0, 0},
                           "No 'script_location' key found in configuration.");
        diag_set_hint(dl, d, "add 'script_location = alembic' under [%s]%s", c->section,
                      strcmp(c->section, "alembic") ? " (the section -n/--name names)" : "");
        goto fail;
    }
    /* Like Alembic, a relative script_location is relative to the current
    ** directory; %(here)s makes it relative to alembic.ini. */
    c->script_location = script_location;
    c->versions_dir = arena_printf(a, "%s/versions", c->script_location);
    (void)prepend_sys_path;     /* env.py's import path: retort runs no env.py */
    if (locations && *locations) {
        const ini_entry *sep_e = path_sep_e ? path_sep_e : version_sep_e;
        const char *sep = path_sep_e ? path_sep : version_sep;
        if (split_locations(a, dl, c->ini_path, locations_e, locations, sep_e, sep, &c->version_locations) != 0)
            goto fail;
        c->version_locations_loc = (src_loc){c->ini_path, locations_e->line, locations_e->value_col};
        if (c->version_locations.len) c->versions_dir = c->version_locations.items[0];
    } else if ((path_sep_e || version_sep_e) && (path_sep_e ? path_sep : version_sep)) {
        const ini_entry *sep_e = path_sep_e ? path_sep_e : version_sep_e;
        const char *sep = path_sep_e ? path_sep : version_sep;
        str_vec none = {0};
        if (split_locations(a, dl, c->ini_path, sep_e, "", sep_e, sep, &none) != 0) goto fail;
    }
    if (alembic_bool(dl, c->ini_path, recursive_e, recursive, &c->recursive_version_locations) != 0 ||
        alembic_bool(dl, c->ini_path, sourceless_e, sourceless, &c->sourceless) != 0)
        goto fail;
    if (sourceless_e) c->sourceless_loc = (src_loc){c->ini_path, sourceless_e->line, sourceless_e->value_col};
    /* revision_environment is util.asbool in Alembic: true/yes/on/y/t/1. */
    if (revision_env && *revision_env) {
        static const char *const yes[] = {"true", "yes", "on", "y", "t", "1"};
        static const char *const no[] = {"false", "no", "off", "n", "f", "0"};
        bool ok = false;
        for (size_t k = 0; k < 6; k++) {
            if (!strcasecmp(revision_env, yes[k])) { c->revision_environment = true; ok = true; }
            if (!strcasecmp(revision_env, no[k])) ok = true;
        }
        if (!ok) {
            diag *d = value_error(dl, c->ini_path, revision_env_e, "String is not true/false: '%s'", revision_env);
            diag_set_hint(dl, d, "Alembic's message (util.asbool): write true or false");
            goto fail;
        }
    }
    /* output_encoding: the encoding of a new revision file.  Python reads a
    ** source file without a coding line as UTF-8, and so does retort: it
    ** writes UTF-8 (any of Python's spellings) or ASCII (refusing a file
    ** that is not), nothing else. */
    c->output_encoding = "utf-8";
    if (encoding && *encoding) {
        char norm[32];
        size_t n = 0;
        for (const char *q = encoding; *q && n + 1 < sizeof norm; q++)
            norm[n++] = *q == '-' || *q == ' ' ? '_' : (char)tolower((unsigned char)*q);
        norm[n] = '\0';
        static const char *const utf8[] = {"utf_8", "utf8", "u8", "utf", "cp65001", "utf8_ucs2", "utf8_ucs4"};
        static const char *const ascii[] = {"ascii", "us_ascii", "646", "us"};
        const char *enc = NULL;
        for (size_t k = 0; k < sizeof utf8 / sizeof *utf8; k++) if (!strcmp(norm, utf8[k])) enc = "utf-8";
        for (size_t k = 0; k < sizeof ascii / sizeof *ascii; k++) if (!strcmp(norm, ascii[k])) enc = "ascii";
        if (!enc) {
            diag *d = value_error(dl, c->ini_path, encoding_e, "retort cannot write revision files in '%s'", encoding);
            diag_set_hint(dl, d, "retort writes UTF-8 or ASCII: a revision file has no coding line, and Python (and "
                                 "retort) read such a file as UTF-8, so any other encoding would not load; "
                                 "write output_encoding = utf-8 or leave it out");
            goto fail;
        }
        c->output_encoding = enc;
        c->output_encoding_loc = (src_loc){c->ini_path, encoding_e->line, encoding_e->value_col};
    }
    c->version_table = version_table && *version_table ? version_table : "alembic_version";
    c->version_table_schema = version_table_schema && *version_table_schema ? version_table_schema : NULL;
    c->checksum_table = checksum_table && *checksum_table ? checksum_table : "retort_migrations";
    {
        const ini_entry *vt[] = {version_table_e, version_table_schema_e, checksum_table_e};
        const char *vv[] = {c->version_table, c->version_table_schema, c->checksum_table};
        for (size_t k = 0; k < 3; k++) {
            if (!vt[k] || !vv[k]) continue;
            bool ok = isalpha((unsigned char)vv[k][0]) || vv[k][0] == '_';
            for (const char *q = vv[k]; *q; q++) ok &= isalnum((unsigned char)*q) || *q == '_';
            if (!ok || strlen(vv[k]) > 63) {
                diag *d = value_error(dl, c->ini_path, vt[k], "%s must be a plain SQL name (letters, digits, '_'; "
                                                              "at most 63), not '%s'", vt[k]->key, vv[k]);
                diag_set_hint(dl, d, k == 2 ? "the table where upgrade records each applied revision's file "
                                              "hash (docs/ci.md); default retort_migrations"
                                            : "the same name env.py passes to context.configure(%s=...)",
                              vt[k]->key);
                goto fail;
            }
        }
        /* The two tables live side by side: one name cannot be both. */
        if (!strcasecmp(c->checksum_table, c->version_table)) {
            const ini_entry *e = checksum_table_e ? checksum_table_e : version_table_e;
            diag *d = value_error(dl, c->ini_path, e, "checksum_table and version_table are both '%s'",
                                  c->checksum_table);
            diag_set_hint(dl, d, "the checksums are kept in a table of their own, beside the version table: give "
                                 "checksum_table another name (default retort_migrations)");
            goto fail;
        }
    }
    if (read_hooks(c, &es, dl) != 0) goto fail;
    /* autogenerate leaves the version table alone, whatever its name */
    if (strcmp(c->version_table, "alembic_version") != 0) vec_push(a, &c->exclude_tables, c->version_table);
    c->file_template = file_template && *file_template ? file_template : "%(rev)s_%(slug)s";
    if (file_template && *file_template) {
        size_t at;
        const char *hint;
        const char *why = revision_template_check(a, file_template, &at, &hint);
        if (why) {
            /* Point at the '%' in the line as written: map the offset back
            ** through the %% escapes (up to a %(name)s reference, which
            ** may expand to anything: then the value's start). */
            const char *raw = file_template_e->value;
            int col = file_template_e->value_col;
            size_t ri = 0, ii = 0;
            while (ii < at && raw[ri] && raw[ri] != '\n' && !(raw[ri] == '%' && raw[ri + 1] == '(')) {
                ri += raw[ri] == '%' && raw[ri + 1] == '%' ? 2 : 1;
                ii++;
            }
            if (ii == at && raw[ri] && raw[ri] != '\n') col += (int)ri;
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, file_template_e->line, col}, "%s", why);
            diag_set_hint(dl, d, "%s", hint);
            goto fail;
        }
    }
    c->truncate_slug_length = 40;
    if (truncate && *truncate) {
        char *end;
        long v = strtol(truncate, &end, 10);
        if (*end || v < 1 || v > 1000) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, truncate_e->line, 1},
                               "truncate_slug_length must be a whole number from 1 to 1000, not '%s'", truncate);
            diag_set_hint(dl, d, "Alembic's default is 40");
            goto fail;
        }
        c->truncate_slug_length = (int)v;
    }
    c->timezone = NULL;
    if (timezone && *timezone) {
        c->timezone = zone_tz(a, timezone);
        if (!c->timezone) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, timezone_e->line, timezone_e->value_col},
                               "Can't locate timezone: %s", timezone);
            d->span = (int)strlen(timezone);
            diag_set_hint(dl, d, "use a name of the tz database, as Alembic does (zoneinfo), e.g. UTC, Europe/Paris or "
                                 "America/New_York: the files under /usr/share/zoneinfo; or leave timezone out for local time");
            goto fail;
        }
    }
    const char *env_url = getenv("DATABASE_URL");
    if (env_url && *env_url) {
        c->url = arena_strdup(a, env_url);
        c->url_source = "DATABASE_URL";
    } else {
        c->url = url && *url ? url : NULL;
        c->url_source = "alembic.ini";
    }
    c->models_dir = models && *models ? models : arena_printf(a, "%s/models", c->here);
    c->render_as_batch = true;
    if (batch && !parse_bool(batch, &c->render_as_batch)) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, batch_e->line, 1},
                           "render_as_batch must be true or false, not '%s'", batch);
        diag_set_hint(dl, d, "true renders alterations in op.batch_alter_table() blocks, which SQLite needs");
        goto fail;
    }
    c->alembic_fallback = false;
    if (fallback && !parse_bool(fallback, &c->alembic_fallback)) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, fallback_e->line, 1},
                           "alembic_fallback must be true or false, not '%s'", fallback);
        diag_set_hint(dl, d, "true runs each revision retort's reader refuses through python3 -m alembic, "
                             "between retort's own steps (docs/running-migrations.md)");
        goto fail;
    }
    c->alembic_fallback_loc = fallback_e ? (src_loc){c->ini_path, fallback_e->line, 1} : (src_loc){0};
    c->alembic_python = alembic_python && *alembic_python ? alembic_python : "/usr/bin/python3";
    c->require_sum = false;
    if (require_sum && !parse_bool(require_sum, &c->require_sum)) {
        diag *d = value_error(dl, c->ini_path, require_sum_e, "require_sum must be true or false, not '%s'",
                              require_sum);
        diag_set_hint(dl, d, "true makes a versions folder without retort.sum an error for check, lint, upgrade "
                             "and downgrade (docs/ci.md); 'retort hash' writes the file");
        goto fail;
    }
    c->require_sum_loc = require_sum_e ? (src_loc){c->ini_path, require_sum_e->line, require_sum_e->value_col}
                                       : (src_loc){0};
    c->record_checksums = true;
    if (record_checksums && !parse_bool(record_checksums, &c->record_checksums)) {
        diag *d = value_error(dl, c->ini_path, record_checksums_e, "record_checksums must be true or false, not '%s'",
                              record_checksums);
        diag_set_hint(dl, d, "true (the default) makes upgrade record each applied revision's file hash in "
                             "checksum_table, and check, current --verbose and upgrade warn when the file changed "
                             "since; false turns that off (docs/ci.md)");
        goto fail;
    }
    c->pg_schema = pg_schema && *pg_schema ? pg_schema : "public";
    c->backup_keep = 5;
    if (backup_keep) {
        char *end;
        long v = strtol(backup_keep, &end, 10);
        if (!*backup_keep || *end || v < 1 || v > 1000) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, backup_keep_e->line, 1},
                               "backup_keep must be a whole number from 1 to 1000, not '%s'", backup_keep);
            diag_set_hint(dl, d, "how many SQLite backups to keep, newest first (default 5); "
                                 "'retort upgrade --no-backup' makes none");
            goto fail;
        }
        c->backup_keep = (int)v;
    }
    if (exclude) split_names(a, exclude, &c->exclude_tables);
    if (include_schemas) {
        str_vec names = {0};
        split_names(a, include_schemas, &names);
        if (names.len == 0) {
            diag *d = value_error(dl, c->ini_path, include_schemas_e, "include_schemas is empty");
            diag_set_hint(dl, d, "list the PostgreSQL schemas to read besides [retort] schema (audit, billing), or "
                          "write all; leave the key out to read those the models name");
            goto fail;
        }
        for (size_t i = 0; i < names.len; i++) {
            if (!strcmp(names.items[i], "all") && names.len == 1) { c->include_all_schemas = true; break; }
            if (!strcmp(names.items[i], "all")) {
                diag *d = value_error(dl, c->ini_path, include_schemas_e, "include_schemas: all goes alone");
                diag_set_hint(dl, d, "write include_schemas = all, or list the schemas");
                goto fail;
            }
            if (strcmp(names.items[i], c->pg_schema)) vec_push(a, &c->include_schemas, names.items[i]);
        }
        c->include_schemas_given = true;
        c->include_schemas_loc = (src_loc){c->ini_path, include_schemas_e->line, 1};
        if (c->url && !strncmp(c->url, "sqlite", 6)) {
            diag *d = value_error(dl, c->ini_path, include_schemas_e,
                                  "include_schemas: the database (%s) is SQLite, which has no schemas",
                                  c->url_source ? c->url_source : "sqlalchemy.url");
            diag_set_hint(dl, d, "remove include_schemas from [retort], or use a PostgreSQL database");
            goto fail;
        }
    }
    *out = c;
    return 0;
fail:
    arena_free(a);
    return -1;
}

int config_load(const char *ini_path, retort_config **out, diag_list *dl) {
    return config_load_section(ini_path, NULL, out, dl);
}

int config_load_section(const char *ini_path, const char *section, retort_config **out, diag_list *dl) {
    *out = NULL;
    char *text = read_file(ini_path, NULL);
    if (!text) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){ini_path, 0, 0}, "cannot read configuration file");
        diag_set_hint(dl, d, "run retort from the folder that holds alembic.ini, pass -c PATH, "
                             "or create a project with 'retort init alembic'");
        return -1;
    }
    int rc = config_from_text(ini_path, section, text, out, dl);
    free(text);
    return rc;
}

int config_load_string(const char *ini_path, const char *text, retort_config **out, diag_list *dl) {
    *out = NULL;
    char *copy = strdup(text);
    if (!copy) util_oom();
    int rc = config_from_text(ini_path, NULL, copy, out, dl);
    free(copy);
    return rc;
}

void config_free(retort_config *c) {
    if (c) arena_free(c->arena);
}
