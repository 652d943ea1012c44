"""Signing in and out."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for

from ..redis_client import get_redis
from . import accounts, bp, current_moderator, safe_next


@bp.route("/")
def home():
    return redirect(url_for("dashboard.queue_list"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_moderator() is not None:
            return redirect(next_url)
        return render_template("dashboard/login.html", next=next_url, email="")
    email = request.form.get("email", "")
    result = accounts.authenticate(get_redis(), email, request.form.get("password", ""))
    if result.moderator is None:
        if result.locked_for:
            minutes = (result.locked_for + 59) // 60
            error = (f"Trop d'échecs de connexion : ce compte est bloqué pendant encore "
                     f"{minutes} min.")
        else:
            error = "Adresse ou mot de passe incorrect."
        return render_template("dashboard/login.html", next=next_url, email=email, error=error), 401
    # A fresh session: nothing from before signing in (fixation) survives it.
    session.clear()
    session.permanent = True
    session["moderator"] = result.moderator.email
    session["fingerprint"] = result.moderator.fingerprint
    return redirect(next_url)


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    g.pop("moderator", None)
    flash("Vous êtes déconnecté.")
    return redirect(url_for("dashboard.login"))
