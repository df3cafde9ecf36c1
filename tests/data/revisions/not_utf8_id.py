revision = 'abé'
down_revision = None
