#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# Comments and blank lines may come before the docstring.

'Single quotes: tab\there, \x41\u00e9\U0001F600, octal \101, unknown \q escape, it\'s'
from alembic import op

revision = 'doc000000003'
down_revision = 'doc000000002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
