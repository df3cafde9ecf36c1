revision = "it's"
down_revision = None
