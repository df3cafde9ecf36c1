/*
** postgres_conn.c — opening a PostgreSQL connection from a SQLAlchemy URL.
**
**   postgresql://user:pass@host:port/dbname?sslmode=require
**   postgresql+psycopg2://...   postgresql+asyncpg://...   postgres://...
**   postgresql:///dbname?host=/var/run/postgresql      (Unix socket)
**   postgresql://user@%2Fvar%2Frun%2Fpostgresql/dbname (socket, encoded)
**
** The driver part after "+" is ignored: retort always talks to the server
** through libpq.  User, password, host, database and query values are
** percent-decoded.  Query parameters that libpq knows (sslmode, sslrootcert,
** connect_timeout, options, application_name, target_session_attrs...) are
** handed to libpq unchanged; the few that only SQLAlchemy's drivers read
** (asyncpg's prepared_statement_cache_size...) are dropped, asyncpg's
** "ssl" becomes sslmode; any other name is an error, as it is for psycopg2.
** What the URL leaves out, libpq takes from its own environment (PGHOST,
** PGPORT, PGUSER, PGPASSWORD, ~/.pgpass, PGSSLMODE...), since the connection
** is made with PQconnectdbParams and expand_dbname off.
**
** A failure is one line naming where retort tried to connect, and libpq's
** reason; the password is never part of it (it is masked even if libpq were
** to repeat it).
*/
#include "db/db.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Driver-only query parameters SQLAlchemy URLs may carry; libpq has no use
** for them. */
static const char *const DRIVER_ONLY_PARAMS[] = {
    "async_fallback", "prepared_statement_cache_size", "prepared_statement_name_func",
    "statement_cache_size", "max_cached_statement_lifetime", "max_cacheable_statement_size",
    "command_timeout", "server_settings", "direct_tls", "executemany_mode",
    "executemany_batch_page_size", "executemany_values_page_size", "use_native_unicode",
    "server_side_cursors", "use_batch_mode", "isolation_level",
};

char *url_percent_decode(arena *a, const char *s, size_t n) {
    char *out = arena_alloc(a, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
                !isxdigit((unsigned char)s[i + 2]))
                return NULL;
            char hex[3] = {s[i + 1], s[i + 2], '\0'};
            out[o++] = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* The parts of a PostgreSQL URL, decoded. */
typedef struct pg_url {
    const char *user, *password, *host, *port, *dbname;
    str_vec keys, values;           /* query parameters for libpq */
} pg_url;

static bool libpq_knows(const char *key) {
    PQconninfoOption *opts = PQconndefaults();
    bool found = false;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (!strcmp(o->keyword, key)) {
            found = true;
            break;
        }
    PQconninfoFree(opts);
    return found;
}

static const char *closest_libpq_keyword(arena *a, const char *key) {
    PQconninfoOption *opts = PQconndefaults();
    VEC(const char *) names = {0};
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        vec_push(a, &names, arena_strdup(a, o->keyword));
    PQconninfoFree(opts);
    return closest_match(key, names.items, names.len);
}

static int url_error(diag_list *dl, const char *shown_url, const char *what) {
    diag_add(dl, DIAG_ERROR, (src_loc){0}, "invalid PostgreSQL URL %s: %s", shown_url, what);
    return -1;
}

/* Split url into parts.  shown_url is the redacted URL for messages. */
static int parse_pg_url(arena *a, const char *url, const char *shown_url, pg_url *u, diag_list *dl) {
    memset(u, 0, sizeof *u);
    const char *p = strstr(url, "://");
    if (!p) return url_error(dl, shown_url, "expected postgresql://...");
    size_t scheme_len = (size_t)(p - url);
    size_t base_len = strcspn(url, "+:");
    if (!((base_len == 10 && !strncmp(url, "postgresql", 10)) ||
          (base_len == 8 && !strncmp(url, "postgres", 8))) || base_len > scheme_len)
        return url_error(dl, shown_url, "the scheme is not postgresql");
    p += 3;

    /* authority: [user[:password]@]host[:port] — up to the first "/" or "?" */
    size_t auth_len = strcspn(p, "/?");
    const char *auth = p;
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (auth[i] == '@') at = auth + i;      /* the last @: passwords may hold one */
    const char *hostport = auth;
    if (at) {
        size_t ui_len = (size_t)(at - auth);
        const char *colon = memchr(auth, ':', ui_len);
        size_t user_len = colon ? (size_t)(colon - auth) : ui_len;
        if (user_len) {
            u->user = url_percent_decode(a, auth, user_len);
            if (!u->user) return url_error(dl, shown_url, "bad %-escape in the user name");
        }
        if (colon) {
            u->password = url_percent_decode(a, colon + 1, (size_t)(at - colon - 1));
            if (!u->password) return url_error(dl, shown_url, "bad %-escape in the password");
        }
        hostport = at + 1;
    }
    size_t hp_len = (size_t)(auth + auth_len - hostport);
    const char *port_sep = NULL;
    if (hp_len && hostport[0] == '[') {     /* [::1]:5432 */
        const char *close = memchr(hostport, ']', hp_len);
        if (!close) return url_error(dl, shown_url, "unclosed [ in the host");
        u->host = arena_strndup(a, hostport + 1, (size_t)(close - hostport - 1));
        if (close + 1 < hostport + hp_len) {
            if (close[1] != ':') return url_error(dl, shown_url, "unexpected text after ]");
            port_sep = close + 1;
        }
    } else {
        port_sep = memchr(hostport, ':', hp_len);
        size_t host_len = port_sep ? (size_t)(port_sep - hostport) : hp_len;
        if (host_len) {
            u->host = url_percent_decode(a, hostport, host_len);
            if (!u->host) return url_error(dl, shown_url, "bad %-escape in the host");
        }
    }
    if (port_sep) {
        const char *port = port_sep + 1;
        size_t port_len = (size_t)(hostport + hp_len - port);
        if (port_len) {
            for (size_t i = 0; i < port_len; i++)
                if (!isdigit((unsigned char)port[i]))
                    return url_error(dl, shown_url, "the port is not a number");
            u->port = arena_strndup(a, port, port_len);
        }
    }

    /* /dbname */
    p = auth + auth_len;
    if (*p == '/') {
        p++;
        size_t db_len = strcspn(p, "?");
        if (db_len) {
            u->dbname = url_percent_decode(a, p, db_len);
            if (!u->dbname) return url_error(dl, shown_url, "bad %-escape in the database name");
        }
        p += db_len;
    }

    /* ?key=value&... */
    const char *ssl_value = NULL, *timeout_value = NULL;
    bool have_sslmode = false, have_connect_timeout = false;
    if (*p == '?') {
        p++;
        while (*p) {
            size_t item_len = strcspn(p, "&");
            const char *eq = memchr(p, '=', item_len);
            if (item_len) {
                size_t key_len = eq ? (size_t)(eq - p) : item_len;
                char *key = url_percent_decode(a, p, key_len);
                char *value = eq ? url_percent_decode(a, eq + 1, (size_t)(p + item_len - eq - 1))
                                 : arena_strdup(a, "");
                if (!key || !value)
                    return url_error(dl, shown_url, "bad %-escape in a query parameter");
                bool driver_only = false;
                for (size_t i = 0; i < sizeof DRIVER_ONLY_PARAMS / sizeof *DRIVER_ONLY_PARAMS; i++)
                    if (!strcmp(key, DRIVER_ONLY_PARAMS[i])) driver_only = true;
                if (!strcmp(key, "ssl")) {
                    ssl_value = value;              /* asyncpg spelling */
                } else if (!strcmp(key, "timeout")) {
                    timeout_value = value;          /* asyncpg spelling */
                } else if (driver_only) {
                    /* dropped */
                } else if (!strcmp(key, "host") && u->host) {
                    return url_error(dl, shown_url, "the host is given twice (in the URL and as ?host=)");
                } else if (libpq_knows(key)) {
                    if (!strcmp(key, "password")) u->password = value;
                    else if (!strcmp(key, "user")) u->user = value;
                    else if (!strcmp(key, "host")) u->host = value;
                    else if (!strcmp(key, "port")) u->port = value;
                    else if (!strcmp(key, "dbname")) u->dbname = value;
                    else {
                        if (!strcmp(key, "sslmode")) have_sslmode = true;
                        if (!strcmp(key, "connect_timeout")) have_connect_timeout = true;
                        vec_push(a, &u->keys, key);
                        vec_push(a, &u->values, value);
                    }
                } else {
                    diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0},
                                       "invalid PostgreSQL URL %s: unknown connection parameter \"%s\"",
                                       shown_url, key);
                    const char *near = closest_libpq_keyword(a, key);
                    if (near) diag_set_hint(dl, d, "did you mean \"%s\"?", near);
                    return -1;
                }
            }
            p += item_len;
            if (*p == '&') p++;
        }
    }
    if (ssl_value && !have_sslmode) {
        /* asyncpg: ssl=true/require/verify-full/disable... */
        const char *mode = ssl_value;
        if (!strcasecmp(mode, "true") || !strcmp(mode, "1")) mode = "require";
        else if (!strcasecmp(mode, "false") || !strcmp(mode, "0")) mode = "disable";
        vec_push(a, &u->keys, "sslmode");
        vec_push(a, &u->values, mode);
    }
    if (timeout_value && !have_connect_timeout) {
        vec_push(a, &u->keys, "connect_timeout");
        vec_push(a, &u->values, timeout_value);
    }
    return 0;
}

/* libpq's reason for a failed connection: the first line, without the
** "connection to server at ... failed:" preamble (the message says where)
** and without the severity word, and with the password masked. */
static const char *failure_reason(arena *a, PGconn *conn, const char *password) {
    const char *msg = conn ? PQerrorMessage(conn) : NULL;
    if (!msg || !*msg) msg = "out of memory";
    const char *start = msg;
    for (;;) {
        while (isspace((unsigned char)*start)) start++;
        size_t line_len = strcspn(start, "\n");
        const char *failed = NULL;
        if (!strncmp(start, "connection to server ", 21)) {
            for (const char *q = start; q + 9 <= start + line_len; q++)
                if (!strncmp(q, " failed: ", 9)) failed = q + 9;
        }
        if (failed && failed < start + line_len) {
            start = failed;
            break;
        }
        if (failed && start[line_len] == '\n') {   /* reason on the next line */
            start += line_len + 1;
            continue;
        }
        break;
    }
    while (isspace((unsigned char)*start)) start++;
    static const char *const severities[] = {"FATAL:", "ERROR:"};
    for (size_t i = 0; i < 2; i++)
        if (!strncmp(start, severities[i], strlen(severities[i]))) {
            start += strlen(severities[i]);
            while (isspace((unsigned char)*start)) start++;
        }
    size_t len = strcspn(start, "\n");
    while (len && isspace((unsigned char)start[len - 1])) len--;
    char *line = arena_strndup(a, start, len);
    if (password && *password) {
        strbuf sb = STRBUF_INIT;
        sb_append(&sb, "");
        size_t pw_len = strlen(password);
        for (const char *q = line; *q;) {
            if (!strncmp(q, password, pw_len)) {
                sb_append(&sb, "***");
                q += pw_len;
            } else {
                sb_appendc(&sb, *q++);
            }
        }
        line = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
    }
    if (!*line) line = arena_strdup(a, "unknown error");
    return line;
}

/* A NOTICE or WARNING from the server becomes a note of the connection's
** list (libpq would print it to stderr, raw, by itself). */
static void receive_notice(void *arg, const PGresult *res) {
    db_conn *c = arg;
    if (!c->notices) return;
    const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (!primary) primary = PQresultErrorMessage(res);
    diag_add(c->notices, DIAG_NOTE, (src_loc){0}, "PostgreSQL %s: %.*s", severity ? severity : "NOTICE",
             (int)strcspn(primary, "\n"), primary);
}

/* Make string literals mean one thing for the session: an old server
** setting (standard_conforming_strings = off) reads backslashes in '...'
** as escapes, and the catalog's text comes back doubled.  Set it on, and
** check that the server says so. */
static int conforming_strings(PGconn *conn, diag_list *dl) {
    const char *scs = PQparameterStatus(conn, "standard_conforming_strings");
    if (scs && !strcmp(scs, "on")) return 0;
    PQclear(PQexecParams(conn, "SET standard_conforming_strings = on", 0, NULL, NULL, NULL, NULL, 0));
    scs = PQparameterStatus(conn, "standard_conforming_strings");
    if (scs && !strcmp(scs, "on")) return 0;
    diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0},
                       "the PostgreSQL session cannot turn standard_conforming_strings on (it is %s)",
                       scs ? scs : "unknown");
    diag_set_hint(dl, d, "retort reads the catalog with it on; check the server's and the role's settings "
                         "(SHOW standard_conforming_strings)");
    return -1;
}

int db_open_postgres(const char *url, db_conn *c, diag_list *dl) {
    if (db_libpq_load(dl) != 0) return -1;
    arena *a = arena_new();
    const char *shown_url = db_url_redacted(a, url);
    pg_url u;
    if (parse_pg_url(a, url, shown_url, &u, dl) != 0) {
        arena_free(a);
        return -1;
    }

    VEC(const char *) keys = {0};
    VEC(const char *) values = {0};
#define ADD_PARAM(k, v)                                                                            \
    do {                                                                                           \
        if (v) {                                                                                   \
            vec_push(a, &keys, (k));                                                               \
            vec_push(a, &values, (v));                                                             \
        }                                                                                          \
    } while (0)
    ADD_PARAM("host", u.host);
    ADD_PARAM("port", u.port);
    ADD_PARAM("user", u.user);
    ADD_PARAM("password", u.password);
    ADD_PARAM("dbname", u.dbname);
    bool have_app_name = false;
    for (size_t i = 0; i < u.keys.len; i++) {
        if (!strcmp(u.keys.items[i], "application_name")) have_app_name = true;
        ADD_PARAM(u.keys.items[i], u.values.items[i]);
    }
    if (!have_app_name) ADD_PARAM("fallback_application_name", "retort");
    ADD_PARAM("client_encoding", "UTF8");
#undef ADD_PARAM
    vec_push(a, &keys, NULL);
    vec_push(a, &values, NULL);

    PGconn *conn = PQconnectdbParams(keys.items, values.items, 0);
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        /* Where we tried: what libpq resolved (environment included), else
        ** what the URL said. */
        const char *host = conn && PQhost(conn) && *PQhost(conn) ? PQhost(conn) : u.host;
        const char *port = conn && PQport(conn) && *PQport(conn) ? PQport(conn) : u.port;
        const char *db = conn && PQdb(conn) && *PQdb(conn) ? PQdb(conn) : u.dbname;
        diag_add(dl, DIAG_ERROR, (src_loc){0},
                 "could not connect to PostgreSQL at %s:%s, database %s: %s",
                 host ? host : "localhost", port ? port : "5432", db ? db : "(default)",
                 failure_reason(a, conn, u.password));
        if (conn) PQfinish(conn);
        arena_free(a);
        return -1;
    }
    PQsetNoticeReceiver(conn, receive_notice, c);
    if (conforming_strings(conn, dl) != 0) {
        PQfinish(conn);
        arena_free(a);
        return -1;
    }
    c->pg = conn;
    c->dialect = dialect_postgresql();
    if (!c->pg_schema) c->pg_schema = "public";
    if (!c->url_redacted && c->arena) c->url_redacted = db_url_redacted(c->arena, url);
    arena_free(a);
    return 0;
}
