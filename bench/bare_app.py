"""The framework's ceiling: a Flask endpoint that parses a comment's JSON body and answers a
small JSON, with no auth, validation, Redis or queue. bench/load.py serves it with
`gunicorn "bench.bare_app:create_app()"` under the same settings as the real service, so the
ratio of the two is what the service's own work costs."""

from __future__ import annotations

from flask import Flask, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/v1/comments")
    def submit():
        data = request.get_json()
        # Touch the body so the parse cannot be skipped; answer like the real endpoint does.
        return {"id": f"c_bare{len(data['text'])}", "status": "pending"}, 202

    return app
