revision = 'ab\tcd'
down_revision = None
