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

#endif
