"""`make run`: the whole service on one machine, in the foreground.

Starts Redis (the embedded server unless MODERATION_REDIS_URL names one), one Celery worker
with the sweep scheduler, and the API under gunicorn; prints the URL and a demo client's
token; Ctrl-C stops every child process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import models

from . import auth, create_app, embedded_redis, keys, seed
from .config import PROJECT_ROOT
from .dashboard import accounts

DEMO_CLIENT = seed.DEMO_CLIENT
DEMO_SCOPES = ["comments:write", "reports:write", "moderation"]


def ensure_model(path: str | None) -> str:
    """Load the model (MODERATION_MODEL_PATH or the committed one), training one first when it
    is missing or was made by another scikit-learn."""
    try:
        return models.load(path).version
    except (FileNotFoundError, models.ModelVersionError) as exc:
        print(f"model not usable ({exc}); training one, this takes a minute…", flush=True)
        subprocess.run([sys.executable, "-m", "models", "train"], check=True, cwd=PROJECT_ROOT)
        return models.load(path).version


def demo_token(app, var_dir: Path) -> str:
    """The demo client's token, created on first start and kept (owner-only) under var/."""
    token_file = var_dir / "demo-site.token"
    r = app.extensions["redis"]
    if token_file.exists():
        token = token_file.read_text().strip()
        if r.exists(keys.token(auth.hash_token(token))):
            return token
    if r.hexists(keys.CLIENTS, DEMO_CLIENT):
        auth.revoke_client(r, DEMO_CLIENT)
    token = auth.create_client(r, DEMO_CLIENT, DEMO_SCOPES)
    token_file.touch(mode=0o600)
    token_file.write_text(token + "\n")
    return token


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    signal.signal(signal.SIGTERM, _interrupt)
    version = ensure_model(None)
    app = create_app()
    var_dir = Path(app.config["VAR_DIR"])
    var_dir.mkdir(parents=True, exist_ok=True)
    # One key for every API process, kept across restarts so dashboard sessions survive them.
    secret_key = app.config.get("SECRET_KEY") or accounts.persistent_secret(var_dir / "secret_key")
    children: list[subprocess.Popen] = []
    redis_proc = None

    def shutdown() -> None:
        # A second Ctrl-C (or make passing the signal on) must not cut the cleanup short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for proc in reversed(children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in reversed(children):
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if redis_proc is not None:
            embedded_redis.stop(redis_proc)

    try:
        if not app.config.get("REDIS_URL"):
            if embedded_redis.is_running(var_dir):
                print(f"error: an embedded Redis already serves {var_dir}; is `make run` running elsewhere?",
                      file=sys.stderr)
                return 1
            redis_proc = embedded_redis.start(var_dir)
        token = demo_token(app, var_dir)
        with app.app_context():
            # The demo comments, once: a new user sees decisions and a review queue at once.
            new = seed.load_demo(app.extensions["redis"])
        moderator, password = accounts.demo_moderator(app.extensions["redis"], var_dir)

        env = dict(os.environ, MODERATION_SECRET_KEY=secret_key)
        # Children get their own sessions: Ctrl-C reaches only this process, which stops
        # them in order (API, worker, then Redis) so no task loses its broker mid-flight.
        children.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.make_celery", "worker", "--beat",
             "--schedule", str(var_dir / "celerybeat-schedule"), "--concurrency", "1",
             # WARNING: at INFO the webhook scheduler's one-second tick floods the terminal.
             "--loglevel", "WARNING"], cwd=PROJECT_ROOT, env=env, start_new_session=True))
        children.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--access-logfile", "-", "moderation:create_app()"], cwd=PROJECT_ROOT, env=env,
            start_new_session=True))

        base = f"http://127.0.0.1:{port}"
        print(
            f"\nModeration service running (model {version}; {new} demo comment(s) submitted)\n"
            f"  API        {base}/v1    docs: {base}/docs\n"
            f"  demo site client: {DEMO_CLIENT}\n"
            f"  token      {token}\n"
            f"  dashboard  {base}/dashboard    {moderator} / {password}\n\n"
            f"  curl -X POST {base}/v1/comments -H 'Authorization: Bearer {token}' \\\n"
            f"       -H 'Content-Type: application/json' \\\n"
            f"       -d '{{\"article_id\": \"demo\", \"author_id\": \"membre-1\", \"text\": \"Merci pour cet article !\"}}'\n"
            f"\nCtrl-C stops everything.\n", flush=True)

        while all(p.poll() is None for p in children):
            time.sleep(0.5)
        failed = [p.args[2:4] for p in children if p.poll() is not None]
        print(f"a child process stopped ({failed}); stopping the rest", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        shutdown()


if __name__ == "__main__":
    sys.exit(main())
