/*
** model.h — the model language front end: parse model files (grammar/
** models.l, models.y) and resolve them into the wanted Schema.
**
** Resolution: inheritance (bases' columns first, in base order), @map,
** naming conventions (ix_<table>_<column>), and validation.  Every error
** found in one run is reported in dl (file:line:column, hint); on any error
** no schema is returned.
*/
#ifndef RETORT_MODEL_H
#define RETORT_MODEL_H

#include "model/schema.h"

/* default_schema is the PostgreSQL schema of the tables and enum types
** that do not say @@schema ([retort] schema; NULL: public): a model that
** names it is the same as one that does not, and both are unqualified in
** the schema (table.schema NULL). */

/* Every *.model file directly under dir (sorted by name), as one schema. */
int model_load_dir(const char *dir, const char *default_schema, schema **out, diag_list *dl);
/* The given files, as one schema. */
int model_load_files(const char *const *paths, size_t n, const char *default_schema, schema **out, diag_list *dl);
/* In-memory sources texts[0..n), named paths[i] in diagnostics, as one
** schema (what model_load_files does once the files are read). */
int model_load_sources(const char *const *paths, const char *const *texts, size_t n, const char *default_schema,
                       schema **out, diag_list *dl);
/* One in-memory source (for tests; default schema public); `filename` is
** used in diagnostics. */
int model_load_string(const char *filename, const char *text, schema **out, diag_list *dl);

/* How many bytes of syntax trees a load keeps from its first parse (the
** first groups of files while they fit, 16 MiB unless set); the other
** groups are parsed again as the resolver reaches them, so that a folder
** of 10,000 models never holds all its trees.  Returns the previous value.
** For tests, which set 0 to take the second parse every time. */
size_t model_set_trees_kept(size_t bytes);

#endif
