"""add status to users, fill it in

Revision ID: d47a5e0c1f22
Revises: 3f9a1c2b4d5e
Create Date: 2025-11-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import text, Column, String

revision = 'd47a5e0c1f22'
down_revision = '3f9a1c2b4d5e'
branch_labels = None
depends_on = None

roles = sa.table('roles',
                 sa.column('id', sa.Integer),
                 sa.column('name', sa.String),
                 sa.column('active', sa.Boolean))


def upgrade():
    # Add column
    op.add_column('users', Column('status', String(20)))

    # Migrate existing data
    op.execute("UPDATE users SET status = 'active'")
    op.execute(text('UPDATE users SET email = lower(email) '
                    "WHERE email <> lower(email)"))

    # Make column non-nullable
    op.alter_column('users', 'status', nullable=False)

    op.bulk_insert(roles, [
        {'id': 1, 'name': 'admin', 'active': True},
        {'id': 2, 'name': "it's", 'active': False},
        {'id': -3, 'name': None},
    ])

    with op.batch_alter_table('users') as batch_op:
        batch_op.create_index('ix_users_status', ['status'])
        op.execute('SELECT 1')


def downgrade():
    with op.batch_alter_table('users', recreate='always') as batch_op:
        batch_op.drop_index('ix_users_status')
    op.execute("DELETE FROM roles WHERE id IN (1, 2, -3)")
    op.drop_column('users', 'status')
