"""create_schema.py — build the benchmark schema in a database.

  /usr/bin/python3 create_schema.py PROJECT_DIR URL

Imports PROJECT_DIR/metadata.py (written by gen_models.py) and runs
metadata.create_all() on URL: the "database that already has the schema" of
the no-change benchmark.  It writes no alembic_version table.  One
transaction, and no "does it exist" query per table (checkfirst=False: the
database is new), which at 10,000 tables on SQLite is most of create_all's
time; on PostgreSQL the transaction takes a lock per table
(max_locks_per_transaction, see run.sh).
"""
import sys

import sqlalchemy as sa

sys.setrecursionlimit(100000)   # sorting a 1,000-deep chain of tables
sys.path.insert(0, sys.argv[1])
from metadata import metadata  # noqa: E402

engine = sa.create_engine(sys.argv[2])
with engine.begin() as conn:
    metadata.create_all(conn, checkfirst=False)
engine.dispose()
