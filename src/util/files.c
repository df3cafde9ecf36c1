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

char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_appendn(&sb, buf, n);
    int err = ferror(f);
    fclose(f);
    if (err) { sb_free(&sb); errno = EIO; return NULL; }
    if (len_out) *len_out = sb.len;
    return sb_take(&sb);
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
