"""The comments resource: submit a comment, read its decision, list an article's comments."""

from .views import blp

__all__ = ["blp"]
