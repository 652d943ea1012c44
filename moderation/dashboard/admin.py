"""Admins' pages: moderator accounts, API clients, term lists and decision thresholds."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for

from .. import auth, keys, terms, thresholds
from ..errors import Conflict, NotFound
from ..redis_client import get_redis
from . import accounts, admin_required, bp, labels


@bp.route("/admin")
@admin_required
def admin_page():
    r = get_redis()
    clf = current_app.extensions["classifier"]
    overrides = thresholds.read_overrides(r)
    config = current_app.config
    effective = {}
    for name in thresholds.FIELDS:  # the same precedence as decision.current_policy
        configured = config.get(name.upper())
        effective[name] = overrides.get(name, clf.thresholds[name] if configured is None else configured)
    with r.pipeline(transaction=False) as pipe:
        for kind in keys.TERM_KINDS:
            pipe.smembers(keys.terms(kind))
        term_sets = pipe.execute()
    return render_template(
        "dashboard/admin.html", moderators=accounts.list_moderators(r), roles=accounts.ROLES,
        clients=auth.list_clients(r), scopes=auth.SCOPES,
        terms={kind: sorted(found) for kind, found in zip(keys.TERM_KINDS, term_sets)},
        default_qps=config["PERSPECTIVE_QPS"],
        overrides=overrides, effective=effective, model_thresholds=clf.thresholds,
        cache_seconds=config["TERMS_CACHE_SECONDS"])


def _back(message: str, category: str):
    flash(message, category)
    return redirect(url_for("dashboard.admin_page"))


LAST_ADMIN = "C'est le dernier administrateur : nommez-en un autre avant."
QUOTA_HINT = "Le quota est un nombre de requêtes par seconde supérieur à 0, ou vide pour le défaut."


def _quota() -> float | None:
    """The form's Perspective quota: None when left empty; ValueError when not a number."""
    raw = request.form.get("qps", "").strip().replace(",", ".")
    if not raw:
        return None
    value = float(raw)
    if not 0 < value <= auth.MAX_QPS:
        raise ValueError(raw)
    return value


def _show_password(email: str, password: str, created: bool):
    # Rendered, not redirected: the password exists only in this answer; Redis keeps its hash.
    return render_template("dashboard/password.html", email=email, password=password, created=created)


@bp.route("/admin/moderators", methods=["POST"])
@admin_required
def moderator_create():
    email, role = request.form.get("email", ""), request.form.get("role", "moderator")
    password = accounts.generate_password()
    try:
        moderator = accounts.create_moderator(get_redis(), email, password, role, replace=False)
    except ValueError:
        return _back("Compte non créé : donnez une adresse e-mail et un rôle connu.", "error")
    if moderator is None:
        return _back(f"Le compte {accounts.normalise(email)} existe déjà.", "error")
    return _show_password(moderator.email, password, created=True)


@bp.route("/admin/moderators/<email>/password", methods=["POST"])
@admin_required
def moderator_password(email: str):
    password = accounts.generate_password()
    moderator = accounts.reset_password(get_redis(), email, password)
    if moderator is None:
        return _back(f"Aucun compte {accounts.normalise(email)}.", "error")
    return _show_password(moderator.email, password, created=False)


@bp.route("/admin/moderators/<email>/role", methods=["POST"])
@admin_required
def moderator_role(email: str):
    role = request.form.get("role", "")
    if role not in accounts.ROLES:
        return _back("Rôle inconnu.", "error")
    try:
        moderator = accounts.set_role(get_redis(), email, role)
    except accounts.LastAdmin:
        return _back(LAST_ADMIN, "error")
    if moderator is None:
        return _back(f"Aucun compte {accounts.normalise(email)}.", "error")
    return _back(f"{accounts.normalise(email)} est désormais {labels.ROLES[role]}.", "ok")


@bp.route("/admin/moderators/<email>/delete", methods=["POST"])
@admin_required
def moderator_delete(email: str):
    if accounts.normalise(email) == g.moderator.email:
        return _back("Vous ne pouvez pas supprimer votre propre compte.", "error")
    try:
        deleted = accounts.delete_moderator(get_redis(), email)
    except accounts.LastAdmin:
        return _back(LAST_ADMIN, "error")
    if not deleted:
        return _back(f"Aucun compte {accounts.normalise(email)}.", "error")
    return _back(f"Compte {accounts.normalise(email)} supprimé ; ses sessions sont closes.", "ok")


@bp.route("/admin/clients", methods=["POST"])
@admin_required
def client_create():
    name = request.form.get("name", "").strip()
    scopes = request.form.getlist("scopes")
    if not name:
        return _back("Donnez un nom au client.", "error")
    try:
        qps = _quota()
    except ValueError:
        return _back(QUOTA_HINT, "error")
    try:
        token = auth.create_client(get_redis(), name, scopes, qps)
    except (ValueError, Conflict) as exc:
        return _back(f"Client non créé : {getattr(exc, 'detail', exc)}", "error")
    # Rendered, not redirected: the token exists only in this answer and is never stored.
    return render_template("dashboard/token.html", name=name, token=token)


@bp.route("/admin/clients/<name>/quota", methods=["POST"])
@admin_required
def client_quota(name: str):
    try:
        qps = _quota()
        auth.set_quota(get_redis(), name, qps)
    except ValueError:
        return _back(QUOTA_HINT, "error")
    except NotFound:
        return _back(f"Aucun client actif nommé {name}.", "error")
    shown = "le quota par défaut" if qps is None else f"{qps:g} requêtes/s"
    return _back(f"Client {name} : {shown} (effectif sous {current_app.config['TOKEN_CACHE_SECONDS']:g} s).", "ok")


@bp.route("/admin/clients/<name>/revoke", methods=["POST"])
@admin_required
def client_revoke(name: str):
    try:
        auth.revoke_client(get_redis(), name)
    except NotFound:
        return _back(f"Aucun client nommé {name}.", "error")
    return _back(f"Client {name} révoqué (effectif sous {current_app.config['TOKEN_CACHE_SECONDS']:g} s).", "ok")


@bp.route("/admin/terms", methods=["POST"])
@admin_required
def terms_change():
    kind = request.form.get("kind")
    if kind not in keys.TERM_KINDS:
        return _back("Liste inconnue.", "error")
    items = [line.strip() for line in request.form.get("terms", "").splitlines() if line.strip()]
    if request.form.get("op") == "remove":
        count = terms.remove_terms(get_redis(), kind, items)
        return _back(f"{count} terme(s) retiré(s).", "ok")
    count = terms.add_terms(get_redis(), kind, items)
    return _back(f"{count} terme(s) ajouté(s).", "ok")


def _threshold(field: str) -> float | None:
    raw = request.form.get(field, "").strip().replace(",", ".")
    if not raw:
        return None
    value = float(raw)
    if not 0 <= value <= 1:
        raise ValueError
    return value


@bp.route("/admin/thresholds", methods=["POST"])
@admin_required
def thresholds_change():
    try:
        publish, reject = _threshold("publish_below"), _threshold("reject_above")
    except ValueError:
        return _back("Les seuils sont des nombres entre 0 et 1.", "error")
    if publish is not None and reject is not None and publish > reject:
        return _back("Le seuil de publication doit être inférieur ou égal au seuil de rejet.", "error")
    thresholds.set_overrides(get_redis(), publish, reject)
    return _back(f"Seuils enregistrés ; les workers les appliquent sous {current_app.config['TERMS_CACHE_SECONDS']:g} s.", "ok")
