/*
** libpq.c — loading libpq on first use (see libpq.h for why).
**
** The library is the one Debian's libpq5 package installs under its
** soname, libpq.so.5: the ABI retort was compiled against (libpq-fe.h of
** libpq-dev).  Pipeline mode needs libpq 14 or newer; an older library
** lacks PQenterPipelineMode and is refused here, naming the function,
** rather than failing on the first pipelined statement.
*/
#define RETORT_LIBPQ_LOADER
#include "db/db.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define LIBPQ_SONAME "libpq.so.5"

libpq_functions libpq;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];        /* empty when loaded */

static void load(void) {
    void *lib = dlopen(LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "%s", why ? why : LIBPQ_SONAME ": cannot be loaded");
        return;
    }
    libpq_functions found;
    memset(&found, 0, sizeof found);
    /* A function pointer from dlsym's void *: POSIX guarantees the
    ** conversion; memcpy keeps ISO C's -Wpedantic quiet about it. */
#define LIBPQ_LOOKUP(name)                                                                         \
    {                                                                                              \
        void *address = dlsym(lib, #name);                                                         \
        if (!address) {                                                                            \
            snprintf(load_error, sizeof load_error,                                                \
                     LIBPQ_SONAME " has no function %s: it is older than libpq 14", #name);        \
            dlclose(lib);                                                                          \
            return;                                                                                \
        }                                                                                          \
        memcpy(&found.name, &address, sizeof address);                                             \
    }
    LIBPQ_FUNCTIONS(LIBPQ_LOOKUP)
#undef LIBPQ_LOOKUP
    libpq = found;          /* kept loaded for the life of the process */
}

int db_libpq_load(diag_list *dl) {
    pthread_once(&load_once, load);
    if (!load_error[0]) return 0;
    if (dl) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0}, "PostgreSQL needs libpq, which could not be loaded: %s",
                           load_error);
        diag_set_hint(dl, d, "install libpq 14 or newer (Debian and Ubuntu: apt-get install libpq5)");
    }
    return -1;
}
