"""The moderators' dashboard: server-rendered French pages under /dashboard.

Pages call the same store functions as the JSON API (no HTTP calls to itself). Sessions are
Flask's signed cookies; every state-changing request carries a CSRF token (Flask-WTF), in a
form field or, from the page's JavaScript, in the X-CSRFToken header. Only this blueprint
checks it: the bearer-token API has no cookies to forge.
"""

from __future__ import annotations

import functools
from datetime import datetime, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import (Blueprint, Flask, current_app, g, has_request_context, jsonify, redirect,
                   render_template, request, session, url_for)
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..errors import NotFound
from ..redis_client import get_redis
from . import accounts, labels

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates",
               static_folder="static")
csrf = CSRFProtect()

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
                                "base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages show comments awaiting moderation: nothing for a shared browser's cache.
    "Cache-Control": "no-store",
}
PUBLIC_ENDPOINTS = {"dashboard.login", "dashboard.static"}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie sessions, marked Secure when SESSION_COOKIE_SECURE says so or when the
    request itself came over HTTPS (behind a proxy, only if the app trusts its headers)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def wants_json() -> bool:
    """Requests from the page's JavaScript (fetch) get JSON answers, forms get pages."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def current_moderator() -> accounts.Moderator | None:
    email = session.get("moderator")
    if not email:
        return None
    moderator = accounts.get_moderator(get_redis(), email)
    # A deleted account or a changed password ends the sessions opened before.
    if moderator is None or moderator.fingerprint != session.get("fingerprint"):
        session.clear()
        return None
    return moderator


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a dashboard path on this site, never another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith(bp.url_prefix + "/"):
            return target
    return url_for("dashboard.queue_list")


@bp.before_request
def _guard():
    if not current_app.config.get("SECRET_KEY"):
        # plain text: the pages themselves need the key (their CSRF tokens are signed with it)
        return ("Tableau de bord indisponible : SECRET_KEY n'est pas configurée "
                "(MODERATION_SECRET_KEY), aucune session ne peut être ouverte.", 503,
                {"Content-Type": "text/plain; charset=utf-8"})
    csrf.protect()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    moderator = current_moderator()
    if moderator is None:
        if wants_json():
            return jsonify(message="Session expirée : reconnectez-vous."), 401
        return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
    g.moderator = moderator
    return None


def admin_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not g.moderator.is_admin:
            return render_template("dashboard/error.html", title="Accès refusé",
                                   message="Cette page est réservée aux administrateurs."), 403
        return view(*args, **kwargs)
    return wrapper


@bp.after_request
def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@bp.errorhandler(CSRFError)
def _csrf_error(error: CSRFError):
    message = "Jeton de sécurité absent ou expiré : rechargez la page et recommencez."
    if wants_json():
        return jsonify(message=message), 400
    return render_template("dashboard/error.html", title="Requête refusée", message=message), 400


@bp.errorhandler(NotFound)
def _not_found(error: NotFound):
    message = "Introuvable : " + error.detail
    if wants_json():
        return jsonify(message=message), 404
    return render_template("dashboard/error.html", title="Introuvable", message=message), 404


@bp.app_template_filter("local_time")
def _local_time(value: datetime | float | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if value is None:
        return "—"
    if not isinstance(value, datetime):
        value = datetime.fromtimestamp(float(value), tz=timezone.utc)
    return value.astimezone(ZoneInfo(current_app.config["DASHBOARD_TIMEZONE"])).strftime(fmt)


@bp.context_processor
def _context() -> dict:
    return {"labels": labels, "moderator": g.get("moderator")}


def init_app(app: Flask) -> None:
    from . import actions, admin, auth, comments, queues, stats  # noqa: F401  (they add routes to bp)

    app.session_interface = SessionInterface()
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(accounts.moderators_cli)
