"""The classifier as a Flask extension: loaded once per process, shared by requests and tasks."""

from __future__ import annotations

import threading

from flask import Flask, current_app

import models

_loaded: dict[str, models.Classifier] = {}
_lock = threading.Lock()


def load_cached(path: str | None) -> models.Classifier:
    # Tests build many apps in one process; the artifact is read once per path.
    key = path or ""
    with _lock:
        if key not in _loaded:
            _loaded[key] = models.load(path)
        return _loaded[key]


def init_app(app: Flask) -> None:
    app.extensions["classifier"] = load_cached(app.config.get("MODEL_PATH"))


def get_classifier() -> models.Classifier:
    return current_app.extensions["classifier"]
