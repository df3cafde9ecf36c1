"Adjacent " 'literals ' """join, and a

second paragraph, in a CRLF file with a BOM""" \
    " (continued)"
from alembic import op

revision = 'doc000000004'
down_revision = 'doc000000003'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
