/*
** cmd_models.c — retort models [--json] [--models DIR]
*/
#include "cli/cli.h"
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

static void models_usage(FILE *out) {
    fprintf(out,
            "usage: retort models [--json] [--models DIR]\n\n"
            "Parse and resolve the model files and print the schema they declare.\n\n"
            "options:\n"
            "  --json         print the schema as JSON (shape: docs/schema-json.md)\n"
            "  --models DIR   the models directory (default: models)\n");
}

int cmd_models(int argc, char **argv) {
    bool json = false;
    const char *dir = "models";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = true;
        else if (!strcmp(argv[i], "--models") && i + 1 < argc) dir = argv[++i];
        else if (!strncmp(argv[i], "--models=", 9)) dir = argv[i] + 9;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { models_usage(stdout); return 0; }
        else return cli_unknown_option("models", argv[i], models_usage);
    }
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    int rc = model_load_dir(dir, &s, &dl);
    diag_print(&dl, stderr);
    if (rc != 0) {
        fprintf(stderr, "retort models: %d error%s; nothing was printed\n", dl.errors, dl.errors == 1 ? "" : "s");
        diag_list_free(&dl);
        return 1;
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
