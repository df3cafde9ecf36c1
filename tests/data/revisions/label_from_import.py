"""A branch label taken from another module"""
from neutron.db.migration import cli

revision = 'neut00000001'
down_revision = None
branch_labels = (cli.CONTRACT_BRANCH,)
depends_on = None


def upgrade():
    pass
