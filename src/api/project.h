/*
** project.h — what a retort_project is, for the files of src/api/ only.
*/
#ifndef RETORT_API_PROJECT_H
#define RETORT_API_PROJECT_H

#include "retort.h"
#include "script/script.h"

struct retort_project {
    retort_config *config;
    diag_list diags;
};

/* An error of the project (no file location) with a hint (or NULL). */
diag *project_error(retort_project *p, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
