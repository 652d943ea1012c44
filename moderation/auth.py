"""API clients: bearer tokens with scopes, stored hashed in Redis, and the `clients` CLI."""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass

import click
import redis
from flask import Flask, current_app, g, request
from flask.cli import AppGroup

from . import keys
from .errors import Conflict, NotFound, problem
from .redis_client import get_redis, cli_redis

SCOPES = ("comments:write", "reports:write", "moderation", "analyze")


@dataclass(frozen=True)
class Client:
    name: str
    scopes: frozenset[str]
    # Perspective requests per second for this key; None: MODERATION_PERSPECTIVE_QPS.
    qps: float | None = None


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a plain digest is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


MAX_QPS = 100_000.0


def _check_qps(qps: float | None) -> None:
    if qps is not None and not 0 < qps <= MAX_QPS:
        raise ValueError("the quota is a number of requests per second above 0")


def create_client(r: redis.Redis, name: str, scopes: list[str], qps: float | None = None) -> str:
    """Register a client and return its token; only the token's hash is stored."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    _check_qps(qps)
    existing = r.hget(keys.CLIENTS, name)
    if existing and not json.loads(existing).get("revoked_at"):
        raise Conflict(f"client {name!r} already exists; revoke it first")
    token = "mod_" + secrets.token_urlsafe(32)
    digest = hash_token(token)
    record = {"name": name, "scopes": sorted(set(scopes)), "token_sha256": digest,
              "created_at": time.time(), "revoked_at": None, "qps": qps}
    lookup = {"client": name, "scopes": " ".join(record["scopes"])}
    if qps is not None:
        lookup["qps"] = repr(float(qps))
    with r.pipeline() as pipe:
        pipe.hset(keys.CLIENTS, name, json.dumps(record))
        pipe.hset(keys.token(digest), mapping=lookup)
        pipe.execute()
    return token


def set_quota(r: redis.Redis, name: str, qps: float | None) -> None:
    """Give an active client its own Perspective quota, or (None) the configured one back.
    API processes see it once their cached lookup of the key expires."""
    _check_qps(qps)
    raw = r.hget(keys.CLIENTS, name)
    record = json.loads(raw) if raw else None
    if record is None or record.get("revoked_at"):
        raise NotFound(f"no active client named {name!r}")
    record["qps"] = qps
    with r.pipeline() as pipe:
        pipe.hset(keys.CLIENTS, name, json.dumps(record))
        if qps is None:
            pipe.hdel(keys.token(record["token_sha256"]), "qps")
        else:
            pipe.hset(keys.token(record["token_sha256"]), "qps", repr(float(qps)))
        pipe.execute()


def list_clients(r: redis.Redis) -> list[dict]:
    # Clients created before per-key quotas have no `qps`: they use the configured one.
    return sorted(({"qps": None, **json.loads(v)} for v in r.hgetall(keys.CLIENTS).values()),
                  key=lambda c: c["name"])


def revoke_client(r: redis.Redis, name: str) -> None:
    raw = r.hget(keys.CLIENTS, name)
    if raw is None:
        raise NotFound(f"no client named {name!r}")
    record = json.loads(raw)
    record["revoked_at"] = record.get("revoked_at") or time.time()
    with r.pipeline() as pipe:
        pipe.delete(keys.token(record["token_sha256"]))
        pipe.hset(keys.CLIENTS, name, json.dumps(record))
        pipe.execute()


class TokenCache:
    """Per-process cache of token lookups, so an authenticated write costs one Redis round
    trip, not two. A revoked token keeps working for at most `ttl` seconds."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Client | None]] = {}
        self._lock = threading.Lock()

    def lookup(self, r: redis.Redis, token: str) -> Client | None:
        digest = hash_token(token)
        now = time.monotonic()
        hit = self._entries.get(digest)
        if hit and hit[0] > now:
            return hit[1]
        found = r.hgetall(keys.token(digest))
        client = (Client(found["client"], frozenset(found["scopes"].split()),
                         float(found["qps"]) if "qps" in found else None) if found else None)
        with self._lock:
            if len(self._entries) > 10_000:  # bounded: random bad tokens must not grow memory
                self._entries.clear()
            self._entries[digest] = (now + self.ttl, client)
        return client


def require_scope(*scopes: str):
    """Decorate a view: the caller must send `Authorization: Bearer <token>` for a client
    holding at least one of `scopes`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            kind, _, token = header.partition(" ")
            challenge = {"WWW-Authenticate": 'Bearer realm="moderation"'}
            if kind.lower() != "bearer" or not token.strip():
                return problem(401, "Send `Authorization: Bearer <token>`.", headers=challenge)
            client = current_app.extensions["token_cache"].lookup(get_redis(), token.strip())
            if client is None:
                return problem(401, "Unknown or revoked token.", headers=challenge)
            if client.scopes.isdisjoint(scopes):
                wanted = " or ".join(f"`{s}`" for s in scopes)
                return problem(403, f"This client lacks the {wanted} scope.")
            g.client = client
            return view(*args, **kwargs)

        return wrapper

    return decorator


clients_cli = AppGroup("clients", help="Manage API clients and their tokens.")


@clients_cli.command("create")
@click.argument("name")
@click.option("--scopes", required=True, help=f"Comma-separated, among: {', '.join(SCOPES)}.")
@click.option("--qps", type=float, default=None,
              help="Its own Perspective quota, in requests per second (default: MODERATION_PERSPECTIVE_QPS).")
def create_command(name: str, scopes: str, qps: float | None) -> None:
    """Create a client and print its token (shown only this once)."""
    with cli_redis() as r:
        try:
            token = create_client(r, name, [s.strip() for s in scopes.split(",") if s.strip()], qps)
        except (ValueError, Conflict) as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(token)


@clients_cli.command("quota")
@click.argument("name")
@click.argument("qps")
def quota_command(name: str, qps: str) -> None:
    """Set a client's Perspective quota in requests per second, or `default` for the configured one."""
    try:
        value = None if qps == "default" else float(qps)
    except ValueError as exc:
        raise click.ClickException("the quota is a number of requests per second, or `default`") from exc
    with cli_redis() as r:
        try:
            set_quota(r, name, value)
        except (ValueError, NotFound) as exc:
            raise click.ClickException(getattr(exc, "detail", str(exc))) from exc
    click.echo(f"{name}\t{'default' if value is None else f'{value:g} requests/s'}")


@clients_cli.command("list")
def list_command() -> None:
    """List clients, their scopes, Perspective quota and whether they are revoked."""
    with cli_redis() as r:
        for c in list_clients(r):
            state = "revoked" if c.get("revoked_at") else "active"
            quota = "default" if c["qps"] is None else f"{c['qps']:g}/s"
            click.echo(f"{c['name']}\t{','.join(c['scopes'])}\t{quota}\t{state}")


@clients_cli.command("revoke")
@click.argument("name")
def revoke_command(name: str) -> None:
    """Revoke a client's token."""
    with cli_redis() as r:
        try:
            revoke_client(r, name)
        except NotFound as exc:
            raise click.ClickException(exc.detail) from exc
    click.echo(f"revoked {name}")


def init_app(app: Flask) -> None:
    app.extensions["token_cache"] = TokenCache(app.config["TOKEN_CACHE_SECONDS"])
    app.cli.add_command(clients_cli)
