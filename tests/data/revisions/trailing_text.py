revision = 'trail0000001' garbage
down_revision = None
