revision = 'conflict0001'
<<<<<<< HEAD
down_revision = 'aaaa00000001'
=======
down_revision = 'bbbb00000002'
>>>>>>> feature
