r"""Raw: \"\"\" stays, \\ stays, \n stays, \t too

Revision ID: doc000000002
"""
from alembic import op

revision = 'doc000000002'
down_revision = 'doc000000001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
