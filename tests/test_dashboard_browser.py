"""The dashboard in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright), against the app served by a real HTTP server on 127.0.0.1.

Screenshots of the queue view, a comment's page and the statistics go to test-artifacts/.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from moderation import create_app, keys
from tests.conftest import ROOT
from tests.dashboard_helpers import PASSWORD, make_moderator
from tests.moderation_helpers import decide_as_model, report, version

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)> Quel texte !'

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")


@pytest.fixture(scope="module")
def live_app(redis_server, tmp_path_factory):
    return create_app({"TESTING": True, "REDIS_URL": redis_server, "SECRET_KEY": "browser-test-key",
                       "VAR_DIR": str(tmp_path_factory.mktemp("var"))})


@pytest.fixture(scope="module")
def base_url(live_app):
    """The app under a real threaded HTTP server, as a browser reaches it."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(r):
    from moderation import auth

    return {"Authorization": "Bearer " + auth.create_client(r, "site", ["comments:write", "reports:write"])}


@pytest.fixture
def page(browser, base_url, r):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    dialogs: list[str] = []
    tab = context.new_page()
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.dialogs = dialogs
    yield tab
    context.close()


def screenshot(tab, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / name), full_page=True)


def sign_in(tab, email: str, password: str = PASSWORD, path: str = "/dashboard/queues/review") -> None:
    tab.goto(path)
    tab.fill("input[name=email]", email)
    tab.fill("input[name=password]", password)
    tab.click("button[type=submit]")


def in_review(base_url: str, r, site: dict, text: str = "Un avis tranché sur la réforme.",
              author: str = "auteur-1", article: str = "2026-11-25-budget", toxicity: float = 0.5) -> str:
    """A comment submitted through the live API, then held for review as the model would."""
    resp = requests.post(f"{base_url}/v1/comments", json={"article_id": article, "author_id": author,
                                                          "text": text}, headers=site, timeout=10)
    assert resp.status_code == 202, resp.text
    cid = resp.json()["id"]
    decide_as_model(r, cid, to="review", toxicity=toxicity)
    return cid


def status(r, cid: str) -> str:
    return r.hget(keys.comment(cid), "status")


def test_signed_out_access_redirects_to_sign_in(page, r):
    make_moderator(r)
    page.goto("/dashboard/stats")
    assert "/dashboard/login" in page.url
    page.fill("input[name=email]", "claire@exemple.fr")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/stats")
    assert page.locator("h1").inner_text() == "Statistiques"
    page.click("text=Se déconnecter")
    page.wait_for_url("**/dashboard/login")
    page.goto("/dashboard/queues")
    assert "/dashboard/login" in page.url


def test_lockout_after_repeated_failures(page, r):
    make_moderator(r)
    for _ in range(keys.LOGIN_MAX_FAILURES):
        sign_in(page, "claire@exemple.fr", "mauvais-mot-de-passe")
        page.wait_for_selector("#login-error")
    assert "bloqué" in page.inner_text("#login-error")
    sign_in(page, "claire@exemple.fr")  # the right password, too late
    assert "bloqué pendant encore" in page.inner_text("#login-error")
    assert "/dashboard/login" in page.url


def test_work_a_queue_with_the_keyboard_only(page, r, site, base_url):
    make_moderator(r)
    ids = [in_review(base_url, r, site, text=f"Commentaire numéro {n}, plutôt limite.", author=f"membre-{n}",
                     toxicity=0.9 - n / 10) for n in range(5)]
    report(_ApiClient(base_url), site, ids[0], "membre-77", reason="insult", note="Injure envers un lecteur")
    sign_in(page, "claire@exemple.fr")
    page.wait_for_selector(f"#item-{ids[0]}.focused")
    screenshot(page, "queue.png")
    page.keyboard.press("a")  # approve the first; the second gets the focus
    page.wait_for_selector(f"#item-{ids[0]}", state="detached")
    page.wait_for_selector(f"#item-{ids[1]}.focused")
    page.keyboard.press("r")  # reject with the card's default reason
    page.wait_for_selector(f"#item-{ids[1]}", state="detached")
    page.keyboard.press("j")  # skip the third
    page.wait_for_selector(f"#item-{ids[3]}.focused")
    page.keyboard.press("h")
    page.wait_for_selector(f"#item-{ids[3]}", state="detached")
    page.wait_for_selector(f"#item-{ids[4]}.focused")
    page.keyboard.press("k")
    page.wait_for_selector(f"#item-{ids[2]}.focused")
    page.keyboard.press("b")  # author actions, then p: pre-moderate
    page.keyboard.press("p")
    page.wait_for_selector(f"#item-{ids[2]} .item-message.ok")
    page.keyboard.press("?")
    assert page.is_visible("#help")
    page.keyboard.press("Escape")
    assert not page.is_visible("#help")
    assert [status(r, cid) for cid in ids] == ["published", "rejected", "review", "hidden", "review"]
    assert r.hget(keys.author("membre-2"), "state") == "premoderated"
    decision = r.hget(keys.comment(ids[1]), "decision")
    assert '"reason_code": "insult"' in decision and '"decided_by": "claire@exemple.fr"' in decision
    assert page.inner_text("#queue-size") == "2"


def test_bulk_reject_three_items(page, r, site, base_url):
    make_moderator(r)
    ids = [in_review(base_url, r, site, text=f"Achetez nos montres, offre {n} !", toxicity=0.9 - n / 10)
           for n in range(4)]
    sign_in(page, "claire@exemple.fr")
    page.wait_for_selector(f"#item-{ids[0]}.focused")
    for _ in range(3):
        page.keyboard.press("x")
        page.keyboard.press("j")
    assert page.inner_text("#selected-count") == "3"
    page.select_option("#bulk-reason", "spam")
    page.click("[data-bulk=reject]")
    for cid in ids[:3]:
        page.wait_for_selector(f"#item-{cid}", state="detached")
    assert [status(r, cid) for cid in ids] == ["rejected"] * 3 + ["review"]
    assert all('"reason_code": "spam"' in r.hget(keys.comment(cid), "decision") for cid in ids[:3])
    assert page.inner_text("#selected-count") == "0"


def test_new_items_appear_live(page, r, site, base_url):
    make_moderator(r)
    sign_in(page, "claire@exemple.fr")
    page.wait_for_selector("#empty")
    cid = in_review(base_url, r, site, text="Arrivé pendant que la page était ouverte.")
    page.wait_for_selector(f"#item-{cid}", timeout=10_000)
    assert "Arrivé pendant" in page.inner_text(f"#item-{cid} .text")
    assert page.inner_text("#queue-size") == "1"


def test_a_second_moderator_gets_the_stale_decision_message(browser, base_url, page, r, site):
    make_moderator(r)
    make_moderator(r, "paul@exemple.fr")
    cid = in_review(base_url, r, site)
    other_context = browser.new_context(base_url=base_url)
    try:
        other = other_context.new_page()
        sign_in(page, "claire@exemple.fr")
        sign_in(other, "paul@exemple.fr")
        other.wait_for_selector(f"#item-{cid}.focused")
        page.wait_for_selector(f"#item-{cid}.focused")
        # each sees that the other has the comment open
        page.wait_for_selector(f"#item-{cid} .presence:has-text('paul@exemple.fr')", timeout=10_000)
        page.keyboard.press("r")
        page.wait_for_selector(f"#item-{cid}", state="detached")
        other.keyboard.press("a")
        message = other.wait_for_selector(f"#item-{cid} .item-message.error")
        assert "Décision refusée : ce commentaire a changé depuis son affichage" in message.inner_text()
        assert status(r, cid) == "rejected"
    finally:
        other_context.close()


def test_script_comment_renders_as_text(page, r, site, base_url, live_app):
    make_moderator(r)
    cid = in_review(base_url, r, site, text=XSS, author='<img/src=y/onerror=alert(2)>')
    r.sadd(keys.terms("suspect"), "texte")
    live_app.extensions["terms_cache"]._expires = 0  # as after TERMS_CACHE_SECONDS
    sign_in(page, "claire@exemple.fr")
    card = page.wait_for_selector(f"#item-{cid}")
    assert XSS in card.inner_text()
    assert page.locator(f"#item-{cid} .text img").count() == 0
    assert page.locator(f"#item-{cid} .text script").count() == 0
    page.goto(f"/dashboard/comments/{cid}")
    page.wait_for_selector("#history")
    assert XSS in page.inner_text("blockquote.text")
    assert page.locator("mark.suspect").inner_text() == "texte"
    screenshot(page, "comment.png")
    page.goto("/dashboard/search?q=script")
    assert cid in page.content()
    assert page.dialogs == []


def test_csrf_less_post_is_refused(page, r, site, base_url):
    make_moderator(r)
    cid = in_review(base_url, r, site)
    sign_in(page, "claire@exemple.fr")
    page.wait_for_selector(f"#item-{cid}")
    # the browser's own session cookie, without the page's token
    resp = page.request.post("/dashboard/decisions", data={"action": "approve", "reason_code": "other",
                                                            "items": [{"id": cid, "version": version(r, cid)}]})
    assert resp.status == 400
    assert "Jeton de sécurité" in resp.json()["message"]
    assert status(r, cid) == "review"


def test_statistics_page(page, r, site, base_url):
    make_moderator(r)
    ids = [in_review(base_url, r, site, text=f"Avis {n}", toxicity=n / 6) for n in range(6)]
    for n, cid in enumerate(ids[:3]):
        report(_ApiClient(base_url), site, cid, f"membre-{n}", reason=["insult", "spam", "hate"][n])
    sign_in(page, "claire@exemple.fr")
    page.wait_for_selector(f"#item-{ids[-1]}.focused")  # the most toxic first
    page.keyboard.press("r")
    page.wait_for_selector(f"#item-{ids[-1]}", state="detached")
    page.keyboard.press("a")
    page.goto("/dashboard/stats")
    assert page.locator(".chart svg").count() == 5
    screenshot(page, "stats.png")
    assert "6</strong> commentaires reçus" in page.content()


class _ApiClient:
    """moderation_helpers.report() takes a Flask test client; this speaks to the live server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def post(self, path: str, json: dict, headers: dict):
        return requests.post(self.base_url + path, json=json, headers=headers, timeout=10)


def test_an_admin_creates_an_account_that_can_sign_in(browser, page, r):
    make_moderator(r, "chef@exemple.fr", role="admin")
    sign_in(page, "chef@exemple.fr", path="/dashboard/admin")
    page.wait_for_url("**/dashboard/admin")
    page.fill("#moderator-create input[name=email]", "nouvelle@exemple.fr")
    page.click("#moderator-create button[type=submit]")
    password = page.inner_text("#password")
    assert "nouvelle@exemple.fr" in page.locator("h1").inner_text()
    page.click("text=Retour à l'administration")
    assert "nouvelle@exemple.fr" in page.inner_text("#moderators")
    assert password not in page.content()

    other = browser.new_context(base_url=page.url.split("/dashboard")[0]).new_page()
    sign_in(other, "nouvelle@exemple.fr", password)
    other.wait_for_url("**/dashboard/queues/review")
    assert "Administration" not in other.content()  # created as a moderator
    other.context.close()
