revision = 'smart0000001'
down_revision = None


def upgrade():
    op.execute(“DROP TABLE t”)
