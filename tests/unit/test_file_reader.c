/*
** test_file_reader.c — file_reader (src/util/files.c): many files read in
** batches through io_uring give, file by file, what read_regular_file
** gives (the bytes, the length, the errno of a failure), across batches,
** at the sizes around a batch slot's buffer, and for paths that cannot be
** read; and the same reader used again and again.  Each case runs with
** io_uring and without it.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

#define SLOT ((size_t)16 << 10)         /* a batch slot's buffer, files.c */

typedef struct fixture {
    char dir[64];
    arena *a;
    VEC(const char *) paths;
} fixture;

static void write_bytes(const char *path, size_t n, unsigned seed) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++) fputc((int)((i * 131 + seed) & 0xff), f);     /* NUL bytes too */
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    const char *tmp = getenv("TMPDIR");
    snprintf(fx->dir, sizeof fx->dir, "%s/retort-reader-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
    if (!mkdtemp(fx->dir)) return -1;
    fx->a = arena_new();
    /* 150 files: three batches of 64 and a part, with the sizes around a
    ** slot's buffer among them (a full slot may be a longer file). */
    static const size_t sizes[] = {0, 1, 900, SLOT - 1, SLOT, SLOT + 1, 2 * SLOT, 200000};
    for (unsigned i = 0; i < 150; i++) {
        const char *p = arena_printf(fx->a, "%s/f%03u", fx->dir, i);
        write_bytes(p, sizes[i % 8], i);
        vec_push(fx->a, &fx->paths, p);
    }
    /* Paths that cannot be read, among them: missing, a folder, a file
    ** used as a folder. */
    const char *sub = arena_printf(fx->a, "%s/folder", fx->dir);
    if (mkdir(sub, 0755) != 0) return -1;
    fx->paths.items[7] = arena_printf(fx->a, "%s/missing", fx->dir);
    fx->paths.items[70] = sub;
    fx->paths.items[140] = arena_printf(fx->a, "%s/f000/x", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    for (unsigned i = 0; i < 150; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/f%03u", fx->dir, i);
        unlink(p);
    }
    char sub[128];
    snprintf(sub, sizeof sub, "%s/folder", fx->dir);
    rmdir(sub);
    rmdir(fx->dir);
    arena_free(fx->a);
    free(fx);
    return 0;
}

/* Every read of reads[0..n) is what read_regular_file gives for its path. */
static void assert_as_one_by_one(file_read *reads, size_t n) {
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        errno = 0;
        char *want = read_regular_file(reads[i].path, &len);
        int error = want ? 0 : errno;
        if (!want) {
            assert_null(reads[i].text);
            assert_int_equal(reads[i].error, error);
            continue;
        }
        assert_non_null(reads[i].text);
        assert_int_equal(reads[i].error, 0);
        assert_int_equal(reads[i].len, len);
        assert_memory_equal(reads[i].text, want, len);
        assert_int_equal(reads[i].text[len], '\0');
        free(want);
    }
}

static void read_all(fixture *fx, bool allow_io_uring) {
    file_reader *fr = file_reader_new(allow_io_uring);
    if (!allow_io_uring) assert_false(file_reader_batched(fr));
    size_t n = fx->paths.len;
    file_read *reads = calloc(n, sizeof *reads);
    for (size_t i = 0; i < n; i++) reads[i].path = fx->paths.items[i];
    file_reader_read(fr, reads, n);
    assert_as_one_by_one(reads, n);
    /* the failures are the three unreadable paths, with their errno */
    assert_int_equal(reads[7].error, ENOENT);
    assert_int_equal(reads[70].error, EISDIR);
    assert_int_equal(reads[140].error, ENOTDIR);
    for (size_t i = 0; i < n; i++) free(reads[i].text);
    free(reads);
    file_reader_free(fr);
}

static void many_files_as_one_by_one(void **state) {
    fixture *fx = *state;
    read_all(fx, false);
    file_reader *probe = file_reader_new(true);
    bool batched = file_reader_batched(probe);
    file_reader_free(probe);
    if (!batched) {
        print_message("io_uring is not available here (kernel, sysctl or seccomp): one by one only\n");
        skip();
    }
    read_all(fx, true);
}

/* The revision reader reads 64 files at a time with one reader: small
** batches, one after another, from the same ring. */
static void one_reader_many_batches(void **state) {
    fixture *fx = *state;
    file_reader *fr = file_reader_new(true);
    for (size_t start = 0; start < fx->paths.len; start += 3) {
        size_t n = fx->paths.len - start < 3 ? fx->paths.len - start : 3;
        file_read reads[3] = {{0}};
        for (size_t k = 0; k < n; k++) reads[k].path = fx->paths.items[start + k];
        file_reader_read(fr, reads, n);
        assert_as_one_by_one(reads, n);
        for (size_t k = 0; k < n; k++) free(reads[k].text);
    }
    /* and nothing to read is nothing */
    file_reader_read(fr, NULL, 0);
    file_reader_free(fr);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(many_files_as_one_by_one, setup, teardown),
        cmocka_unit_test_setup_teardown(one_reader_many_batches, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
