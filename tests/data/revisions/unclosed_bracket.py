revision = 'brack0000001'
down_revision = (
    'aaaa00000001',


def upgrade():
    pass
