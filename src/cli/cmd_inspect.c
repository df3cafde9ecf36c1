/*
** cmd_inspect.c — retort inspect [--json]: the live database schema.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void inspect_usage(FILE *out) {
    fprintf(out,
            "usage: retort inspect [--json] [-c alembic.ini]\n\n"
            "Read the database's schema (as autogenerate sees it) and print it.\n\n"
            "options:\n"
            "  --json             the stable JSON shape of docs/schema-json.md\n"
            "  -c, --config FILE  the configuration (default: alembic.ini)\n");
}

int cmd_inspect(int argc, char **argv) {
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { inspect_usage(stdout); return 0; }
        else return cli_unknown_option("inspect", argv[i], inspect_usage);
    }
    retort_project *p = cli_open_project("inspect");
    if (!p) return CLI_EXIT_USAGE;
    char *text = NULL;
    retort_inspect_options o = RETORT_INSPECT_OPTIONS_INIT;
    o.json = json;
    retort_status rc = retort_inspect(p, &o, &text);
    retort_print_diagnostics(p, stderr);
    if (rc == RETORT_OK) {
        fputs_printable(text, stdout);  /* database comments and names: no raw controls */
        if (json) fputc('\n', stdout);
    }
    free(text);
    retort_close(p);
    return cli_exit_status(rc);
}
