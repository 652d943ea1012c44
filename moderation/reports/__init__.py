"""Member reports on comments ("Signaler le commentaire")."""

from .views import blp

__all__ = ["blp"]
