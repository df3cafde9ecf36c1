/*
** libpq.h — libpq, loaded the first time a PostgreSQL URL is opened.
**
** retort is linked without libpq: most commands never talk to PostgreSQL
** (SQLite is the embedded default; heads, history and check --offline read
** only files), and the dynamic loader spends about 12 ms of CPU mapping
** and relocating libpq and the 22 libraries it brings (TLS, Kerberos,
** LDAP), on every run: a third of `heads` over 1,000 revision files.
** db_libpq_load() opens libpq.so.5 with dlopen and takes the addresses of
** the functions retort calls; this header, included by db.h, makes each
** PQ name below mean the loaded function, so the code calls libpq as it
** would with libpq linked.  A function missing from the list is a link
** error (undefined PQ... symbol), never a silent fallback.
**
** Part of the db stage's interface (db.h includes it).
*/
#ifndef RETORT_DB_LIBPQ_H
#define RETORT_DB_LIBPQ_H

#include "util/util.h"

#include <libpq-fe.h>

/* Every libpq function retort and its tests call. */
#define LIBPQ_FUNCTIONS(X)                                                                         \
    X(PQclear) X(PQcmdTuples) X(PQconndefaults) X(PQconnectdb) X(PQconnectdbParams)                \
    X(PQconninfoFree) X(PQdb) X(PQenterPipelineMode) X(PQerrorMessage) X(PQexec) X(PQexecParams)   \
    X(PQexitPipelineMode) X(PQfinish) X(PQgetResult) X(PQgetisnull) X(PQgetlength) X(PQgetvalue)   \
    X(PQhost) X(PQnfields) X(PQntuples) X(PQparameterStatus) X(PQpipelineSync) X(PQport)          \
    X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQueryParams)          \
    X(PQsetNoticeReceiver) X(PQsetSingleRowMode) X(PQsetTraceFlags) X(PQstatus) X(PQtrace)        \
    X(PQtransactionStatus) X(PQuntrace) X(PQuser)

typedef struct libpq_functions {
#define LIBPQ_POINTER(name) __typeof__(&name) name;
    LIBPQ_FUNCTIONS(LIBPQ_POINTER)
#undef LIBPQ_POINTER
} libpq_functions;

/* Filled by db_libpq_load(); every pointer NULL before. */
extern libpq_functions libpq;

/* Load libpq once (later calls return the first answer).  0, or -1 with
** an error in dl (when non-NULL) naming what is missing and what to
** install.  db_open() calls it for a PostgreSQL URL; code that calls a PQ
** function on a connection of its own (the tests) calls it first. */
int db_libpq_load(diag_list *dl);

#ifndef RETORT_LIBPQ_LOADER
#define PQclear libpq.PQclear
#define PQcmdTuples libpq.PQcmdTuples
#define PQconndefaults libpq.PQconndefaults
#define PQconnectdb libpq.PQconnectdb
#define PQconnectdbParams libpq.PQconnectdbParams
#define PQconninfoFree libpq.PQconninfoFree
#define PQdb libpq.PQdb
#define PQenterPipelineMode libpq.PQenterPipelineMode
#define PQerrorMessage libpq.PQerrorMessage
#define PQexec libpq.PQexec
#define PQexecParams libpq.PQexecParams
#define PQexitPipelineMode libpq.PQexitPipelineMode
#define PQfinish libpq.PQfinish
#define PQgetResult libpq.PQgetResult
#define PQgetisnull libpq.PQgetisnull
#define PQgetlength libpq.PQgetlength
#define PQgetvalue libpq.PQgetvalue
#define PQhost libpq.PQhost
#define PQnfields libpq.PQnfields
#define PQntuples libpq.PQntuples
#define PQparameterStatus libpq.PQparameterStatus
#define PQpipelineSync libpq.PQpipelineSync
#define PQport libpq.PQport
#define PQresultErrorField libpq.PQresultErrorField
#define PQresultErrorMessage libpq.PQresultErrorMessage
#define PQresultStatus libpq.PQresultStatus
#define PQsendQueryParams libpq.PQsendQueryParams
#define PQsetNoticeReceiver libpq.PQsetNoticeReceiver
#define PQsetSingleRowMode libpq.PQsetSingleRowMode
#define PQsetTraceFlags libpq.PQsetTraceFlags
#define PQstatus libpq.PQstatus
#define PQtrace libpq.PQtrace
#define PQtransactionStatus libpq.PQtransactionStatus
#define PQuntrace libpq.PQuntrace
#define PQuser libpq.PQuser
#endif

#endif
