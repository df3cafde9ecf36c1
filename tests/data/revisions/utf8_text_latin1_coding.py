# -*- coding: latin-1 -*-
"""Café, UTF-8 text under a latin-1 coding line"""
revision = 'cafe00000002'
down_revision = None
