/*
** fuzz_models.c — libFuzzer harness for the model language.
**
** The input is the text of one model file.  It goes through what
** `retort models` and a first `retort revision --autogenerate` do with a
** models folder: the scanner and parser (grammar/models.l, models.y), the
** resolver (src/model/resolve.c: inheritance, @map, naming conventions,
** validation), and the diagnostics as the CLI prints them.  When the text
** resolves to a schema, the schema is also printed in both of its forms
** (JSON and text), diffed against an empty database on each dialect
** (src/diff/), and the ops rendered as an Alembic module
** (src/render/python.c: batch blocks for SQLite, plain ops for PostgreSQL).
**
** Nothing is read from or written to the disk.
*/
#include "fuzz.h"

#include "diff/diff.h"
#include "model/model.h"
#include "render/render.h"

/* The schema's two printed forms, built and thrown away. */
static void print_schema(const schema *s) {
    json_t *j = schema_to_json(s);
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    free(text);
    json_decref(j);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        schema_print_text(s, f);
        fclose(f);
    }
    free(buf);
}

/* What autogenerate makes of the schema for an empty database of dialect d:
** the ops, their descriptions and JSON, and the migration module. */
static void autogenerate(const schema *wanted, const dialect *d, bool batch, diag_list *dl) {
    schema *empty = schema_new();
    diff_options opt = {.dialect = d};
    migration_ops *ops = diff_schemas(empty, wanted, &opt, dl);
    if (ops) {
        arena *a = arena_new();
        for (size_t i = 0; i < ops->ops.len; i++) (void)op_describe(a, &ops->ops.items[i]);
        arena_free(a);
        json_t *j = migration_ops_to_json(ops);
        json_decref(j);
        str_vec no_parents = {0};
        render_options ro = {
            .message = "fuzz",
            .revision = "0123456789ab",
            .down_revisions = &no_parents,
            .create_date = "2025-01-01 00:00:00.000000",
            .batch = batch,
            .autogenerate = true,
        };
        free(render_python(ops, &ro));
        migration_ops_free(ops);
    }
    schema_free(empty);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = fuzz_text(data, size);
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    if (model_load_string(FUZZ_DIR "/models/fuzz.model", text, &s, &dl) == 0) {
        print_schema(s);
        autogenerate(s, dialect_sqlite(), true, &dl);
        autogenerate(s, dialect_postgresql(), false, &dl);
        schema_free(s);
    }
    fuzz_print_diags(&dl);
    diag_list_free(&dl);
    free(text);
    return 0;
}
