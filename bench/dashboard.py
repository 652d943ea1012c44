"""Dashboard benchmark: `make bench-dashboard`, i.e. `python bench/dashboard.py`.

Stores 100,000 comments in a private redis-server (on a Unix socket in a temporary
directory, never the machine's :6379; as bench/load.py does), a tenth of them held in the
`review` queue with scores, the model's spans and some reports, then times the server-side
render of the queue view (50 items) through Flask's test client, signed in as a moderator:
no network, no browser, only what the server does per page. The baseline, measured in the
same run, is the same page for an empty queue: the fixed cost of a dashboard request.

It prints p50/p99 and asserts nothing: the machine is noisy, read the difference.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from moderation import create_app, embedded_redis, keys  # noqa: E402
from moderation.comments import store  # noqa: E402
from moderation.dashboard import accounts  # noqa: E402
from moderation.priority import Priority  # noqa: E402

PASSWORD = "bench-password-1"
WORDS = ("franchement", "article", "honte", "idiot", "merci", "budget", "maire", "nul", "bravo",
         "mensonge", "région", "chiffres", "démission", "clair", "sources", "rédaction")
BATCH = 1000


def text_of(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))).capitalize() + "."


def spans_of(text: str, rng: random.Random) -> str:
    """Eight spans, like the classifier's explain(): words with their offsets and weights."""
    spans, start = [], 0
    for word in text.rstrip(".").split(" "):
        spans.append({"start": start, "end": start + len(word), "text": word, "label": "toxicity",
                      "weight": round(rng.uniform(-0.5, 0.8), 3)})
        start += len(word) + 1
    return json.dumps(rng.sample(spans, min(8, len(spans))))


def populate(r: redis.Redis, total: int, review_share: float, seed: int = 7) -> int:
    """`total` comments, decided as the model would: a share in `review`, the rest published."""
    rng = random.Random(seed)
    priority = Priority()
    in_review = 0
    now = time.time()
    for first in range(0, total, BATCH):
        rows = []
        with r.pipeline(transaction=False) as pipe:
            for n in range(first, min(first + BATCH, total)):
                cid = f"c_bench{n:07d}"
                text = text_of(rng)
                created = now - rng.uniform(0, 48 * 3600)
                article, author = f"article-{n % 500}", f"membre-{rng.randint(1, 20000)}"
                # store.create_comment's script, pipelined (the function runs one at a time)
                keys.run_script(pipe, keys.CREATE_COMMENT,
                                [keys.comment(cid), "", keys.COMMENT_SEQ, keys.PENDING,
                                 keys.article_status(article, "pending"), keys.comment_history(cid),
                                 keys.AUDIT, "", keys.author(author), keys.author_comments(author)],
                                [cid, repr(created), keys.EXTERNAL_ID_TTL_SECONDS, "", "client", "bench",
                                 "article_id", article, "author_id", author, "text", text])
                rows.append((cid, text, created))
            pipe.execute()
        with r.pipeline(transaction=False) as pipe:
            for cid, text, created in rows:
                review = rng.random() < review_share
                in_review += review
                toxicity = rng.uniform(0.3, 0.7) if review else rng.uniform(0, 0.2)
                scores = {"toxicity": toxicity, "insult": toxicity * 0.8, "threat": 0.01, "hate": 0.02,
                          "obscene": 0.05, "spam": 0.01}
                decision = {"action": "review" if review else "publish", "reason": "bench", "decided_by": "model",
                            "model_version": "bench", "decided_at": repr(created + 1)}
                store.transition(pipe, cid, expected="pending", to="review" if review else "published",
                                 actor="model", reason="bench", queue="review" if review else "",
                                 priority=priority.score(toxicity=toxicity, created_at=created),
                                 fields={"scores": json.dumps(scores), "spans": spans_of(text, rng),
                                         "decision": json.dumps(decision), "model_version": "bench"},
                                 now=created + 1, pipeline=pipe)
                if review and rng.random() < 0.3:
                    pipe.hset(keys.comment_reports(cid), "membre-rapporteur", json.dumps(
                        {"reason": "insult", "note": "Injure <b>grave</b>", "weight": 1.0, "proven": False,
                         "at": created + 60, "state": "open"}))
            pipe.execute()
    return in_review


def timings(client, path: str, runs: int) -> list[float]:
    for _ in range(10):  # warm up: templates compiled, scripts loaded, pools filled
        client.get(path)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        resp = client.get(path)
        out.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 200, resp.status_code
    return out


def describe(values: list[float]) -> str:
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return f"p50 {statistics.median(values):7.2f} ms   p99 {p99:7.2f} ms   mean {statistics.fmean(values):7.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--review-share", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        # The project's own embedded server, without persistence: a private Unix socket.
        proc = embedded_redis.start(tmp, persistent=False)
        try:
            app = create_app({"REDIS_URL": embedded_redis.url(tmp), "VAR_DIR": tmp, "SECRET_KEY": os.urandom(16).hex()})
            r = app.extensions["redis"]
            started = time.perf_counter()
            in_review = populate(r, args.comments, args.review_share)
            print(f"stored {args.comments:,} comments ({in_review:,} in review) in "
                  f"{time.perf_counter() - started:.1f} s; Redis holds {r.dbsize():,} keys")
            accounts.create_moderator(r, "bench@exemple.fr", PASSWORD, "moderator")
            client = app.test_client()
            page = client.get("/dashboard/login").get_data(as_text=True)
            token = page.split('name="csrf-token" content="')[1].split('"')[0]
            assert client.post("/dashboard/login", data={"email": "bench@exemple.fr", "password": PASSWORD,
                                                         "csrf_token": token}).status_code == 302
            html = client.get("/dashboard/queues/review").get_data(as_text=True)
            items = html.count('class="item"')
            baseline = timings(client, "/dashboard/queues/reported", args.runs)
            queue = timings(client, "/dashboard/queues/review", args.runs)
            print(f"\nDashboard queue view, server-side render via the test client, {args.runs} runs each "
                  f"({os.cpu_count()} CPUs)")
            print(f"  baseline: empty queue            {describe(baseline)}")
            print(f"  review queue, {items} items         {describe(queue)}")
            print(f"  difference (p50)                 {statistics.median(queue) - statistics.median(baseline):7.2f} ms"
                  f"   target: ≤ 300 ms per view")
        finally:
            embedded_redis.stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
