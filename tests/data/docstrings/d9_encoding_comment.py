# encoding: utf-8
"""Encoding comment then the docstring, raw-prefixed ids

Revision ID: doc000000009
"""
revision = r'doc000000009'
down_revision = R"doc000000008"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
