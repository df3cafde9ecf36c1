/*
** cmd_hash.c — retort hash: write alembic/versions/retort.sum anew from the
** revision files as they are (docs/ci.md).
*/
#include "cli/cli.h"

#include <string.h>

static void hash_usage(FILE *out) {
    fprintf(out,
            "usage: retort hash [-c alembic.ini]\n\n"
            "Write the retort.sum of each versions folder from its revision files as they\n"
            "are now (created where there is none): the SHA-256 of every file, and of\n"
            "the list.  check, lint, upgrade, downgrade, revision and merge then refuse a\n"
            "file edited, added or removed since, until retort hash is run again.\n"
            "Run it when such a change is intended, and commit the file with it.\n\n"
            "options:\n"
            "  -c, --config FILE  the configuration (default: alembic.ini)\n");
}

int cmd_hash(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { hash_usage(stdout); return 0; }
        else return cli_unknown_option("hash", a, hash_usage);
    }
    retort_project *p = cli_open_project("hash");
    if (!p) return CLI_EXIT_USAGE;
    char *out = NULL;
    retort_status rc = retort_hash(p, &out);
    return cli_finish(p, rc, out);
}
