/*
** cmd_init.c — retort init [-t TEMPLATE] [--package] DIR: a new project's
** alembic.ini and migration folder; retort list_templates: the templates
** init writes, as `alembic list_templates` lists them.
**
** generic (the default) is the files this repository ships; async is
** Alembic 1.8.1's async env.py and README (templates/async/) with the same
** alembic.ini and script.py.mako.  Alembic's other templates are refused by
** name with what to do instead: multidb (revision files with one upgrade
** function per database, which retort does not run) and pyproject /
** pyproject_async (Alembic 1.16+: the configuration in pyproject.toml,
** which retort does not read).
*/
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct embedded_file { const char *path; const char *data; size_t size; };
extern const struct embedded_file EMBEDDED_FILES[];

/* A template: the embedded file written for each file of the project. */
typedef struct init_template {
    const char *name;
    const char *synopsis;           /* the first line of Alembic's README */
    const char *ini, *env, *mako, *readme;
} init_template;

static const init_template TEMPLATES[] = {
    {"generic", "Generic single-database configuration.", "alembic.ini", "alembic/env.py",
     "alembic/script.py.mako", "alembic/README"},
    {"async", "Generic single-database configuration with an async dbapi.", "alembic.ini",
     "templates/async/env.py", "alembic/script.py.mako", "templates/async/README"},
};
#define N_TEMPLATES (sizeof TEMPLATES / sizeof TEMPLATES[0])

/* Alembic's templates retort does not write, and why. */
static const struct { const char *name, *why; } REFUSED[] = {
    {"multidb", "its revision files have one upgrade_<engine>() / downgrade_<engine>() per database, and retort "
                "runs one database with upgrade() / downgrade()"},
    {"pyproject", "it keeps the configuration in pyproject.toml ([tool.alembic], Alembic 1.16+), and retort reads "
                  "alembic.ini only"},
    {"pyproject_async", "it keeps the configuration in pyproject.toml ([tool.alembic], Alembic 1.16+), and retort "
                        "reads alembic.ini only"},
};

static void init_usage(FILE *out) {
    fprintf(out,
            "usage: retort init [-t TEMPLATE] [--package] DIR\n\n"
            "Create a new project: alembic.ini in the current folder and DIR/ with\n"
            "env.py, script.py.mako, README and an empty versions/ folder, plus an\n"
            "empty models/ folder.  Refuses to overwrite anything.\n\n"
            "options:\n"
            "  -t, --template TEMPLATE  generic (default) or async (see retort list_templates)\n"
            "  --package                also write DIR/__init__.py and DIR/versions/__init__.py\n");
}

static const struct embedded_file *embedded(const char *path) {
    for (const struct embedded_file *f = EMBEDDED_FILES; f->path; f++)
        if (!strcmp(f->path, path)) return f;
    return NULL;
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* The absolute form of a path that may not exist yet, as Alembic prints
** it (os.path.abspath): the current folder joined, "." and ".." folded. */
static const char *abspath(arena *a, const char *path) {
    char cwd[PATH_MAX];
    const char *joined = path[0] == '/' ? path : arena_path_join(a, getcwd(cwd, sizeof cwd) ? cwd : ".", path);
    str_vec parts = {0};
    char *copy = arena_strdup(a, joined);
    for (char *save = NULL, *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, ".")) continue;
        if (!strcmp(t, "..")) { if (parts.len) parts.len--; continue; }
        vec_push(a, &parts, t);
    }
    if (!parts.len) return "/";
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < parts.len; i++) sb_printf(&sb, "/%s", parts.items[i]);
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

int cmd_list_templates(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: retort list_templates\n\nList the templates retort init writes.\n");
            return 0;
        }
        fprintf(stderr, "retort list_templates: unexpected argument '%s'\n", argv[i]);
        return 2;
    }
    /* Alembic's text, for the templates retort writes. */
    printf("Available templates:\n\n");
    for (size_t i = 0; i < N_TEMPLATES; i++) printf("%s - %s\n", TEMPLATES[i].name, TEMPLATES[i].synopsis);
    printf("\nTemplates are used via the 'init' command, e.g.:\n\n  alembic init --template generic ./scripts\n");
    return 0;
}

/* The template named, or NULL with the message printed. */
static const init_template *find_template(const char *name) {
    for (size_t i = 0; i < N_TEMPLATES; i++)
        if (!strcmp(TEMPLATES[i].name, name)) return &TEMPLATES[i];
    for (size_t i = 0; i < sizeof REFUSED / sizeof REFUSED[0]; i++)
        if (!strcmp(REFUSED[i].name, name)) {
            fprintf(stderr,
                    "retort init: error: retort does not write Alembic's '%s' template: %s\n"
                    "  hint: use -t generic or -t async (retort list_templates), or create the project with "
                    "python3 -m alembic init -t %s DIR\n", name, REFUSED[i].why, name);
            return NULL;
        }
    const char *names[N_TEMPLATES + sizeof REFUSED / sizeof REFUSED[0]];
    size_t n = 0;
    for (size_t i = 0; i < N_TEMPLATES; i++) names[n++] = TEMPLATES[i].name;
    for (size_t i = 0; i < sizeof REFUSED / sizeof REFUSED[0]; i++) names[n++] = REFUSED[i].name;
    const char *guess = closest_match(name, names, n);
    fprintf(stderr, "retort init: error: No such template '%s'\n  hint: ", name);
    if (guess) fprintf(stderr, "did you mean '%s'? ", guess);
    fprintf(stderr, "retort list_templates lists the templates retort writes\n");
    return NULL;
}

int cmd_init(int argc, char **argv) {
    const char *dir = NULL, *template_name = "generic";
    bool package = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { init_usage(stdout); return 0; }
        if ((!strcmp(a, "-t") || !strcmp(a, "--template")) && i + 1 < argc) template_name = argv[++i];
        else if (!strncmp(a, "--template=", 11)) template_name = a + 11;
        else if (!strncmp(a, "-t", 2) && a[2]) template_name = a + 2;       /* -tasync, as argparse */
        else if (!strcmp(a, "--package")) package = true;
        else if (a[0] == '-' || dir) {
            fprintf(stderr, "retort init: unexpected argument '%s'\n\n", a);
            init_usage(stderr);
            return 2;
        } else dir = a;
    }
    if (!dir) { init_usage(stderr); return 2; }
    const init_template *t = find_template(template_name);
    if (!t) return CLI_EXIT_USAGE;   /* no such -t template: a usage error */
    arena *a = arena_new();
    /* What goes where; everything is checked first, so that a refusal
    ** writes nothing. */
    const char *src[] = {t->mako, t->readme, t->env, t->ini};
    const char *dst[] = {arena_printf(a, "%s/script.py.mako", dir), arena_printf(a, "%s/README", dir),
                         arena_printf(a, "%s/env.py", dir), "alembic.ini"};
    size_t n = sizeof src / sizeof src[0];
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        if (exists(dst[i])) {
            fprintf(stderr, "retort init: '%s' already exists; nothing was written\n", dst[i]);
            rc = 1;
        }
    if (exists(dir)) {
        fprintf(stderr, "retort init: '%s' already exists; nothing was written\n", dir);
        rc = 1;
    }
    if (rc) { arena_free(a); return rc; }
    const char *dirs[] = {dir, arena_printf(a, "%s/versions", dir), "models"};
    for (size_t i = 0; i < 3; i++) {
        if (i == 2 && exists(dirs[i])) continue;
        if (mkdir(dirs[i], 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "retort init: cannot create '%s': %s\n", dirs[i], strerror(errno));
            arena_free(a);
            return 1;
        }
        printf("Creating directory %s ...  done\n", abspath(a, dirs[i]));
    }
    for (size_t i = 0; i < n; i++) {
        const struct embedded_file *f = embedded(src[i]);
        if (!f) {
            fprintf(stderr, "retort init: internal error: '%s' is not built into retort\n", src[i]);
            arena_free(a);
            return 1;
        }
        const char *data = f->data;
        size_t size = f->size;
        /* The ini names the script folder: point it at DIR. */
        if (!strcmp(f->path, "alembic.ini") && strcmp(dir, "alembic") != 0) {
            strbuf sb = STRBUF_INIT;
            const char *at = strstr(data, "%(here)s/alembic\n");
            if (at) {
                sb_appendn(&sb, data, (size_t)(at - data));
                sb_printf(&sb, "%%(here)s/%s\n", dir);
                sb_append(&sb, at + strlen("%(here)s/alembic\n"));
                data = arena_strdup(a, sb_str(&sb));
                size = strlen(data);
            }
            sb_free(&sb);
        }
        if (write_file_atomic(dst[i], data, size) != 0) {
            fprintf(stderr, "retort init: cannot write '%s': %s\n", dst[i], strerror(errno));
            arena_free(a);
            return 1;
        }
        printf("Generating %s ...  done\n", abspath(a, dst[i]));
    }
    if (package) {
        const char *inits[] = {arena_printf(a, "%s/__init__.py", dir), arena_printf(a, "%s/versions/__init__.py", dir)};
        for (size_t i = 0; i < 2; i++) {
            if (write_file_atomic(inits[i], "", 0) != 0) {
                fprintf(stderr, "retort init: cannot write '%s': %s\n", inits[i], strerror(errno));
                arena_free(a);
                return 1;
            }
            printf("Adding %s ...  done\n", abspath(a, inits[i]));
        }
    }
    printf("Please edit configuration/connection/logging settings in '%s' before proceeding.\n",
           abspath(a, "alembic.ini"));
    printf("Then write models in models/ and run: retort revision --autogenerate -m \"initial\"\n");
    arena_free(a);
    return 0;
}
