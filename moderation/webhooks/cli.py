"""`flask --app moderation webhooks set|show|remove CLIENT`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..errors import NotFound
from ..redis_client import cli_redis
from . import store

webhooks_cli = AppGroup("webhooks", help="Manage the clients' webhooks.")


@webhooks_cli.command("set")
@click.argument("client")
@click.argument("url")
def set_command(client: str, url: str) -> None:
    """Point CLIENT's webhook at URL and print its new signing secret (shown only this once)."""
    with cli_redis() as r:
        if not store.client_exists(r, client):
            raise click.ClickException(f"no active client named {client!r}")
        try:
            _, secret = store.set_webhook(r, client, url,
                                          allow_http=current_app.config["WEBHOOK_ALLOW_HTTP"])
        except store.InvalidWebhookUrl as exc:
            raise click.ClickException(exc.detail) from exc
    click.echo(secret)


@webhooks_cli.command("show")
@click.argument("client")
def show_command(client: str) -> None:
    """Print CLIENT's webhook URL and delivery status (never its secret)."""
    with cli_redis() as r:
        try:
            hook = store.get_webhook(r, client)
        except NotFound as exc:
            raise click.ClickException(exc.detail) from exc
    delivery = hook["delivery"]
    click.echo(f"url\t{hook['url']}")
    for name in ("cursor", "last_success_at", "consecutive_failures", "last_error",
                 "last_error_at", "next_attempt_at"):
        value = delivery[name]
        shown = value.isoformat() if hasattr(value, "isoformat") else value
        click.echo(f"{name}\t{'-' if shown is None else shown}")


@webhooks_cli.command("remove")
@click.argument("client")
def remove_command(client: str) -> None:
    """Stop pushing CLIENT's events."""
    with cli_redis() as r:
        try:
            store.remove_webhook(r, client)
        except NotFound as exc:
            raise click.ClickException(exc.detail) from exc
    click.echo(f"removed the webhook of {client}")
