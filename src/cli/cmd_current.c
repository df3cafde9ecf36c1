/*
** cmd_current.c — retort current [--verbose]: the database's revision(s),
** printed as `alembic current` prints them.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void current_usage(FILE *out) {
    fprintf(out,
            "usage: retort current [-v] [-c alembic.ini]\n\n"
            "Show the revision(s) the database is at (its alembic_version rows).\n\n"
            "options:\n"
            "  -v, --verbose          the full entry of each revision, after the database URL\n"
            "  -c, --config FILE      the configuration (default: alembic.ini)\n");
}

int cmd_current(int argc, char **argv) {
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) verbose = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { current_usage(stdout); return 0; }
        else return cli_unknown_option("current", a, current_usage);
    }
    retort_project *p = cli_open_project("current");
    if (!p) return CLI_EXIT_USAGE;
    char *text = NULL;
    retort_current_options o = RETORT_CURRENT_OPTIONS_INIT;
    o.verbose = verbose;
    retort_status rc = retort_current(p, &o, &text);
    return cli_finish(p, rc, text);
}
