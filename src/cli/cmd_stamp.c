/*
** cmd_stamp.c — retort stamp REV... [--purge] [--sql]: set alembic_version
** to REV (head, heads, base, ids, <label>@head) without running anything,
** as `alembic stamp` does.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void stamp_usage(FILE *out) {
    fprintf(out,
            "usage: retort stamp REV [REV...] [--purge] [--sql] [--lock-timeout SECONDS] [-c alembic.ini]\n\n"
            "Write REV into alembic_version without running any migration (for a\n"
            "database whose schema is already right).  base empties the table.\n\n"
            "options:\n"
            "  --purge                empty alembic_version first (it names unknown revisions)\n"
            "  --sql                  print the SQL instead of running it (REV may be FROM:TO)\n"
            "  --lock-timeout SECONDS how long to wait for another run's lock (default 60)\n"
            "  --tag TAG              accepted with a warning (Alembic passes it to env.py)\n"
            "  -c, --config FILE      the configuration (default: alembic.ini)\n");
}

int cmd_stamp(int argc, char **argv) {
    retort_stamp_options o = RETORT_STAMP_OPTIONS_INIT;
    const char **revs = calloc((size_t)argc, sizeof *revs);
    if (!revs) return 1;
    const char *tag = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = cli_take_lock_timeout(argc, argv, &i, "stamp", &o.lock_timeout_ms);
        if (!taken) taken = cli_take_tag(argc, argv, &i, "stamp", &tag);
        if (taken < 0) { free(revs); return 2; }
        if (taken) continue;
        if (!strcmp(a, "--purge")) o.purge = true;
        else if (!strcmp(a, "--sql")) o.sql = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { stamp_usage(stdout); free(revs); return 0; }
        else if (a[0] == '-' && a[1] == '-') {
            free(revs);
            return cli_unknown_option("stamp", a, stamp_usage);
        } else revs[o.n_revisions++] = a;
    }
    if (!o.n_revisions) {
        fprintf(stderr, "retort stamp: which revision? (e.g. retort stamp head)\n\n");
        stamp_usage(stderr);
        free(revs);
        return 2;
    }
    o.revisions = revs;
    cli_warn_tag("stamp", tag);
    retort_project *p = cli_open_project("stamp");
    if (!p) { free(revs); return CLI_EXIT_USAGE; }
    char *text = NULL;
    retort_status rc = retort_stamp(p, &o, &text);
    retort_print_diagnostics(p, stderr);
    if (text) fputs(text, stdout);
    free(text);
    free(revs);
    retort_close(p);
    return cli_exit_status(rc);
}
