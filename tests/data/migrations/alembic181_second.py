"""second

Revision ID: bbb222
Revises: aaa111
Create Date: 2026-11-25 15:50:09.788240

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bbb222'
down_revision = 'aaa111'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
