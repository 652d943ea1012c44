"""The events resource: what happened to a client's comments and reports, oldest first."""

from .views import blp

__all__ = ["blp"]
