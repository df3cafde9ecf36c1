"""A reference schema of what real projects hold, built by SQLAlchemy itself,
and a dump of what a database's catalog says about a schema (tests only).

usage: reference_schema.py create URL   build it with metadata.create_all()
       reference_schema.py catalog URL  print the catalog, one fact a line
(a sqlite:// URL gets the SQLite schema: what SQLite has of the above)

The schema has an item of every kind retort models (issue #15): enum types
(and an ARRAY of one), ARRAY, JSONB, native UUID, INET, CIDR, MACADDR,
TSVECTOR, identity columns, generated columns, expression indexes, DESC /
NULLS keys, an operator class, gin, INCLUDE, a partial index, checks,
unique constraints, composite and self-referencing foreign keys with
actions, comments, server defaults; and a second schema, `reporting`, with
its own enum type, an index named as one in public, and foreign keys both
ways across the schemas (create makes the schema; so must whoever runs the
migrations).  The catalog dump is what the test
compares between the database create_all built and one that migrations
built: format_type(), defaults as pg_get_expr() prints them, identity and
generation, pg_get_constraintdef(), pg_get_indexdef(), the enum labels in
pg_enum order, comments.  Written for SQLAlchemy 1.4 and 2.x alike.
"""
import sys

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData()

status = postgresql.ENUM("pending", "running", "done", name="job_status")
priority = postgresql.ENUM("low", "normal", "high", name="priority_level")

sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(always=True, start=100, increment=10), primary_key=True),
    sa.Column("email", sa.String(255), nullable=False, comment="Login e-mail"),
    sa.Column("name", sa.Text, nullable=False, server_default=""),
    sa.Column("profile", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("external_id", postgresql.UUID, nullable=True),
    sa.Column("last_ip", postgresql.INET, nullable=True),
    sa.Column("network", postgresql.CIDR, nullable=True),
    sa.Column("mac", postgresql.MACADDR, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("length(email) > 3", name="ck_accounts_email_length"),
    sa.UniqueConstraint("external_id", name="uq_accounts_external_id"),
    comment="Who logs in",
)
sa.Index("ix_accounts_email_lower", sa.func.lower(metadata.tables["accounts"].c.email), unique=True)
sa.Index("ix_accounts_name_prefix", metadata.tables["accounts"].c.name,
         postgresql_ops={"name": "text_pattern_ops"})
sa.Index("ix_accounts_profile", metadata.tables["accounts"].c.profile, postgresql_using="gin")

sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.Integer, sa.Identity(start=1), primary_key=True),
    sa.Column("account_id", sa.BigInteger, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True),
    sa.Column("status", status, nullable=False, server_default="pending"),
    sa.Column("priorities", postgresql.ARRAY(priority), nullable=True),
    sa.Column("tags", postgresql.ARRAY(sa.String(50)), nullable=False, server_default=sa.text("'{}'")),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("title_length", sa.Integer, sa.Computed("length((title)::text)", persisted=True)),
    sa.Column("search", postgresql.TSVECTOR, nullable=True),
    sa.Column("price", sa.Numeric(12, 2), nullable=False, server_default="0"),
    sa.Column("quantity", sa.Integer, nullable=False, server_default="1"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("quantity > 0", name="ck_jobs_quantity"),
    sa.CheckConstraint("status IN ('pending', 'running', 'done')", name="ck_jobs_status_known"),
)
jobs = metadata.tables["jobs"]
sa.Index("ix_jobs_account_id", jobs.c.account_id)
sa.Index("ix_jobs_recent", jobs.c.created_at.desc().nulls_last(), jobs.c.id)
sa.Index("ix_jobs_open", jobs.c.status, postgresql_where=sa.text("closed_at IS NULL"),
         postgresql_include=["title"])
sa.Index("ix_jobs_search", jobs.c.search, postgresql_using="gin")
sa.Index("ix_jobs_total", jobs.c.price * jobs.c.quantity)

# A second schema: a table named as none in public, one named as public's
# jobs, an enum type of its own, keys across the schemas both ways.
period = postgresql.ENUM("day", "week", "month", name="period", schema="reporting")
sa.Table(
    "totals", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.BigInteger, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("period", period, nullable=False, server_default="day"),
    sa.Column("amount", sa.Numeric(12, 2), nullable=False, server_default="0"),
    sa.CheckConstraint("amount >= 0", name="ck_totals_amount"),
    schema="reporting",
    comment="Per-account totals",
)
sa.Index("ix_totals_account_id", metadata.tables["reporting.totals"].c.account_id)
sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("total_id", sa.Integer, sa.ForeignKey("reporting.totals.id"), nullable=True),
    sa.Column("title", sa.String(200), nullable=False),
    schema="reporting",
)
sa.Index("ix_jobs_account_id", metadata.tables["reporting.jobs"].c.total_id)

sa.Table(
    "job_items", metadata,
    sa.Column("job_id", sa.Integer, nullable=False),
    sa.Column("position", sa.SmallInteger, nullable=False),
    sa.Column("sku", sa.String(40), nullable=False),
    sa.PrimaryKeyConstraint("job_id", "position", name="pk_job_items"),
    sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name="fk_job_items_job", ondelete="CASCADE",
                            onupdate="CASCADE"),
    sa.Column("total_id", sa.Integer, sa.ForeignKey("reporting.totals.id", ondelete="SET NULL"), nullable=True),
    sa.UniqueConstraint("job_id", "sku", name="uq_job_items_sku"),
)

# What SQLite has of it: sa.Enum (a VARCHAR there), a virtual generated
# column, expression, DESC and partial indexes, checks, keys.
sqlite_metadata = sa.MetaData()
sa.Table(
    "jobs", sqlite_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("jobs.id", ondelete="SET NULL", name="fk_jobs_parent"),
              nullable=True),
    sa.Column("status", sa.Enum("pending", "running", "done", name="job_status"), nullable=False,
              server_default="pending"),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("title_length", sa.Integer, sa.Computed("length(title)", persisted=False)),
    sa.Column("price", sa.Numeric(12, 2), nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    sa.Column("closed_at", sa.DateTime, nullable=True),
    sa.CheckConstraint("price >= 0", name="ck_jobs_price"),
    sa.UniqueConstraint("title", "parent_id", name="uq_jobs_title"),
)
sqlite_jobs = sqlite_metadata.tables["jobs"]
sa.Index("ix_jobs_title_lower", sa.func.lower(sqlite_jobs.c.title), unique=True)
sa.Index("ix_jobs_recent", sqlite_jobs.c.created_at.desc(), sqlite_jobs.c.id)
sa.Index("ix_jobs_open", sqlite_jobs.c.status, sqlite_where=sa.text("closed_at IS NULL"))

# The catalogs leave out the bookkeeping tables: alembic_version, and the
# table of applied checksums retort's runner keeps beside it (docs/ci.md).
SQLITE_CATALOG = [
    """SELECT type || ' ' || name || ' ' || coalesce(sql, '-') FROM sqlite_master
       WHERE name NOT LIKE 'sqlite_%' AND name NOT IN ('alembic_version', 'retort_migrations')""",
    """SELECT 'column ' || m.name || '.' || p.name || ' ' || p.type || ' ' || p."notnull" || ' '
              || coalesce(p.dflt_value, '-') || ' ' || p.pk || ' ' || p.hidden
       FROM sqlite_master m, pragma_table_xinfo(m.name) p
       WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT IN ('alembic_version', 'retort_migrations')""",
]

CATALOG = [
    # enum types and their labels, in order
    """SELECT 'enum ' || t.oid::regtype::text || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname IN ('public', 'reporting') GROUP BY t.oid""",
    # tables and their comments
    """SELECT 'table ' || c.oid::regclass::text || ' ' || coalesce(obj_description(c.oid, 'pg_class'), '-')
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'reporting') AND c.relkind = 'r' AND c.relname NOT IN ('alembic_version', 'retort_migrations')""",
    # columns: type, null, default, identity (with its sequence), generation, comment
    """SELECT 'column ' || c.oid::regclass::text || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
              || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
              || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
              || CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default'
                                    ELSE '' END
              || coalesce(' start ' || s.seqstart || ' increment ' || s.seqincrement, '')
              || CASE a.attgenerated WHEN 's' THEN ' stored' ELSE '' END
              || coalesce(' comment ' || col_description(c.oid, a.attnum), '')
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_sequence s ON s.seqrelid = pg_get_serial_sequence(c.oid::regclass::text, a.attname)::regclass
                               AND a.attidentity <> ''
       WHERE n.nspname IN ('public', 'reporting') AND c.relkind = 'r' AND c.relname NOT IN ('alembic_version', 'retort_migrations')
         AND a.attnum > 0 AND NOT a.attisdropped""",
    # constraints, by name
    """SELECT 'constraint ' || c.oid::regclass::text || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'reporting') AND c.relname NOT IN ('alembic_version', 'retort_migrations') AND con.contype IN ('p', 'u', 'f', 'c', 'x')""",
    # indexes, by name
    """SELECT 'index ' || pg_get_indexdef(i.indexrelid)
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'reporting') AND c.relname NOT IN ('alembic_version', 'retort_migrations')""",
]


def main():
    what, url = sys.argv[1], sys.argv[2]
    engine = sa.create_engine(url)
    sqlite = url.startswith("sqlite")
    if what == "create":
        if not sqlite:
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE SCHEMA IF NOT EXISTS reporting"))
        (sqlite_metadata if sqlite else metadata).create_all(engine)
        return
    lines = []
    with engine.connect() as conn:
        for q in SQLITE_CATALOG if sqlite else CATALOG:
            lines.extend(row[0] for row in conn.execute(sa.text(q)))
    if sqlite:
        # A CREATE TABLE's column and constraint lines in name order: the
        # order SQLite keeps them in means nothing, and Alembic's create_table
        # writes the constraints in another order than create_all.
        def by_lines(sql):
            head, _, body = sql.partition("(\n")
            if not body:
                return sql
            body, _, tail = body.rpartition("\n)")
            parts = sorted(p.strip().rstrip(",").strip() for p in body.split("\n"))
            return head + "(\n\t" + ",\n\t".join(parts) + "\n)" + tail
        lines = [by_lines(line) for line in lines]
    for line in sorted(lines):
        print(line)


main()
