/*
** files.c — whole-file reads, and writes that are whole or not at all.
*/
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One read of the file's size (plus one byte) where stdio made three:
** a short read of a regular file is its end.  Model and revision files are
** read by the thousand, and each system call costs microseconds. */
static char *read_whole(const char *path, size_t *len_out, bool known_regular) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    if (known_regular) {
        /* Most such files fit a buffer on the stack: one read, and a copy
        ** of exactly their size. */
        char small[65536];
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
        /* Larger (or a read error, seen again below): the general way. */
        if (lseek(fd, 0, SEEK_SET) != 0) known_regular = false;
    }
    struct stat st;
    bool regular = known_regular || (fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
    size_t cap = regular && !known_regular ? (size_t)st.st_size + 1 : 65536, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) util_oom();
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
