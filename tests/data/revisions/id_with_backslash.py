revision = r'ab\cd'
down_revision = None
