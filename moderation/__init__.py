"""Comment moderation service: the Flask app factory."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from .config import Config


def create_app(test_config: Mapping | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(Config)
    app.config.from_prefixed_env("MODERATION")
    if test_config:
        app.config.update(test_config)

    from workers import celery_app

    from . import (auth, classifier, comments, content, docs, errors, health, learning, queueing,
                   redis_client, seed, terms)
    from . import events, webhooks

    docs.init_app(app)
    api = errors.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    redis_client.init_app(app)
    auth.init_app(app)
    terms.init_app(app)
    seed.init_app(app)
    learning.init_app(app)
    webhooks.init_app(app)
    classifier.init_app(app)
    celery = celery_app.init_app(app)
    queueing.init_app(app, celery)
    content.require_json_bodies(app)
    api.register_blueprint(comments.blp)
    from . import authors, decisions, queues, reports  # reports and moderator actions
    for blueprint in (reports.blp, decisions.blp, queues.blp, authors.blp):
        api.register_blueprint(blueprint)
    api.register_blueprint(events.blp)
    api.register_blueprint(webhooks.blp)
    app.register_blueprint(health.bp)
    from . import perspective  # the Perspective API replacement, under PERSPECTIVE_PREFIX
    perspective.init_app(app, api)
    from . import dashboard, thresholds  # the moderators' web pages
    thresholds.init_app(app)
    dashboard.init_app(app)
    return app
