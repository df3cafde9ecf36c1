from alembic import op

revision = 'doc000000005'
down_revision = 'doc000000004'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
