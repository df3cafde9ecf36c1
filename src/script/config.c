/*
** config.c — alembic.ini, read the way Alembic's ConfigParser reads it
** (strict, as Python 3.11's configparser.ConfigParser: see parse_ini and
** interpolate_some), refusing what it refuses, each at its line.
**
**   [alembic]  script_location, file_template, truncate_slug_length,
**              timezone, sqlalchemy.url
**   [retort]   models (folder), exclude_tables (comma/space separated),
**              render_as_batch (true/false), schema (PostgreSQL schema),
**              backup_keep (SQLite backups kept, newest first; default 5)
** The DATABASE_URL environment variable overrides sqlalchemy.url, as the
** qlib-ui backend's settings do.
*/
#include "script/script.h"

#include <ctype.h>
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
            const char *path = arena_printf(a, "%s/%s", dirs[i], variants[v]);
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

/* The configuration in `text` (which is modified: lines are cut in place),
** read as the contents of ini_path. */
static int config_from_text(const char *ini_path, char *text, retort_config **out, diag_list *dl) {
    arena *a = arena_new();
    retort_config *c = arena_alloc(a, sizeof *c);
    c->arena = a;
    c->ini_path = arena_strdup(a, ini_path);
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
    static const char *const retort_keys[] = {"models", "exclude_tables", "render_as_batch", "schema", "backup_keep"};
    enum { N_RETORT_KEYS = sizeof retort_keys / sizeof *retort_keys };
    int rc = 0;
    for (size_t i = 0; i < es.len; i++) {
        const ini_entry *e = &es.items[i];
        bool known = false;
        for (size_t k = 0; k < N_RETORT_KEYS; k++) known |= !strcmp(e->key, retort_keys[k]);
        if (strcmp(e->section, "retort") != 0 || known) continue;
        const char *near = closest_match(e->key, retort_keys, N_RETORT_KEYS);
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, e->line, e->key_col}, "unknown option '%s' in [retort]", e->key);
        d->span = (int)strlen(e->key);
        diag_set_hint(dl, d, "%s[retort] takes models, exclude_tables, render_as_batch, schema and backup_keep",
                      near ? arena_printf(a, "did you mean '%s'? ", near) : "");
        rc = -1;
    }
    if (rc != 0) { arena_free(a); return -1; }

#define GET(sec, key, var)                                                                        \
    const ini_entry *var##_e = find_entry(&es, sec, key);                                         \
    const char *var = var##_e ? interpolate(a, &es, c->ini_path, c->here, sec, var##_e, dl) : NULL; \
    if (var##_e && !var) goto fail;

    GET("alembic", "script_location", script_location)
    GET("alembic", "file_template", file_template)
    GET("alembic", "truncate_slug_length", truncate)
    GET("alembic", "timezone", timezone)
    GET("alembic", "sqlalchemy.url", url)
    GET("retort", "models", models)
    GET("retort", "exclude_tables", exclude)
    GET("retort", "render_as_batch", batch)
    GET("retort", "schema", pg_schema)
    GET("retort", "backup_keep", backup_keep)
#undef GET

    if (!script_location || !*script_location) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){c->ini_path, 0, 0},
                           "no 'script_location' in the [alembic] section");
        diag_set_hint(dl, d, "add 'script_location = alembic' under [alembic]");
        goto fail;
    }
    /* Like Alembic, a relative script_location is relative to the current
    ** directory; %(here)s makes it relative to alembic.ini. */
    c->script_location = script_location;
    c->versions_dir = arena_printf(a, "%s/versions", c->script_location);
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
    if (exclude) {
        const char *p = exclude;
        while (*p) {
            size_t skip = strspn(p, ", \t\n");
            p += skip;
            size_t n = strcspn(p, ", \t\n");
            if (n) vec_push(a, &c->exclude_tables, arena_strndup(a, p, n));
            p += n;
        }
    }
    *out = c;
    return 0;
fail:
    arena_free(a);
    return -1;
}

int config_load(const char *ini_path, retort_config **out, diag_list *dl) {
    *out = NULL;
    char *text = read_file(ini_path, NULL);
    if (!text) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){ini_path, 0, 0}, "cannot read configuration file");
        diag_set_hint(dl, d, "run retort from the folder that holds alembic.ini, pass -c PATH, "
                             "or create a project with 'retort init alembic'");
        return -1;
    }
    int rc = config_from_text(ini_path, text, out, dl);
    free(text);
    return rc;
}

int config_load_string(const char *ini_path, const char *text, retort_config **out, diag_list *dl) {
    *out = NULL;
    char *copy = strdup(text);
    if (!copy) util_oom();
    int rc = config_from_text(ini_path, copy, out, dl);
    free(copy);
    return rc;
}

void config_free(retort_config *c) {
    if (c) arena_free(c->arena);
}
