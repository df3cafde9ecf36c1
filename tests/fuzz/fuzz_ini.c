/*
** fuzz_ini.c — libFuzzer harness for alembic.ini.
**
** The input is the text of one alembic.ini.  It goes through
** config_load_string() (src/script/config.c): ConfigParser's sections,
** comments, continuation lines and %-interpolation, then the settings of
** the [alembic] and [retort] sections.  When it loads, a new revision's file
** name is made from its file_template and truncate_slug_length
** (src/script/revisions.c), as `retort revision` makes one, and the
** diagnostics are printed as the CLI prints them.
**
** DATABASE_URL is unset first, so that sqlalchemy.url is what is read.
** Nothing is read from or written to the disk.
*/
#include "fuzz.h"

#include "script/script.h"

#include <time.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    unsetenv("DATABASE_URL");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = fuzz_text(data, size);
    diag_list dl;
    diag_list_init(&dl);
    retort_config *c = NULL;
    if (config_load_string(FUZZ_DIR "/alembic.ini", text, &c, &dl) == 0) {
        arena *a = arena_new();
        /* A fixed moment, so that a run can be repeated exactly. */
        struct tm when = {.tm_year = 125, .tm_mon = 10, .tm_mday = 5, .tm_hour = 19, .tm_min = 3, .tm_sec = 12};
        const char *slug = revision_slug(a, "Add the user preferences table, with its indexes and a check "
                                            "on the theme column", c->truncate_slug_length);
        (void)revision_file_name(a, c->file_template, "0123456789ab", slug, &when, 1762369392);
        arena_free(a);
        config_free(c);
    }
    fuzz_print_diags(&dl);
    diag_list_free(&dl);
    free(text);
    return 0;
}
