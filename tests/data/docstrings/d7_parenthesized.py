(
    "Parenthesized "  # a comment inside
    'docstring'
)
from alembic import op

revision = 'doc000000007'
down_revision = 'doc000000006'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
