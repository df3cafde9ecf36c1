"""Quote \"\"\" and backslash \\ in the message,
on two lines of the first paragraph

Revision ID: doc000000001
Revises:
Create Date: 2025-11-05 19:03:12.345678

"""
from alembic import op
import sqlalchemy as sa


revision = 'doc000000001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE t1 (x INTEGER)")


def downgrade() -> None:
    op.execute("DROP TABLE t1")
