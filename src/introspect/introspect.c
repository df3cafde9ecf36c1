/*
** introspect.c — dispatch to the backend's introspector.
*/
#include "introspect/introspect.h"

int introspect_database(db_conn *c, const introspect_options *opt, schema **out, diag_list *dl) {
    if (c->sqlite) return introspect_sqlite(c->sqlite, opt, out, dl);
    return introspect_postgres(c->pg, c->pg_schema, opt, out, dl);
}
