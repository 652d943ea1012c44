"""Moderator accounts: password hashes in Redis, sign-in with a per-account lockout, the
`moderators` CLI, and the demo account and session key `make run` keeps under var/."""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import click
import redis
from flask.cli import AppGroup
from werkzeug.security import check_password_hash, generate_password_hash

from .. import keys
from ..redis_client import cli_redis

ROLES = ("moderator", "admin")
DEMO_MODERATOR = "moderateur@example.fr"
MIN_PASSWORD_LENGTH = 10


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the e-mail is unknown, so a wrong address costs as long as a
    wrong password and response times do not reveal which accounts exist."""
    return generate_password_hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Moderator:
    email: str
    role: str
    # Changes with the password: sessions opened before a password change stop working.
    fingerprint: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class LastAdmin(ValueError):
    """The change would leave no admin, and so no one able to manage accounts, clients or
    thresholds from the dashboard."""


@dataclass(frozen=True)
class SignIn:
    moderator: Moderator | None
    locked_for: int = 0  # seconds left of a lockout; 0 when not locked


def normalise(email: str) -> str:
    return email.strip().casefold()


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _from_record(record: dict) -> Moderator:
    return Moderator(record["email"], record["role"], _fingerprint(record["password_hash"]))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def _new_record(email: str, password: str, role: str) -> dict:
    _check_role(role)
    _check_password(password)
    email = normalise(email)
    if "@" not in email:
        raise ValueError(f"{email!r} is not an e-mail address")
    return {"email": email, "role": role, "password_hash": generate_password_hash(password),
            "created_at": time.time()}


def create_moderator(r: redis.Redis, email: str, password: str, role: str, replace: bool = True) -> Moderator | None:
    """Create an account. An existing one gets the new password and role with ``replace``
    (the CLI's reset), and is left alone without it (None), so two admins creating the same
    address at once cannot overwrite each other's account."""
    record = _new_record(email, password, role)
    if not replace and not r.hsetnx(keys.MODERATORS, record["email"], json.dumps(record)):
        return None  # and its lockout stands: a refused creation is no password change
    with r.pipeline() as pipe:
        if replace:
            pipe.hset(keys.MODERATORS, record["email"], json.dumps(record))
        pipe.delete(keys.login_failures(record["email"]))
        pipe.execute()
    return _from_record(record)


def get_moderator(r: redis.Redis, email: str) -> Moderator | None:
    raw = r.hget(keys.MODERATORS, normalise(email))
    return _from_record(json.loads(raw)) if raw else None


def list_moderators(r: redis.Redis) -> list[Moderator]:
    return sorted((_from_record(json.loads(v)) for v in r.hgetall(keys.MODERATORS).values()),
                  key=lambda m: m.email)


def update_moderator(r: redis.Redis, email: str, change: Callable[[dict], dict | None]) -> Moderator | None:
    """Apply ``change`` to an account's record (None from it deletes the account) and return
    the account as it was changed; None if there is no such account.

    Read, check and write happen under WATCH of the accounts hash and are retried if any
    account changed meanwhile: a role change cannot write back the password hash a
    concurrent reset replaced, and two admins demoting each other at once cannot leave
    none (LastAdmin). ``change`` may run more than once, so it must only compute.
    """
    email = normalise(email)

    def attempt(pipe: redis.client.Pipeline) -> Moderator | None:
        records = {e: json.loads(raw) for e, raw in pipe.hgetall(keys.MODERATORS).items()}
        if email not in records:
            return None
        before = records[email]
        after = change(dict(before))
        admins = {e for e, rec in records.items() if rec["role"] == "admin"}
        if admins == {email} and (after is None or after["role"] != "admin"):
            raise LastAdmin(f"{email} is the last admin")
        pipe.multi()
        if after is None:
            pipe.hdel(keys.MODERATORS, email)
        else:
            pipe.hset(keys.MODERATORS, email, json.dumps(after))
            if after["password_hash"] != before["password_hash"]:
                pipe.delete(keys.login_failures(email))
        return _from_record(after or before)

    return r.transaction(attempt, keys.MODERATORS, value_from_callable=True)


def delete_moderator(r: redis.Redis, email: str) -> bool:
    """Delete an account; raises LastAdmin rather than delete the only admin."""
    return update_moderator(r, email, lambda record: None) is not None


def set_role(r: redis.Redis, email: str, role: str) -> Moderator | None:
    """Change an account's role, keeping its password (and so its sessions); None if unknown."""
    _check_role(role)
    return update_moderator(r, email, lambda record: {**record, "role": role})


def reset_password(r: redis.Redis, email: str, password: str) -> Moderator | None:
    """Give an account a new password, keeping its role; sessions opened with the old one end."""
    _check_password(password)
    password_hash = generate_password_hash(password)
    return update_moderator(r, email, lambda record: {**record, "password_hash": password_hash})


def authenticate(r: redis.Redis, email: str, password: str) -> SignIn:
    """Check a password, counting failures per account: LOGIN_MAX_FAILURES within
    LOGIN_LOCKOUT_SECONDS lock the account (even for the right password) until they expire.
    Unknown addresses are counted too, so probing them looks the same."""
    email = normalise(email)
    failures_key = keys.login_failures(email)
    with r.pipeline(transaction=False) as pipe:
        pipe.get(failures_key)
        pipe.ttl(failures_key)
        pipe.hget(keys.MODERATORS, email)
        failures, ttl, raw = pipe.execute()
    if int(failures or 0) >= keys.LOGIN_MAX_FAILURES:
        return SignIn(None, max(int(ttl), 1))
    record = json.loads(raw) if raw else None
    if check_password_hash(record["password_hash"] if record else _dummy_hash(), password) and record:
        r.delete(failures_key)
        return SignIn(_from_record(record))
    with r.pipeline() as pipe:
        # NX: the window starts at the first failure and is not extended by later ones.
        pipe.set(failures_key, 0, ex=keys.LOGIN_LOCKOUT_SECONDS, nx=True)
        pipe.incr(failures_key)
        pipe.ttl(failures_key)
        _, count, ttl = pipe.execute()
    return SignIn(None, max(int(ttl), 1) if count >= keys.LOGIN_MAX_FAILURES else 0)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def persistent_secret(path: Path) -> str:
    """A random secret kept (owner-only) in `path`, made on first use: `make run` keeps its
    SECRET_KEY there so dashboard sessions survive restarts."""
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    value = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(value + "\n")
    return value


def demo_moderator(r: redis.Redis, var_dir: Path) -> tuple[str, str]:
    """The demo moderator of `make run`, created on first start with a generated password
    kept (owner-only) in var/demo-moderator.password; returns (e-mail, password)."""
    password_file = var_dir / "demo-moderator.password"
    if password_file.exists():
        password = password_file.read_text().strip()
        if authenticate(r, DEMO_MODERATOR, password).moderator:
            return DEMO_MODERATOR, password
    password = generate_password()
    create_moderator(r, DEMO_MODERATOR, password, "admin")
    password_file.touch(mode=0o600)
    password_file.write_text(password + "\n")
    return DEMO_MODERATOR, password


moderators_cli = AppGroup("moderators", help="Manage dashboard accounts.")


@moderators_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="moderator", show_default=True)
@click.option("--generate", is_flag=True, help="Generate a password and print it (shown only this once).")
def create_command(email: str, role: str, generate: bool) -> None:
    """Create an account (or reset its password and role); the password is asked twice."""
    password = generate_password() if generate else click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    with cli_redis() as r:
        try:
            moderator = create_moderator(r, email, password, role)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{moderator.email}\t{moderator.role}")
    if generate:
        click.echo(f"password: {password}")


@moderators_cli.command("list")
def list_command() -> None:
    """List accounts and their roles."""
    with cli_redis() as r:
        for m in list_moderators(r):
            click.echo(f"{m.email}\t{m.role}")


@moderators_cli.command("delete")
@click.argument("email")
def delete_command(email: str) -> None:
    """Delete an account; its open sessions stop working at their next request."""
    with cli_redis() as r:
        try:
            deleted = delete_moderator(r, email)
        except LastAdmin as exc:
            raise click.ClickException(f"{exc}: create another admin first") from exc
        if not deleted:
            raise click.ClickException(f"no account {normalise(email)!r}")
    click.echo(f"deleted {normalise(email)}")
