/*
** cmd_init.c — retort init DIR: a new project's alembic.ini and migration
** folder, the same files this repository ships.
*/
#include "cli/cli.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

struct embedded_file { const char *path; const char *data; size_t size; };
extern const struct embedded_file EMBEDDED_FILES[];

static void init_usage(FILE *out) {
    fprintf(out,
            "usage: retort init DIR\n\n"
            "Create a new project: alembic.ini in the current folder and DIR/ with\n"
            "env.py, script.py.mako, README and an empty versions/ folder, plus an\n"
            "empty models/ folder.  Refuses to overwrite anything.\n");
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int cmd_init(int argc, char **argv) {
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { init_usage(stdout); return 0; }
        if (argv[i][0] == '-' || dir) {
            fprintf(stderr, "retort init: unexpected argument '%s'\n\n", argv[i]);
            init_usage(stderr);
            return 2;
        }
        dir = argv[i];
    }
    if (!dir) { init_usage(stderr); return 2; }
    arena *a = arena_new();
    /* Check everything first, so that a refusal writes nothing. */
    const char *targets[8];
    size_t n = 0;
    int rc = 0;
    for (const struct embedded_file *f = EMBEDDED_FILES; f->path && n < 8; f++, n++) {
        const char *rel = !strncmp(f->path, "alembic/", 8) ? arena_printf(a, "%s/%s", dir, f->path + 8) : f->path;
        targets[n] = rel;
        if (exists(rel)) {
            fprintf(stderr, "retort init: '%s' already exists; nothing was written\n", rel);
            rc = 1;
        }
    }
    if (exists(dir)) {
        fprintf(stderr, "retort init: '%s' already exists; nothing was written\n", dir);
        rc = 1;
    }
    if (rc) { arena_free(a); return rc; }
    const char *dirs[] = {dir, arena_printf(a, "%s/versions", dir), "models"};
    for (size_t i = 0; i < 3; i++)
        if (mkdir(dirs[i], 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "retort init: cannot create '%s': %s\n", dirs[i], strerror(errno));
            arena_free(a);
            return 1;
        }
    for (size_t i = 0; i < n; i++) {
        const struct embedded_file *f = &EMBEDDED_FILES[i];
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
        if (write_file_atomic(targets[i], data, size) != 0) {
            fprintf(stderr, "retort init: cannot write '%s': %s\n", targets[i], strerror(errno));
            arena_free(a);
            return 1;
        }
        printf("Creating %s ...  done\n", targets[i]);
    }
    printf("Please edit the database URL in alembic.ini (or set DATABASE_URL), "
           "write models in models/, then run: retort revision --autogenerate -m \"initial\"\n");
    arena_free(a);
    return 0;
}
