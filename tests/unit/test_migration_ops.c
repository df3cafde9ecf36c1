/*
** test_migration_ops.c — migration_file_ops(): each op.* / batch_op.* call
** into its op and fields, name resolution through imports and locals,
** batch blocks, data migrations, the errors that refuse a migration, and a
** round trip: what retort renders, read back and rendered again, is the
** same file.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "migration/migration.h"
#include "render/render.h"
#include "render/sql.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    arena *a;
    diag_list dl;
    migration_ops *ops;
    const char *schema;     /* [retort] schema (NULL: public) */
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->a = arena_new();
    diag_list_init(&f->dl);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    migration_ops_free(f->ops);
    diag_list_free(&f->dl);
    arena_free(f->a);
    free(f);
    return 0;
}

/* The ops of `body` (the lines of upgrade(), each indented by 4). */
static int convert(fixture *f, const char *header, const char *body, const dialect *d) {
    migration_ops_free(f->ops);
    f->ops = NULL;
    const char *text = arena_printf(f->a, "from alembic import op\nimport sqlalchemy as sa\n%s"
                                          "revision = 'r1'\ndown_revision = None\n\n\ndef upgrade():\n%s",
                                    header ? header : "", body);
    migration_file *m = NULL;
    if (migration_parse(f->a, "m.py", text, &m, &f->dl) != 0) {
        diag_print(&f->dl, stderr);
        fail_msg("parse failed");
    }
    return migration_file_ops(m, MIGRATE_UPGRADE, d ? d : dialect_sqlite(), f->schema, &f->ops, &f->dl);
}

static void convert_ok(fixture *f, const char *header, const char *body, const dialect *d) {
    int rc = convert(f, header, body, d);
    if (rc) diag_print(&f->dl, stderr);
    assert_int_equal(rc, 0);
}

static const op *op_at(fixture *f, size_t i) {
    assert_true(i < f->ops->ops.len);
    return &f->ops->ops.items[i];
}

/* The only diagnostic: its message and place, with the Alembic hint. */
static void assert_error(fixture *f, int line, int column, const char *message) {
    assert_int_equal(f->dl.items.len, 1);
    const diag *d = &f->dl.items.items[0];
    assert_string_equal(d->message, message);
    assert_int_equal(d->loc.line, line);
    assert_int_equal(d->loc.column, column);
    assert_string_equal(d->hint, "run this migration with python3 -m alembic");
    assert_non_null(d->source_line);
    assert_null(f->ops);
}

/* Lines of upgrade() start at line 8 of convert()'s text. */
#define BODY_LINE(n) (7 + (n))

static void test_create_table(void **state) {
    fixture *f = *state;
    convert_ok(f, NULL,
               "    op.create_table('datasets',\n"
               "    sa.Column('id', sa.String(length=36), nullable=False, comment='Primary key'),\n"
               "    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),\n"
               "    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=True),\n"
               "    sa.Column('status', sa.String(50), server_default='pending', nullable=False),\n"
               "    sa.Column('q', sa.Text(), server_default=sa.text(\"'x'\")),\n"
               "    sa.Column('n', sa.Integer(), server_default='0', autoincrement=False, nullable=False),\n"
               "    sa.Column('price', sa.Numeric(precision=10, scale=2), nullable=True),\n"
               "    sa.Column('amount', sa.Numeric(8), nullable=True),\n"
               "    sa.Column('big', sa.BigInteger(), nullable=True),\n"
               "    sa.Column('small', sa.SmallInteger, nullable=True),\n"
               "    sa.Column('flag', sa.Boolean(), server_default='1', nullable=False),\n"
               "    sa.Column('ratio', sa.Float(), nullable=True),\n"
               "    sa.Column('born', sa.Date(), nullable=True),\n"
               "    sa.Column('at', sa.Time(), nullable=True),\n"
               "    sa.Column('span', sa.Interval(), nullable=True),\n"
               "    sa.Column('config', sa.JSON(), server_default='{}', nullable=False),\n"
               "    sa.Column('data', sa.LargeBinary(), nullable=True),\n"
               "    sa.CheckConstraint('n >= 0', name='ck_n'),\n"
               "    sa.CheckConstraint(sa.text('ratio > 0')),\n"
               "    sa.PrimaryKeyConstraint('id', name='pk_datasets'),\n"
               "    sa.UniqueConstraint('status', 'n', name='uq_status_n'),\n"
               "    comment='Datasets'\n"
               "    )\n",
               NULL);
    assert_int_equal(f->ops->ops.len, 1);
    const op *o = op_at(f, 0);
    assert_int_equal(o->kind, OP_CREATE_TABLE);
    assert_string_equal(o->table_name, "datasets");
    assert_int_equal(o->loc.line, BODY_LINE(1));
    assert_int_equal(o->loc.column, 5);
    assert_null(o->batch);
    const table *t = o->table;
    assert_string_equal(t->name, "datasets");
    assert_string_equal(t->comment, "Datasets");
    assert_int_equal(t->columns.len, 17);
    const column *c = t->columns.items[0];
    assert_string_equal(c->name, "id");
    assert_int_equal(c->type.kind, TYPE_STRING);
    assert_int_equal(c->type.length, 36);
    assert_false(c->nullable);
    assert_true(c->primary_key);
    assert_string_equal(c->comment, "Primary key");
    assert_ptr_equal(table_find_column(t, "status"), t->columns.items[3]);
    c = t->columns.items[1];
    assert_true(c->type.timezone);
    assert_int_equal(c->server_default.kind, DEFAULT_NOW);
    c = t->columns.items[2];
    assert_false(c->type.timezone);
    assert_int_equal(c->server_default.kind, DEFAULT_SQL);
    assert_string_equal(c->server_default.text, "CURRENT_TIMESTAMP");
    assert_true(c->nullable);
    c = t->columns.items[3];
    assert_int_equal(c->type.length, 50);
    assert_int_equal(c->server_default.kind, DEFAULT_STRING);
    assert_string_equal(c->server_default.text, "pending");
    c = t->columns.items[4];
    assert_int_equal(c->type.kind, TYPE_TEXT);
    assert_true(c->nullable);
    assert_int_equal(c->server_default.kind, DEFAULT_SQL);
    assert_string_equal(c->server_default.text, "'x'");
    c = t->columns.items[5];
    assert_int_equal(c->autoincrement, AUTOINC_FALSE);
    assert_int_equal(t->columns.items[6]->type.kind, TYPE_NUMERIC);
    assert_int_equal(t->columns.items[6]->type.precision, 10);
    assert_int_equal(t->columns.items[6]->type.scale, 2);
    assert_int_equal(t->columns.items[7]->type.precision, 8);
    assert_int_equal(t->columns.items[7]->type.scale, -1);
    static const type_kind kinds[] = {TYPE_BIGINT, TYPE_SMALLINT, TYPE_BOOLEAN, TYPE_FLOAT, TYPE_DATE,
                                      TYPE_TIME, TYPE_INTERVAL, TYPE_JSON, TYPE_LARGEBINARY};
    for (size_t i = 0; i < 9; i++) assert_int_equal(t->columns.items[8 + i]->type.kind, kinds[i]);
    assert_int_equal(t->checks.len, 2);
    assert_string_equal(t->checks.items[0]->name, "ck_n");
    assert_string_equal(t->checks.items[0]->sqltext, "n >= 0");
    assert_null(t->checks.items[1]->name);
    assert_string_equal(t->checks.items[1]->sqltext, "ratio > 0");
    assert_string_equal(t->primary_key.name, "pk_datasets");
    assert_int_equal(t->primary_key.columns.len, 1);
    assert_int_equal(t->uniques.len, 1);
    assert_string_equal(t->uniques.items[0]->name, "uq_status_n");
    assert_int_equal(t->uniques.items[0]->columns.len, 2);
}

static void test_create_table_keys(void **state) {
    fixture *f = *state;
    convert_ok(f, NULL,
               "    op.create_table('charts',\n"
               "    sa.Column('id', sa.Integer(), primary_key=True),\n"
               "    sa.Column('dataset_id', sa.String(length=36), sa.ForeignKey('datasets.id', ondelete='cascade'),\n"
               "              nullable=False, index=True, unique=True),\n"
               "    sa.ForeignKeyConstraint(['a', 'b'], ['other.x', 'other.y'], name='fk_ab', onupdate='CASCADE',\n"
               "                            ondelete='SET NULL'),\n"
               "    sa.Column('a', sa.Integer()), sa.Column('b', sa.Integer())\n"
               "    )\n",
               NULL);
    assert_int_equal(f->ops->ops.len, 2);
    const table *t = op_at(f, 0)->table;
    assert_true(t->columns.items[0]->primary_key);
    assert_false(t->columns.items[0]->nullable);
    assert_string_equal(t->primary_key.columns.items[0], "id");
    assert_int_equal(t->foreign_keys.len, 2);
    const foreign_key *fk = t->foreign_keys.items[0];
    assert_null(fk->name);
    assert_string_equal(fk->columns.items[0], "dataset_id");
    assert_string_equal(fk->ref_table, "datasets");
    assert_string_equal(fk->ref_columns.items[0], "id");
    assert_string_equal(fk->ondelete, "CASCADE");
    fk = t->foreign_keys.items[1];
    assert_string_equal(fk->name, "fk_ab");
    assert_string_equal(fk->ref_table, "other");
    assert_string_equal(fk->ref_columns.items[1], "y");
    assert_string_equal(fk->onupdate, "CASCADE");
    assert_string_equal(fk->ondelete, "SET NULL");
    assert_int_equal(t->uniques.len, 1);
    assert_null(t->uniques.items[0]->name);
    /* index=True: an index op after the table, named by SQLAlchemy's convention. */
    const op *ix = op_at(f, 1);
    assert_int_equal(ix->kind, OP_CREATE_INDEX);
    assert_string_equal(ix->index->name, "ix_charts_dataset_id");
    assert_true(ix->index->conventional_name);
}

static void test_sql_types(void **state) {
    fixture *f = *state;
    convert_ok(f, "from sqlalchemy.dialects import postgresql\n",
               "    op.create_table('pg',\n"
               "    sa.Column('doc', postgresql.JSONB(astext_type=sa.Text()), nullable=True),\n"
               "    sa.Column('c1', sa.VARCHAR(length=20), nullable=True),\n"
               "    sa.Column('c2', sa.NUMERIC(precision=5, scale=1), nullable=True),\n"
               "    sa.Column('c3', postgresql.INET(), nullable=True),\n"
               "    sa.Column('c4', postgresql.TIMESTAMP(timezone=True), nullable=True),\n"
               "    sa.Column('c5', sa.INTEGER(), nullable=True)\n"
               "    )\n",
               dialect_postgresql());
    const table *t = op_at(f, 0)->table;
    assert_int_equal(t->columns.items[0]->type.kind, TYPE_JSON);
    assert_true(t->columns.items[0]->type.jsonb);
    col_type want = dialect_postgresql()->parse_type(f->a, "VARCHAR(20)");
    assert_int_equal(t->columns.items[1]->type.kind, want.kind);
    assert_int_equal(t->columns.items[1]->type.length, 20);
    assert_string_equal(t->columns.items[1]->type.raw, "VARCHAR(20)");
    assert_string_equal(t->columns.items[2]->type.raw, "NUMERIC(5, 1)");
    assert_string_equal(t->columns.items[3]->type.raw, "INET");
    assert_string_equal(t->columns.items[4]->type.raw, "TIMESTAMP WITH TIME ZONE");
    assert_int_equal(t->columns.items[5]->type.kind, TYPE_INTEGER);
}

static void test_simple_ops(void **state) {
    fixture *f = *state;
    convert_ok(f, NULL,
               "    op.drop_table('old')\n"
               "    op.rename_table('a', 'b')\n"
               "    op.add_column('t', sa.Column('c', sa.String(length=5), server_default='x', nullable=False))\n"
               "    op.drop_column('t', 'd')\n"
               "    op.create_unique_constraint('uq_t_c', 't', ['c'])\n"
               "    op.create_foreign_key('fk_t_o', 't', 'o', ['oid'], ['id'], ondelete='CASCADE')\n"
               "    op.create_check_constraint('ck_t', 't', sa.text('c <> \\'\\''))\n"
               "    op.drop_constraint('uq_t_c', 't', type_='unique')\n"
               "    op.drop_constraint('fk_t_o', 't', type_='foreignkey')\n"
               "    op.drop_constraint('ck_t', 't', type_='check')\n"
               "    op.create_table_comment('t', 'new', existing_comment='old', schema=None)\n"
               "    op.drop_table_comment('t', existing_comment='new')\n"
               "    op.execute('DELETE FROM t')\n"
               "    op.execute(sa.text('UPDATE t SET c = 1'))\n",
               NULL);
    assert_int_equal(f->ops->ops.len, 14);
    const op *o = op_at(f, 0);
    assert_int_equal(o->kind, OP_DROP_TABLE);
    assert_string_equal(o->table_name, "old");
    assert_null(o->table);
    o = op_at(f, 1);
    assert_int_equal(o->kind, OP_RENAME_TABLE);
    assert_string_equal(o->old_name, "a");
    assert_string_equal(o->new_name, "b");
    o = op_at(f, 2);
    assert_int_equal(o->kind, OP_ADD_COLUMN);
    assert_string_equal(o->table_name, "t");
    assert_string_equal(o->column->name, "c");
    assert_false(o->column->nullable);
    assert_string_equal(o->column->server_default.text, "x");
    o = op_at(f, 3);
    assert_int_equal(o->kind, OP_DROP_COLUMN);
    assert_string_equal(o->old_name, "d");
    assert_string_equal(o->column->name, "d");
    o = op_at(f, 4);
    assert_int_equal(o->kind, OP_ADD_UNIQUE);
    assert_string_equal(o->unique->name, "uq_t_c");
    assert_string_equal(o->unique->columns.items[0], "c");
    o = op_at(f, 5);
    assert_int_equal(o->kind, OP_ADD_FOREIGN_KEY);
    assert_string_equal(o->table_name, "t");
    assert_string_equal(o->fk->ref_table, "o");
    assert_string_equal(o->fk->columns.items[0], "oid");
    assert_string_equal(o->fk->ref_columns.items[0], "id");
    assert_string_equal(o->fk->ondelete, "CASCADE");
    assert_null(o->fk->onupdate);
    o = op_at(f, 6);
    assert_int_equal(o->kind, OP_ADD_CHECK);
    assert_string_equal(o->check->sqltext, "c <> ''");
    assert_int_equal(op_at(f, 7)->kind, OP_DROP_UNIQUE);
    assert_string_equal(op_at(f, 7)->unique->name, "uq_t_c");
    assert_int_equal(op_at(f, 8)->kind, OP_DROP_FOREIGN_KEY);
    assert_string_equal(op_at(f, 8)->fk->name, "fk_t_o");
    assert_int_equal(op_at(f, 9)->kind, OP_DROP_CHECK);
    assert_string_equal(op_at(f, 9)->check->name, "ck_t");
    o = op_at(f, 10);
    assert_int_equal(o->kind, OP_SET_TABLE_COMMENT);
    assert_string_equal(o->old_comment, "old");
    assert_string_equal(o->new_comment, "new");
    o = op_at(f, 11);
    assert_string_equal(o->old_comment, "new");
    assert_null(o->new_comment);
    assert_int_equal(op_at(f, 12)->kind, OP_EXECUTE);
    assert_string_equal(op_at(f, 12)->sql, "DELETE FROM t");
    assert_string_equal(op_at(f, 13)->sql, "UPDATE t SET c = 1");
    assert_int_equal(op_at(f, 13)->loc.line, BODY_LINE(14));
}

static void test_alter_column(void **state) {
    fixture *f = *state;
    convert_ok(f, NULL,
               "    op.alter_column('t', 'status',\n"
               "               existing_type=sa.String(length=50),\n"
               "               server_default=None,\n"
               "               type_=sa.String(length=100),\n"
               "               comment='Status',\n"
               "               existing_nullable=False,\n"
               "               existing_server_default='new')\n"
               "    op.alter_column('t', 'n', nullable=True)\n"
               "    op.alter_column('t', 'body', new_column_name='description', existing_type=sa.Text(),\n"
               "                    existing_comment='c', existing_nullable=True)\n"
               "    op.alter_column('t', 'x', new_column_name='y', nullable=False, server_default=sa.text('1'))\n",
               NULL);
    assert_int_equal(f->ops->ops.len, 5);
    const op *o = op_at(f, 0);
    assert_int_equal(o->kind, OP_ALTER_COLUMN);
    assert_int_equal(o->alter, ALTER_TYPE | ALTER_DEFAULT | ALTER_COMMENT);
    assert_string_equal(o->old_column->name, "status");
    assert_int_equal(o->old_column->type.length, 50);
    assert_false(o->old_column->nullable);
    assert_string_equal(o->old_column->server_default.text, "new");
    assert_int_equal(o->column->type.length, 100);
    assert_int_equal(o->column->server_default.kind, DEFAULT_NONE);
    assert_string_equal(o->column->comment, "Status");
    assert_false(o->column->nullable);
    o = op_at(f, 1);
    assert_int_equal(o->alter, ALTER_NULLABLE);
    assert_true(o->column->nullable);
    /* Unknown existing type: TYPE_OTHER without a spelling. */
    assert_int_equal(o->old_column->type.kind, TYPE_OTHER);
    assert_null(o->old_column->type.raw);
    o = op_at(f, 2);
    assert_int_equal(o->kind, OP_RENAME_COLUMN);
    assert_string_equal(o->old_name, "body");
    assert_string_equal(o->new_name, "description");
    assert_string_equal(o->column->name, "description");
    assert_int_equal(o->column->type.kind, TYPE_TEXT);
    assert_string_equal(o->column->comment, "c");
    /* A rename with changes: the rename, then the alter on the new name. */
    assert_int_equal(op_at(f, 3)->kind, OP_RENAME_COLUMN);
    o = op_at(f, 4);
    assert_int_equal(o->kind, OP_ALTER_COLUMN);
    assert_int_equal(o->alter, ALTER_NULLABLE | ALTER_DEFAULT);
    assert_string_equal(o->column->name, "y");
    assert_string_equal(o->old_column->name, "y");
    assert_int_equal(o->column->server_default.kind, DEFAULT_SQL);
}

/* sa.Identity in a column and Alembic's three identity forms of
** alter_column (add, change, drop), with the options Alembic 1.19's
** autogenerate writes for a reflected identity. */
static void test_identity(void **state) {
    fixture *f = *state;
    convert_ok(f, NULL,
               "    op.create_table('t',\n"
               "    sa.Column('id', sa.Integer(), sa.Identity(always=True, start=100, increment=10), nullable=False),\n"
               "    sa.Column('n', sa.BigInteger(), sa.Identity(start=5, increment=1, minvalue=1,\n"
               "              maxvalue=9223372036854775807, cycle=False, cache=20)),\n"
               "    sa.PrimaryKeyConstraint('id'))\n"
               "    op.alter_column('t', 'a', existing_type=sa.Integer(), server_default=sa.Identity(always=False, "
               "start=1, increment=1), existing_server_default=None)\n"
               "    op.alter_column('t', 'b', server_default=sa.Identity(always=True, start=7),\n"
               "                    existing_server_default=sa.Identity(always=False, start=1, increment=3))\n"
               "    op.alter_column('t', 'c', server_default=None,\n"
               "                    existing_server_default=sa.Identity(always=False, start=-1, increment=-1))\n"
               "    op.alter_column('t', 'd', server_default=None)\n",
               dialect_postgresql());
    assert_int_equal(f->ops->ops.len, 5);
    const table *t = op_at(f, 0)->table;
    const identity_def *g = t->columns.items[0]->generated_identity;
    assert_non_null(g);
    assert_true(g->always);
    assert_int_equal(g->start, 100);
    assert_int_equal(g->increment, 10);
    g = t->columns.items[1]->generated_identity;
    assert_false(t->columns.items[1]->nullable);   /* an identity is NOT NULL */
    assert_false(g->always);
    assert_true(g->has_maxvalue);
    assert_int_equal(g->cache, 20);
    assert_int_equal(g->cycle, 0);
    const op *o = op_at(f, 1);
    assert_int_equal(o->alter, ALTER_IDENTITY);
    assert_null(o->old_column->generated_identity);
    assert_non_null(o->column->generated_identity);
    o = op_at(f, 2);
    assert_int_equal(o->alter, ALTER_IDENTITY);
    assert_int_equal(o->old_column->generated_identity->increment, 3);
    assert_true(o->column->generated_identity->increment_omitted);
    assert_int_equal(o->column->generated_identity->start, 7);
    o = op_at(f, 3);
    assert_int_equal(o->alter, ALTER_IDENTITY);
    assert_null(o->column->generated_identity);
    /* None without an existing identity is DROP DEFAULT */
    assert_int_equal(op_at(f, 4)->alter, ALTER_DEFAULT);

    sql_statements sql = {0};
    schema *cur = schema_new();
    assert_int_equal(render_sql(f->ops->ops.items, f->ops->ops.len, dialect_postgresql(), cur, f->a, &sql, &f->dl), 0);
    schema_free(cur);
    assert_string_equal(sql.items[0].text,
                        "CREATE TABLE t (\n"
                        "    id INTEGER GENERATED ALWAYS AS IDENTITY (INCREMENT BY 10 START WITH 100), \n"
                        "    n BIGINT GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 1 START WITH 5 MINVALUE 1 "
                        "MAXVALUE 9223372036854775807 CACHE 20 NO CYCLE), \n"
                        "    PRIMARY KEY (id)\n"
                        ")");
    assert_string_equal(sql.items[1].text, "ALTER TABLE t ALTER COLUMN a ADD GENERATED BY DEFAULT AS IDENTITY "
                                           "(INCREMENT BY 1 START WITH 1)");
    assert_string_equal(sql.items[2].text, "ALTER TABLE t ALTER COLUMN b SET GENERATED ALWAYS SET START WITH 7");
    assert_string_equal(sql.items[3].text, "ALTER TABLE t ALTER COLUMN c DROP IDENTITY");
    assert_string_equal(sql.items[4].text, "ALTER TABLE t ALTER COLUMN d DROP DEFAULT");

    assert_int_equal(convert(f, NULL, "    op.add_column('t', sa.Column('x', sa.Integer(), sa.Identity(order=True)))\n",
                             dialect_postgresql()), -1);
    assert_error(f, BODY_LINE(1), 65, "order= is not supported");
}

/* alter_column(postgresql_using=...): kept for PostgreSQL's TYPE ...
** USING, dropped on SQLite (as SQLAlchemy does), refused without type_. */
static void test_postgresql_using(void **state) {
    fixture *f = *state;
    convert_ok(f, "from sqlalchemy.dialects import postgresql\n",
               "    with op.batch_alter_table('t', schema=None) as batch_op:\n"
               "        batch_op.alter_column('tags', existing_type=sa.String(length=50),\n"
               "               type_=postgresql.ARRAY(sa.String(length=50)),\n"
               "               postgresql_using='ARRAY[tags]')\n"
               "    op.alter_column('t', 'n', type_=sa.Text(), postgresql_using=\"array_to_string(n, ',')\")\n",
               dialect_postgresql());
    assert_string_equal(op_at(f, 0)->postgresql_using, "ARRAY[tags]");
    assert_int_equal(op_at(f, 0)->column->type.kind, TYPE_ARRAY);
    assert_string_equal(op_at(f, 1)->postgresql_using, "array_to_string(n, ',')");
    sql_statements sql = {0};
    schema *cur = schema_new();
    assert_int_equal(render_sql(f->ops->ops.items, f->ops->ops.len, dialect_postgresql(), cur, f->a, &sql, &f->dl), 0);
    schema_free(cur);
    assert_string_equal(sql.items[0].text, "ALTER TABLE t ALTER COLUMN tags TYPE VARCHAR(50)[] USING ARRAY[tags]");
    assert_string_equal(sql.items[1].text, "ALTER TABLE t ALTER COLUMN n TYPE TEXT USING array_to_string(n, ',')");
    convert_ok(f, NULL, "    op.alter_column('t', 'n', type_=sa.Text(), postgresql_using='x')\n", dialect_sqlite());
    assert_null(op_at(f, 0)->postgresql_using);
    assert_int_equal(convert(f, NULL, "    op.alter_column('t', 'n', postgresql_using='x')\n", dialect_postgresql()), -1);
    assert_error(f, BODY_LINE(1), 48, "postgresql_using= needs type_=: it says how the values become the new type");

    /* what the renderers write for a change the differ found */
    arena *a = f->a;
    col_type text = {.kind = TYPE_TEXT, .length = -1, .precision = -1, .scale = -1};
    col_type s50 = {.kind = TYPE_STRING, .length = 50, .precision = -1, .scale = -1};
    col_type big = {.kind = TYPE_BIGINT, .length = -1, .precision = -1, .scale = -1};
    col_type a50 = {.kind = TYPE_ARRAY, .element = &s50, .dimensions = 1};
    col_type abig = {.kind = TYPE_ARRAY, .element = &big, .dimensions = 2};
    assert_null(sql_type_change_using(a, "x", &text, &s50));
    assert_string_equal(sql_type_change_using(a, "x", &text, &a50),
                        "CASE WHEN x IS NULL THEN NULL ELSE ARRAY[CAST(x AS VARCHAR(50))] END");
    assert_string_equal(sql_type_change_using(a, "Tag List", &a50, &text),
                        "CAST(array_to_string(\"Tag List\", ',') AS TEXT)");
    assert_string_equal(sql_type_change_using(a, "x", &a50, &abig), "CAST(x AS BIGINT[][])");
}

#define CITEXT_TRY "try:\n    from sqlalchemy.dialects.postgresql import CITEXT\n"
#define CITEXT_EXCEPT \
    "    class CITEXT(sa.types.UserDefinedType):\n        cache_ok = True\n\n" \
    "        def get_col_spec(self, **kw):\n            return 'CITEXT'\n\n"

/* The generated files' CITEXT fallback: the try block's import is read,
** the except block not; another shape of try stays unsupported. */
static void test_citext_fallback(void **state) {
    fixture *f = *state;
    convert_ok(f, CITEXT_TRY "except ImportError:  # SQLAlchemy 1.4\n" CITEXT_EXCEPT,
               "    op.add_column('t', sa.Column('e', CITEXT(), nullable=True))\n"
               "    op.add_column('t', sa.Column('f', postgresql.ARRAY(CITEXT())))\n"
               "    op.add_column('t', sa.Column('g', postgresql.CITEXT()))\n",
               dialect_postgresql());
    assert_int_equal(op_at(f, 0)->column->type.kind, TYPE_CITEXT);
    assert_int_equal(op_at(f, 1)->column->type.element->kind, TYPE_CITEXT);
    assert_int_equal(op_at(f, 2)->column->type.kind, TYPE_CITEXT);
    convert_ok(f, CITEXT_TRY "except (ImportError, AttributeError):\n    CITEXT = None\n",
               "    op.add_column('t', sa.Column('e', CITEXT()))\n", dialect_postgresql());
    assert_int_equal(op_at(f, 0)->column->type.kind, TYPE_CITEXT);
    static const char *const NOT_IT[] = {
        "try:\n    X = 1\nexcept ImportError:\n    pass\n",
        CITEXT_TRY "except ValueError:\n    pass\n",
        CITEXT_TRY "except ImportError:\n    pass\nfinally:\n    pass\n",
        CITEXT_TRY "    if True:\n        pass\nexcept ImportError:\n    pass\n",
    };
    for (size_t i = 0; i < sizeof NOT_IT / sizeof *NOT_IT; i++) {
        diag_list_free(&f->dl);
        diag_list_init(&f->dl);
        assert_int_equal(convert(f, NOT_IT[i], "    pass\n", dialect_postgresql()), -1);
        assert_int_equal(f->dl.items.len, 1);
        assert_non_null(strstr(f->dl.items.items[0].message, "a try statement"));
        assert_int_equal(f->dl.items.items[0].loc.line, 3);
    }
}

static void test_indexes(void **state) {
    fixture *f = *state;
    const char *body = "    op.create_index(op.f('ix_t_a'), 't', ['a', sa.text('lower(b)')], unique=True,\n"
                       "        postgresql_where=sa.text('a > 0'), sqlite_where=sa.text('a > 1'))\n"
                       "    op.drop_index('ix_t_b', table_name='t')\n"
                       "    op.drop_index('ix_u')\n";
    convert_ok(f, NULL, body, dialect_sqlite());
    const op *o = op_at(f, 0);
    assert_int_equal(o->kind, OP_CREATE_INDEX);
    assert_string_equal(o->table_name, "t");
    assert_string_equal(o->index->name, "ix_t_a");
    assert_true(o->index->conventional_name);
    assert_true(o->index->unique);
    assert_string_equal(o->index->columns.items[0], "a");
    assert_string_equal(o->index->columns.items[1], "(lower(b))");
    assert_string_equal(o->index->where, "a > 1");
    o = op_at(f, 1);
    assert_int_equal(o->kind, OP_DROP_INDEX);
    assert_string_equal(o->index->name, "ix_t_b");
    assert_string_equal(o->old_name, "ix_t_b");
    assert_string_equal(o->table_name, "t");
    assert_null(op_at(f, 2)->table_name);
    convert_ok(f, NULL, body, dialect_postgresql());
    assert_string_equal(op_at(f, 0)->index->where, "a > 0");
    assert_false(op_at(f, 1)->index->conventional_name);
}

/* Everything the Python renderer writes for an index (docs/migration-
** subset.md): sa.text() keys with DESC, NULLS, operator classes;
** postgresql_using / _include / _ops; the same options on drop_index. */
static void test_index_features(void **state) {
    fixture *f = *state;
    const char *body =
        "    with op.batch_alter_table('t', schema=None) as batch_op:\n"
        "        batch_op.create_index('ix_k', [sa.text('lower(email)'), sa.text('created_at DESC'),\n"
        "            sa.text('(id + 1) DESC NULLS LAST'), sa.text('\"Score\" NULLS FIRST'), sa.text('b desc nulls first'),\n"
        "            sa.text('lower(email) text_pattern_ops DESC'), sa.text('a + b'), sa.text('CASE WHEN a THEN b END')],\n"
        "            unique=True)\n"
        "        batch_op.create_index('ix_o', ['kind', 'other'], unique=False, postgresql_using='GIN',\n"
        "            postgresql_include=['email'], postgresql_ops={'kind': 'varchar_pattern_ops', 'nope': 'x'})\n"
        "        batch_op.drop_index('ix_o', postgresql_using='gin', postgresql_include=['email'],\n"
        "            postgresql_ops={'kind': 'varchar_pattern_ops'})\n"
        "    op.create_index('ix_b', 't', ['a'], unique=False, postgresql_using='btree')\n";
    convert_ok(f, NULL, body, dialect_postgresql());
    const index_def *x = op_at(f, 0)->index;
    assert_int_equal(x->columns.len, 8);
    static const char *const cols[] = {"(lower(email))", "created_at", "(id + 1)", "Score", "b",
                                       "(lower(email))", "(a + b)", "(CASE WHEN a THEN b END)"};
    for (size_t k = 0; k < 8; k++) assert_string_equal(x->columns.items[k], cols[k]);
    index_key k1 = index_key_at(x, 1), k2 = index_key_at(x, 2), k3 = index_key_at(x, 3), k4 = index_key_at(x, 4),
              k5 = index_key_at(x, 5), k7 = index_key_at(x, 7);
    assert_true(k1.desc);
    assert_true(k2.desc);
    assert_int_equal(k2.nulls, NULLS_LAST);
    assert_false(k3.desc);
    assert_int_equal(k3.nulls, NULLS_FIRST);
    assert_true(k4.desc);
    assert_int_equal(k4.nulls, NULLS_DEFAULT);   /* DESC NULLS FIRST is DESC's default */
    assert_string_equal(k5.opclass, "text_pattern_ops");
    assert_true(k5.desc);
    assert_null(k7.opclass);                      /* END is no operator class */
    const index_def *o = op_at(f, 1)->index;
    assert_string_equal(o->method, "gin");
    assert_int_equal(o->include.len, 1);
    assert_string_equal(o->include.items[0], "email");
    assert_string_equal(index_key_at(o, 0).opclass, "varchar_pattern_ops");
    assert_null(index_key_at(o, 1).opclass);
    assert_int_equal(op_at(f, 2)->kind, OP_DROP_INDEX);
    assert_null(op_at(f, 3)->index->method);      /* btree is the default */
}

static void test_batch_block(void **state) {
    fixture *f = *state;
    convert_ok(f, NULL,
               "    with op.batch_alter_table('t', schema=None, recreate='always') as b:\n"
               "        b.add_column(sa.Column('c', sa.Integer(), nullable=True))\n"
               "        b.drop_column('d')\n"
               "        b.alter_column('e', existing_type=sa.Integer(), nullable=False)\n"
               "        b.create_index(b.f('ix_t_c'), ['c'], unique=False)\n"
               "        b.drop_index(b.f('ix_t_d'))\n"
               "        b.create_unique_constraint('uq', ['c'])\n"
               "        b.create_foreign_key('fk', 'o', ['c'], ['id'], onupdate='CASCADE')\n"
               "        b.create_check_constraint('ck', 'c > 0')\n"
               "        b.drop_constraint('old', type_='unique')\n"
               "        b.create_table_comment('hello', existing_comment=None)\n"
               "        b.drop_table_comment(existing_comment='hello')\n"
               "        op.execute('SELECT 1')\n"
               "    op.drop_table('z')\n",
               NULL);
    assert_int_equal(f->ops->ops.len, 13);
    /* op.execute inside the block runs before the block's ops, as in Alembic. */
    assert_int_equal(op_at(f, 0)->kind, OP_EXECUTE);
    assert_null(op_at(f, 0)->batch);
    const batch_block *bb = op_at(f, 1)->batch;
    assert_non_null(bb);
    assert_string_equal(bb->table_name, "t");
    assert_string_equal(bb->recreate, "always");
    assert_int_equal(bb->loc.line, BODY_LINE(1));
    static const op_kind kinds[] = {OP_ADD_COLUMN, OP_DROP_COLUMN, OP_ALTER_COLUMN, OP_CREATE_INDEX,
                                    OP_DROP_INDEX, OP_ADD_UNIQUE, OP_ADD_FOREIGN_KEY, OP_ADD_CHECK,
                                    OP_DROP_UNIQUE, OP_SET_TABLE_COMMENT, OP_SET_TABLE_COMMENT};
    for (size_t i = 0; i < 11; i++) {
        const op *o = op_at(f, 1 + i);
        assert_int_equal(o->kind, kinds[i]);
        assert_ptr_equal(o->batch, bb);
        assert_string_equal(o->table_name, "t");
    }
    assert_string_equal(op_at(f, 4)->index->name, "ix_t_c");
    assert_true(op_at(f, 4)->index->conventional_name);
    assert_string_equal(op_at(f, 7)->fk->ref_table, "o");
    assert_string_equal(op_at(f, 7)->fk->onupdate, "CASCADE");
    assert_string_equal(op_at(f, 10)->new_comment, "hello");
    assert_null(op_at(f, 11)->new_comment);
    assert_int_equal(op_at(f, 12)->kind, OP_DROP_TABLE);
    assert_null(op_at(f, 12)->batch);
}

static void test_bulk_insert(void **state) {
    fixture *f = *state;
    convert_ok(f, "from sqlalchemy import table, column\nt = table('roles', column('id'), column('name', sa.String))\n",
               "    op.bulk_insert(t, [{'id': 1, 'name': 'a'}, {'name': None, 'id': -2}, {'id': 3}])\n"
               "    rows = [{'x': True}, {'x': 2.5}]\n"
               "    op.bulk_insert(sa.Table('u', sa.MetaData(), sa.Column('x', sa.Integer)), rows)\n"
               "    made = op.create_table('v', sa.Column('k', sa.String(), nullable=False))\n"
               "    op.bulk_insert(made, [{'k': 'it\\'s'}])\n",
               NULL);
    assert_int_equal(f->ops->ops.len, 4);
    const op *o = op_at(f, 0);
    assert_int_equal(o->kind, OP_BULK_INSERT);
    assert_string_equal(o->table_name, "roles");
    assert_int_equal(o->insert_columns->len, 2);
    assert_string_equal(o->insert_columns->items[0], "id");
    assert_string_equal(o->insert_columns->items[1], "name");
    assert_int_equal(o->rows->len, 3);
    const literal_row *r = &o->rows->items[1];
    assert_int_equal(r->items[0].kind, LIT_NUMBER);
    assert_string_equal(r->items[0].text, "-2");
    assert_int_equal(r->items[1].kind, LIT_NULL);
    assert_int_equal(o->rows->items[2].items[1].kind, LIT_NULL);
    assert_string_equal(o->rows->items[0].items[1].text, "a");
    o = op_at(f, 1);
    assert_string_equal(o->table_name, "u");
    assert_int_equal(o->rows->items[0].items[0].kind, LIT_BOOL);
    assert_true(o->rows->items[0].items[0].bool_value);
    assert_string_equal(o->rows->items[1].items[0].text, "2.5");
    assert_int_equal(op_at(f, 2)->kind, OP_CREATE_TABLE);
    o = op_at(f, 3);
    assert_string_equal(o->table_name, "v");
    assert_string_equal(o->rows->items[0].items[0].text, "it's");
}

static void test_imports_resolve(void **state) {
    fixture *f = *state;
    convert_ok(f, "from alembic import op as operations\nimport sqlalchemy\nfrom sqlalchemy import Column, Integer as Int\n",
               "    operations.add_column('t', Column('a', Int(), nullable=True))\n"
               "    operations.add_column('t', sqlalchemy.Column('b', sqlalchemy.types.Text()))\n",
               NULL);
    assert_int_equal(op_at(f, 0)->column->type.kind, TYPE_INTEGER);
    assert_int_equal(op_at(f, 1)->column->type.kind, TYPE_TEXT);
}

/* ------------------------------------------------------------ refusals */

/* sa.Enum / postgresql.ENUM with their labels, and autocommit_block. */
static void test_enum_types(void **state) {
    fixture *f = *state;
    convert_ok(f, "from sqlalchemy.dialects import postgresql\n",
               "    op.create_table('job', sa.Column('s', sa.Enum('a', 'bb', name='st')),\n"
               "        sa.Column('p', postgresql.ENUM('x', name='pt', create_type=False)),\n"
               "        sa.Column('n', sa.Enum('abc', name='nt', native_enum=False)))\n"
               "    with op.get_context().autocommit_block():\n"
               "        op.execute(\"ALTER TYPE st ADD VALUE 'c'\")\n"
               "    op.execute('SELECT 1')\n",
               dialect_postgresql());
    const table *t = op_at(f, 0)->table;
    const col_type *s = &t->columns.items[0]->type;
    assert_int_equal(s->kind, TYPE_ENUM);
    assert_string_equal(s->enumeration->name, "st");
    assert_int_equal(s->enumeration->labels.len, 2);
    assert_string_equal(s->enumeration->labels.items[1].label, "bb");
    assert_true(s->enumeration->create_with_table);         /* sa.Enum: SQLAlchemy creates it */
    const col_type *p = &t->columns.items[1]->type;
    assert_int_equal(p->kind, TYPE_ENUM);
    assert_false(p->enumeration->create_with_table);        /* create_type=False */
    const col_type *n = &t->columns.items[2]->type;
    assert_int_equal(n->kind, TYPE_STRING);                  /* native_enum=False: a VARCHAR */
    assert_int_equal(n->length, 3);
    assert_false(op_at(f, 0)->autocommit);
    assert_true(op_at(f, 1)->autocommit);
    assert_false(op_at(f, 2)->autocommit);

    /* On SQLite, the labels' VARCHAR */
    convert_ok(f, NULL, "    op.add_column('t', sa.Column('s', sa.Enum('a', 'bbb', name='st')))\n", NULL);
    assert_int_equal(op_at(f, 0)->column->type.kind, TYPE_ENUM);
    assert_int_equal(enum_type_max_length(op_at(f, 0)->column->type.enumeration), 3);

    static const struct { const char *body; int column; const char *message; } bad[] = {
        {"    op.add_column('t', sa.Column('s', sa.Enum('a', 2, name='e')))\n", 52,
         "sa.Enum(): a label must be a string literal"},
        {"    op.add_column('t', sa.Column('s', sa.Enum('a')))\n", 39, "sa.Enum() needs name=: PostgreSQL's enum types have names"},
        {"    op.add_column('t', sa.Column('s', sa.Enum('a', name='e', create_constraint=True)))\n", 80,
         "sa.Enum(create_constraint=True): the CHECK constraint it makes is not supported"},
        {"    with op.get_context().autocommit_block() as x:\n        op.execute('SELECT 1')\n", 5,
         "`with op.get_context().autocommit_block() as x:`: the block gives no value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        diag_list_free(&f->dl);
        diag_list_init(&f->dl);
        if (convert(f, "from sqlalchemy.dialects import postgresql\n", bad[i].body, dialect_postgresql()) != -1)
            fail_msg("accepted: %s", bad[i].body);
        assert_int_equal(f->dl.items.len, 1);
        assert_string_equal(f->dl.items.items[0].message, bad[i].message);
        assert_int_equal(f->dl.items.items[0].loc.column, bad[i].column);
    }
}

static void test_errors(void **state) {
    fixture *f = *state;
    assert_int_equal(convert(f, NULL, "    op.drop_table('a')\n    conn = op.get_bind()\n", NULL), -1);
    assert_error(f, BODY_LINE(2), 12, "retort cannot run op.get_bind()");

    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    assert_int_equal(convert(f, NULL, "    op.create_index('ix', 't', ['a'], unqiue=True)\n", NULL), -1);
    assert_error(f, BODY_LINE(1), 39, "op.create_index(): retort does not understand the argument 'unqiue' "
                                      "(did you mean 'unique'?)");

    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    assert_int_equal(convert(f, NULL, "    op.add_column('t', sa.Column('a', sa.PickleType()))\n", NULL), -1);
    assert_error(f, BODY_LINE(1), 39, "retort does not know the column type sa.PickleType");

    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    assert_int_equal(convert(f, NULL, "    op.execute('x')\n    for x in y:\n        pass\n", NULL), -1);
    assert_error(f, BODY_LINE(2), 5, "retort cannot run a for loop in a migration");

    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    assert_int_equal(convert(f, NULL, "    op.drop_constraint('c', 't', type_='index')\n", NULL), -1);
    assert_error(f, BODY_LINE(1), 40, "drop_constraint() takes type_='unique', 'foreignkey', 'check' or 'primary' "
                                      "(not 'index')");

    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    assert_int_equal(convert(f, NULL, "    helper()\n", NULL), -1);
    assert_error(f, BODY_LINE(1), 5, "retort cannot run helper() in a migration: only op.* calls");

    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    assert_int_equal(convert(f, "from app import models\n", "    pass\n", NULL), -1);
    assert_error(f, 3, 1, "retort cannot run an import of 'app' (application code) in a migration");

    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    assert_int_equal(convert(f, NULL, "    op.bulk_insert(t, [{'a': x}])\n", NULL), -1);
    assert_error(f, BODY_LINE(1), 20, "op.bulk_insert() takes a sa.table('name', sa.column('a'), ...) retort can read");

    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    assert_int_equal(convert(f, NULL, "    op.bulk_insert(sa.table('t', sa.column('a')), [{'a': sa.func.now()}])\n",
                             NULL), -1);
    assert_error(f, BODY_LINE(1), 58, "a value of op.bulk_insert() must be a string, a number, True, False or None");
}

/* schema= on every op: None, or the one schema retort migrates ([retort]
** schema, public by default), give the ops written without it; another
** schema is an error at the value, whose hint is the Alembic fallback; on
** SQLite only None.  A foreign key target may be 'schema.table.column'. */
static void test_schema_keyword(void **state) {
    fixture *f = *state;
    static const char *const with =
        "    op.create_table('t', sa.Column('id', sa.Integer(), nullable=False),\n"
        "                    sa.Column('u', sa.Integer(), sa.ForeignKey('app.u.id')),\n"
        "                    sa.ForeignKeyConstraint(['u'], ['app.u.id'], name='fk2'),\n"
        "                    sa.PrimaryKeyConstraint('id'), schema='app')\n"
        "    op.add_column('t', sa.Column('a', sa.Integer()), schema='app')\n"
        "    op.alter_column('t', 'a', nullable=False, schema='app')\n"
        "    op.drop_column('t', 'a', schema=S)\n"
        "    op.create_index('ix', 't', ['u'], schema='app')\n"
        "    op.drop_index('ix', table_name='t', schema='app')\n"
        "    op.create_unique_constraint('uq', 't', ['u'], schema='app')\n"
        "    op.create_check_constraint('ck', 't', 'u > 0', schema='app')\n"
        "    op.create_foreign_key('fk', 't', 'u', ['u'], ['id'], source_schema='app', referent_schema='app')\n"
        "    op.drop_constraint('fk', 't', type_='foreignkey', schema='app')\n"
        "    op.create_table_comment('t', 'c', schema='app')\n"
        "    op.drop_table_comment('t', schema='app')\n"
        "    op.bulk_insert(sa.table('t', sa.column('id'), schema='app'), [{'id': 1}])\n"
        "    with op.batch_alter_table('t', schema='app') as b:\n"
        "        b.drop_column('u')\n"
        "    op.rename_table('t', 't2', schema='app')\n"
        "    op.drop_table('t2', schema=None)\n";
    f->schema = "app";
    convert_ok(f, "S = 'app'\n", with, dialect_postgresql());
    assert_int_equal(f->ops->ops.len, 16);
    const op *ct = op_at(f, 0);
    assert_int_equal(ct->kind, OP_CREATE_TABLE);
    assert_int_equal(ct->table->foreign_keys.len, 2);
    assert_string_equal(ct->table->foreign_keys.items[0]->ref_table, "u");
    assert_string_equal(ct->table->foreign_keys.items[1]->ref_table, "u");
    assert_int_equal(op_at(f, 15)->kind, OP_DROP_TABLE);
    /* the default schema is no schema in the IR */
    for (size_t i = 0; i < f->ops->ops.len; i++) assert_null(op_at(f, i)->schema);

    /* public when [retort] schema is not set */
    f->schema = NULL;
    convert_ok(f, NULL, "    op.drop_table('t', schema='public')\n", dialect_postgresql());
    assert_null(op_at(f, 0)->schema);

    /* Any other schema is the op's: the table, the foreign-key targets,
    ** batch blocks, bulk inserts, enum types; a move is read back from the
    ** statement the renderers write. */
    f->schema = "app";
    convert_ok(f, "from sqlalchemy.dialects import postgresql\n",
               "    op.create_table('t', sa.Column('u', sa.Integer(), sa.ForeignKey('other.u.id')),\n"
               "                    sa.Column('e', postgresql.ENUM('a', name='e', schema='other', create_type=False)),\n"
               "                    sa.ForeignKeyConstraint(['u'], ['app.v.id']), schema='audit')\n"
               "    op.create_foreign_key('fk', 't', 'u', ['u'], ['id'], source_schema='audit', referent_schema='other')\n"
               "    with op.batch_alter_table('t', schema='audit') as b:\n"
               "        b.drop_column('u')\n"
               "    op.bulk_insert(sa.table('t', sa.column('id'), schema='audit'), [{'id': 1}])\n"
               "    op.execute('ALTER TABLE \"app\".t SET SCHEMA \"Audit\"')\n"
               "    op.execute('ALTER TABLE audit.t SET SCHEMA app')\n"
               "    op.execute('ALTER TABLE t SET SCHEMA audit; SELECT 1')\n",
               dialect_postgresql());
    assert_int_equal(f->ops->ops.len, 7);
    ct = op_at(f, 0);
    assert_string_equal(ct->schema, "audit");
    assert_string_equal(ct->table->schema, "audit");
    assert_string_equal(ct->table->foreign_keys.items[0]->ref_schema, "other");
    assert_null(ct->table->foreign_keys.items[1]->ref_schema);     /* app is the default */
    assert_string_equal(ct->table->columns.items[1]->type.enumeration->schema, "other");
    assert_string_equal(op_at(f, 1)->schema, "audit");
    assert_string_equal(op_at(f, 1)->fk->ref_schema, "other");
    assert_string_equal(op_at(f, 2)->schema, "audit");
    assert_string_equal(op_at(f, 2)->batch->schema, "audit");
    assert_string_equal(op_at(f, 3)->schema, "audit");
    const op *mv = op_at(f, 4);
    assert_int_equal(mv->kind, OP_SET_TABLE_SCHEMA);
    assert_null(mv->old_schema);
    assert_string_equal(mv->schema, "Audit");
    assert_string_equal(mv->table_name, "t");
    mv = op_at(f, 5);
    assert_int_equal(mv->kind, OP_SET_TABLE_SCHEMA);
    assert_string_equal(mv->old_schema, "audit");
    assert_null(mv->schema);
    assert_int_equal(op_at(f, 6)->kind, OP_EXECUTE);    /* two statements: raw SQL */

    static const struct {
        const char *schema, *body;
        bool sqlite;
        int column;
        const char *message;
    } bad[] = {
        {"app", "    op.add_column('t', sa.Column('a', sa.Integer()), schema='other')\n", true, 61,
         "schema='other': SQLite has no schemas, and retort migrates the main database only"},
        {NULL, "    op.create_foreign_key('fk', 't', 'u', ['u'], ['id'], referent_schema='app')\n", true, 74,
         "referent_schema='app': SQLite has no schemas, and retort migrates the main database only"},
        {"app", "    op.create_table('t', sa.Column('u', sa.Integer(), sa.ForeignKey('x.u.id')))\n", true, 55,
         "the foreign key target 'x.u.id' is in schema 'x': SQLite has no schemas, and retort migrates the main "
         "database only"},
        {"app", "    with op.batch_alter_table('t', schema='main') as b:\n        b.drop_column('u')\n", true, 43,
         "schema='main': SQLite has no schemas, and retort migrates the main database only"},
        {"app", "    op.drop_table('t', schema=sa.text('x'))\n", false, 31, "schema= must be a string or None"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        diag_list_free(&f->dl);
        diag_list_init(&f->dl);
        f->schema = bad[i].schema;
        assert_int_equal(convert(f, NULL, bad[i].body, bad[i].sqlite ? dialect_sqlite() : dialect_postgresql()), -1);
        assert_int_equal(f->dl.items.len, 1);
        const diag *d = &f->dl.items.items[0];
        assert_string_equal(d->message, bad[i].message);
        assert_int_equal(d->loc.line, BODY_LINE(1));
        assert_int_equal(d->loc.column, bad[i].column);
        assert_non_null(d->hint);
        if (i < 4) assert_non_null(strstr(d->hint, "alembic_fallback = true"));
    }
}

/* drop_constraint without type_: an op whose kind the runner learns from
** the database (kind_unknown), carrying the name; with type_, its kind. */
static void test_drop_constraint_kinds(void **state) {
    fixture *f = *state;
    convert_ok(f, NULL,
               "    op.drop_constraint('c', 't')\n"
               "    op.drop_constraint('k', 't', type_='check')\n"
               "    with op.batch_alter_table('t') as b:\n"
               "        b.drop_constraint('fk')\n", NULL);
    assert_int_equal(f->ops->ops.len, 3);
    op *o = &f->ops->ops.items[0];
    assert_true(o->kind_unknown);
    assert_string_equal(o->old_name, "c");
    assert_string_equal(o->table_name, "t");
    migration_op_set_drop_kind(o, OP_DROP_FOREIGN_KEY);
    assert_false(o->kind_unknown);
    assert_int_equal(o->kind, OP_DROP_FOREIGN_KEY);
    assert_string_equal(o->fk->name, "c");
    assert_null(o->unique);
    assert_null(o->check);
    assert_null(o->pk);
    const op *k = op_at(f, 1);
    assert_false(k->kind_unknown);
    assert_int_equal(k->kind, OP_DROP_CHECK);
    assert_string_equal(k->check->name, "k");
    assert_null(k->unique);
    const op *b = op_at(f, 2);
    assert_true(b->kind_unknown);
    assert_non_null(b->batch);
    assert_string_equal(b->table_name, "t");
}

/* `a if c else b`: the branch c chooses, when c is a literal or a name of
** one (Python's truth: 0, '', [], None are false); through names and in
** arguments; the branch not taken is not read. */
static void test_conditional_expressions(void **state) {
    fixture *f = *state;
    convert_ok(f, "USE_TEXT = True\nLEN = 0\nNAME = ''\n",
               "    kind = sa.Text() if USE_TEXT else sa.String(20)\n"
               "    op.add_column('t', sa.Column('x', kind, nullable=False if LEN else True))\n"
               "    op.execute('SELECT 1') if USE_TEXT else None\n"
               "    op.execute('SELECT 2') if NAME else None\n"
               "    op.create_index('ix', 't', ['a'] if [] else ['b'])\n"
               "    op.drop_table('t1' if 0x0 else 't2' if 1.5 else 't3')\n"
               "    op.drop_table('u1' if None else 'u2' if (\n"
               "        'yes') else helper())\n"
               "    op.execute(sa.text('x') if 0.0 else 'y' if {} else (\n"
               "        'z'))\n",
               NULL);
    assert_int_equal(f->ops->ops.len, 6);
    const op *o = op_at(f, 0);
    assert_int_equal(o->kind, OP_ADD_COLUMN);
    assert_int_equal(o->column->type.kind, TYPE_TEXT);
    assert_true(o->column->nullable);
    assert_string_equal(op_at(f, 1)->sql, "SELECT 1");
    assert_string_equal(op_at(f, 2)->index->columns.items[0], "b");
    assert_string_equal(op_at(f, 3)->table_name, "t2");
    assert_string_equal(op_at(f, 4)->table_name, "u2");
    assert_string_equal(op_at(f, 5)->sql, "z");
}

/* A condition only Python can evaluate: one error, at the condition, that
** says so and what to do. */
static void test_conditional_on_runtime_values(void **state) {
    fixture *f = *state;
    static const struct {
        const char *header, *body, *message;
        int line, column;
    } cases[] = {
        {NULL, "    op.drop_table('a' if context.is_offline_mode() else 'b')\n",
         "retort does not evaluate this conditional expression: its condition is a call, a value known only when "
         "Python runs", BODY_LINE(1), 26},
        {NULL, "    kind = sa.JSON() if op.get_bind().dialect.name == 'postgresql' else sa.Text()\n"
               "    op.add_column('t', sa.Column('x', kind))\n",
         "retort does not evaluate this conditional expression: its condition is an attribute of a call or a "
         "literal, which retort does not compute", BODY_LINE(1), 25},
        {"IS_PG = is_postgres()\n", "    op.add_column('t', sa.Column('x', sa.Text(), nullable=True if IS_PG else False))\n",
         "retort does not evaluate this conditional expression: its condition is a call, a value known only when "
         "Python runs", BODY_LINE(1) + 1, 67},
        {NULL, "    op.drop_table('a' if MISSING else 'b')\n",
         "retort does not evaluate this conditional expression: its condition is 'MISSING', which this file does "
         "not assign a literal", BODY_LINE(1), 26},
        {"X = 1\n", "    op.drop_table('a' if X == 1 else 'b')\n",
         "retort does not evaluate this conditional expression: its condition is a comparison, which retort does "
         "not compute", BODY_LINE(1) + 1, 26},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        diag_list_free(&f->dl);
        diag_list_init(&f->dl);
        assert_int_equal(convert(f, cases[i].header, cases[i].body, NULL), -1);
        if (f->dl.items.len != 1) {
            diag_print(&f->dl, stderr);
            fail_msg("case %zu: %zu diagnostics", i, f->dl.items.len);
        }
        const diag *d = &f->dl.items.items[0];
        if (strcmp(d->message, cases[i].message) || d->loc.line != cases[i].line || d->loc.column != cases[i].column)
            fail_msg("case %zu: %d:%d '%s'", i, d->loc.line, d->loc.column, d->message);
        assert_non_null(strstr(d->hint, "python3 -m alembic"));
        assert_non_null(strstr(d->hint, "rewrite"));
        assert_null(f->ops);
    }
    /* Not a syntax error: a conditional whose condition is unsupported does
    ** not refuse what does not use it. */
    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    convert_ok(f, "KIND = sa.JSON() if os.environ.get('PG') else sa.Text()\n", "    op.drop_table('t')\n", NULL);
    assert_int_equal(f->ops->ops.len, 1);
}

/* Standard-library imports are not errors; a value they compute is, where
** a literal is needed, named as such. */
static void test_stdlib_imports(void **state) {
    fixture *f = *state;
    convert_ok(f, "import enum\nimport json, uuid\nimport datetime\nfrom datetime import datetime as dt, timezone\n"
                  "import os.path\nNOW = dt.utcnow()\n",
               "    op.add_column('t', sa.Column('at', sa.DateTime(), default=datetime.datetime.utcnow,\n"
               "                                 onupdate=dt.now))\n",
               NULL);
    assert_int_equal(f->ops->ops.len, 1);
    static const struct {
        const char *header, *body, *message;
        int line, column;
    } cases[] = {
        {"import datetime\n",
         "    op.bulk_insert(sa.table('t', sa.column('at')), [{'at': datetime.datetime(2020, 1, 1)}])\n",
         "a value of op.bulk_insert() must be a string, a number, True, False or None, not "
         "datetime.datetime(...): a value Python's datetime module computes when the migration runs",
         BODY_LINE(1) + 1, 60},
        {"from uuid import uuid4\n", "    op.execute(uuid4())\n",
         "the SQL of op.execute() must be a string or sa.text('...'), not uuid4(...): a value Python's uuid module "
         "computes when the migration runs", BODY_LINE(1) + 1, 16},
        {"import json\nDOC = json.dumps({'a': 1})\n", "    op.create_table_comment('t', DOC)\n",
         "a table comment must be a string literal, not json.dumps(...): a value Python's json module computes "
         "when the migration runs", 4, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        diag_list_free(&f->dl);
        diag_list_init(&f->dl);
        assert_int_equal(convert(f, cases[i].header, cases[i].body, NULL), -1);
        if (f->dl.items.len != 1) {
            diag_print(&f->dl, stderr);
            fail_msg("case %zu: %zu diagnostics", i, f->dl.items.len);
        }
        const diag *d = &f->dl.items.items[0];
        if (strcmp(d->message, cases[i].message) || d->loc.line != cases[i].line || d->loc.column != cases[i].column)
            fail_msg("case %zu: %d:%d '%s'", i, d->loc.line, d->loc.column, d->message);
        assert_non_null(strstr(d->hint, "write the value"));
    }
    /* Application code is still refused. */
    diag_list_free(&f->dl);
    diag_list_init(&f->dl);
    assert_int_equal(convert(f, "import myapp.models\n", "    pass\n", NULL), -1);
    assert_error(f, 3, 8, "retort cannot run an import of 'myapp.models' (application code) in a migration");
}

static void test_several_errors(void **state) {
    fixture *f = *state;
    assert_int_equal(convert(f, NULL, "    op.foo()\n    op.execute('ok')\n    op.bar()\n", NULL), -1);
    assert_int_equal(f->dl.items.len, 2);
    assert_string_equal(f->dl.items.items[0].message, "retort cannot run op.foo()");
    assert_string_equal(f->dl.items.items[1].message, "retort cannot run op.bar()");
    assert_null(f->ops);
}

static void test_misspelled_operation(void **state) {
    fixture *f = *state;
    assert_int_equal(convert(f, NULL, "    op.add_colum('t', sa.Column('a', sa.Integer()))\n", NULL), -1);
    assert_int_equal(f->dl.items.len, 1);
    const diag *d = &f->dl.items.items[0];
    assert_string_equal(d->message, "unknown operation op.add_colum()");
    assert_int_equal(d->loc.line, BODY_LINE(1));
    assert_int_equal(d->loc.column, 5);
    assert_string_equal(d->hint, "did you mean op.add_column()? (Alembic has no op.add_colum either)");
    assert_null(f->ops);
}

static void test_data_migration_file(void **state) {
    fixture *f = *state;
    migration_file *m = NULL;
    assert_int_equal(migration_parse_file(f->a, TEST_DATA "/migrations/data_migration.py", &m, &f->dl), 0);
    assert_int_equal(migration_file_ops(m, MIGRATE_UPGRADE, dialect_sqlite(), NULL, &f->ops, &f->dl), 0);
    static const op_kind up[] = {OP_ADD_COLUMN, OP_EXECUTE, OP_EXECUTE, OP_ALTER_COLUMN,
                                 OP_BULK_INSERT, OP_EXECUTE, OP_CREATE_INDEX};
    assert_int_equal(f->ops->ops.len, 7);
    for (size_t i = 0; i < 7; i++) assert_int_equal(op_at(f, i)->kind, up[i]);
    assert_string_equal(op_at(f, 1)->sql, "UPDATE users SET status = 'active'");
    assert_string_equal(op_at(f, 2)->sql, "UPDATE users SET email = lower(email) WHERE email <> lower(email)");
    assert_int_equal(op_at(f, 0)->column->type.length, 20);
    assert_true(op_at(f, 0)->column->nullable);
    assert_int_equal(op_at(f, 4)->insert_columns->len, 3);
    assert_int_equal(op_at(f, 4)->rows->items[2].items[2].kind, LIT_NULL);
    assert_string_equal(op_at(f, 6)->batch->recreate, "auto");
    migration_ops_free(f->ops);
    f->ops = NULL;
    assert_int_equal(migration_file_ops(m, MIGRATE_DOWNGRADE, dialect_sqlite(), NULL, &f->ops, &f->dl), 0);
    assert_int_equal(f->ops->ops.len, 3);
    assert_int_equal(op_at(f, 0)->kind, OP_DROP_INDEX);
    assert_string_equal(op_at(f, 0)->table_name, "users");
    assert_int_equal(op_at(f, 2)->kind, OP_DROP_COLUMN);
}

/* ----------------------------------------------------------- round trip */

/* Read a golden file retort rendered, render its upgrade ops again with
** the same header: the same bytes (downgrade = inverses of the ops). */
static void round_trip(fixture *f, const char *name, bool batch) {
    const char *path = arena_printf(f->a, "%s/tests/golden/render/%s", SOURCE_DIR, name);
    migration_file *m = NULL;
    assert_int_equal(migration_parse_file(f->a, path, &m, &f->dl), 0);
    migration_ops_free(f->ops);
    f->ops = NULL;
    assert_int_equal(migration_file_ops(m, MIGRATE_UPGRADE, dialect_sqlite(), NULL, &f->ops, &f->dl), 0);
    char *text = read_file(path, NULL);
    const char *first_nl = strchr(m->docstring, '\n');
    render_options opt = {0};
    opt.message = arena_strndup(f->a, m->docstring, (size_t)(first_nl - m->docstring));
    opt.revision = m->revision;
    opt.down_revisions = &m->down_revisions;
    const char *cd = strstr(m->docstring, "Create Date: ") + 13;
    opt.create_date = arena_strndup(f->a, cd, strcspn(cd, "\n"));
    opt.branch_labels = &m->branch_labels;
    opt.depends_on = &m->depends_on;
    opt.batch = batch;
    opt.autogenerate = true;
    char *again = render_python(f->ops, &opt);
    assert_string_equal(again, text);
    free(again);
    free(text);
}

static void test_round_trip(void **state) {
    fixture *f = *state;
    round_trip(f, "r1_create_all.py", false);
    round_trip(f, "create_all_batch.py", true);
    round_trip(f, "r3_rename_table.py", false);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_table_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_simple_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alter_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_postgresql_using, setup, teardown),
        cmocka_unit_test_setup_teardown(test_citext_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_features, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_insert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_imports_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enum_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_keyword, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drop_constraint_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conditional_expressions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conditional_on_runtime_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stdlib_imports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_several_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misspelled_operation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_migration_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
