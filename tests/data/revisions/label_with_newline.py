revision = 'lab000000002'
down_revision = None
branch_labels = 'a\nb'
