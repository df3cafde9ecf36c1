/*
** project.c — what the files of src/api/ share about a project.
*/
#include "api/project.h"

diag *project_error(retort_project *p, const char *hint, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(p->diags.arena, fmt, ap);
    va_end(ap);
    diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){0}, "%s", msg);
    if (hint) diag_set_hint(&p->diags, d, "%s", hint);
    return d;
}
