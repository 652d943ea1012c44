"""`flask --app moderation seed demo`: the demo comments of seeds/, submitted like the site's."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .comments import store
from .config import PROJECT_ROOT
from .queueing import get_queue
from .redis_client import cli_redis

DEMO_FILE = PROJECT_ROOT / "seeds" / "demo_comments.json"
DEMO_CLIENT = "demo-site"

seed_cli = AppGroup("seed", help="Load seed and demo data.")


def load_demo(r, path: Path = DEMO_FILE) -> int:
    """Submit the demo comments through the normal path (stored pending, then queued).
    Each has an external id, so loading twice adds nothing. Returns how many were new."""
    queue = get_queue()
    data = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    for n, item in enumerate(data["comments"]):
        comment_id = store.new_id()
        broker_list, message = queue.inline_message(comment_id)
        result = store.create_comment(r, comment_id=comment_id, client=DEMO_CLIENT,
                                      external_id=f"demo-{n}", broker_list=broker_list,
                                      broker_message=message, **item)
        if result.created:
            created += 1
            if not broker_list:
                queue.publish(result.id)
    return created


@seed_cli.command("demo")
def demo_command() -> None:
    """Submit the demo comments (idempotent)."""
    with cli_redis() as r:
        click.echo(f"{load_demo(r)} demo comment(s) submitted")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_cli)
