revision = 'trunc0000001'
down_revision = None


def upgrade():
    op.execute("""
        UPDATE t SET x = 1
