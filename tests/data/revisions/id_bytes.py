"""A bytes literal as the id"""
revision = b'byte00000001'
down_revision = None
