"""Authors: their record, and moderators' sanctions (pre-moderation, suspension, ban)."""

from .views import blp

__all__ = ["blp"]
