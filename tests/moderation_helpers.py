"""Helpers shared by the reports, decisions, queues and authors tests."""

from __future__ import annotations

import json
import time

from moderation import keys
from moderation.comments import store
from moderation.priority import Priority


def submit(client, headers, *, author="auteur-1", text="Un avis tranché sur la réforme.",
           article="a1") -> str:
    resp = client.post("/v1/comments", json={"article_id": article, "author_id": author, "text": text},
                       headers=headers)
    assert resp.status_code == 202, resp.get_json()
    return resp.get_json()["id"]


def decide_as_model(r, cid: str, to: str = "published", toxicity: float = 0.1) -> None:
    """What the worker does, without the worker: scores and a model decision."""
    moved = store.transition(r, cid, expected="pending", to=to, actor="model", reason="test",
                             fields={"scores": json.dumps({"toxicity": toxicity}), "model_version": "fixed-1",
                                     "decision": json.dumps({"action": "publish", "reason": "test",
                                                             "decided_by": "model", "model_version": "fixed-1",
                                                             "decided_at": repr(time.time())})},
                             queue=to if to in ("review", "rejected") else "",
                             priority=Priority().score(toxicity=toxicity,
                                                       created_at=float(r.hget(keys.comment(cid), "created_at"))))
    assert moved.applied


def published(client, r, headers, **kwargs) -> str:
    cid = submit(client, headers, **kwargs)
    decide_as_model(r, cid)
    return cid


def report(client, headers, cid: str, reporter: str, reason: str = "insult", **extra):
    return client.post(f"/v1/comments/{cid}/reports", json={"reporter_id": reporter, "reason": reason, **extra},
                       headers=headers)


def make_proven(r, reporter: str, upheld: int = 5) -> None:
    r.hset(keys.reporter(reporter), mapping={"upheld": upheld, "reports": upheld})


def version(r, cid: str) -> int:
    return int(r.hget(keys.comment(cid), "version"))


def decide(client, headers, cid: str, action: str, ver: int | None = None, r=None,
           reason_code: str = "insult", moderator: str = "claire@exemple.fr", **extra):
    ver = version(r, cid) if ver is None else ver
    return client.post(f"/v1/comments/{cid}/decision",
                       json={"action": action, "reason_code": reason_code, "moderator": moderator,
                             "version": ver, **extra}, headers=headers)
