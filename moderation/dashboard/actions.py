"""Moderators' actions from the dashboard: decisions on comments and sanctions on authors.

The same store functions and schemas as POST /v1/comments/{id}/decision, /v1/decisions and
/v1/authors/{id}/actions, with the signed-in moderator as `moderator`. A decision carries
the version the page showed: if the comment changed since, it is refused, never applied
over a colleague's.
"""

from __future__ import annotations

import marshmallow as ma
from flask import flash, g, jsonify, redirect, request, url_for

from .. import keys
from ..authors import store as authors
from ..authors.schemas import AuthorActionSchema
from ..decisions import store as decisions
from ..decisions.schemas import BulkDecisionSchema
from ..redis_client import get_redis
from . import bp, labels, safe_next, wants_json


def _outcome_message(outcome: decisions.Outcome, seen: int) -> str:
    if outcome.outcome == "applied":
        return f"Décision enregistrée : {labels.STATUSES.get(outcome.status, outcome.status)}."
    if outcome.outcome == "stale":
        return (f"Décision refusée : ce commentaire a changé depuis son affichage (version vue {seen}, "
                f"actuelle {outcome.version}, statut « {labels.STATUSES.get(outcome.status, outcome.status)} »). "
                "Un autre modérateur l'a sans doute déjà traité ; rechargez-le avant de décider.")
    return "Décision refusée : ce commentaire n'existe pas."


def _decision_request() -> dict:
    """The JSON body from the page's script, or the fields of a card's form (one comment)."""
    if request.is_json:
        body = dict(request.get_json(silent=True) or {})
    else:
        form = request.form
        body = {"action": form.get("action"), "reason_code": form.get("reason_code") or "other",
                "note": form.get("note") or None,
                "items": [{"id": form.get("id"), "version": int(form["version"])}]
                if form.get("version", "").isdigit() else []}
    body["moderator"] = g.moderator.email
    return body


@bp.route("/decisions", methods=["POST"])
def decide():
    try:
        data = BulkDecisionSchema().load(_decision_request())
    except ma.ValidationError as exc:
        message = "Décision invalide : " + "; ".join(f"{k} — {', '.join(map(str, v))}"
                                                     for k, v in exc.normalized_messages().items())
        if wants_json():
            return jsonify(message=message), 422
        flash(message, "error")
        return redirect(safe_next(request.form.get("next")))
    items = [(item["id"], item["version"]) for item in data.pop("items")]
    r = get_redis()
    outcomes = decisions.decide(r, items, **data)
    with r.pipeline(transaction=False) as pipe:
        for cid, _ in items:  # decided: nobody needs to see this moderator on it any more
            pipe.zrem(keys.presence(cid), g.moderator.email)
        pipe.execute()
    results = [{"id": o.id, "outcome": o.outcome, "status": o.status, "version": o.version,
                "message": _outcome_message(o, seen)} for o, (_, seen) in zip(outcomes, items)]
    if wants_json():
        return jsonify(results=results)
    for result in results:
        flash(result["message"], "ok" if result["outcome"] == "applied" else "error")
    return redirect(safe_next(request.form.get("next")))


@bp.route("/authors/<author_id>/actions", methods=["POST"])
def author_action(author_id: str):
    source = request.get_json(silent=True) if request.is_json else request.form
    body = {"action": (source or {}).get("action"), "moderator": g.moderator.email,
            "note": (source or {}).get("note") or None}
    hours = (source or {}).get("duration_hours")
    if body["action"] == "suspend" and hours not in (None, ""):
        body["duration_hours"] = hours
    try:
        data = AuthorActionSchema().load(body)
    except ma.ValidationError as exc:
        message = "Action invalide : " + "; ".join(f"{k} — {', '.join(map(str, v))}"
                                                   for k, v in exc.normalized_messages().items())
        if wants_json():
            return jsonify(message=message), 422
        flash(message, "error")
        return redirect(safe_next(request.form.get("next")))
    author = authors.act(get_redis(), author_id, **data)
    state = labels.AUTHOR_STATES.get(author["state"], author["state"])
    message = f"Auteur {author_id} : {state}."
    if wants_json():
        return jsonify(message=message, state=author["state"])
    flash(message, "ok")
    return redirect(safe_next(request.form.get("next")) if request.form.get("next")
                    else url_for("dashboard.author_page", author_id=author_id))
