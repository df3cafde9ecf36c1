revision = 'ab-cd'
down_revision = None
