"""Run one SQL statement against a SQLAlchemy URL (tests only).

usage: sqlq.py URL SQL
A query prints its first column of every row, one per line; other
statements are committed.  Exits non-zero with the database's error.
"""
import sys

import sqlalchemy as sa

url, sql = sys.argv[1], sys.argv[2]
scheme, sep, rest = url.partition("://")
url = {"postgresql+asyncpg": "postgresql+psycopg2"}.get(scheme, scheme) + sep + rest
engine = sa.create_engine(url)
with engine.begin() as conn:
    result = conn.execute(sa.text(sql))
    if result.returns_rows:
        for row in result:
            print(row[0])
