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

/* One read of the file's size (plus one byte) where stdio made three:
** a short read of a regular file is its end.  Model and revision files are
** read by the thousand, and each system call costs microseconds. */
static char *read_whole(const char *path, size_t *len_out, bool known_regular) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
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
    bool sized = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
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
            free(buf);
            close(fd);
            errno = EIO;
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

char *read_file(const char *path, size_t *len_out) { return read_whole(path, len_out, false); }
char *read_regular_file(const char *path, size_t *len_out) { return read_whole(path, len_out, true); }

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
