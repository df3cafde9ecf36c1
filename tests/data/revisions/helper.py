"""Shared helpers for the migrations."""


def helper():
    return 1
