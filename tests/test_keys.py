"""Key names are a storage format: renaming one orphans the data stored under the old name."""

from moderation import keys


def test_key_strings_are_pinned():
    assert keys.comment("c1") == "mod:comment:c1"
    assert keys.comment_history("c1") == "mod:comment:c1:history"
    assert keys.COMMENT_SEQ == "mod:seq:comment"
    assert keys.external_id("site", "e1") == "mod:client:site:external:e1"
    assert keys.article_status("a1", "published") == "mod:article:a1:published"
    assert keys.PENDING == "mod:pending"
    assert keys.queue("review") == "mod:queue:review"
    assert keys.AUDIT == "mod:audit"
    assert keys.CLIENTS == "mod:clients"
    assert keys.token("ab") == "mod:token:ab"
    assert keys.terms("banned") == "mod:terms:banned"
    assert keys.author("u1") == "mod:author:u1"
    assert keys.events("site") == "mod:events:site"
    assert keys.comment_reports("c1") == "mod:comment:c1:reports"
    assert keys.reporter("m1") == "mod:reporter:m1"
    assert keys.reporter_recent("m1") == "mod:reporter:m1:recent"
    assert keys.BENIGN_TEXTS == "mod:benign"
    assert keys.author_comments("u1") == "mod:author:u1:comments"
    assert keys.author_history("u1") == "mod:author:u1:history"


def test_scripts_use_the_namespace():
    for script in (keys.CREATE_COMMENT, keys.TRANSITION, keys.CLAIM_PENDING, keys.REPORT,
                   keys.RESOLVE_REPORTS, keys.AUTHOR_ACTION):
        assert "$" not in script
    for script in (keys.CREATE_COMMENT, keys.TRANSITION):
        assert "'mod:" in script


def test_webhook_keys_are_pinned():
    assert keys.webhook("site") == "mod:webhook:site"
    assert keys.webhook_lock("site") == "mod:webhook:site:lock"
    assert keys.WEBHOOKS == "mod:webhooks"
    for script in (keys.WEBHOOK_SET, keys.WEBHOOK_RECORD, keys.RELEASE_LOCK):
        assert "$" not in script


def test_dashboard_keys_are_pinned():
    assert keys.MODERATORS == "mod:moderators"
    assert keys.login_failures("a@b.fr") == "mod:login:a@b.fr:failures"
    assert keys.presence("c1") == "mod:presence:c1"
    assert keys.THRESHOLDS == "mod:settings:thresholds"
