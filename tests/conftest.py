"""Fixtures shared by the suite: a throwaway Redis server, a fresh app per test, API
clients with tokens, and a real Celery worker process for tests that cross the queue."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from moderation import auth, create_app, embedded_redis

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A private redis-server on a free port, whatever else runs on this machine."""
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [embedded_redis.executable(), "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(workdir), *embedded_redis.SERVER_TUNING],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the test Redis did not start")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def redis_url(redis_server) -> str:
    return redis_server


@pytest.fixture
def r(redis_server):
    client = redis.Redis.from_url(redis_server, decode_responses=True)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def app_config(redis_server, tmp_path) -> dict:
    return {"TESTING": True, "REDIS_URL": redis_server, "VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": "test-secret-key"}


@pytest.fixture
def app(r, app_config):
    return create_app(app_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def site_token(r) -> str:
    return auth.create_client(r, "site", ["comments:write", "reports:write"])


@pytest.fixture
def moderator_token(r) -> str:
    return auth.create_client(r, "moderators", ["moderation"])


@pytest.fixture
def site_headers(site_token) -> dict:
    return {"Authorization": f"Bearer {site_token}"}


def start_worker(redis_url: str, *extra_env: tuple[str, str], concurrency: int = 1,
                 beat_schedule: Path | None = None) -> subprocess.Popen:
    """A real `celery worker` process, as `make run` starts it, on the test Redis."""
    env = {**os.environ, "MODERATION_REDIS_URL": redis_url, **dict(extra_env)}
    args = [sys.executable, "-m", "celery", "-A", "workers.make_celery", "worker",
            "--loglevel", "WARNING", "--concurrency", str(concurrency),
            "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if beat_schedule:
        args += ["--beat", "--schedule", str(beat_schedule)]
    return subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)


def stop_process_group(proc: subprocess.Popen, sig: int = 15) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()


@pytest.fixture(scope="module")
def worker(redis_server):
    # Module scope: a worker left running would take the tasks of later tests that expect
    # their comments to stay pending.
    proc = start_worker(redis_server)
    yield proc
    stop_process_group(proc)


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    """Poll until `predicate()` is truthy; return its value or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")
