"""Moderators' decisions on comments (one or in bulk), and a comment's audit history."""

from .views import blp

__all__ = ["blp"]
