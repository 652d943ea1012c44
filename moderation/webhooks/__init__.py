"""The webhook resource: a client's HTTPS endpoint that receives its events as signed POSTs,
its registration (API and `webhooks` CLI) and the delivery run by the workers."""

from flask import Flask

from .cli import webhooks_cli
from .views import blp

__all__ = ["blp", "init_app"]


def init_app(app: Flask) -> None:
    app.cli.add_command(webhooks_cli)
