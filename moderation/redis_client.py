"""The Redis connection of the app: one pool per process, resolved from the config."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis
from flask import Flask, current_app

from . import embedded_redis


def redis_url(config) -> str:
    """The configured Redis, or the embedded one under VAR_DIR."""
    return config.get("REDIS_URL") or embedded_redis.url(config["VAR_DIR"])


def broker_url(config) -> str:
    url = config.get("BROKER_URL") or redis_url(config)
    # kombu names the Unix-socket flavour of the Redis transport differently from redis-py.
    if url.startswith("unix://"):
        return "redis+socket://" + url[len("unix://"):]
    return url


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True, health_check_interval=30)


def init_app(app: Flask) -> None:
    app.extensions["redis"] = connect(redis_url(app.config))


def get_redis() -> redis.Redis:
    return current_app.extensions["redis"]


@contextmanager
def cli_redis() -> Iterator[redis.Redis]:
    """The app's Redis for a CLI command. With no REDIS_URL configured and `make run` not
    running, the embedded server is started for the command and stopped after it, so the
    CLI always reaches the same data as the service."""
    config = current_app.config
    proc = None
    if not config.get("REDIS_URL") and not embedded_redis.is_running(config["VAR_DIR"]):
        proc = embedded_redis.start(config["VAR_DIR"])
    try:
        yield get_redis()
    finally:
        if proc is not None:
            get_redis().connection_pool.disconnect()
            embedded_redis.stop(proc)
