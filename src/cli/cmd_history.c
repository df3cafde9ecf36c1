/*
** cmd_history.c — retort history [-r RANGE] [--verbose] [--indicate-current]:
** the revisions newest first, as `alembic history` prints them.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void history_usage(FILE *out) {
    fprintf(out,
            "usage: retort history [-r START:END] [-v] [-i] [-c alembic.ini]\n\n"
            "List the revisions, newest first.\n\n"
            "options:\n"
            "  -r, --rev-range RANGE     START:END, START: or :END; each a revision, head,\n"
            "                            heads, base, current, <label>@head...\n"
            "  -v, --verbose             the full entry of each revision\n"
            "  -i, --indicate-current    mark the database's revision(s) with (current)\n"
            "  -c, --config FILE         the configuration (default: alembic.ini)\n");
}

int cmd_history(int argc, char **argv) {
    bool verbose = false, indicate = false;
    const char *range = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) verbose = true;
        else if (!strcmp(a, "-i") || !strcmp(a, "--indicate-current")) indicate = true;
        else if ((!strcmp(a, "-r") || !strcmp(a, "--rev-range")) && i + 1 < argc) range = argv[++i];
        else if (!strncmp(a, "--rev-range=", 12)) range = a + 12;
        else if (!strncmp(a, "-r", 2) && a[2]) range = a + 2;     /* -r-3:current, as argparse reads it */
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { history_usage(stdout); return 0; }
        else return cli_unknown_option("history", a, history_usage);
    }
    retort_project *p = cli_open_project("history");
    if (!p) return 1;
    char *text = NULL;
    retort_history_options o = RETORT_HISTORY_OPTIONS_INIT;
    o.range = range;
    o.verbose = verbose;
    o.indicate_current = indicate;
    retort_status rc = retort_history(p, &o, &text);
    return cli_finish(p, rc, text);
}
