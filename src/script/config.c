/*
** config.c — alembic.ini, read the way Alembic's ConfigParser reads it.
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
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct ini_entry {
    const char *section, *key, *value;
    int line;
} ini_entry;

typedef VEC(ini_entry) ini_entries;

static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

/* ConfigParser's BasicInterpolation: %% -> %, %(name)s -> value of name in
** the same section or DEFAULT ("here" is always defined). */
static const char *interpolate(arena *a, const ini_entries *es, const char *section, const char *here,
                               const char *value, src_loc loc, diag_list *dl) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    for (const char *p = value; *p; p++) {
        if (*p != '%') { sb_appendc(&sb, *p); continue; }
        if (p[1] == '%') { sb_appendc(&sb, '%'); p++; continue; }
        if (p[1] == '(') {
            const char *end = strstr(p, ")s");
            if (end) {
                char *name = arena_strndup(a, p + 2, (size_t)(end - p - 2));
                const char *v = NULL;
                if (!strcmp(name, "here")) v = here;
                for (size_t i = 0; !v && i < es->len; i++)
                    if (!strcmp(es->items[i].key, name) &&
                        (!strcmp(es->items[i].section, section) || !strcmp(es->items[i].section, "DEFAULT")))
                        v = es->items[i].value;
                if (v) { sb_append(&sb, v); p = end + 1; continue; }
                diag *d = diag_add(dl, DIAG_ERROR, loc, "unknown interpolation '%%(%s)s'", name);
                diag_set_hint(dl, d, "write %%%% for a literal %% (ConfigParser syntax), as in "
                                     "file_template = %%%%(rev)s_%%%%(slug)s");
                sb_free(&sb);
                return NULL;
            }
        }
        diag *d = diag_add(dl, DIAG_ERROR, loc, "'%%' must be followed by '%%' or '(name)s'");
        diag_set_hint(dl, d, "write %%%% for a literal %% (ConfigParser syntax)");
        sb_free(&sb);
        return NULL;
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static int parse_ini(arena *a, const char *path, char *text, ini_entries *out, diag_list *dl) {
    const char *section = "";
    int lineno = 0;
    ini_entry *last = NULL;
    char *save = NULL;
    for (char *line = text; line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[len - 1] = '\0';
        /* Continuation: an indented line extends the previous value. */
        if ((line[0] == ' ' || line[0] == '\t') && last && *trim(line)) {
            last->value = arena_printf(a, "%s\n%s", last->value, trim(line));
            continue;
        }
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';') { if (!*s) last = NULL; continue; }
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end) {
                diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, lineno, 1}, "section header without ']'");
                diag_set_hint(dl, d, "write the section as [alembic]");
                return -1;
            }
            *end = '\0';
            section = arena_strdup(a, trim(s + 1));
            last = NULL;
            continue;
        }
        size_t k = strcspn(s, "=:");
        if (!s[k]) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, lineno, 1}, "line is neither a section, a comment nor 'key = value'");
            diag_set_hint(dl, d, "write 'key = value', or start the line with '#' to comment it out");
            return -1;
        }
        s[k] = '\0';
        ini_entry e = {section, arena_strdup(a, trim(s)), arena_strdup(a, trim(s + k + 1)), lineno};
        vec_push(a, out, e);
        last = &out->items[out->len - 1];
    }
    return 0;
}

static const ini_entry *find_entry(const ini_entries *es, const char *section, const char *key) {
    const ini_entry *found = NULL;
    for (size_t i = 0; i < es->len; i++)
        if (!strcmp(es->items[i].section, section) && !strcmp(es->items[i].key, key)) found = &es->items[i];
    return found;
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
    ini_entries es = {0};
    if (parse_ini(a, c->ini_path, text, &es, dl) != 0) { arena_free(a); return -1; }

#define GET(sec, key, var)                                                                  \
    const ini_entry *var##_e = find_entry(&es, sec, key);                                   \
    const char *var = var##_e ? interpolate(a, &es, sec, c->here, var##_e->value,            \
                                            (src_loc){c->ini_path, var##_e->line, 1}, dl)   \
                              : NULL;                                                       \
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
    c->timezone = timezone && *timezone ? timezone : NULL;
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
