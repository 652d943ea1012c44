"""Moderation queues: what waits for a moderator, most urgent first."""

from .views import blp

__all__ = ["blp"]
