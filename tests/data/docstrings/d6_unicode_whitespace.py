"""\u00a0\u3000 Stripped of Unicode spaces; line\u2028separator, form\x0cfeed, vertical\x0btab, cr\rend;
\\ backslash-newline joins \
these \u00a0\u2003"""
from alembic import op

revision = 'doc000000006'
down_revision = 'doc000000005'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
