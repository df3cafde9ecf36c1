/*
** fuzz.h — what the libFuzzer harnesses of tests/fuzz/ share: the input as
** a C string, and diagnostics printed the way the CLI prints them (into
** memory, so their source lines and carets are exercised without output).
**
** A harness never exits and frees everything it allocates: LeakSanitizer
** checks every run.
*/
#ifndef RETORT_FUZZ_H
#define RETORT_FUZZ_H

#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The input as a NUL-terminated text (malloc'd; the caller frees).  Like a
** file read with read_file(), it ends at its first NUL byte for every
** reader that takes a C string. */
static inline char *fuzz_text(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) util_oom();
    if (size) memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

/* Print every diagnostic of dl as `retort` prints it, into a memory stream
** that is thrown away. */
static inline void fuzz_print_diags(const diag_list *dl) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return;
    diag_print(dl, f);
    fclose(f);
    free(buf);
}

/* Where the inputs claim to come from: a path that does not exist, so that
** no diagnostic reads a real file for its source line. */
#define FUZZ_DIR "/nonexistent-retort-fuzz"

#endif
