# -*- coding: utf-8 -*-
# Copyright 2015 OpenStack Foundation
#
#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License.

#    http://www.apache.org/licenses/LICENSE-2.0

u"""Licence header, coding line and blank lines before the docstring

Revision ID: doc000000008
Revises: doc000000007
"""

from alembic import op
import sqlalchemy as sa

CONTRACT = 'contract'
PARENTS = (u'doc000000007',)

# revision identifiers, used by Alembic.
revision = U'doc000000008'
down_revision = PARENTS
branch_labels = (CONTRACT,)
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
