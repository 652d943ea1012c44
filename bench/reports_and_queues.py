"""Moderation benchmark: `make bench-moderation`, i.e. `python bench/reports_and_queues.py [--quick]`.

Reports and queues, measured like bench/load.py measures submissions, with its machinery
(private redis-server on a Unix socket, gunicorn with 2 sync workers, wrk at 32 connections,
rounds alternating between two servers so both see the same background load):

1. POST /v1/comments/{id}/reports on the real app, wrk spreading the reports over a few
   thousand stored published comments and thousands of members so nearly all are new (a
   repeat only answers `duplicate`); beside bench/bare_app.py's endpoint that only parses a
   report-shaped body, under the same gunicorn settings; their ratio.
2. GET /v1/queues/review?limit=50 and /v1/queues/reported?limit=50 with 100,000 comments
   stored (20 % in review, 5 % published and reported, the rest published), beside the same
   requests on a store of 1,000 comments in the same proportions, served by a second,
   identical gunicorn on a second redis-server: the ratio is what the 100,000 cost.

The members' report rate limits (MODERATION_REPORTS_PER_MINUTE / _PER_DAY, 10 and 100) are
raised for every process of this run: each of the 5,000 members here reports up to about 15
times a minute at full speed, and a 429 would measure the limit, not the work. It prints figures and asserts nothing about
them: the machine is noisy, read the ratios.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import redis
from flask import Flask

if __package__ in (None, ""):  # run as `python bench/reports_and_queues.py`: import bench.load
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import (CONNECTIONS, GUNICORN_WORKERS, SAMPLE_TEXTS, WRK_INSTALL, WRK_THREADS,
                        HttpFigures, Processes, launch_gunicorn, measure_http,
                        service_env, start_redis, stop_on_sigterm, wait_serving)
from moderation import auth, create_app, keys
from moderation.comments import store
from moderation.priority import Priority
from moderation.reports import store as reports
from moderation.reports.schemas import REPORT_REASONS

# Far above what any member does here; see the module's docstring.
RATE_LIMITS = {"REPORTS_PER_MINUTE": 1_000_000, "REPORTS_PER_DAY": 1_000_000}
SITE = "bench-site"  # submits the comments, sends the reports
MODERATOR = "bench-moderator"  # reads the queues
REPORTERS = 5_000  # members reporting in item 1: 8–16 reports a minute each at 600–1,300 req/s
QUEUE_LIMIT = 50
QUEUES = ("review", "reported")
# Share of the seeded comments per outcome, by index modulo 20: 4 review, 1 reported.
REVIEW_OF_20, REPORTED_OF_20 = 4, 1
ARTICLES, AUTHORS = 400, 5_000
TIME_LIMIT_SECONDS = 240  # everything started is stopped if the run takes longer


@dataclass(frozen=True)
class Settings:
    """What bench.load.measure_http reads (rounds, round_seconds, warmup_seconds), and the
    sizes of the stores."""
    rounds: int
    round_seconds: int
    warmup_seconds: int
    report_comments: int
    big: int
    small: int


FULL = Settings(rounds=3, round_seconds=5, warmup_seconds=2, report_comments=3_000,
                big=100_000, small=1_000)
QUICK = Settings(rounds=1, round_seconds=4, warmup_seconds=1, report_comments=3_000,
                 big=100_000, small=1_000)


# --- seeding the store, through its own functions ------------------------------------------------

@dataclass(frozen=True)
class Scored:
    """What the worker stores on a comment it decides (decision.process_comments), computed
    once per sample text by the real classifier, so hashes and queue pages have real sizes."""
    toxicity: float
    fields: dict[str, str]  # but `decision`, which depends on the status (see `decided`)


def scored_samples(app: Flask) -> list[Scored]:
    clf = app.extensions["classifier"]
    out = []
    for text, raw in zip(SAMPLE_TEXTS, clf.score(SAMPLE_TEXTS)):
        scores = {label: round(float(p), 6) for label, p in raw.items()}
        out.append(Scored(scores["toxicity"], {
            "scores": json.dumps(scores), "spans": json.dumps(clf.explain(text)),
            "model_version": clf.version}))
    return out


def decided(sample: Scored, status: str, version: str, at: float) -> dict[str, str]:
    action = {"published": "publish", "review": "review"}[status]
    decision = {"action": action, "reason": f"bench: {action}", "decided_by": "model",
                "model_version": version, "decided_at": repr(at)}
    return {**sample.fields, "decision": json.dumps(decision)}


def outcome(i: int) -> str:
    slot = i % 20
    return "review" if slot < REVIEW_OF_20 else "reported" if slot < REVIEW_OF_20 + REPORTED_OF_20 else "published"


def seed(app: Flask, count: int, *, all_published: bool = False, batch: int = 1000) -> list[str]:
    """Store `count` comments as the API does (create_comment), spread over the last hours,
    then decide them as the worker does (transition, pipelined, into the model's queues);
    the `reported` share then gets one or two reports each (report_comment). Returns the ids
    of the published comments."""
    r = app.extensions["redis"]
    priority = Priority.from_config(app.config)
    rules = reports.Rules.from_config(app.config)
    samples = scored_samples(app)
    version = app.extensions["classifier"].version
    start = time.time() - count * 0.5  # one comment every half second, up to now
    ids = []
    for i in range(count):
        cid = store.new_id()
        store.create_comment(r, comment_id=cid, client=SITE, article_id=f"article-{i % ARTICLES}",
                             author_id=f"membre-{i % AUTHORS}",
                             text=f"{SAMPLE_TEXTS[i % len(SAMPLE_TEXTS)]} ({i})", now=start + i * 0.5)
        ids.append(cid)
    for first in range(0, count, batch):
        with r.pipeline(transaction=False) as pipe:
            for i in range(first, min(count, first + batch)):
                sample = samples[i % len(samples)]
                status = "published" if all_published or outcome(i) != "review" else "review"
                created = start + i * 0.5
                store.transition(r, ids[i], expected="pending", to=status, actor="model",
                                 reason="bench", queue=status,
                                 fields=decided(sample, status, version, created + 0.05),
                                 priority=priority.score(toxicity=sample.toxicity, created_at=created),
                                 now=created + 0.05, pipeline=pipe)
            pipe.execute()
    if not all_published:
        for i in range(count):
            if outcome(i) == "reported":
                for k in range(1 + (i // 20) % 2):  # one or two reports, alternately
                    reports.report_comment(r, ids[i], reporter_id=f"voisin-{i}-{k}",
                                           reason=REPORT_REASONS[i % len(REPORT_REASONS)],
                                           note="Propos limites." if k else None,
                                           rules=rules, priority=priority)
    return [cid for i, cid in enumerate(ids) if all_published or outcome(i) != "review"]


def copy_keys(source_url: str, target_url: str, names: list[str]) -> None:
    """Copy keys byte for byte (DUMP/RESTORE) from one server to the other."""
    source, target = redis.Redis.from_url(source_url), redis.Redis.from_url(target_url)
    for name in names:
        target.restore(name, 0, source.dump(name), replace=True)
    source.close()
    target.close()


# --- wrk scripts ------------------------------------------------------------------------------

# Appended to every script: one line per wrk run with its port, its request and non-2xx
# counts, the latency percentiles in microseconds (wrk's own summary has no p95), and the
# 201 and 200 answers counted by the script's `response` (0 when it has none).
DONE_HOOK = """
local all_threads = {}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
  table.insert(all_threads, thread)
end
function done(summary, latency, requests)
  local created, repeated = 0, 0
  for _, t in ipairs(all_threads) do
    created = created + (t:get("created") or 0)
    repeated = repeated + (t:get("repeated") or 0)
  end
  local f = io.open("{out}", "a")
  f:write(string.format("%s %d %d %d %d %d %d %d\\n", wrk.port, summary.requests, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), created, repeated))
  f:close()
end
"""


def report_script(token: str, comment_ids: list[str], out: Path) -> str:
    """POST a report by a random member on a random comment, half of them with a note.
    Each wrk thread seeds its generator with the time and its number: every run differs.
    `response` counts new reports (201) and repeats (200, `duplicate`)."""
    ids = ", ".join(f'"{c}"' for c in comment_ids)
    reasons = ", ".join(f'"{r}"' for r in REPORT_REASONS)
    return f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local ids = {{{ids}}}
local reasons = {{{reasons}}}
created, repeated = 0, 0  -- globals, read by `done` through thread:get
function response(status, headers, body)
  if status == 201 then created = created + 1 elseif status == 200 then repeated = repeated + 1 end
end
function init(args)
  math.randomseed(os.time() * 64 + tid)
end
local n = 0
function request()
  n = n + 1
  local path = "/v1/comments/" .. ids[math.random(#ids)] .. "/reports"
  local reporter = math.random({REPORTERS})
  local body
  if n % 2 == 0 then
    body = string.format('{{"reporter_id":"lecteur-%d","reason":"%s","note":"Ce commentaire insulte les autres lecteurs."}}',
                         reporter, reasons[n % #reasons + 1])
  else
    body = string.format('{{"reporter_id":"lecteur-%d","reason":"%s"}}', reporter, reasons[n % #reasons + 1])
  end
  return wrk.format(nil, path, nil, body)
end
""" + DONE_HOOK.replace("{out}", str(out))


def queue_script(token: str, name: str, out: Path) -> str:
    return f"""
wrk.method = "GET"
wrk.path = "/v1/queues/{name}?limit={QUEUE_LIMIT}"
wrk.headers["Authorization"] = "Bearer {token}"
""" + DONE_HOOK.replace("{out}", str(out))


@dataclass(frozen=True)
class Run:
    """One wrk run as the done hook wrote it."""
    requests: int
    non2xx: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    created: int  # 201 answers
    repeated: int  # 200 answers


def read_runs(out: Path) -> dict[int, list[Run]]:
    runs: dict[int, list[Run]] = defaultdict(list)
    for line in out.read_text().splitlines():
        port, requests, non2xx, p50, p95, p99, created, repeated = line.split()
        runs[int(port)].append(Run(int(requests), int(non2xx), int(p50) / 1000, int(p95) / 1000,
                                   int(p99) / 1000, int(created), int(repeated)))
    return runs


# --- probes -----------------------------------------------------------------------------------

def request(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, payload


def expect(status: int, payload: bytes, wanted: int, what: str) -> None:
    """A 4xx here fails the run before wrk would count thousands of them."""
    if status != wanted:
        raise RuntimeError(f"{what} answered {status}, not {wanted}: {payload[:300]!r}")


# --- the phases -------------------------------------------------------------------------------

@dataclass
class Reports:
    service: HttpFigures
    bare: HttpFigures
    new: int  # 201 answers of the service in the measured rounds
    duplicates: int  # 200 answers (`duplicate: true`)
    stored: int  # reports stored over the whole phase (warm-up and in-flight ones included)


@dataclass
class QueueRead:
    name: str
    big: HttpFigures
    small: HttpFigures
    big_p95_ms: float
    small_p95_ms: float
    big_size: int
    small_size: int
    big_bytes: int  # one response's body
    small_bytes: int


def phase_reports(procs: Processes, app: Flask, env: dict[str, str], workdir: Path,
                  settings: Settings) -> Reports:
    r = app.extensions["redis"]
    r.flushdb()
    token = auth.create_client(r, SITE, ["reports:write"])
    print(f"  storing {settings.report_comments:,} published comments…", flush=True)
    ids = seed(app, settings.report_comments, all_published=True)
    out = workdir / "reports-runs.txt"
    script = workdir / "reports.lua"
    script.write_text(report_script(token, ids, out))
    service = launch_gunicorn(procs, "gunicorn-reports", "moderation:create_app()", env, workdir)
    bare = launch_gunicorn(procs, "gunicorn-bare", "bench.bare_app:create_app()", env, workdir)
    wait_serving(procs, service)
    wait_serving(procs, bare)
    # One report checked by hand (not counted below: its member is not among wrk's).
    status, payload = request(service.port, "POST", f"/v1/comments/{ids[0]}/reports", token,
                              {"reporter_id": "sonde", "reason": "insult"})
    expect(status, payload, 201, "POST /v1/comments/{id}/reports")
    print(f"  POST /v1/comments/{{id}}/reports, service and bare alternately, {settings.rounds} round(s)…", flush=True)
    service_figures, bare_figures = measure_http(service.port, bare.port, script, settings)
    procs.stop(service.proc)
    procs.stop(bare.proc)
    measured = read_runs(out)[service.port][-settings.rounds:]  # the first run is the warm-up
    with r.pipeline(transaction=False) as pipe:
        for cid in ids:
            pipe.hlen(keys.comment_reports(cid))
        stored = sum(pipe.execute())
    return Reports(service_figures, bare_figures, sum(run.created for run in measured),
                   sum(run.repeated for run in measured), stored)


def phase_queues(procs: Processes, app: Flask, small_app: Flask, env: dict[str, str],
                 small_env: dict[str, str], workdir: Path, settings: Settings) -> list[QueueRead]:
    big_r, small_r = app.extensions["redis"], small_app.extensions["redis"]
    big_r.flushdb()
    small_r.flushdb()
    started = time.monotonic()
    print(f"  storing {settings.big:,} comments…", flush=True)
    seed(app, settings.big)
    seconds = time.monotonic() - started
    print(f"    ({seconds:.1f}s, {settings.big / seconds:,.0f} comments/s created, decided and reported; "
          f"Redis uses {big_r.info('memory')['used_memory_human']})", flush=True)
    print(f"  storing {settings.small:,} comments on the second Redis…", flush=True)
    seed(small_app, settings.small)
    token = auth.create_client(big_r, MODERATOR, ["moderation"])
    copy_keys(app.config["REDIS_URL"], small_app.config["REDIS_URL"],
              [keys.CLIENTS, keys.token(auth.hash_token(token))])
    big = launch_gunicorn(procs, "gunicorn-big", "moderation:create_app()", env, workdir)
    small = launch_gunicorn(procs, "gunicorn-small", "moderation:create_app()", small_env, workdir)
    wait_serving(procs, big)
    wait_serving(procs, small)
    results = []
    for name in QUEUES:
        out = workdir / f"queue-{name}-runs.txt"
        script = workdir / f"queue-{name}.lua"
        script.write_text(queue_script(token, name, out))
        pages = {}
        for server in (big, small):
            status, payload = request(server.port, "GET", f"/v1/queues/{name}?limit={QUEUE_LIMIT}", token)
            expect(status, payload, 200, f"GET /v1/queues/{name}")
            page = json.loads(payload)
            if len(page["items"]) != QUEUE_LIMIT:
                raise RuntimeError(f"queue {name} has {len(page['items'])} items on a page, not {QUEUE_LIMIT}")
            pages[server.port] = (page["size"], len(payload))
        print(f"  GET /v1/queues/{name}?limit={QUEUE_LIMIT}, {settings.big:,} and {settings.small:,} "
              f"comments alternately, {settings.rounds} round(s)…", flush=True)
        big_figures, small_figures = measure_http(big.port, small.port, script, settings)
        runs = read_runs(out)
        # The last `rounds` runs of each port are the measured ones (the first is the warm-up).
        p95 = {port: statistics.median(run.p95_ms for run in runs[port][-settings.rounds:])
               for port in (big.port, small.port)}
        results.append(QueueRead(name, big_figures, small_figures, p95[big.port], p95[small.port],
                                 pages[big.port][0], pages[small.port][0],
                                 pages[big.port][1], pages[small.port][1]))
    procs.stop(big.proc)
    procs.stop(small.proc)
    return results


# --- the table --------------------------------------------------------------------------------

def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def _spread(a: HttpFigures, b: HttpFigures) -> str:
    per_round = [x.rps / y.rps for x, y in zip(a.rounds, b.rounds)]
    return f"rounds {min(per_round):.2f}–{max(per_round):.2f}" if len(per_round) > 1 else ""


def print_report(rep: Reports, queues: list[QueueRead], settings: Settings) -> None:
    print()
    print(f"Moderation benchmark — {os.cpu_count()} CPUs, private Redis servers on Unix sockets "
          f"(no persistence), shared noisy machine")
    print(f"HTTP: gunicorn --workers {GUNICORN_WORKERS} (sync) on 127.0.0.1; "
          f"wrk -t{WRK_THREADS} -c{CONNECTIONS} --latency, {settings.rounds} round(s) of "
          f"{settings.round_seconds}s per server, alternating (after a {settings.warmup_seconds}s warm-up)")
    print("(req/s: the rounds' mean; latencies: the median of the rounds' values)")
    print(f"Report rate limits raised to {RATE_LIMITS['REPORTS_PER_MINUTE']:,}/min and "
          f"{RATE_LIMITS['REPORTS_PER_DAY']:,}/day for this run (defaults 10 and 100)")
    print()
    print(f"  {'POST /v1/comments/{id}/reports':<40}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>9}")
    for label, res in (("service (moderation:create_app)", rep.service),
                       ("bare Flask (bench/bare_app.py)", rep.bare)):
        print(f"  {label:<40}{res.rps:>9,.0f}{res.p50_ms:>9.1f}{res.p99_ms:>9.1f}{res.errors:>9,}")
    print(f"  {'ratio service / bare':<40}{_ratio(rep.service.rps, rep.bare.rps):>9}   "
          f"{_spread(rep.service, rep.bare)}")
    answered = rep.new + rep.duplicates
    print(f"  {settings.report_comments:,} published comments, {REPORTERS:,} members: of the service's "
          f"{answered:,} answers, {rep.new:,} new reports (201), {rep.duplicates:,} duplicates (200, "
          f"{rep.duplicates / max(answered, 1):.1%}); {rep.stored:,} reports stored in all")
    print()
    print(f"  {'GET /v1/queues/{name}?limit=' + str(QUEUE_LIMIT):<40}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p99 ms':>9}{'errors':>9}{'in queue':>10}{'KB/page':>9}")
    for q in queues:
        for label, res, p95, size, nbytes in (
                (f"{q.name}, {settings.big:,} comments stored", q.big, q.big_p95_ms, q.big_size, q.big_bytes),
                (f"{q.name}, {settings.small:,} comments stored", q.small, q.small_p95_ms, q.small_size, q.small_bytes)):
            print(f"  {label:<40}{res.rps:>9,.0f}{res.p50_ms:>9.1f}{p95:>9.1f}{res.p99_ms:>9.1f}"
                  f"{res.errors:>9,}{size:>10,}{nbytes / 1024:>9.1f}")
        print(f"  {'ratio ' + f'{settings.big // 1000}k / {settings.small // 1000}k':<40}"
              f"{_ratio(q.big.rps, q.small.rps):>9}{_ratio(q.big.p50_ms, q.small.p50_ms):>9}"
              f"{_ratio(q.big_p95_ms, q.small_p95_ms):>9}{_ratio(q.big.p99_ms, q.small.p99_ms):>9}"
              f"   {_spread(q.big, q.small)}")
    print(f"  (stores: {REVIEW_OF_20 * 5} % review, {REPORTED_OF_20 * 5} % published with 1–2 reports, "
          f"the rest published; the model's publications are in the `published` queue)")


# --- main -------------------------------------------------------------------------------------

class TimeLimit(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK.rounds} wrk round of {QUICK.round_seconds}s per server; less stable figures")
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    if shutil.which("wrk") is None:
        print(f"error: the load generator `wrk` is not installed; install it with:\n  {WRK_INSTALL}",
              file=sys.stderr)
        return 2

    def out_of_time(*_) -> None:
        raise TimeLimit
    started = time.monotonic()
    previous_alarm = signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(TIME_LIMIT_SECONDS)
    overrides = {f"MODERATION_{k}": str(v) for k, v in RATE_LIMITS.items()}
    with tempfile.TemporaryDirectory(prefix="bench-moderation-") as tmp, stop_on_sigterm():
        workdir = Path(tmp)
        procs = Processes(workdir)
        apps: list[Flask] = []
        try:
            (workdir / "big").mkdir()
            (workdir / "small").mkdir()
            big_url = start_redis(procs, workdir / "big")
            small_url = start_redis(procs, workdir / "small")
            env = {**service_env(big_url, workdir / "var"), **overrides}
            small_env = {**service_env(small_url, workdir / "var"), **overrides}
            # This process's apps: the same store functions and settings as the servers'.
            for url in (big_url, small_url):
                apps.append(create_app({"REDIS_URL": url, "VAR_DIR": str(workdir / "var"), **RATE_LIMITS}))
            print(f"Benchmarking (logs in {workdir}, removed at the end)…", flush=True)
            rep = phase_reports(procs, apps[0], env, workdir, settings)
            queues = phase_queues(procs, apps[0], apps[1], env, small_env, workdir, settings)
        except KeyboardInterrupt:
            print("interrupted; stopping every process started", file=sys.stderr)
            return 130
        except TimeLimit:
            print(f"over the {TIME_LIMIT_SECONDS}s time limit; stopping every process started", file=sys.stderr)
            return 1
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous_alarm)
            for app in apps:
                app.extensions["redis"].close()
            procs.stop_all()
    print_report(rep, queues, settings)
    print(f"\n(total {time.monotonic() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
