/*
** test_introspect_sqlite.c — introspect_sqlite() on real SQLite databases:
** tables, columns, types, defaults, primary keys, indexes, unique
** constraints, foreign keys and checks as SQLAlchemy, Alembic's batch mode
** and hand-written DDL leave them, and the fixed number of queries.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "introspect/introspect.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ----------------------------------------------------------------- helpers */

static sqlite3 *open_db(const char *ddl) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    char *err = NULL;
    if (sqlite3_exec(db, ddl, NULL, NULL, &err) != SQLITE_OK) fail_msg("DDL failed: %s", err);
    return db;
}

static schema *introspect_ok(sqlite3 *db, const introspect_options *opt) {
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    int rc = introspect_sqlite(db, opt, &s, &dl);
    if (rc != 0) {
        diag_print(&dl, stderr);
        fail_msg("introspect_sqlite failed");
    }
    assert_int_equal(dl.errors, 0);
    diag_list_free(&dl);
    assert_non_null(s);
    return s;
}

static table *must_table(schema *s, const char *name) {
    table *t = schema_find_table(s, name);
    if (!t) fail_msg("no table %s", name);
    return t;
}

static column *must_column(table *t, const char *name) {
    column *c = table_find_column(t, name);
    if (!c) fail_msg("no column %s.%s", t->name, name);
    return c;
}

/* "a,b,c" */
static void assert_names(const str_vec *v, const char *expected) {
    char buf[1024] = "";
    for (size_t i = 0; i < v->len; i++) {
        if (i) strcat(buf, ",");
        strcat(buf, v->items[i]);
    }
    assert_string_equal(buf, expected);
}

static index_def *must_index(table *t, const char *name) {
    for (size_t i = 0; i < t->indexes.len; i++)
        if (!strcmp(t->indexes.items[i]->name, name)) return t->indexes.items[i];
    fail_msg("no index %s on %s", name, t->name);
    return NULL;
}

static foreign_key *fk_on(table *t, const char *columns) {
    for (size_t i = 0; i < t->foreign_keys.len; i++) {
        char buf[512] = "";
        str_vec *v = &t->foreign_keys.items[i]->columns;
        for (size_t k = 0; k < v->len; k++) {
            if (k) strcat(buf, ",");
            strcat(buf, v->items[k]);
        }
        if (!strcmp(buf, columns)) return t->foreign_keys.items[i];
    }
    fail_msg("no foreign key on (%s) in %s", columns, t->name);
    return NULL;
}

static void assert_default(column *c, const char *text) {
    if (!text) {
        assert_int_equal(c->server_default.kind, DEFAULT_NONE);
        return;
    }
    assert_int_equal(c->server_default.kind, DEFAULT_SQL);
    assert_string_equal(c->server_default.text, text);
}

/* --------------------------------------------- the qlib-ui datasets table */

/* Exactly what SQLAlchemy 1.4.46's create_all wrote for the qlib-ui
** Dataset model on SQLite (echo=True), tabs and trailing blanks included. */
static const char DATASETS_DDL[] =
    "\nCREATE TABLE datasets (\n"
    "\tid VARCHAR(36) NOT NULL, \n"
    "\tcreated_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL, \n"
    "\tupdated_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL, \n"
    "\tis_deleted BOOLEAN DEFAULT '0' NOT NULL, \n"
    "\tdeleted_at DATETIME, \n"
    "\tcreated_by VARCHAR(255), \n"
    "\tupdated_by VARCHAR(255), \n"
    "\tname VARCHAR(255) NOT NULL, \n"
    "\tsource VARCHAR(50) NOT NULL, \n"
    "\tfile_path TEXT NOT NULL, \n"
    "\tstatus VARCHAR(50) DEFAULT 'pending' NOT NULL, \n"
    "\trow_count INTEGER DEFAULT '0' NOT NULL, \n"
    "\tcolumns JSON DEFAULT '[]' NOT NULL, \n"
    "\tmetadata JSON DEFAULT '{}' NOT NULL, \n"
    "\tPRIMARY KEY (id), \n"
    "\tCONSTRAINT check_row_count_non_negative CHECK (row_count >= 0)\n"
    ")\n\n;\n"
    "CREATE INDEX ix_datasets_is_deleted ON datasets (is_deleted);\n"
    "CREATE INDEX ix_datasets_name ON datasets (name);\n"
    "CREATE INDEX ix_dataset_status_created ON datasets (status, created_at);\n"
    "CREATE INDEX ix_datasets_status ON datasets (status);\n"
    "CREATE INDEX ix_dataset_source_status ON datasets (source, status);\n"
    "CREATE INDEX ix_dataset_name_source ON datasets (name, source);\n"
    "CREATE INDEX ix_dataset_deleted_created ON datasets (is_deleted, created_at);\n"
    "CREATE INDEX ix_datasets_source ON datasets (source);\n"
    "\nCREATE TABLE chart_configs (\n"
    "\tid VARCHAR(36) NOT NULL, \n"
    "\tdataset_id VARCHAR(36) NOT NULL, \n"
    "\tuser_id VARCHAR(255), \n"
    "\tshow BOOLEAN DEFAULT (1) NOT NULL, \n"
    "\tPRIMARY KEY (id), \n"
    "\tFOREIGN KEY(dataset_id) REFERENCES datasets (id) ON DELETE CASCADE\n"
    ")\n\n;\n"
    "CREATE INDEX ix_chart_configs_dataset_id ON chart_configs (dataset_id);\n"
    "CREATE UNIQUE INDEX ix_chart_configs_user_id ON chart_configs (user_id);\n";

static void test_sqlalchemy_datasets_table(void **state) {
    (void)state;
    sqlite3 *db = open_db(DATASETS_DDL);
    schema *s = introspect_ok(db, NULL);
    assert_int_equal(s->tables.len, 2);
    assert_string_equal(s->tables.items[0]->name, "chart_configs");   /* sorted by name */
    assert_string_equal(s->tables.items[1]->name, "datasets");

    table *t = must_table(s, "datasets");
    assert_int_equal(t->columns.len, 14);
    const char *order[] = {"id", "created_at", "updated_at", "is_deleted", "deleted_at", "created_by",
                           "updated_by", "name", "source", "file_path", "status", "row_count",
                           "columns", "metadata"};
    for (size_t i = 0; i < 14; i++) assert_string_equal(t->columns.items[i]->name, order[i]);

    column *id = must_column(t, "id");
    assert_int_equal(id->type.kind, TYPE_STRING);
    assert_int_equal(id->type.length, 36);
    assert_string_equal(id->type.raw, "VARCHAR(36)");
    assert_false(id->nullable);
    assert_true(id->primary_key);
    assert_false(id->identity);
    assert_default(id, NULL);

    column *created = must_column(t, "created_at");
    assert_int_equal(created->type.kind, TYPE_DATETIME);
    assert_string_equal(created->type.raw, "DATETIME");
    assert_default(created, "CURRENT_TIMESTAMP");
    assert_false(created->nullable);
    assert_false(created->primary_key);

    column *deleted = must_column(t, "is_deleted");
    assert_int_equal(deleted->type.kind, TYPE_BOOLEAN);
    assert_default(deleted, "'0'");
    assert_true(must_column(t, "deleted_at")->nullable);
    assert_int_equal(must_column(t, "file_path")->type.kind, TYPE_TEXT);
    assert_default(must_column(t, "status"), "'pending'");
    assert_int_equal(must_column(t, "row_count")->type.kind, TYPE_INTEGER);
    assert_default(must_column(t, "row_count"), "'0'");
    assert_int_equal(must_column(t, "columns")->type.kind, TYPE_JSON);
    assert_default(must_column(t, "columns"), "'[]'");
    assert_default(must_column(t, "metadata"), "'{}'");

    assert_null(t->primary_key.name);
    assert_names(&t->primary_key.columns, "id");
    assert_int_equal(t->checks.len, 1);
    assert_string_equal(t->checks.items[0]->name, "check_row_count_non_negative");
    assert_string_equal(t->checks.items[0]->sqltext, "row_count >= 0");
    assert_int_equal(t->uniques.len, 0);
    assert_int_equal(t->foreign_keys.len, 0);
    assert_int_equal(t->indexes.len, 8);   /* the pk autoindex is not one */
    assert_names(&must_index(t, "ix_dataset_source_status")->columns, "source,status");
    assert_names(&must_index(t, "ix_dataset_deleted_created")->columns, "is_deleted,created_at");
    assert_names(&must_index(t, "ix_datasets_name")->columns, "name");
    assert_false(must_index(t, "ix_datasets_name")->unique);
    assert_null(must_index(t, "ix_datasets_name")->where);

    table *c = must_table(s, "chart_configs");
    assert_default(must_column(c, "show"), "1");
    assert_true(must_index(c, "ix_chart_configs_user_id")->unique);
    assert_int_equal(c->foreign_keys.len, 1);
    foreign_key *fk = fk_on(c, "dataset_id");
    assert_null(fk->name);
    assert_string_equal(fk->ref_table, "datasets");
    assert_names(&fk->ref_columns, "id");
    assert_string_equal(fk->ondelete, "CASCADE");
    assert_null(fk->onupdate);
    schema_free(s);
    sqlite3_close(db);
}

/* ------------------------------------------------------------- columns */

static void test_column_types_defaults_nullable(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE t (a BIGINT NOT NULL DEFAULT 0, b SMALLINT, c FLOAT DEFAULT 1.5,"
        " d NUMERIC(10, 2), e DATE, f TIME, g BLOB, h CHAR(32), i geometry,"
        " j VARCHAR DEFAULT 'it''s', k TEXT DEFAULT NULL, l INTEGER DEFAULT -1,"
        " m BOOLEAN DEFAULT TRUE, n DATETIME DEFAULT CURRENT_TIMESTAMP, o)");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "t");
    assert_int_equal(t->columns.len, 15);
    assert_int_equal(must_column(t, "a")->type.kind, TYPE_BIGINT);
    assert_false(must_column(t, "a")->nullable);
    assert_default(must_column(t, "a"), "0");
    assert_int_equal(must_column(t, "b")->type.kind, TYPE_SMALLINT);
    assert_true(must_column(t, "b")->nullable);
    assert_default(must_column(t, "b"), NULL);
    assert_int_equal(must_column(t, "c")->type.kind, TYPE_FLOAT);
    assert_default(must_column(t, "c"), "1.5");
    column *d = must_column(t, "d");
    assert_int_equal(d->type.kind, TYPE_NUMERIC);
    assert_int_equal(d->type.precision, 10);
    assert_int_equal(d->type.scale, 2);
    assert_int_equal(must_column(t, "e")->type.kind, TYPE_DATE);
    assert_int_equal(must_column(t, "f")->type.kind, TYPE_TIME);
    assert_int_equal(must_column(t, "g")->type.kind, TYPE_LARGEBINARY);
    assert_int_equal(must_column(t, "h")->type.length, 32);
    assert_string_equal(must_column(t, "h")->type.raw, "CHAR(32)");
    assert_int_equal(must_column(t, "i")->type.kind, TYPE_OTHER);
    assert_string_equal(must_column(t, "i")->type.raw, "geometry");
    assert_int_equal(must_column(t, "j")->type.length, -1);
    assert_default(must_column(t, "j"), "'it''s'");
    assert_default(must_column(t, "k"), "NULL");
    assert_default(must_column(t, "l"), "-1");
    assert_default(must_column(t, "m"), "TRUE");
    assert_default(must_column(t, "n"), "CURRENT_TIMESTAMP");
    assert_int_equal(must_column(t, "o")->type.kind, TYPE_OTHER);
    assert_string_equal(must_column(t, "o")->type.raw, "");
    /* Defaults go through the dialect as the differ will use them. */
    column *m = must_column(t, "m");
    assert_string_equal(dialect_sqlite()->canonical_default(s->arena, &m->type, &m->server_default), "1");
    assert_int_equal(t->primary_key.columns.len, 0);
    schema_free(s);
    sqlite3_close(db);
}

/* ---------------------------------------------------------- primary keys */

static void test_primary_keys(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE composite (a INTEGER NOT NULL, b VARCHAR(10) NOT NULL, c INT,"
        "  PRIMARY KEY (b, a));"
        "CREATE TABLE named (id VARCHAR(36) NOT NULL, CONSTRAINT pk_named PRIMARY KEY (id));"
        "CREATE TABLE named_inline (id INTEGER CONSTRAINT \"pk inline\" PRIMARY KEY, x INT);"
        "CREATE TABLE auto (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT);"
        "CREATE TABLE rowid_alias (id INTEGER PRIMARY KEY, x TEXT);"
        "CREATE TABLE text_pk (code TEXT PRIMARY KEY) WITHOUT ROWID;");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "composite");
    assert_names(&t->primary_key.columns, "b,a");
    assert_null(t->primary_key.name);
    assert_true(must_column(t, "a")->primary_key);
    assert_true(must_column(t, "b")->primary_key);
    assert_false(must_column(t, "c")->primary_key);
    assert_false(must_column(t, "a")->identity);

    t = must_table(s, "named");
    assert_string_equal(t->primary_key.name, "pk_named");
    assert_names(&t->primary_key.columns, "id");
    t = must_table(s, "named_inline");
    assert_string_equal(t->primary_key.name, "pk inline");

    t = must_table(s, "auto");
    assert_true(must_column(t, "id")->identity);
    assert_false(must_column(t, "id")->nullable);
    assert_false(must_column(t, "x")->identity);
    t = must_table(s, "rowid_alias");
    assert_false(must_column(t, "id")->identity);
    assert_false(must_column(t, "id")->nullable);
    t = must_table(s, "text_pk");
    assert_names(&t->primary_key.columns, "code");
    assert_int_equal(t->indexes.len, 0);
    assert_int_equal(t->uniques.len, 0);
    /* sqlite_sequence exists now (AUTOINCREMENT) and is not a table of ours. */
    assert_null(schema_find_table(s, "sqlite_sequence"));
    assert_int_equal(s->tables.len, 6);
    schema_free(s);
    sqlite3_close(db);
}

/* --------------------------------------------------------------- indexes */

static void test_indexes(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE t (id VARCHAR(36) NOT NULL PRIMARY KEY, a INT, b TEXT, c TEXT, d INT);"
        "CREATE UNIQUE INDEX ux_t_a ON t (a);"
        "CREATE INDEX ix_t_cba ON t (c, b DESC, a COLLATE NOCASE);"
        "CREATE INDEX ix_t_partial ON t (d) WHERE d IS NOT NULL AND b <> 'x;y';"
        "CREATE INDEX ix_t_expr ON t (lower(b), (a + d) DESC, c);"
        "CREATE UNIQUE INDEX \"ix quoted\" ON \"t\" (\"b\") WHERE (a > 0) -- comment\n;");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "t");
    assert_int_equal(t->indexes.len, 5);
    /* Sorted by name as SQLite compares them. */
    assert_string_equal(t->indexes.items[0]->name, "ix quoted");
    assert_string_equal(t->indexes.items[1]->name, "ix_t_cba");
    index_def *ux = must_index(t, "ux_t_a");
    assert_true(ux->unique);
    assert_names(&ux->columns, "a");
    index_def *cba = must_index(t, "ix_t_cba");
    assert_false(cba->unique);
    assert_names(&cba->columns, "c,b,a");
    assert_false(index_key_at(cba, 0).desc);
    assert_true(index_key_at(cba, 1).desc);
    assert_non_null(cba->unmodeled);           /* the COLLATE */
    index_def *partial = must_index(t, "ix_t_partial");
    assert_names(&partial->columns, "d");
    assert_string_equal(partial->where, "d IS NOT NULL AND b <> 'x;y'");
    index_def *expr = must_index(t, "ix_t_expr");
    assert_names(&expr->columns, "(lower(b)),(a + d),c");
    assert_null(expr->where);
    assert_true(index_key_at(expr, 1).desc);   /* expressions and DESC are modeled */
    assert_null(expr->unmodeled);
    index_def *quoted = must_index(t, "ix quoted");
    assert_true(quoted->unique);
    assert_names(&quoted->columns, "b");
    assert_string_equal(quoted->where, "(a > 0)");
    assert_int_equal(t->uniques.len, 0);   /* unique indexes are indexes */
    schema_free(s);
    sqlite3_close(db);
}

/* ----------------------------------------------------- unique constraints */

static void test_unique_constraints(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE u (\n"
        "  id INTEGER NOT NULL,\n"
        "  a VARCHAR(10) UNIQUE,\n"
        "  b VARCHAR(10) CONSTRAINT uq_u_b UNIQUE,\n"
        "  c INT, d INT, e INT, f INT,\n"
        "  PRIMARY KEY (id),\n"
        "  CONSTRAINT uq_u_c_d UNIQUE (c, d),\n"
        "  UNIQUE (e, f),\n"
        "  CONSTRAINT \"uq u f\" UNIQUE (f)\n"
        ");");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "u");
    assert_int_equal(t->uniques.len, 5);
    assert_int_equal(t->indexes.len, 0);
    int seen = 0;
    for (size_t i = 0; i < t->uniques.len; i++) {
        unique_def *u = t->uniques.items[i];
        char cols[64] = "";
        for (size_t k = 0; k < u->columns.len; k++) {
            if (k) strcat(cols, ",");
            strcat(cols, u->columns.items[k]);
        }
        if (!strcmp(cols, "a")) { assert_null(u->name); seen |= 1; }
        else if (!strcmp(cols, "b")) { assert_string_equal(u->name, "uq_u_b"); seen |= 2; }
        else if (!strcmp(cols, "c,d")) { assert_string_equal(u->name, "uq_u_c_d"); seen |= 4; }
        else if (!strcmp(cols, "e,f")) { assert_null(u->name); seen |= 8; }
        else if (!strcmp(cols, "f")) { assert_string_equal(u->name, "uq u f"); seen |= 16; }
        else fail_msg("unexpected unique (%s)", cols);
    }
    assert_int_equal(seen, 31);
    schema_free(s);
    sqlite3_close(db);
}

/* A UNIQUE on exactly the primary-key columns makes no index of its own
** (SQLite merges it into the key's): it is read from the table's SQL, named
** or not, single or composite.  On a rowid key SQLite does make one. */
static void test_unique_on_primary_key(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE a (id VARCHAR(36) NOT NULL, PRIMARY KEY (id), UNIQUE (id));"
        "CREATE TABLE b (x INT NOT NULL, y INT NOT NULL, CONSTRAINT pk_b PRIMARY KEY (x, y),"
        "  CONSTRAINT uq_b_xy UNIQUE (x, y));"
        "CREATE TABLE c (id INTEGER NOT NULL, PRIMARY KEY (id), UNIQUE (id));"
        "CREATE TABLE d (id VARCHAR(36) NOT NULL PRIMARY KEY UNIQUE);");
    schema *s = introspect_ok(db, NULL);
    const char *tables[] = {"a", "b", "c", "d"};
    const char *columns[] = {"id", "x,y", "id", "id"};
    for (size_t i = 0; i < 4; i++) {
        table *t = must_table(s, tables[i]);
        if (t->uniques.len != 1) fail_msg("table %s has %zu uniques, not 1", tables[i], t->uniques.len);
        assert_names(&t->uniques.items[0]->columns, columns[i]);
        assert_int_equal(t->indexes.len, 0);
    }
    assert_string_equal(must_table(s, "b")->uniques.items[0]->name, "uq_b_xy");
    assert_null(must_table(s, "a")->uniques.items[0]->name);
    schema_free(s);
    sqlite3_close(db);
}

/* ----------------------------------------------------------- foreign keys */

static void test_foreign_keys(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, a INT, b INT, UNIQUE (a, b));"
        "CREATE TABLE child (\n"
        "  id INTEGER PRIMARY KEY,\n"
        "  p1 INTEGER REFERENCES parent (id) ON DELETE CASCADE ON UPDATE SET NULL,\n"
        "  p2 INTEGER CONSTRAINT fk_child_p2 REFERENCES parent,\n"
        "  x INT, y INT, z INT DEFAULT 0 REFERENCES parent(id) ON DELETE SET DEFAULT NOT NULL,\n"
        "  CONSTRAINT fk_child_xy FOREIGN KEY (x, y) REFERENCES parent (a, b) ON DELETE RESTRICT,\n"
        "  FOREIGN KEY (y) REFERENCES \"parent\" (id) ON UPDATE no action\n"
        ");");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "child");
    assert_int_equal(t->foreign_keys.len, 5);
    /* In the order of the CREATE TABLE text. */
    assert_names(&t->foreign_keys.items[0]->columns, "p1");
    assert_names(&t->foreign_keys.items[1]->columns, "p2");
    assert_names(&t->foreign_keys.items[2]->columns, "z");
    assert_names(&t->foreign_keys.items[3]->columns, "x,y");
    assert_names(&t->foreign_keys.items[4]->columns, "y");

    foreign_key *fk = fk_on(t, "p1");
    assert_null(fk->name);
    assert_string_equal(fk->ref_table, "parent");
    assert_names(&fk->ref_columns, "id");
    assert_string_equal(fk->ondelete, "CASCADE");
    assert_string_equal(fk->onupdate, "SET NULL");

    fk = fk_on(t, "p2");
    assert_string_equal(fk->name, "fk_child_p2");
    assert_names(&fk->ref_columns, "id");   /* REFERENCES parent: its primary key */
    assert_null(fk->ondelete);
    assert_null(fk->onupdate);

    fk = fk_on(t, "z");
    assert_null(fk->name);
    assert_string_equal(fk->ondelete, "SET DEFAULT");
    assert_false(must_column(t, "z")->nullable);
    assert_default(must_column(t, "z"), "0");

    fk = fk_on(t, "x,y");
    assert_string_equal(fk->name, "fk_child_xy");
    assert_names(&fk->ref_columns, "a,b");
    assert_string_equal(fk->ondelete, "RESTRICT");
    assert_null(fk->onupdate);

    fk = fk_on(t, "y");
    assert_null(fk->name);
    assert_null(fk->onupdate);              /* NO ACTION is no action */
    assert_int_equal(must_table(s, "parent")->foreign_keys.len, 0);
    schema_free(s);
    sqlite3_close(db);
}

/* ------------------------------------------------------ check constraints */

static void test_check_constraints(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE c (\n"
        "  a INTEGER CHECK (a > 0),  -- a comment with CHECK (x) and a ','\n"
        "  b TEXT CONSTRAINT ck_b CHECK (b IN ('(', ',', 'it''s')),\n"
        "  d INT /* CONSTRAINT fake CHECK (0) */,\n"
        "  CONSTRAINT ck_ab CHECK ((a + length(b)) < 100),\n"
        "  CHECK (d IS NULL OR d <> 3),\n"
        "  CONSTRAINT [ck bracket] CHECK(  d   >= -1  )\n"
        ");");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "c");
    assert_int_equal(t->checks.len, 5);
    assert_null(t->checks.items[0]->name);
    assert_string_equal(t->checks.items[0]->sqltext, "a > 0");
    assert_string_equal(t->checks.items[1]->name, "ck_b");
    assert_string_equal(t->checks.items[1]->sqltext, "b IN ('(', ',', 'it''s')");
    assert_string_equal(t->checks.items[2]->name, "ck_ab");
    assert_string_equal(t->checks.items[2]->sqltext, "(a + length(b)) < 100");
    assert_null(t->checks.items[3]->name);
    assert_string_equal(t->checks.items[3]->sqltext, "d IS NULL OR d <> 3");
    assert_string_equal(t->checks.items[4]->name, "ck bracket");
    assert_string_equal(t->checks.items[4]->sqltext, "d   >= -1");
    assert_int_equal(t->columns.len, 3);
    schema_free(s);
    sqlite3_close(db);
}

/* ---------------------------------------------------- quoted identifiers */

static void test_quoted_identifiers(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE \"my table\" (\"the id\" INTEGER NOT NULL, `order` VARCHAR(5),"
        " [group] INT, \"say \"\"hi\"\"\" TEXT,"
        " CONSTRAINT \"pk my table\" PRIMARY KEY (\"the id\"),"
        " CONSTRAINT `uq order` UNIQUE (`order`, [group]),"
        " CONSTRAINT \"fk self\" FOREIGN KEY ([group]) REFERENCES \"my table\" (\"the id\"),"
        " CONSTRAINT \"ck \"\"q\"\"\" CHECK (\"say \"\"hi\"\"\" <> ''));"
        "CREATE INDEX \"ix my table order\" ON \"my table\" (`order`);");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "my table");
    assert_non_null(must_column(t, "the id"));
    assert_non_null(must_column(t, "order"));
    assert_non_null(must_column(t, "group"));
    assert_non_null(must_column(t, "say \"hi\""));
    assert_string_equal(t->primary_key.name, "pk my table");
    assert_names(&t->primary_key.columns, "the id");
    assert_int_equal(t->uniques.len, 1);
    assert_string_equal(t->uniques.items[0]->name, "uq order");
    assert_names(&t->uniques.items[0]->columns, "order,group");
    foreign_key *fk = fk_on(t, "group");
    assert_string_equal(fk->name, "fk self");
    assert_string_equal(fk->ref_table, "my table");
    assert_names(&fk->ref_columns, "the id");
    assert_string_equal(t->checks.items[0]->name, "ck \"q\"");
    assert_string_equal(t->checks.items[0]->sqltext, "\"say \"\"hi\"\"\" <> ''");
    assert_names(&must_index(t, "ix my table order")->columns, "order");
    schema_free(s);
    sqlite3_close(db);
}

/* Lower case, no blanks where SQLite needs none, quotes in table names,
** comments holding quotes and parentheses. */
static void test_unusual_spelling(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "create table\"a\"\"b\"(x integer constraint pk_ab primary key autoincrement/* ' ( */,"
        "y text constraint uq_y unique--'\n"
        ",z int constraint ck_z check(z>0)constraint fk_z references[a\"b](x)on delete cascade);");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "a\"b");
    assert_int_equal(t->columns.len, 3);
    assert_string_equal(t->primary_key.name, "pk_ab");
    assert_true(must_column(t, "x")->identity);
    assert_string_equal(t->uniques.items[0]->name, "uq_y");
    assert_string_equal(t->checks.items[0]->name, "ck_z");
    assert_string_equal(t->checks.items[0]->sqltext, "z>0");
    foreign_key *fk = fk_on(t, "z");
    assert_string_equal(fk->name, "fk_z");
    assert_string_equal(fk->ref_table, "a\"b");
    assert_string_equal(fk->ondelete, "CASCADE");
    schema_free(s);
    sqlite3_close(db);
}

/* Query 4's rows are matched to query 3's indexes by walking both in
** their common order; a key query 3 did not make (a primary key's index,
** here of alembic_version and of t, which are left out or not indexes) is
** searched for.  Names holding the key's separator \x01 can make the keys
** come out of order ("a\x01z" after "a\x01b\x01c"): then a map finds them.
** Both ways give each index its own columns. */
static void test_index_keys_walked_and_mapped(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
        "CREATE TABLE t (id TEXT PRIMARY KEY, x INT, y INT, UNIQUE (y, x));"
        "CREATE INDEX ix_t_x ON t (x);"
        "CREATE TABLE a (p INT, q INT);"
        "CREATE INDEX z ON a (q, p);"
        "CREATE TABLE \"a\x01" "b\" (r INT, s INT);"
        "CREATE INDEX c ON \"a\x01" "b\" (s);"
        "CREATE UNIQUE INDEX d ON \"a\x01" "b\" (r, s);");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "t");
    assert_names(&must_index(t, "ix_t_x")->columns, "x");
    assert_int_equal(t->uniques.len, 1);
    assert_names(&t->uniques.items[0]->columns, "y,x");
    assert_names(&must_index(must_table(s, "a"), "z")->columns, "q,p");
    table *ab = must_table(s, "a\x01" "b");
    assert_names(&must_index(ab, "c")->columns, "s");
    assert_names(&must_index(ab, "d")->columns, "r,s");
    schema_free(s);
    sqlite3_close(db);

    /* The same without the out-of-order names: walked and searched only. */
    db = open_db(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
        "CREATE TABLE t (id TEXT PRIMARY KEY, x INT, y INT, UNIQUE (y, x));"
        "CREATE INDEX ix_t_x ON t (x);"
        "CREATE TABLE u (id TEXT PRIMARY KEY, v INT) WITHOUT ROWID;"
        "CREATE INDEX ix_u_v ON u (v DESC);");
    s = introspect_ok(db, NULL);
    t = must_table(s, "t");
    assert_names(&must_index(t, "ix_t_x")->columns, "x");
    assert_names(&t->uniques.items[0]->columns, "y,x");
    index_def *uv = must_index(must_table(s, "u"), "ix_u_v");
    assert_names(&uv->columns, "v");
    assert_true(index_key_at(uv, 0).desc);
    schema_free(s);
    sqlite3_close(db);
}

/* Keywords in mixed case, next to words that only look like them: the
** same length and first letter (constrainx, primarx, nul_), one letter more
** or less (constraints, constrain, referencesx, autoincrements), and a
** keyword as a quoted name ("Primary", "as").  The tokenizer tells the
** keywords once per word, comparing short, middle and long words in
** different ways. */
static void test_keyword_spellings(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE kw (\"Primary\" INTEGER CoNsTrAiNt pk_kw PrImArY kEy AuToInCrEmEnT,"
        " nots TEXT NoT NuLl, nulls TEXT cOnStRaInT \"uq nulls\" UnIqUe,"
        " keys INT CONSTRAINT ck_keys ChEcK (keys > 0),"
        " defaults INT DEFAULT (1) constraint \"fk d\" rEfErEnCeS kw (\"Primary\") NOT deferrable,"
        " \"as\" INT GENERATED ALWAYS As (keys + 1) STORED,"
        " constrain TEXT, constraints TEXT, constrainx TEXT, primarx INT, nul_ INT, asx INT,"
        " referencesx INT, autoincrements INT, prim INT,"
        " CONSTRAINT uq_pair unique (nots, keys), constraint ck_two check (defaults <> 2),"
        " CoNsTrAiNt fk_two FoReIgN kEy (prim) ReFeReNcEs kw (\"Primary\"));");
    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "kw");
    assert_int_equal(t->columns.len, 15);
    assert_string_equal(t->primary_key.name, "pk_kw");
    assert_names(&t->primary_key.columns, "Primary");
    assert_true(must_column(t, "Primary")->identity);
    assert_false(must_column(t, "nots")->nullable);
    assert_true(must_column(t, "nulls")->nullable);
    assert_string_equal(must_column(t, "as")->generated, "keys + 1");
    assert_true(must_column(t, "as")->generated_stored);
    assert_int_equal(t->uniques.len, 2);
    assert_string_equal(t->uniques.items[0]->name, "uq nulls");
    assert_string_equal(t->uniques.items[1]->name, "uq_pair");
    assert_names(&t->uniques.items[1]->columns, "nots,keys");
    assert_string_equal(fk_on(t, "defaults")->name, "fk d");
    assert_string_equal(fk_on(t, "prim")->name, "fk_two");
    assert_int_equal(t->checks.len, 2);
    assert_string_equal(t->checks.items[0]->name, "ck_keys");
    assert_string_equal(t->checks.items[0]->sqltext, "keys > 0");
    assert_string_equal(t->checks.items[1]->name, "ck_two");
    schema_free(s);
    sqlite3_close(db);
}

/* A table as Alembic 1.8.1's batch mode leaves it: created as
** "_alembic_tmp_my items" by SQLAlchemy, then renamed, which makes SQLite
** rewrite the stored name in quotes.  (The stored text, byte for byte, of a
** batch_alter_table("my items", recreate="always") adding a column, a
** unique and a check constraint.) */
static void test_alembic_batch_table(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE parent (id INTEGER NOT NULL, PRIMARY KEY (id));"
        "CREATE TABLE \"_alembic_tmp_my items\" (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tparent_id INTEGER, \n"
        "\tqty INTEGER DEFAULT '0' NOT NULL, \n"
        "\tnote VARCHAR(20) DEFAULT 'x y', \n"
        "\tPRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_items_parent FOREIGN KEY(parent_id) REFERENCES parent (id) ON DELETE SET NULL, \n"
        "\tCONSTRAINT uq_items_qty UNIQUE (qty), \n"
        "\tCONSTRAINT ck_qty CHECK (qty >= 0), \n"
        "\tCONSTRAINT uq_items_note UNIQUE (note), \n"
        "\tCONSTRAINT ck_note CHECK (note <> '')\n"
        ");"
        "ALTER TABLE \"_alembic_tmp_my items\" RENAME TO \"my items\";"
        "CREATE INDEX ix_items_qty ON \"my items\" (qty);");
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = 'my items'", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_memory_equal(sqlite3_column_text(st, 0), "CREATE TABLE \"my items\" (", 25);
    sqlite3_finalize(st);

    schema *s = introspect_ok(db, NULL);
    table *t = must_table(s, "my items");
    assert_int_equal(t->columns.len, 4);
    assert_default(must_column(t, "note"), "'x y'");
    assert_false(must_column(t, "id")->identity);
    assert_int_equal(t->uniques.len, 2);
    for (size_t i = 0; i < 2; i++) {
        unique_def *u = t->uniques.items[i];
        assert_string_equal(u->name, !strcmp(u->columns.items[0], "qty") ? "uq_items_qty" : "uq_items_note");
    }
    assert_int_equal(t->checks.len, 2);
    assert_string_equal(t->checks.items[0]->name, "ck_qty");
    assert_string_equal(t->checks.items[0]->sqltext, "qty >= 0");
    assert_string_equal(t->checks.items[1]->name, "ck_note");
    assert_string_equal(t->checks.items[1]->sqltext, "note <> ''");
    foreign_key *fk = fk_on(t, "parent_id");
    assert_string_equal(fk->name, "fk_items_parent");
    assert_string_equal(fk->ondelete, "SET NULL");
    assert_int_equal(t->indexes.len, 1);
    schema_free(s);
    sqlite3_close(db);
}

/* -------------------------------------------------------- skipped tables */

static void test_skipped_tables(void **state) {
    (void)state;
    sqlite3 *db = open_db(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
        "  CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
        "CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT);"
        "CREATE TABLE keep_me (id INT);"
        "CREATE TABLE Spatial_Ref (id INT);"
        "CREATE TABLE other (id INT);"
        "CREATE VIEW v AS SELECT * FROM other;");
    schema *s = introspect_ok(db, NULL);
    assert_int_equal(s->tables.len, 4);
    assert_null(schema_find_table(s, "alembic_version"));
    assert_null(schema_find_table(s, "sqlite_sequence"));
    assert_null(schema_find_table(s, "v"));
    schema_free(s);

    str_vec excluded = {0};
    arena *a = arena_new();
    vec_push(a, &excluded, "spatial_ref");   /* names compare case-insensitively */
    vec_push(a, &excluded, "other");
    introspect_options opt = {.exclude_tables = &excluded};
    s = introspect_ok(db, &opt);
    assert_int_equal(s->tables.len, 2);
    assert_string_equal(s->tables.items[0]->name, "keep_me");
    assert_string_equal(s->tables.items[1]->name, "seq");
    schema_free(s);
    arena_free(a);
    sqlite3_close(db);
}

/* ------------------------------------------------------ number of queries */

static int statements_run;

/* Statements the introspector runs.  The pragma table-valued functions run
** one internal "PRAGMA" per table inside the single statement; SQLite
** traces those with a leading "--" and they are not queries sent to the
** database, so they are not counted. */
static int count_statement(unsigned type, void *ctx, void *p, void *x) {
    (void)ctx, (void)p;
    const char *sql = x;
    if (type == SQLITE_TRACE_STMT && strncmp(sql, "--", 2) != 0) statements_run++;
    return 0;
}

/* n tables, each with a foreign key to the one before (a chain n deep), an
** index, a unique constraint and a check. */
static sqlite3 *chain_db(int n) {
    sqlite3 *db = open_db("");
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < n; i++) {
        char sql[512];
        if (i == 0)
            snprintf(sql, sizeof sql, "CREATE TABLE t0000 (id INTEGER PRIMARY KEY, v INT UNIQUE CHECK (v > 0))");
        else
            snprintf(sql, sizeof sql,
                     "CREATE TABLE t%04d (id INTEGER PRIMARY KEY, v INT UNIQUE CHECK (v > 0),"
                     " prev_id INTEGER REFERENCES t%04d (id) ON DELETE CASCADE);"
                     "CREATE INDEX ix_t%04d_prev ON t%04d (prev_id)",
                     i, i - 1, i, i);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return db;
}

static int queries_to_introspect(sqlite3 *db, schema **out) {
    statements_run = 0;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, count_statement, NULL);
    *out = introspect_ok(db, NULL);
    sqlite3_trace_v2(db, 0, NULL, NULL);
    return statements_run;
}

static void test_query_count_does_not_grow(void **state) {
    (void)state;
    schema *small, *large;
    sqlite3 *db5 = chain_db(5);
    sqlite3 *db200 = chain_db(200);
    int q5 = queries_to_introspect(db5, &small);
    int q200 = queries_to_introspect(db200, &large);
    assert_int_equal(q5, 6);
    assert_int_equal(q200, 6);
    assert_int_equal(small->tables.len, 5);
    assert_int_equal(large->tables.len, 200);
    table *last = must_table(large, "t0199");
    assert_int_equal(last->foreign_keys.len, 1);
    assert_string_equal(last->foreign_keys.items[0]->ref_table, "t0198");
    assert_int_equal(last->indexes.len, 1);
    assert_int_equal(last->uniques.len, 1);
    assert_int_equal(last->checks.len, 1);
    schema_free(small);
    schema_free(large);
    sqlite3_close(db5);
    sqlite3_close(db200);
}

/* A 1,000-table foreign-key chain: no recursion on depth. */
static void test_deep_chain(void **state) {
    (void)state;
    sqlite3 *db = chain_db(1000);
    schema *s;
    assert_int_equal(queries_to_introspect(db, &s), 6);
    assert_int_equal(s->tables.len, 1000);
    assert_string_equal(must_table(s, "t0500")->foreign_keys.items[0]->ref_table, "t0499");
    schema_free(s);
    sqlite3_close(db);
}

/* ----------------------------------------------------------------- errors */

static void test_not_a_database(void **state) {
    (void)state;
    char path[] = "/tmp/retort-h2-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char junk[] = "this is not an SQLite database, just text that is long enough to matter";
    assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    close(fd);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    diag_list dl;
    diag_list_init(&dl);
    schema *s = (schema *)1;
    assert_int_equal(introspect_sqlite(db, NULL, &s, &dl), -1);
    assert_null(s);
    assert_int_equal(dl.errors, 1);
    assert_string_equal(dl.items.items[0].message,
                        "cannot read the SQLite schema (other objects): file is not a database");
    diag_list_free(&dl);
    sqlite3_close(db);
    unlink(path);
}

static void test_empty_database(void **state) {
    (void)state;
    sqlite3 *db = open_db("");
    schema *s = introspect_ok(db, NULL);
    assert_int_equal(s->tables.len, 0);
    schema_free(s);
    sqlite3_close(db);
}

/* ----------------------------- generated columns, table order, wide tables */

/* The CREATE TABLE text is read by the last query, in no order: the
** tables still come sorted by name, a generated column still gets its
** expression, and a table wider than the columns a table searches (its
** columns then found by a map) reads like a narrow one. */
static void test_generated_order_and_wide_tables(void **state) {
    (void)state;
    char ddl[4096] = "CREATE TABLE zeta (id INTEGER NOT NULL PRIMARY KEY, a INTEGER,"
                     " twice INTEGER GENERATED ALWAYS AS (a * 2) STORED, plus1 INTEGER AS (a + 1) VIRTUAL,"
                     " CONSTRAINT uq_zeta_a UNIQUE (a));"
                     "CREATE TABLE alpha (id INTEGER NOT NULL PRIMARY KEY";
    for (int i = 0; i < 40; i++) snprintf(ddl + strlen(ddl), sizeof ddl - strlen(ddl), ", c%02d TEXT", i);
    strcat(ddl, ", CONSTRAINT uq_alpha_c39 UNIQUE (c39), CONSTRAINT ck_alpha CHECK (c00 <> ''));"
                "CREATE INDEX ix_alpha_c20 ON alpha (c20 DESC);"
                "CREATE TABLE mid (id INTEGER PRIMARY KEY AUTOINCREMENT, zeta_id INTEGER,"
                " CONSTRAINT fk_mid_zeta FOREIGN KEY (zeta_id) REFERENCES zeta (id));");
    sqlite3 *db = open_db(ddl);
    schema *s = introspect_ok(db, NULL);
    assert_int_equal(s->tables.len, 3);
    assert_string_equal(s->tables.items[0]->name, "alpha");
    assert_string_equal(s->tables.items[1]->name, "mid");
    assert_string_equal(s->tables.items[2]->name, "zeta");

    table *zeta = must_table(s, "zeta");
    column *twice = must_column(zeta, "twice"), *plus1 = must_column(zeta, "plus1");
    assert_string_equal(twice->generated, "a * 2");
    assert_true(twice->generated_stored);
    assert_string_equal(plus1->generated, "a + 1");
    assert_false(plus1->generated_stored);
    assert_null(must_column(zeta, "a")->generated);
    assert_int_equal(zeta->uniques.len, 1);
    assert_string_equal(zeta->uniques.items[0]->name, "uq_zeta_a");

    table *alpha = must_table(s, "alpha");
    assert_int_equal(alpha->columns.len, 41);
    assert_non_null(alpha->columns_by_name);
    for (int i = 0; i < 40; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%02d", i);
        assert_ptr_equal(must_column(alpha, name), alpha->columns.items[i + 1]);
    }
    assert_names(&alpha->primary_key.columns, "id");
    assert_false(must_column(alpha, "id")->identity);
    assert_int_equal(alpha->uniques.len, 1);
    assert_string_equal(alpha->uniques.items[0]->name, "uq_alpha_c39");
    assert_int_equal(alpha->checks.len, 1);
    assert_string_equal(alpha->checks.items[0]->name, "ck_alpha");
    assert_string_equal(alpha->checks.items[0]->sqltext, "c00 <> ''");
    index_def *ix = must_index(alpha, "ix_alpha_c20");
    assert_names(&ix->columns, "c20");
    assert_int_equal(ix->keys.len, 1);
    assert_true(index_key_at(ix, 0).desc);

    table *mid = must_table(s, "mid");
    assert_true(must_column(mid, "id")->identity);      /* AUTOINCREMENT, from the text */
    assert_string_equal(fk_on(mid, "zeta_id")->name, "fk_mid_zeta");
    schema_free(s);
    sqlite3_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlalchemy_datasets_table),
        cmocka_unit_test(test_column_types_defaults_nullable),
        cmocka_unit_test(test_primary_keys),
        cmocka_unit_test(test_indexes),
        cmocka_unit_test(test_unique_constraints),
        cmocka_unit_test(test_unique_on_primary_key),
        cmocka_unit_test(test_foreign_keys),
        cmocka_unit_test(test_check_constraints),
        cmocka_unit_test(test_quoted_identifiers),
        cmocka_unit_test(test_unusual_spelling),
        cmocka_unit_test(test_keyword_spellings),
        cmocka_unit_test(test_index_keys_walked_and_mapped),
        cmocka_unit_test(test_alembic_batch_table),
        cmocka_unit_test(test_skipped_tables),
        cmocka_unit_test(test_query_count_does_not_grow),
        cmocka_unit_test(test_deep_chain),
        cmocka_unit_test(test_not_a_database),
        cmocka_unit_test(test_empty_database),
        cmocka_unit_test(test_generated_order_and_wide_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
