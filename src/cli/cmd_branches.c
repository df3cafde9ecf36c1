/*
** cmd_branches.c — retort branches [--verbose]: the branch points and the
** revisions each branches into, as `alembic branches` prints them.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void branches_usage(FILE *out) {
    fprintf(out,
            "usage: retort branches [-v] [-c alembic.ini]\n\n"
            "Show the branch points: revisions that several revisions name as down_revision.\n\n"
            "options:\n"
            "  -v, --verbose          the full entry of each branch point\n"
            "  -c, --config FILE      the configuration (default: alembic.ini)\n");
}

int cmd_branches(int argc, char **argv) {
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) verbose = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { branches_usage(stdout); return 0; }
        else return cli_unknown_option("branches", a, branches_usage);
    }
    retort_project *p = cli_open_project("branches");
    if (!p) return CLI_EXIT_USAGE;
    char *text = NULL;
    retort_branches_options o = RETORT_BRANCHES_OPTIONS_INIT;
    o.verbose = verbose;
    retort_status rc = retort_branches(p, &o, &text);
    return cli_finish(p, rc, text);
}
