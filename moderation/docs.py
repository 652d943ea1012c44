"""The interactive API docs page, with Swagger UI served from the installed package."""

from __future__ import annotations

from flask import Flask, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets/"


def init_app(app: Flask) -> None:
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", ASSETS)

    @app.get(ASSETS + "<path:filename>")
    def swagger_assets(filename: str):
        return send_from_directory(swagger_ui_path, filename)
