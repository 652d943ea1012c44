"""Callers authenticate with bearer tokens carrying scopes; the CLI manages them."""

import pytest

from moderation import auth, keys

BODY = {"article_id": "a1", "author_id": "u1", "text": "Bonjour"}


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic abc", "Bearer not-a-token"])
def test_missing_or_wrong_token_is_401(client, r, header):
    headers = {"Authorization": header} if header is not None else {}
    resp = client.post("/v1/comments", json=BODY, headers=headers)
    assert resp.status_code == 401
    assert resp.mimetype == "application/problem+json"
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert not r.keys("mod:comment:*")


def test_wrong_scope_is_403(client, r, moderator_token):
    resp = client.post("/v1/comments", json=BODY, headers={"Authorization": f"Bearer {moderator_token}"})
    assert resp.status_code == 403
    assert "comments:write" in resp.get_json()["detail"]


def test_right_scope_is_accepted(client, site_headers):
    assert client.post("/v1/comments", json=BODY, headers=site_headers).status_code == 202


def test_tokens_are_stored_hashed(r, site_token):
    dump = "".join(str(r.hgetall(k) if r.type(k) == "hash" else r.get(k)) for k in r.keys("*"))
    assert site_token not in dump
    assert r.exists(keys.token(auth.hash_token(site_token)))


def test_cli_create_list_revoke(app, runner, r):
    created = runner.invoke(args=["clients", "create", "lemonde", "--scopes", "comments:write,reports:write"])
    assert created.exit_code == 0, created.output
    token = created.output.strip()
    assert token.startswith("mod_")

    listed = runner.invoke(args=["clients", "list"])
    assert "lemonde\tcomments:write,reports:write\tdefault\tactive" in listed.output

    client = app.test_client()
    assert client.post("/v1/comments", json=BODY, headers={"Authorization": f"Bearer {token}"}).status_code == 202

    revoked = runner.invoke(args=["clients", "revoke", "lemonde"])
    assert revoked.exit_code == 0
    assert "lemonde\tcomments:write,reports:write\tdefault\trevoked" in runner.invoke(args=["clients", "list"]).output
    app.extensions["token_cache"]._entries.clear()  # as after TOKEN_CACHE_SECONDS
    assert client.post("/v1/comments", json=BODY, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_cli_sets_a_clients_own_perspective_quota(runner, r):
    assert runner.invoke(args=["clients", "create", "coral", "--scopes", "analyze", "--qps", "50"]).exit_code == 0
    assert "coral\tanalyze\t50/s\tactive" in runner.invoke(args=["clients", "list"]).output
    set_back = runner.invoke(args=["clients", "quota", "coral", "default"])
    assert set_back.exit_code == 0, set_back.output
    assert "coral\tanalyze\tdefault\tactive" in runner.invoke(args=["clients", "list"]).output
    assert runner.invoke(args=["clients", "quota", "coral", "2.5"]).exit_code == 0
    assert "coral\tanalyze\t2.5/s\tactive" in runner.invoke(args=["clients", "list"]).output
    for bad in ("0", "-3", "beaucoup", "nan"):
        result = runner.invoke(args=["clients", "quota", "coral", "--", bad])
        assert result.exit_code != 0 and "requests per second" in result.output
    assert "coral\tanalyze\t2.5/s\tactive" in runner.invoke(args=["clients", "list"]).output
    unknown = runner.invoke(args=["clients", "quota", "nobody", "3"])
    assert unknown.exit_code != 0 and "no active client" in unknown.output


def test_cli_refuses_unknown_scope_and_duplicate_name(runner):
    bad = runner.invoke(args=["clients", "create", "x", "--scopes", "comments:write,admin"])
    assert bad.exit_code != 0 and "unknown scope" in bad.output
    assert runner.invoke(args=["clients", "create", "x", "--scopes", "moderation"]).exit_code == 0
    again = runner.invoke(args=["clients", "create", "x", "--scopes", "moderation"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_cli_revoke_unknown_client_fails(runner):
    result = runner.invoke(args=["clients", "revoke", "nobody"])
    assert result.exit_code != 0 and "no client" in result.output


def test_cli_starts_the_embedded_redis_when_none_is_configured(tmp_path):
    """Without MODERATION_REDIS_URL the CLI reaches the embedded server's data, starting it
    for the command when `make run` is not running, so a client created now exists later."""
    from moderation import create_app, embedded_redis

    var = tmp_path / "var"
    app = create_app({"TESTING": True, "VAR_DIR": str(var)})
    result = app.test_cli_runner().invoke(args=["clients", "create", "site", "--scopes", "comments:write"])
    assert result.exit_code == 0, result.output
    assert not embedded_redis.is_running(var)  # stopped after the command

    proc = embedded_redis.start(var)  # as `make run` would, on the same append-only file
    try:
        listed = app.test_cli_runner().invoke(args=["clients", "list"])
        assert "site\tcomments:write\tdefault\tactive" in listed.output
    finally:
        app.extensions["redis"].connection_pool.disconnect()
        embedded_redis.stop(proc)
