# -*- coding: latin-1 -*-
"""Café"""
revision = 'cafe00000001'
down_revision = None
