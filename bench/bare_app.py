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

    @app.post("/v1/comments/<comment_id>/reports")
    def report(comment_id: str):
        """bench/reports_and_queues.py's ceiling for POST /v1/comments/{id}/reports."""
        data = request.get_json()
        return {"comment_id": comment_id, "reporter_id": data["reporter_id"], "reason": data["reason"],
                "duplicate": False, "weight": 1.0, "comment_status": "published"}, 201

    @app.post("/v1alpha1/comments:analyze")
    def analyze():
        """bench/load.py's ceiling for the Perspective endpoint: parse Coral's body, answer
        Perspective's shape with a constant score (no key, quota or model)."""
        data = request.get_json()
        attribute = next(iter(data["requestedAttributes"]))
        return {"attributeScores": {attribute: {"summaryScore": {
                    "value": len(data["comment"]["text"]) / 1e6, "type": "PROBABILITY"}}},
                "languages": data["languages"], "detectedLanguages": ["fr"]}

    return app
