"""first thing

Revision ID: aaa111
Revises: 
Create Date: 2026-11-25 15:50:09.489034

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aaa111'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
