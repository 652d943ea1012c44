"""Load benchmark of the moderation service: `make bench-load`, i.e. `python bench/load.py`.

Everything runs on this machine, on loopback, in processes this script starts and stops:
a private redis-server on a Unix socket (never the machine's :6379), gunicorn, Celery workers
and `wrk`. It measures, in one run so that every figure has a same-run baseline:

1. POST /v1/comments on the real app under gunicorn (2 sync workers), with wrk at 32
   connections: requests/s, p50 and p99;
2. the same for bench/bare_app.py, a Flask endpoint that only parses the body (the ceiling);
3. their ratio;
4. submit-to-decision latency (the comment's `created_at` to its decision's `decided_at`) at a
   fixed 100 comments/s sent open-loop, with one real Celery worker running;
5. decisions/s of that worker draining a backlog of comments stored while it was stopped,
   beside the same worker settings draining as many no-op tasks (bench/noop_tasks.py);
6. POST /v1alpha1/comments:analyze (the Perspective replacement, scored in the API process)
   with Coral Talk's body, beside bare_app.py's Perspective-shaped endpoint, as in 1 to 3.

It prints figures and asserts nothing about them: the machine is noisy, read the ratios.
Set MODERATION_MODEL_PATH to benchmark another model than the committed one.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from flask import Flask

from moderation import auth, create_app, embedded_redis, keys
from moderation.comments import store

ROOT = Path(__file__).resolve().parent.parent
WRK_INSTALL = "apt-get update && apt-get install -y wrk"

# The settings the issue fixes: both apps get the same ones.
GUNICORN_WORKERS = 2
CONNECTIONS = 32
WRK_THREADS = 2  # shares the 2 cores with gunicorn, as the reference figures were measured
WORKER_CONCURRENCY = 2
# Like the test suite's worker: gossip, mingle and heartbeat only matter with several workers
# and would add broker traffic; the beat scheduler (sweep) is left out on purpose.
WORKER_FLAGS = ["--concurrency", str(WORKER_CONCURRENCY), "--loglevel", "WARNING",
                "--without-gossip", "--without-mingle", "--without-heartbeat"]
BENCH_CLIENT = "bench-site"
ANALYZE_PATH = "/v1alpha1/comments:analyze"

# Ordinary comments; none holds a quote or backslash, so they go into JSON and Lua verbatim.
SAMPLE_TEXTS = [
    "Merci pour cet article très clair, j'ai enfin compris le budget de la ville.",
    "Encore un papier à charge, vous ne vérifiez jamais vos sources.",
    "Le maire devrait démissionner, c'est une honte pour toute la région !",
    "Bravo à la rédaction pour ce dossier, continuez comme ça.",
    "Quel ramassis d'idioties, franchement vous êtes nuls.",
    "Je ne suis pas d'accord avec la conclusion, les chiffres de 2023 disent l'inverse.",
]


@dataclass(frozen=True)
class Settings:
    rounds: int  # wrk runs per app, alternating service and bare (see measure_http)
    round_seconds: int
    warmup_seconds: int
    rate: int  # comments/s offered in the latency test
    latency_seconds: int
    backlog: int

    @property
    def latency_count(self) -> int:
        return self.rate * self.latency_seconds


FULL = Settings(rounds=3, round_seconds=5, warmup_seconds=3, rate=100, latency_seconds=10,
                backlog=20_000)
QUICK = Settings(rounds=1, round_seconds=5, warmup_seconds=1, rate=100, latency_seconds=5,
                 backlog=5_000)


# --- processes -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Children in their own process groups, so stopping one also stops what it forked
    (gunicorn and Celery workers), and a Ctrl-C reaches only this script, which stops them."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[subprocess.Popen] = []
        self.names: dict[int, str] = {}  # pid -> name of its log file

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        log.close()  # the child holds its own descriptor
        self.names[proc.pid] = name
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 20.0) -> None:
        """SIGTERM to the leader only: gunicorn's master and Celery's main process then stop
        their own children cleanly (a Celery pool child killed directly loses its task).
        Whatever is left of the group after that, or after `timeout`, is killed."""
        if proc in self.running:
            self.running.remove(proc)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop_all(self) -> None:
        for proc in reversed(list(self.running)):
            self.stop(proc)

    def fail(self, proc: subprocess.Popen, message: str) -> None:
        name = self.names[proc.pid]
        tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{message}\n--- last lines of {name}'s log ---\n{tail}")


def wait_until(predicate: Callable[[], object], timeout: float, what: str,
               proc: subprocess.Popen | None = None, procs: Processes | None = None,
               interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc is not None and procs is not None and proc.poll() is not None:
            procs.fail(proc, f"{what}: the process exited with {proc.returncode}")
        if time.monotonic() > deadline:
            if proc is not None and procs is not None:
                procs.fail(proc, f"{what}: not done within {timeout:.0f}s")
            raise RuntimeError(f"{what}: not done within {timeout:.0f}s")
        time.sleep(interval)


def start_redis(procs: Processes, workdir: Path) -> str:
    """A throwaway redis-server listening only on a Unix socket in our temporary directory.

    Not a TCP port: the socket's path is ours alone, so no other client on this shared
    machine (a test run's leftover worker retrying its old port, say) can reach our queue by
    mistake. It is also how `make run` reaches its embedded Redis."""
    sock = workdir / "redis.sock"
    proc = procs.start("redis", [embedded_redis.executable(), "--port", "0",
                                 "--unixsocket", str(sock), "--unixsocketperm", "700",
                                 "--save", "", "--appendonly", "no", "--dir", str(workdir),
                                 *embedded_redis.SERVER_TUNING],
                       dict(os.environ))
    url = f"unix://{sock}"
    probe = redis.Redis.from_url(url)

    def answers() -> bool:
        try:
            return bool(probe.ping())
        except redis.ConnectionError:
            return False

    wait_until(answers, 10, "redis-server start", proc, procs)
    probe.close()
    return url


def service_env(redis_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of every child: the private Redis as data store and broker."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MODERATION_REDIS_URL", "MODERATION_BROKER_URL", "MODERATION_VAR_DIR")}
    # The Perspective quota is lifted: the benchmark measures serving, not the limit.
    env.update(MODERATION_REDIS_URL=redis_url, MODERATION_VAR_DIR=str(var_dir),
               MODERATION_PERSPECTIVE_QPS="1e9",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    return env


# Written as gunicorn's config file: its only content is a hook telling us when each worker
# has loaded the app (the real one loads the model first, which takes seconds).
GUNICORN_HOOK = """
import os

def post_worker_init(worker):
    open(os.path.join({ready_dir!r}, str(worker.pid)), "w").close()
"""


@dataclass(frozen=True)
class Gunicorn:
    proc: subprocess.Popen
    port: int
    ready_dir: Path
    target: str


def launch_gunicorn(procs: Processes, name: str, target: str, env: dict[str, str],
                    workdir: Path) -> Gunicorn:
    """gunicorn with 2 sync workers on a free loopback port; see `wait_serving`."""
    ready_dir = workdir / f"{name}-ready"
    ready_dir.mkdir()
    config = workdir / f"{name}-gunicorn.conf.py"
    config.write_text(GUNICORN_HOOK.format(ready_dir=str(ready_dir)))
    port = free_port()
    proc = procs.start(name, [sys.executable, "-m", "gunicorn", "--config", str(config),
                              "--bind", f"127.0.0.1:{port}", "--workers", str(GUNICORN_WORKERS),
                              target], env)
    return Gunicorn(proc, port, ready_dir, target)


def wait_serving(procs: Processes, server: Gunicorn) -> None:
    """Until every gunicorn worker has loaded the app."""
    wait_until(lambda: len(os.listdir(server.ready_dir)) >= GUNICORN_WORKERS, 120,
               f"gunicorn {server.target}", server.proc, procs)


def start_worker(procs: Processes, name: str, target: str, env: dict[str, str]) -> subprocess.Popen:
    return procs.start(name, [sys.executable, "-m", "celery", "-A", target, "worker", *WORKER_FLAGS], env)


# --- HTTP throughput with wrk -----------------------------------------------------------------

@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx responses and socket errors


def wrk_script(token: str) -> str:
    """POST /v1/comments with a different text on every request."""
    texts = ", ".join(f'"{t}"' for t in SAMPLE_TEXTS)
    return f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local texts = {{{texts}}}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
function request()
  n = n + 1
  local body = string.format(
    '{{"article_id":"bench-%d","author_id":"membre-%d","text":"%s (%d-%d)"}}',
    n % 100, n % 997, texts[n % #texts + 1], tid, n)
  return wrk.format(nil, nil, nil, body)
end
"""


def analyze_wrk_script(token: str) -> str:
    """Coral Talk's comments:analyze request (one attribute, doNotStore, languages fr), with
    a different text on every request so that no cache answers for the model."""
    texts = ", ".join(f'"{t}"' for t in SAMPLE_TEXTS)
    return f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local texts = {{{texts}}}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
function request()
  n = n + 1
  local body = string.format(
    '{{"comment":{{"text":"%s (%d-%d)"}},"doNotStore":true,"requestedAttributes":{{"TOXICITY":{{}}}},"languages":["fr"]}}',
    texts[n % #texts + 1], tid, n)
  return wrk.format(nil, "{ANALYZE_PATH}?key={token}", nil, body)
end
"""


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _duration_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.M))
    requests = re.search(r"(\d+) requests in", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not (requests and rps and "50" in percentiles and "99" in percentiles):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return WrkResult(float(rps.group(1)), _duration_ms(percentiles["50"]),
                     _duration_ms(percentiles["99"]), int(requests.group(1)), errors)


def run_wrk(port: int, script: Path, seconds: int, path: str = "/v1/comments") -> WrkResult:
    args = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
            "-s", str(script), f"http://127.0.0.1:{port}{path}"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


@dataclass(frozen=True)
class HttpFigures:
    """wrk rounds of one app: mean throughput, median latency percentiles, all errors."""
    rounds: list[WrkResult]

    @property
    def rps(self) -> float:
        return statistics.fmean(r.rps for r in self.rounds)

    @property
    def p50_ms(self) -> float:
        return statistics.median(r.p50_ms for r in self.rounds)

    @property
    def p99_ms(self) -> float:
        return statistics.median(r.p99_ms for r in self.rounds)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rounds)


def measure_http(service_port: int, bare_port: int, script: Path,
                 settings: Settings, path: str = "/v1/comments") -> tuple[HttpFigures, HttpFigures]:
    """Short wrk runs, alternating service and bare: the machine's background load drifts over
    a minute, so each round's pair is measured under about the same conditions. Each app first
    gets an unmeasured warm-up (imports, connection pools, Redis script cache)."""
    for port in (service_port, bare_port):
        run_wrk(port, script, settings.warmup_seconds, path)
    service, bare = [], []
    for _ in range(settings.rounds):
        service.append(run_wrk(service_port, script, settings.round_seconds, path))
        bare.append(run_wrk(bare_port, script, settings.round_seconds, path))
    return HttpFigures(service), HttpFigures(bare)


# --- one comment at a time --------------------------------------------------------------------

def comment_body(i: int) -> str:
    return json.dumps({"article_id": f"bench-{i % 100}", "author_id": f"membre-{i % 997}",
                       "text": f"{SAMPLE_TEXTS[i % len(SAMPLE_TEXTS)]} ({i})"}, ensure_ascii=False)


def post_comment(conn: http.client.HTTPConnection, token: str, i: int) -> str:
    """Submit one comment; its id. gunicorn's sync workers close every connection after the
    response, and http.client reopens it on the next request."""
    conn.request("POST", "/v1/comments", body=comment_body(i).encode(),
                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    payload = response.read()
    if response.status != 202:
        raise RuntimeError(f"POST /v1/comments answered {response.status}: {payload[:300]!r}")
    return json.loads(payload)["id"]


@dataclass
class OpenLoopRun:
    ids: list[str]
    errors: list[str]
    max_lag_ms: float  # how late the latest request left compared with its schedule


def open_loop_post(port: int, token: str, rate: int, count: int, senders: int = 16) -> OpenLoopRun:
    """Send `count` comments at `rate`/s on a fixed schedule, whatever the response times
    (open loop): a slow answer does not delay the next submission, as with real visitors.
    The scheduler hands each due request to a pool of senders; lag > 0 means the pool or this
    machine could not keep up, which the report shows."""
    jobs: queue.Queue[tuple[int, float] | None] = queue.Queue()
    run = OpenLoopRun([], [], 0.0)
    lock = threading.Lock()

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (job := jobs.get()) is not None:
            i, due = job
            lag = time.monotonic() - due
            try:
                cid, error = post_comment(conn, token, i), None
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                cid, error = None, f"{type(exc).__name__}: {exc}"
                conn.close()
            with lock:
                run.max_lag_ms = max(run.max_lag_ms, lag * 1000)
                run.ids.append(cid) if cid else run.errors.append(error)
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for t in threads:
        t.start()
    start = time.monotonic() + 0.05
    for i in range(count):
        due = start + i / rate
        time.sleep(max(0.0, due - time.monotonic()))
        jobs.put((i, due))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    return run


# --- reading decisions back -------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of unsorted values."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * p / 100)) - 1]


def decision_latencies_ms(r: redis.Redis, ids: list[str]) -> list[float]:
    """decided_at - created_at of each decided comment, both stored by the service itself."""
    with r.pipeline(transaction=False) as pipe:
        for cid in ids:
            pipe.hmget(keys.comment(cid), "created_at", "decision")
        rows = pipe.execute()
    return [(float(json.loads(decision)["decided_at"]) - float(created)) * 1000
            for created, decision in rows if decision]


def pending_count(r: redis.Redis) -> int:
    return r.zcard(keys.PENDING)


# --- backlogs ---------------------------------------------------------------------------------

def store_backlog(app: Flask, count: int) -> None:
    """Store `count` comments as the API does (comment + task message in one script), with no
    worker running. One call per comment: the store's function returns its result, so it
    cannot be pipelined, and a few seconds here are not part of any figure."""
    r = app.extensions["redis"]
    scoring = app.extensions["scoring_queue"]
    for i in range(count):
        cid = store.new_id()
        broker_list, message = scoring.inline_message(cid)
        body = json.loads(comment_body(i))
        store.create_comment(r, comment_id=cid, client=BENCH_CLIENT, broker_list=broker_list,
                             broker_message=message, **body)


def queue_noop_backlog(app: Flask, count: int, batch: int = 1000) -> None:
    """`count` scoring-task messages, byte for byte what the API queues, for comments that do
    not exist: the no-op worker never reads Redis, so only Celery's own work is measured."""
    r = app.extensions["redis"]
    scoring = app.extensions["scoring_queue"]
    for first in range(0, count, batch):
        with r.pipeline(transaction=False) as pipe:
            for _ in range(first, min(count, first + batch)):
                pipe.lpush(*scoring.inline_message(store.new_id()))
            pipe.execute()


@dataclass(frozen=True)
class Drain:
    done: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


def drain(r: redis.Redis, task_list: str, total: int, remaining: Callable[[], int],
          proc: subprocess.Popen, procs: Processes, timeout: float) -> Drain:
    """Time a freshly started worker through a backlog: from the moment it takes its first
    message (so its start-up, model loading included, is not counted) until `remaining()`
    reaches 0, or until `timeout`, in which case the work done so far is reported."""
    wait_until(lambda: r.llen(task_list) < total, 120, "worker start", proc, procs, interval=0.005)
    start = time.monotonic()
    deadline = start + timeout
    left = remaining()
    while left and time.monotonic() < deadline:
        if proc.poll() is not None:
            procs.fail(proc, "the worker exited while draining")
        time.sleep(0.01)
        left = remaining()
    return Drain(total - left, time.monotonic() - start)


# --- the phases -------------------------------------------------------------------------------

@dataclass
class Report:
    model: str
    service: HttpFigures | None = None
    bare: HttpFigures | None = None
    latency: list[float] | None = None
    latency_run: OpenLoopRun | None = None
    decisions: Drain | None = None
    noops: Drain | None = None
    analyze: HttpFigures | None = None
    analyze_bare: HttpFigures | None = None
    bare_server: Gunicorn | None = None


def new_token(r: redis.Redis) -> str:
    """An empty database with one client allowed to submit comments."""
    r.flushdb()
    return auth.create_client(r, BENCH_CLIENT, ["comments:write"])


def phase_http(procs: Processes, app: Flask, env: dict[str, str], workdir: Path,
               settings: Settings, report: Report) -> Gunicorn:
    """Items 1 to 3: POST throughput of the real app and of the bare one under the same
    gunicorn settings and the same wrk load. Returns the real app's server, still running."""
    token = new_token(app.extensions["redis"])
    script = workdir / "post.lua"
    script.write_text(wrk_script(token))
    service = launch_gunicorn(procs, "gunicorn-service", "moderation:create_app()", env, workdir)
    bare = launch_gunicorn(procs, "gunicorn-bare", "bench.bare_app:create_app()", env, workdir)
    wait_serving(procs, service)
    wait_serving(procs, bare)
    post_comment(http.client.HTTPConnection("127.0.0.1", service.port), token, 0)  # a 4xx fails here, not in wrk
    print(f"  POST /v1/comments, service and bare alternately, {settings.rounds} round(s)…", flush=True)
    report.service, report.bare = measure_http(service.port, bare.port, script, settings)
    report.bare_server = bare  # still running: phase_analyze uses it too
    return service


def phase_analyze(procs: Processes, app: Flask, service: Gunicorn, workdir: Path,
                  settings: Settings, report: Report) -> None:
    """Item 6: comments:analyze on the real app and the bare one, as items 1 to 3. The quota
    is lifted in `service_env`: this measures scoring, the quota script still runs."""
    r = app.extensions["redis"]
    r.flushdb()
    token = auth.create_client(r, BENCH_CLIENT, ["analyze"])
    script = workdir / "analyze.lua"
    script.write_text(analyze_wrk_script(token))
    conn = http.client.HTTPConnection("127.0.0.1", service.port)
    conn.request("POST", f"{ANALYZE_PATH}?key={token}", headers={"Content-Type": "application/json"},
                 body=json.dumps({"comment": {"text": SAMPLE_TEXTS[0]}, "doNotStore": True,
                                  "requestedAttributes": {"TOXICITY": {}}, "languages": ["fr"]}))
    response = conn.getresponse()
    if response.status != 200:  # a 4xx fails here, not in wrk
        raise RuntimeError(f"{ANALYZE_PATH} answered {response.status}: {response.read()[:300]!r}")
    conn.close()
    print(f"  POST {ANALYZE_PATH}, service and bare alternately, {settings.rounds} round(s)…", flush=True)
    report.analyze, report.analyze_bare = measure_http(service.port, report.bare_server.port, script,
                                                       settings, ANALYZE_PATH)
    procs.stop(report.bare_server.proc)


def phase_latency(procs: Processes, app: Flask, env: dict[str, str], service: Gunicorn,
                  settings: Settings, report: Report) -> None:
    """Item 4: from submission to decision, on the same gunicorn, with one worker running."""
    r = app.extensions["redis"]
    # The throughput runs left tens of thousands of queued comments: start from empty.
    token = new_token(r)
    worker = start_worker(procs, "worker-latency", "workers.make_celery", env)
    print(f"  submit → decision at {settings.rate}/s…", flush=True)
    warm_up_worker(r, service.port, token, worker, procs)
    run = open_loop_post(service.port, token, settings.rate, settings.latency_count)
    wait_until(lambda: pending_count(r) == 0, 60, "deciding the latency run's comments", worker, procs)
    report.latency_run = run
    report.latency = decision_latencies_ms(r, run.ids)
    procs.stop(worker)


def warm_up_worker(r: redis.Redis, port: int, token: str, worker: subprocess.Popen,
                   procs: Processes) -> None:
    """Until a few comments are decided, the worker may still be loading the model; these
    also give both of its processes a first task. They are left out of the figures."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(8):
        post_comment(conn, token, i)
    wait_until(lambda: pending_count(r) == 0, 120, "worker start", worker, procs)


def phase_backlogs(procs: Processes, app: Flask, env: dict[str, str], settings: Settings,
                   report: Report) -> None:
    """Item 5: a worker draining stored comments, then the same settings draining no-ops."""
    r = app.extensions["redis"]
    task_list = app.config["TASK_QUEUE"]
    timeout = max(60.0, settings.backlog / 200)  # bounded even if the worker is very slow

    new_token(r)
    print(f"  storing {settings.backlog:,} comments…", flush=True)
    store_backlog(app, settings.backlog)
    worker = start_worker(procs, "worker-backlog", "workers.make_celery", env)
    print("  draining them…", flush=True)
    report.decisions = drain(r, task_list, settings.backlog, lambda: pending_count(r),
                             worker, procs, timeout)
    procs.stop(worker)

    r.flushdb()
    queue_noop_backlog(app, settings.backlog)
    worker = start_worker(procs, "worker-noop", "bench.noop_tasks", env)
    print(f"  draining {settings.backlog:,} no-op tasks…", flush=True)
    # A message leaves the list when a worker reserves it and the `unacked` hash (kombu's
    # Redis transport) when its task has finished, acks being late.
    report.noops = drain(r, task_list, settings.backlog,
                         lambda: r.llen(task_list) + r.hlen("unacked"), worker, procs, timeout)
    procs.stop(worker)


# --- the table --------------------------------------------------------------------------------

def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def print_report(report: Report, settings: Settings) -> None:
    worker_cmd = f"celery -A workers.make_celery worker {' '.join(WORKER_FLAGS)}"
    print()
    print(f"Load benchmark — {os.cpu_count()} CPUs, model {report.model}, private Redis on a Unix socket "
          f"(no persistence)")
    print(f"HTTP: gunicorn --workers {GUNICORN_WORKERS} (sync) on 127.0.0.1; "
          f"wrk -t{WRK_THREADS} -c{CONNECTIONS} --latency, {settings.rounds} round(s) of "
          f"{settings.round_seconds}s per app, alternating (after a {settings.warmup_seconds}s warm-up)")
    print("(req/s: the rounds' mean; p50 and p99: the median of the rounds' values)")
    print()
    print(f"  {'POST /v1/comments':<38}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>9}")
    for label, res in (("service (moderation:create_app)", report.service),
                       ("bare Flask (bench/bare_app.py)", report.bare)):
        print(f"  {label:<38}{res.rps:>9,.0f}{res.p50_ms:>9.1f}{res.p99_ms:>9.1f}{res.errors:>9,}")
    per_round = [a.rps / b.rps for a, b in zip(report.service.rounds, report.bare.rounds)]
    spread = f"rounds {min(per_round):.2f}–{max(per_round):.2f}" if len(per_round) > 1 else ""
    print(f"  {'ratio service / bare':<38}{_ratio(report.service.rps, report.bare.rps):>9}"
          f"   {spread:<24}   bar ≥ 0.5, goal 0.7")
    print()
    print(f"  {'POST ' + ANALYZE_PATH:<38}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>9}")
    for label, res in (("service (scored in the API process)", report.analyze),
                       ("bare Flask (bench/bare_app.py)", report.analyze_bare)):
        print(f"  {label:<38}{res.rps:>9,.0f}{res.p50_ms:>9.1f}{res.p99_ms:>9.1f}{res.errors:>9,}")
    print(f"  {'ratio service / bare':<38}{_ratio(report.analyze.rps, report.analyze_bare.rps):>9}"
          f"   {'':<24}   bar p99 ≤ 50 ms")
    print()

    run, lat = report.latency_run, report.latency
    print(f"  Submit → decision, {settings.latency_count:,} comments sent open-loop at "
          f"{settings.rate}/s ({settings.latency_seconds}s), worker: {worker_cmd}")
    if lat:
        print(f"  {'created_at → decided_at':<38}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
        print(f"  {'ms':<38}{percentile(lat, 50):>9.1f}{percentile(lat, 95):>9.1f}"
              f"{percentile(lat, 99):>9.1f}{max(lat):>9.1f}   bar p95 ≤ 100 ms")
    print(f"  decided {len(lat or []):,} of {len(run.ids):,} stored; {len(run.errors)} failed submissions"
          f"; sender at most {run.max_lag_ms:.0f} ms behind schedule")
    for error in run.errors[:3]:
        print(f"    {error}")
    print()

    dec, noop = report.decisions, report.noops
    print(f"  Backlog of {settings.backlog:,}, drained by one worker: {worker_cmd}")
    print(f"  {'':<38}{'per s':>9}{'done':>9}{'seconds':>9}")
    print(f"  {'decisions (workers.make_celery)':<38}{dec.per_second:>9,.0f}{dec.done:>9,}{dec.seconds:>9.1f}"
          f"   bar ≥ 1,000/s, goal several thousand")
    print(f"  {'no-op tasks (bench.noop_tasks)':<38}{noop.per_second:>9,.0f}{noop.done:>9,}{noop.seconds:>9.1f}")
    print(f"  {'ratio decisions / no-op':<38}{_ratio(dec.per_second, noop.per_second):>9}")


# --- main -------------------------------------------------------------------------------------

@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """A SIGTERM (make, CI timeouts) unwinds like Ctrl-C, so every child is stopped."""
    def interrupt(*_) -> None:
        raise KeyboardInterrupt
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"shorter runs ({QUICK.rounds} wrk round, {QUICK.latency_seconds}s "
                             f"latency, backlog of {QUICK.backlog:,}); less stable figures")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    if shutil.which("wrk") is None:
        print(f"error: the load generator `wrk` is not installed; install it with:\n  {WRK_INSTALL}",
              file=sys.stderr)
        return 2

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, stop_on_sigterm():
        workdir = Path(tmp)
        procs = Processes(workdir)
        try:
            redis_url = start_redis(procs, workdir)
            env = service_env(redis_url, workdir / "var")
            # This process's own app: the same Redis client, key layout and task messages as
            # the service's, to create the token and store the backlogs.
            app = create_app({"REDIS_URL": redis_url, "VAR_DIR": str(workdir / "var")})
            report = Report(model=app.extensions["classifier"].version)
            print(f"Benchmarking (logs in {workdir}, removed at the end)…", flush=True)
            service = phase_http(procs, app, env, workdir, settings, report)
            phase_analyze(procs, app, service, workdir, settings, report)
            phase_latency(procs, app, env, service, settings, report)
            procs.stop(service.proc)
            phase_backlogs(procs, app, env, settings, report)
            app.extensions["redis"].close()
        except KeyboardInterrupt:
            print("interrupted; stopping every process started", file=sys.stderr)
            return 130
        finally:
            procs.stop_all()
    print_report(report, settings)
    print(f"\n(total {time.monotonic() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
