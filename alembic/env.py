"""Alembic environment for the migrations in alembic/versions/.

retort writes the revision files (`retort revision --autogenerate`) and can
apply them itself; this file lets real Alembic apply the same files
(`python3 -m alembic upgrade head`) on the same alembic_version table.

The database URL is DATABASE_URL when set, else sqlalchemy.url from
alembic.ini.  Migrations run synchronously, so async driver names
(postgresql+asyncpg, sqlite+aiosqlite) are mapped to their synchronous twins.
"""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
if config.config_file_name is not None and config.file_config.has_section("loggers"):
    fileConfig(config.config_file_name)

# retort compares the models with the database itself; Alembic's own
# autogenerate has no metadata to compare and refuses to run.
target_metadata = None

SYNC_DRIVERS = {
    "postgres": "postgresql",
    "postgresql+asyncpg": "postgresql+psycopg2",
    "sqlite+aiosqlite": "sqlite",
}


def database_url():
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    scheme, sep, rest = url.partition("://")
    return SYNC_DRIVERS.get(scheme, scheme) + sep + rest


def version_table_options():
    """[retort] version_table / version_table_schema of alembic.ini: the
    table of revisions retort uses, so that both tools use the same one."""
    fc = config.file_config
    options = {}
    for key in ("version_table", "version_table_schema"):
        if fc.has_option("retort", key) and fc.get("retort", key):
            options[key] = fc.get("retort", key)
    return options


def include_name(name, type_, parent_names):
    """Leave retort's table of applied checksums ([retort] checksum_table,
    default retort_migrations) out of Alembic's autogenerate and check, as
    Alembic leaves its own alembic_version out."""
    fc = config.file_config
    table = "retort_migrations"
    if fc.has_option("retort", "checksum_table") and fc.get("retort", "checksum_table"):
        table = fc.get("retort", "checksum_table")
    return not (type_ == "table" and name == table)


def search_path_options(url):
    """[retort] schema of alembic.ini, on PostgreSQL: the session's
    search_path is that schema (then public), as retort sets it, so that
    tables created without schema= and alembic_version land where retort
    reads them.  libpq's `options` sets it from the first statement on."""
    fc = config.file_config
    schema = fc.get("retort", "schema").strip() if fc.has_option("retort", "schema") else ""
    if not schema or not url.startswith("postgresql"):
        return {}
    def ident(name):
        if name.isidentifier() and name == name.lower() and name.isascii():
            return name
        return '"%s"' % name.replace('"', '""')
    path = ident(schema) if schema == "public" else ident(schema) + ",public"
    return {"connect_args": {"options": "-csearch_path=" + path.replace("\\", "\\\\").replace(" ", "\\ ")}}


def run_migrations_offline():
    """Emit the SQL of the migrations instead of running it (--sql)."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        include_name=include_name,
        **version_table_options(),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations in one transaction on a live connection."""
    section = dict(config.get_section(config.config_ini_section) or {})
    section["sqlalchemy.url"] = database_url()
    connectable = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool,
                                     **search_path_options(section["sqlalchemy.url"]))
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, include_name=include_name,
                          **version_table_options())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
