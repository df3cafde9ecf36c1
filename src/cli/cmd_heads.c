/*
** cmd_heads.c — retort heads [--verbose] [--resolve-dependencies]: the head
** revisions of the versions folder, as `alembic heads` lists them.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void heads_usage(FILE *out) {
    fprintf(out,
            "usage: retort heads [-v] [--resolve-dependencies] [-c alembic.ini]\n\n"
            "Show the head revisions (those no other revision names as down_revision).\n\n"
            "options:\n"
            "  -v, --verbose               the full entry of each head\n"
            "  --resolve-dependencies      count depends_on as down revisions too\n"
            "  -c, --config FILE           the configuration (default: alembic.ini)\n");
}

int cmd_heads(int argc, char **argv) {
    bool verbose = false, resolve = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) verbose = true;
        else if (!strcmp(a, "--resolve-dependencies")) resolve = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { heads_usage(stdout); return 0; }
        else return cli_unknown_option("heads", a, heads_usage);
    }
    retort_project *p = cli_open_project("heads");
    if (!p) return CLI_EXIT_USAGE;
    char *text = NULL;
    retort_heads_options o = RETORT_HEADS_OPTIONS_INIT;
    o.verbose = verbose;
    o.resolve_dependencies = resolve;
    retort_status rc = retort_heads(p, &o, &text);
    return cli_finish(p, rc, text);
}
