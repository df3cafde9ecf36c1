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
char *read_file(const char *path, size_t *len_out) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    size_t cap = regular ? (size_t)st.st_size + 1 : 65536, n = 0;
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
