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

/* argparse's negative-number test: -N or -N.N */
static bool negative_number(const char *v) {
    const char *p = v + 1;
    while (*p >= '0' && *p <= '9') p++;
    if (*p == '.' && p[1]) {
        p++;
        while (*p >= '0' && *p <= '9') p++;
    } else if (p == v + 1) return false;
    return *p == '\0';
}

int cmd_history(int argc, char **argv) {
    bool verbose = false, indicate = false;
    const char *range = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) verbose = true;
        else if (!strcmp(a, "-i") || !strcmp(a, "--indicate-current")) indicate = true;
        else if (!strcmp(a, "-r") || !strcmp(a, "--rev-range")) {
            /* argparse takes a value that starts with '-' only when it is a
            ** negative number: -r -2: is refused, -r-2: and --rev-range=-2:
            ** are how Alembic's history is given a relative start. */
            const char *v = i + 1 < argc ? argv[i + 1] : NULL;
            if (!v || (v[0] == '-' && !negative_number(v))) {
                fprintf(stderr, "usage: retort history [-h] [-r REV_RANGE] [-v] [-i]\n"
                                "retort history: error: argument -r/--rev-range: expected one argument\n");
                if (v) fprintf(stderr, "  hint: give the value attached, as argparse reads it: -r%s or --rev-range=%s\n", v, v);
                return 2;
            }
            range = argv[++i];
        }
        else if (!strncmp(a, "--rev-range=", 12)) range = a + 12;
        else if (!strncmp(a, "-r", 2) && a[2]) range = a + 2;     /* -r-3:current, as argparse reads it */
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { history_usage(stdout); return 0; }
        else return cli_unknown_option("history", a, history_usage);
    }
    retort_project *p = cli_open_project("history");
    if (!p) return CLI_EXIT_USAGE;
    char *text = NULL;
    retort_history_options o = RETORT_HISTORY_OPTIONS_INIT;
    o.range = range;
    o.verbose = verbose;
    o.indicate_current = indicate;
    retort_status rc = retort_history(p, &o, &text);
    return cli_finish(p, rc, text);
}
