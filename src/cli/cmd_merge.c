/*
** cmd_merge.c — retort merge REV... -m MSG [--rev-id ID] [--branch-label L]:
** write a merge revision whose down_revision is the tuple of REVs, as
** `alembic merge` does (REV may be "heads").
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void merge_usage(FILE *out) {
    fprintf(out,
            "usage: retort merge REV [REV...] [-m MESSAGE] [--rev-id ID] [--branch-label LABEL]\n"
            "                    [-c alembic.ini]\n\n"
            "Write a revision that merges the given heads (\"heads\": all of them).\n\n"
            "options:\n"
            "  -m, --message MESSAGE  what the merge is (also names the file)\n"
            "  --rev-id ID            the revision id (default: 12 random hex digits)\n"
            "  --branch-label LABEL   a branch label for the merge revision\n"
            "  -c, --config FILE      the configuration (default: alembic.ini)\n");
}

int cmd_merge(int argc, char **argv) {
    retort_merge_options o = RETORT_MERGE_OPTIONS_INIT;
    const char **revs = calloc((size_t)argc, sizeof *revs);
    if (!revs) return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "-m") || !strcmp(a, "--message")) && i + 1 < argc) o.message = argv[++i];
        else if (!strncmp(a, "--message=", 10)) o.message = a + 10;
        else if (!strcmp(a, "--rev-id") && i + 1 < argc) o.rev_id = argv[++i];
        else if (!strncmp(a, "--rev-id=", 9)) o.rev_id = a + 9;
        else if (!strcmp(a, "--branch-label") && i + 1 < argc) o.branch_label = argv[++i];
        else if (!strncmp(a, "--branch-label=", 15)) o.branch_label = a + 15;
        else if (!strcmp(a, "--create-date") && i + 1 < argc) o.create_date = argv[++i];  /* tests */
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { merge_usage(stdout); free(revs); return 0; }
        else if (a[0] == '-') {
            free(revs);
            return cli_unknown_option("merge", a, merge_usage);
        } else revs[o.n_revisions++] = a;
    }
    if (!o.n_revisions) {
        fprintf(stderr, "retort merge: which revisions? (e.g. retort merge heads -m \"merge heads\")\n\n");
        merge_usage(stderr);
        free(revs);
        return 2;
    }
    o.revisions = revs;
    retort_project *p = cli_open_project("merge");
    if (!p) { free(revs); return CLI_EXIT_USAGE; }
    retort_revision_result r;
    retort_status rc = retort_merge(p, &o, &r);
    retort_print_diagnostics(p, stderr);     /* "Generating ..." came through the progress callback */
    if (rc != RETORT_OK) {
        if (r.path) fprintf(stderr, "retort merge: the revision file was written and kept: %s\n", r.path);
        else fprintf(stderr, "retort merge: nothing was written\n");
    }
    retort_revision_result_free(&r);
    free(revs);
    retort_close(p);
    return cli_exit_status(rc);
}
