"""things retort cannot run

Revision ID: e0e0e0e0e0e0
Revises: d47a5e0c1f22
Create Date: 2025-11-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from app.models import User

revision = 'e0e0e0e0e0e0'
down_revision = 'd47a5e0c1f22'
branch_labels = None
depends_on = None


def helper(x):
    return x * 2


def upgrade():
    conn = op.get_bind()
    for name in ['a', 'b']:
        op.execute("INSERT INTO t VALUES ('%s')" % name)
    if True:
        op.drop_table('x')
    else:
        pass
    rows = [r for r in range(3)]
    total = 0
    total += 1
    op.execute(f"SELECT {total}")
    cb = lambda: 1
    op.execute(sa.text('x').bindparams(a=1))
    while False:
        pass
    try:
        op.drop_table('y')
    except Exception:
        pass
    op.drop_table('z')


def downgrade():
    op.drop_table('z')
