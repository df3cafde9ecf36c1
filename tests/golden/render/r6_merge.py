"""merge \"\"\"heads\"\"\" C:\\tmp

Revision ID: aaaaaaaaaaa6
Revises: aaaaaaaaaaa4, aaaaaaaaaaa5
Create Date: 2025-11-05 19:03:12.345678

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aaaaaaaaaaa6'
down_revision = ('aaaaaaaaaaa4', 'aaaaaaaaaaa5')
branch_labels = ('release',)
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
