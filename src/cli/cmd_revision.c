/*
** cmd_revision.c — retort revision [-m MSG] [--autogenerate] [--models DIR]
** [--rev-id ID] [--head REV] [--splice] [--branch-label L] [--depends-on R]
** [--version-path DIR] [--sql]
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void revision_usage(FILE *out) {
    fprintf(out,
            "usage: retort revision [-m MESSAGE] [--autogenerate] [--models DIR] [--rev-id ID] [--head REV]\n"
            "                       [--splice] [--branch-label LABEL] [--depends-on REV]... [--version-path DIR]\n"
            "                       [--sql] [-c alembic.ini]\n\n"
            "Write a new revision file into the versions folder.\n\n"
            "options:\n"
            "  -m, --message MESSAGE  what the revision does (also names the file); without it\n"
            "                         the docstring says \"empty message\" and the slug is empty\n"
            "  --autogenerate         compare the models with the database and write the\n"
            "                         operations that bring the database to the models\n"
            "  --models DIR           with --autogenerate: the models folder\n"
            "                         (default: [retort] models of alembic.ini)\n"
            "  --rev-id ID            the revision id (default: 12 random hex digits)\n"
            "  --head REV             the parent of the new revision (default: head;\n"
            "                         base starts a new root, <label>@head a branch's head)\n"
            "  --splice               allow --head to name a revision that is not a head\n"
            "  --branch-label LABEL   a branch label for the new revision\n"
            "  --depends-on REV       a revision (or label) this one depends on (repeatable)\n"
            "  --version-path DIR     the folder to write to: one of version_locations\n"
            "  --sql                  refused, as Alembic refuses it (retort runs no env.py)\n"
            "  -c, --config FILE      the configuration (default: alembic.ini)\n");
}

int cmd_revision(int argc, char **argv) {
    retort_revision_options o = RETORT_REVISION_OPTIONS_INIT;
    const char **deps = calloc((size_t)argc + 1, sizeof *deps);
    if (!deps) return 1;
    o.depends_on = deps;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "-m") || !strcmp(a, "--message")) && i + 1 < argc) o.message = argv[++i];
        else if (!strncmp(a, "--message=", 10)) o.message = a + 10;
        else if (!strcmp(a, "--autogenerate")) o.autogenerate = true;
        else if (!strcmp(a, "--models") && i + 1 < argc) o.models_dir = argv[++i];
        else if (!strncmp(a, "--models=", 9)) o.models_dir = a + 9;
        else if (!strcmp(a, "--rev-id") && i + 1 < argc) o.rev_id = argv[++i];
        else if (!strncmp(a, "--rev-id=", 9)) o.rev_id = a + 9;
        else if (!strcmp(a, "--create-date") && i + 1 < argc) o.create_date = argv[++i];  /* tests */
        else if (!strcmp(a, "--head") && i + 1 < argc) o.head = argv[++i];
        else if (!strncmp(a, "--head=", 7)) o.head = a + 7;
        else if (!strcmp(a, "--splice")) o.splice = true;
        else if (!strcmp(a, "--branch-label") && i + 1 < argc) o.branch_label = argv[++i];
        else if (!strncmp(a, "--branch-label=", 15)) o.branch_label = a + 15;
        else if (!strcmp(a, "--depends-on") && i + 1 < argc) deps[o.n_depends_on++] = argv[++i];
        else if (!strncmp(a, "--depends-on=", 13)) deps[o.n_depends_on++] = a + 13;
        else if (!strcmp(a, "--version-path") && i + 1 < argc) o.version_path = argv[++i];
        else if (!strncmp(a, "--version-path=", 15)) o.version_path = a + 15;
        else if (!strcmp(a, "--sql")) o.sql = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { revision_usage(stdout); free(deps); return 0; }
        else {
            free(deps);
            return cli_unknown_option("revision", a, revision_usage);
        }
    }
    if (o.models_dir && !o.autogenerate) {
        fprintf(stderr, "retort revision: --models is read only with --autogenerate (an empty revision reads no models)\n");
        free(deps);
        return 2;
    }
    retort_project *p = cli_open_project("revision");
    if (!p) { free(deps); return CLI_EXIT_USAGE; }
    retort_revision_result r;
    retort_status rc = retort_revision(p, &o, &r);
    /* The changes, "Generating ..." and the hooks' lines came through
    ** the progress callback, as they happened. */
    retort_print_diagnostics(p, stderr);
    if (rc != RETORT_OK) {
        if (r.path) fprintf(stderr, "retort revision: the revision file was written and kept: %s\n", r.path);
        else fprintf(stderr, "retort revision: nothing was written\n");
    }
    retort_revision_result_free(&r);
    retort_close(p);
    free(deps);
    return cli_exit_status(rc);
}
