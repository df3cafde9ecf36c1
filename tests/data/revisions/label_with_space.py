revision = 'lab000000001'
down_revision = None
branch_labels = ('good', 'not good')
