"""empty message

Revision ID: aaaaaaaaaaa5
Revises: aaaaaaaaaaa3
Create Date: 2025-11-05 19:03:12.345678

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aaaaaaaaaaa5'
down_revision = 'aaaaaaaaaaa3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
