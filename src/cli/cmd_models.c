/*
** cmd_models.c — retort models [--json] [--models DIR] [-c alembic.ini]
**
** The models folder: --models DIR, else [retort] models of alembic.ini,
** else (no alembic.ini here) models/ of the current folder, so that a
** folder of model files can be checked outside any project.
*/
#include "cli/cli.h"
#include "model/model.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void models_usage(FILE *out) {
    fprintf(out,
            "usage: retort models [--json] [--models DIR] [-c alembic.ini]\n\n"
            "Parse and resolve the model files and print the schema they declare.\n\n"
            "options:\n"
            "  --json             print the schema as JSON (shape: docs/schema-json.md)\n"
            "  --models DIR       the models folder (default: [retort] models of alembic.ini,\n"
            "                     or models/ when there is no alembic.ini)\n"
            "  -c, --config FILE  the configuration (default: alembic.ini)\n");
}

/* Errors are counted in the footer line: "retort models: 2 errors; ...". */
static int print_failure(int errors) {
    fprintf(stderr, "retort models: %d error%s; nothing was printed\n", errors, errors == 1 ? "" : "s");
    return 1;
}

/* Without a project: the folder as given. */
static int models_of_folder(const char *dir, bool json) {
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    int rc = model_load_dir(dir, NULL, &s, &dl);
    diag_print(&dl, stderr);
    if (rc != 0) {
        int errors = dl.errors;
        diag_list_free(&dl);
        return print_failure(errors);
    }
    if (json) {
        json_t *j = schema_to_json(s);
        char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(text);
        free(text);
        json_decref(j);
    } else {
        schema_print_text(s, stdout);
    }
    schema_free(s);
    diag_list_free(&dl);
    return 0;
}

int cmd_models(int argc, char **argv) {
    retort_models_options o = RETORT_MODELS_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) o.json = true;
        else if (!strcmp(argv[i], "--models") && i + 1 < argc) o.models_dir = argv[++i];
        else if (!strncmp(argv[i], "--models=", 9)) o.models_dir = argv[i] + 9;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { models_usage(stdout); return 0; }
        else return cli_unknown_option("models", argv[i], models_usage);
    }
    const char *ini = cli_config_path();
    if (o.models_dir) return models_of_folder(o.models_dir, o.json);
    if (!strcmp(ini, "alembic.ini") && access(ini, F_OK) != 0) return models_of_folder("models", o.json);
    retort_project *p = cli_open_project("models");
    if (!p) return CLI_EXIT_USAGE;
    char *text = NULL;
    retort_status rc = retort_models(p, &o, &text);
    int errors = 0;
    for (size_t i = 0; i < retort_diagnostic_count(p); i++) {
        retort_diagnostic d;
        retort_diagnostic_get(p, i, &d);
        errors += d.severity == RETORT_SEVERITY_ERROR;
    }
    retort_print_diagnostics(p, stderr);
    retort_close(p);
    if (rc != RETORT_OK) {
        free(text);
        return print_failure(errors);
    }
    fputs(text, stdout);
    if (o.json) fputc('\n', stdout);
    free(text);
    return 0;
}
