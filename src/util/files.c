/*
** files.c — whole-file reads, and writes that are whole or not at all.
*/
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef RETORT_HAVE_IO_URING
#include <liburing.h>
/* The kernel's writes into a read's buffer are invisible to valgrind,
** which would take the bytes for uninitialised: kernel_wrote tells it.
** Without the header the buffers are zeroed once instead. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define RETORT_HAVE_MEMCHECK_H 1
#endif
#endif
#ifdef RETORT_HAVE_MEMCHECK_H
#define kernel_wrote(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define kernel_wrote(p, n) ((void)(p), (void)(n))
#endif
#endif

/* Room for cap bytes of a file's text, from malloc (free() releases it).
** A large one is aligned on 2 MiB and marked for transparent huge pages:
** read into 4 KiB pages, a 1.6 MB initial migration (1,000 tables) took
** 400 page faults, 4 ms on this project's machines; in huge pages it takes
** one.  The untouched rest of the last huge page is not resident. */
#define TEXT_HUGE_MIN ((size_t)512 << 10)
#define TEXT_HUGE_PAGE ((size_t)2 << 20)
static char *text_buffer(size_t cap) {
    char *buf = NULL;
#ifdef MADV_HUGEPAGE
    if (cap >= TEXT_HUGE_MIN) {
        size_t rounded = (cap + TEXT_HUGE_PAGE - 1) & ~(TEXT_HUGE_PAGE - 1);
        buf = aligned_alloc(TEXT_HUGE_PAGE, rounded);
        if (buf) (void)madvise(buf, rounded, MADV_HUGEPAGE);
    }
#endif
    if (!buf) buf = malloc(cap);
    if (!buf) util_oom();
    return buf;
}

/* What read_whole knows of the file before opening it. */
typedef enum file_kind {
    FILE_ANY,               /* anything open() opens (a FIFO blocks) */
    FILE_LISTED_REGULAR,    /* a folder's listing said regular (d_type) */
    FILE_MUST_BE_REGULAR,   /* a link or an unknown entry: regular, or refused */
} file_kind;

/* One read of the file's size (plus one byte) where stdio made three:
** a short read of a regular file is its end.  Model and revision files are
** read by the thousand, and each system call costs microseconds.
** FILE_MUST_BE_REGULAR opens without blocking (a FIFO would) and refuses
** what fstat says is not a regular file: NULL, errno EINVAL, *type_out
** its type. */
static char *read_whole(const char *path, size_t *len_out, file_kind kind, mode_t *type_out) {
    bool known_regular = kind == FILE_LISTED_REGULAR;
    int fd = open(path, O_RDONLY | O_CLOEXEC | (kind == FILE_MUST_BE_REGULAR ? O_NONBLOCK | O_NOCTTY : 0));
    if (fd < 0) return NULL;
    char small[65536];
    size_t n = 0;               /* bytes already read into small */
    if (known_regular) {
        /* Most such files fit a buffer on the stack: one read, and a copy
        ** of exactly their size. */
        ssize_t got;
        do got = read(fd, small, sizeof small); while (got < 0 && errno == EINTR);
        if (got >= 0 && (size_t)got < sizeof small) {
            close(fd);
            char *buf = malloc((size_t)got + 1);
            if (!buf) util_oom();
            memcpy(buf, small, (size_t)got);
            buf[got] = '\0';
            if (len_out) *len_out = (size_t)got;
            return buf;
        }
        /* Larger (or a read error, met again below): the general way. */
        if (got > 0) n = (size_t)got;
    }
    struct stat st;
    bool stat_ok = fstat(fd, &st) == 0;
    bool sized = stat_ok && S_ISREG(st.st_mode);
    if (kind == FILE_MUST_BE_REGULAR && !sized) {
        int e = stat_ok ? EINVAL : errno;
        if (stat_ok && type_out) *type_out = st.st_mode;
        close(fd);
        errno = e;
        return NULL;
    }
    bool regular = known_regular || sized;
    size_t cap = sized && (size_t)st.st_size >= n ? (size_t)st.st_size + 1 : n + 65536;
    char *buf = text_buffer(cap + 1);
    memcpy(buf, small, n);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            char *grown = realloc(buf, cap + 1);
            if (!grown) util_oom();
            buf = grown;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0) {
            if (errno == EINTR) continue;
            int e = errno;          /* the read's own (EISDIR for a folder), past free and close */
            free(buf);
            close(fd);
            errno = e;
            return NULL;
        }
        if (got == 0) break;
        n += (size_t)got;
        if (regular && n < cap) break;
    }
    close(fd);
    buf[n] = '\0';
    if (len_out) *len_out = n;
    return buf;
}

char *read_file(const char *path, size_t *len_out) { return read_whole(path, len_out, FILE_ANY, NULL); }
char *read_regular_file(const char *path, size_t *len_out) {
    return read_whole(path, len_out, FILE_LISTED_REGULAR, NULL);
}
char *read_file_if_regular(const char *path, size_t *len_out, mode_t *type_out) {
    if (type_out) *type_out = 0;
    return read_whole(path, len_out, FILE_MUST_BE_REGULAR, type_out);
}

/* ------------------------------------------------------------ many files */

/* Model and revision files are read by the thousand, and on the virtual
** machines this project runs on a system call costs microseconds: open,
** read and close took 6 us a file (60 ms for 10,000 revisions), more than
** scanning the file.  Through io_uring, one io_uring_enter submits the
** three operations of BATCH_FILES (32) files, chained per file: the open puts
** the file in a slot of the ring's own file table (a direct descriptor,
** never a process fd), the read fills that slot's buffer, the close frees
** the slot.  A file that fills its buffer may be longer and is read again
** by read_regular_file, as is every file when the kernel has no io_uring
** (before 5.19, or disabled by a sysctl or a seccomp filter) or retort was
** built without liburing.  Either way each file_read ends as
** read_regular_file would leave it. */
#define BATCH_FILES 32
#define SLOT_BYTES ((size_t)16 << 10)

struct file_reader {
    bool batched;               /* the ring is up */
#ifdef RETORT_HAVE_IO_URING
    struct io_uring ring;
    char *slots;                /* BATCH_FILES buffers of SLOT_BYTES */
#endif
};

file_reader *file_reader_new(bool allow_io_uring) {
    file_reader *fr = calloc(1, sizeof *fr);
    if (!fr) util_oom();
#ifdef RETORT_HAVE_IO_URING
    if (allow_io_uring && io_uring_queue_init(3 * BATCH_FILES, &fr->ring, IORING_SETUP_SUBMIT_ALL) == 0) {
        if (io_uring_register_files_sparse(&fr->ring, BATCH_FILES) == 0) {
            /* Plain pages, not a huge one: only what the files fill is
            ** touched (a huge page is zeroed whole at its first touch). */
            fr->slots = malloc(BATCH_FILES * SLOT_BYTES);
            if (!fr->slots) util_oom();
#ifndef RETORT_HAVE_MEMCHECK_H
            memset(fr->slots, 0, BATCH_FILES * SLOT_BYTES);   /* valgrind: see kernel_wrote */
#endif
            fr->batched = true;
        } else {
            io_uring_queue_exit(&fr->ring);
        }
    }
#else
    (void)allow_io_uring;
#endif
    return fr;
}

bool file_reader_batched(const file_reader *fr) { return fr->batched; }

static void read_one(file_read *f) {
    f->text = read_regular_file(f->path, &f->len);
    f->error = f->text ? 0 : errno;
}

#ifdef RETORT_HAVE_IO_URING
/* The three operations of file k, told apart in user_data. */
enum { OP_OPEN, OP_READ, OP_CLOSE };

/* Read files[0..n) (n <= BATCH_FILES) in one submission; false when the
** ring failed as a whole (then nothing of files is set). */
static bool read_batch(file_reader *fr, file_read *files, size_t n) {
    struct io_uring *ring = &fr->ring;
    for (size_t k = 0; k < n; k++) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
        io_uring_prep_openat_direct(sqe, AT_FDCWD, files[k].path, O_RDONLY, 0, (unsigned)k);
        sqe->flags |= IOSQE_IO_LINK;                /* no read when the open fails */
        io_uring_sqe_set_data64(sqe, k * 3 + OP_OPEN);
        sqe = io_uring_get_sqe(ring);
        io_uring_prep_read(sqe, (int)k, fr->slots + k * SLOT_BYTES, (unsigned)SLOT_BYTES, 0);
        sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;   /* the close even when the read fails */
        io_uring_sqe_set_data64(sqe, k * 3 + OP_READ);
        sqe = io_uring_get_sqe(ring);
        io_uring_prep_close_direct(sqe, (unsigned)k);
        io_uring_sqe_set_data64(sqe, k * 3 + OP_CLOSE);
    }
    int submitted;
    do submitted = io_uring_submit(ring); while (submitted == -EINTR);
    if (submitted < 0) return false;
    int opened[BATCH_FILES], got[BATCH_FILES];
    for (int done = 0; done < submitted;) {
        struct io_uring_cqe *cqe;
        int rc = io_uring_wait_cqe(ring, &cqe);
        if (rc == -EINTR) continue;
        if (rc < 0) return false;
        unsigned long long data = io_uring_cqe_get_data64(cqe);
        size_t k = (size_t)(data / 3);
        if (data % 3 == OP_OPEN) opened[k] = cqe->res;
        else if (data % 3 == OP_READ) got[k] = cqe->res;
        io_uring_cqe_seen(ring, cqe);
        done++;
    }
    if ((size_t)submitted != 3 * n) return false;
    for (size_t k = 0; k < n; k++) {
        file_read *f = &files[k];
        int res = opened[k] < 0 ? opened[k] : got[k];
        if (res < 0) {
            f->text = NULL;
            f->len = 0;
            f->error = -res;
        } else if ((size_t)res == SLOT_BYTES) {
            read_one(f);                            /* maybe longer: the whole of it */
        } else {
            kernel_wrote(fr->slots + k * SLOT_BYTES, (size_t)res);
            f->text = malloc((size_t)res + 1);
            if (!f->text) util_oom();
            memcpy(f->text, fr->slots + k * SLOT_BYTES, (size_t)res);
            f->text[res] = '\0';
            f->len = (size_t)res;
            f->error = 0;
        }
    }
    return true;
}
#endif

void file_reader_read(file_reader *fr, file_read *files, size_t n) {
    size_t i = 0;
    (void)fr;
#ifdef RETORT_HAVE_IO_URING
    while (fr->batched && i < n) {
        size_t m = n - i < BATCH_FILES ? n - i : BATCH_FILES;
        if (!read_batch(fr, files + i, m)) {
            /* The ring itself failed: the rest one by one, and no more
            ** batches (its state is not known). */
            io_uring_queue_exit(&fr->ring);
            free(fr->slots);
            fr->slots = NULL;
            fr->batched = false;
            break;
        }
        i += m;
    }
#endif
    for (; i < n; i++) read_one(&files[i]);
}

void file_reader_free(file_reader *fr) {
    if (!fr) return;
#ifdef RETORT_HAVE_IO_URING
    if (fr->batched) {
        io_uring_queue_exit(&fr->ring);
        free(fr->slots);
    }
#endif
    free(fr);
}

bool text_find_nul(const char *text, size_t len, int *line, int *column) {
    const char *nul = memchr(text, '\0', len);
    if (!nul) return false;
    *line = 1;
    *column = 1;
    for (const char *p = text; p < nul; p++) {
        if (*p == '\n') { ++*line; *column = 1; }
        else ++*column;
    }
    return true;
}

int write_file_atomic(const char *path, const char *data, size_t len) {
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp) util_oom();
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) { int e = errno; free(tmp); errno = e; return -1; }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            goto fail;
        }
        off += (size_t)w;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) goto fail;
    if (close(fd) != 0) { fd = -1; goto fail; }
    fd = -1;
    if (rename(tmp, path) != 0) goto fail;
    free(tmp);
    return 0;
fail:;
    int e = errno;
    if (fd >= 0) close(fd);
    unlink(tmp);
    free(tmp);
    errno = e;
    return -1;
}
