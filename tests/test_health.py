from moderation import create_app


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_reports_each_dependency(client, app):
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready"
    assert body["checks"]["redis"]["ok"] and body["checks"]["broker"]["ok"]
    assert body["checks"]["model"]["version"] == app.extensions["classifier"].version


def test_readyz_is_503_when_redis_is_down(app_config):
    app = create_app({**app_config, "REDIS_URL": "redis://127.0.0.1:1/0"})
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json()["checks"]["redis"]["ok"] is False
