"""The moderators' dashboard through Flask's test client: sign-in, CSRF, headers, pages,
decisions at the version shown, presence, search, statistics and admin pages."""

from __future__ import annotations

import json
import re

import pytest

from moderation import decision, keys, thresholds
from moderation.dashboard import accounts, highlight, stats
from moderation.terms import TermList
from tests.dashboard_helpers import PASSWORD, csrf_of, make_moderator, page_token, sign_in
from tests.moderation_helpers import decide_as_model, report, submit, version

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> "quoted" & done'


@pytest.fixture
def moderator(r):
    return make_moderator(r)


@pytest.fixture
def signed_in(client, moderator):
    assert sign_in(client, moderator).status_code == 302
    return client


def in_review(client, r, headers, **kwargs) -> str:
    cid = submit(client, headers, **kwargs)
    decide_as_model(r, cid, to="review", toxicity=0.5)
    return cid


def test_signed_out_pages_redirect_to_sign_in(client):
    resp = client.get("/dashboard/queues/review")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/dashboard/login?next=/dashboard/queues/review")
    poll = client.post("/dashboard/queues/review/poll", json={}, headers={"Accept": "application/json"})
    assert poll.status_code in (400, 401)  # no CSRF token and no session: refused either way


def test_sign_in_sets_a_hardened_session_cookie_and_goes_to_next(client, moderator):
    token = csrf_of(client.get("/dashboard/login").get_data(as_text=True))
    resp = client.post("/dashboard/login", data={"email": "  CLAIRE@exemple.fr", "password": PASSWORD,
                                                 "csrf_token": token, "next": "/dashboard/stats"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard/stats"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/dashboard/queues").status_code == 200


def test_next_never_leads_off_site(client, moderator):
    token = csrf_of(client.get("/dashboard/login").get_data(as_text=True))
    resp = client.post("/dashboard/login", data={"email": moderator, "password": PASSWORD,
                                                 "csrf_token": token, "next": "//evil.example/dashboard/"})
    assert resp.headers["Location"] == "/dashboard/queues"


def test_cookie_is_secure_over_https(app, moderator):
    client = app.test_client()
    page = client.get("/dashboard/login", base_url="https://localhost")
    resp = client.post("/dashboard/login", base_url="https://localhost",
                       headers={"Referer": "https://localhost/dashboard/login"},
                       data={"email": moderator, "password": PASSWORD,
                             "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert resp.status_code == 302
    assert "Secure" in resp.headers["Set-Cookie"]


def test_wrong_password_then_lockout_after_five_failures(client, r, moderator):
    for _ in range(keys.LOGIN_MAX_FAILURES - 1):
        resp = sign_in(client, moderator, "wrong-password")
        assert resp.status_code == 401
        assert "Adresse ou mot de passe incorrect" in resp.get_data(as_text=True)
    resp = sign_in(client, moderator, "wrong-password")
    assert "bloqué pendant encore 15 min" in resp.get_data(as_text=True)
    # locked: even the right password is refused until the window ends
    resp = sign_in(client, moderator)
    assert resp.status_code == 401 and "bloqué" in resp.get_data(as_text=True)
    assert 0 < r.ttl(keys.login_failures(moderator)) <= keys.LOGIN_LOCKOUT_SECONDS
    r.delete(keys.login_failures(moderator))
    assert sign_in(client, moderator).status_code == 302


def test_unknown_accounts_are_counted_alike(client, r):
    resp = sign_in(client, "nobody@exemple.fr", "whatever-password")
    assert resp.status_code == 401 and "incorrect" in resp.get_data(as_text=True)
    assert r.get(keys.login_failures("nobody@exemple.fr")) == "1"


def test_password_change_ends_open_sessions(signed_in, r, moderator):
    accounts.create_moderator(r, moderator, "another-password-1", "moderator")
    assert signed_in.get("/dashboard/queues").status_code == 302


def test_sign_out(signed_in):
    token = page_token(signed_in)
    resp = signed_in.post("/dashboard/logout", data={"csrf_token": token})
    assert resp.status_code == 302
    assert signed_in.get("/dashboard/queues").status_code == 302


def test_posts_without_csrf_token_are_refused(signed_in, r, site_headers):
    cid = in_review(signed_in, r, site_headers)
    body = {"action": "approve", "reason_code": "other", "items": [{"id": cid, "version": version(r, cid)}]}
    resp = signed_in.post("/dashboard/decisions", json=body, headers={"Accept": "application/json"})
    assert resp.status_code == 400
    assert "Jeton de sécurité" in resp.get_json()["message"]
    form = signed_in.post("/dashboard/decisions", data={"id": cid, "version": "2", "action": "approve"})
    assert form.status_code == 400
    assert r.hget(keys.comment(cid), "status") == "review"
    # the API, with bearer tokens and no cookies, is not subject to it
    assert signed_in.post("/v1/comments", json={"article_id": "a1", "author_id": "u", "text": "Bonjour"},
                          headers=site_headers).status_code == 202


def test_login_form_needs_its_token_too(client, moderator):
    resp = client.post("/dashboard/login", data={"email": moderator, "password": PASSWORD})
    assert resp.status_code == 400


@pytest.mark.parametrize("path", ["/dashboard/login", "/dashboard/queues", "/dashboard/queues/review",
                                  "/dashboard/stats", "/dashboard/search"])
def test_security_headers(client, moderator, path):
    if path != "/dashboard/login":
        sign_in(client, moderator)
    resp = client.get(path)
    assert resp.status_code == 200
    assert resp.headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    html = resp.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_queue_view_escapes_user_text_and_highlights_terms(signed_in, r, site_headers):
    r.sadd(keys.terms("suspect"), "escroc")
    cid = in_review(signed_in, r, site_headers, text=XSS + " Quel ESCROC", author="<b>auteur</b>")
    r.hset(keys.comment(cid), "spans", json.dumps([{"start": 0, "end": 8, "text": "<script>", "label": "insult",
                                                     "weight": 0.7}]))
    report(signed_in, site_headers, cid, "membre-<i>", reason="insult", note="<img src=y onerror=alert(3)>")
    html = signed_in.get("/dashboard/queues/review").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and "<img src=y" not in html
    assert '<mark class="model" title="modèle : insulte +0.70">&lt;script&gt;</mark>' in html
    assert '<mark class="suspect" title="terme suspect : escroc">ESCROC</mark>' in html
    assert "&lt;b&gt;auteur&lt;/b&gt;" in html and "membre-&lt;i&gt;" in html
    assert "&lt;img src=y onerror=alert(3)&gt;" in html
    page = signed_in.get(f"/dashboard/comments/{cid}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_highlight_pieces_map_folded_terms_back_to_the_original():
    text = "Un  Élu   véreux, vraiment."
    lists = {"banned": TermList({"elu vereux"}), "suspect": TermList(set())}
    pieces = highlight.pieces(text, [{"start": 23, "end": 26, "label": "toxicity", "weight": -0.3}], lists)
    assert [(p.text, p.kind) for p in pieces] == [("Un  ", ""), ("Élu   véreux", "banned"), (", vraiment.", "")]
    assert "".join(p.text for p in pieces) == text


def test_highlight_marks_a_masked_term_without_the_emphasis_around_it():
    lists = {"banned": TermList({"dupont"}), "suspect": TermList(set())}
    pieces = highlight.pieces("Encore ce **D*p*nt**.", [], lists)
    assert [(p.text, p.kind, p.title) for p in pieces] == [
        ("Encore ce **", "", ""), ("D*p*nt", "banned", "terme interdit : dupont (écrit d*p*nt)"), ("**.", "", "")]


def test_decision_from_the_page_and_stale_refusal(signed_in, r, site_headers, moderator):
    cid = in_review(signed_in, r, site_headers)
    seen = version(r, cid)
    token = page_token(signed_in, "/dashboard/queues/review")
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    body = {"action": "reject", "reason_code": "insult", "items": [{"id": cid, "version": seen}]}
    resp = signed_in.post("/dashboard/decisions", json=body, headers=headers)
    [result] = resp.get_json()["results"]
    assert result["outcome"] == "applied" and result["status"] == "rejected"
    stored = json.loads(r.hget(keys.comment(cid), "decision"))
    assert stored["decided_by"] == moderator and stored["reason_code"] == "insult"
    again = signed_in.post("/dashboard/decisions", json={**body, "action": "approve"}, headers=headers)
    [stale] = again.get_json()["results"]
    assert stale["outcome"] == "stale"
    assert stale["message"].startswith("Décision refusée : ce commentaire a changé depuis son affichage")
    assert r.hget(keys.comment(cid), "status") == "rejected"


def test_plain_form_decision_without_script(signed_in, r, site_headers):
    cid = in_review(signed_in, r, site_headers)
    token = page_token(signed_in, "/dashboard/queues/review")
    resp = signed_in.post("/dashboard/decisions", data={
        "csrf_token": token, "id": cid, "version": str(version(r, cid)), "action": "hide",
        "reason_code": "spam", "next": "/dashboard/queues/review"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard/queues/review"
    assert r.hget(keys.comment(cid), "status") == "hidden"
    assert "Décision enregistrée : masqué." in signed_in.get("/dashboard/queues/review").get_data(as_text=True)


def test_invalid_decisions_are_explained(signed_in, r, site_headers):
    cid = in_review(signed_in, r, site_headers)
    token = page_token(signed_in)
    resp = signed_in.post("/dashboard/decisions", json={"action": "delete", "reason_code": "insult",
                                                        "items": [{"id": cid, "version": 1}]},
                          headers={"X-CSRFToken": token})
    assert resp.status_code == 422 and resp.get_json()["message"].startswith("Décision invalide")


def test_author_action_from_the_dashboard(signed_in, r, site_headers, moderator):
    in_review(signed_in, r, site_headers, author="membre-9")
    token = page_token(signed_in)
    resp = signed_in.post("/dashboard/authors/membre-9/actions",
                          json={"action": "suspend", "duration_hours": 72}, headers={"X-CSRFToken": token})
    assert resp.get_json() == {"message": "Auteur membre-9 : suspendu.", "state": "suspended"}
    page = signed_in.get("/dashboard/authors/membre-9").get_data(as_text=True)
    assert "Suspendre" in page and moderator in page
    bad = signed_in.post("/dashboard/authors/membre-9/actions", json={"action": "suspend"},
                         headers={"X-CSRFToken": token})
    assert bad.status_code == 422


def test_poll_reports_new_items_decisions_and_presence(app, signed_in, r, site_headers):
    first = in_review(signed_in, r, site_headers)
    make_moderator(r, "paul@exemple.fr")
    other = app.test_client()
    sign_in(other, "paul@exemple.fr")
    other_token = page_token(other, "/dashboard/queues/review")
    other.post("/dashboard/queues/review/poll", json={"shown": [first], "focus": first},
               headers={"X-CSRFToken": other_token})
    token = page_token(signed_in, "/dashboard/queues/review")
    second = in_review(signed_in, r, site_headers, text="Un autre avis.")
    resp = signed_in.post("/dashboard/queues/review/poll", json={"shown": [first], "first_page": True},
                          headers={"X-CSRFToken": token}).get_json()
    assert resp["sizes"]["review"] == 2
    assert set(resp["top"]) == {first, second}
    assert resp["present"] == {first: ["paul@exemple.fr"]}
    assert resp["states"][first]["in_queue"] is True
    signed_in.post("/dashboard/decisions", json={"action": "approve", "reason_code": "other",
                                                 "items": [{"id": first, "version": version(r, first)}]},
                   headers={"X-CSRFToken": token})
    resp = other.post("/dashboard/queues/review/poll", json={"shown": [first]},
                      headers={"X-CSRFToken": other_token}).get_json()
    assert resp["states"][first] == {"in_queue": False, "status": "published", "version": 3,
                                     "status_label": "publié",
                                     "decided_by": "claire@exemple.fr"}
    items = signed_in.get("/dashboard/queues/review/items").get_data(as_text=True)
    assert f'id="item-{second}"' in items and "<html" not in items


def test_search_by_author_article_and_text(signed_in, r, site_headers):
    a = in_review(signed_in, r, site_headers, author="membre-1", article="art-1", text="Le budget est équilibré.")
    b = in_review(signed_in, r, site_headers, author="membre-2", article="art-1", text="Quelle ARNAQUE ce budget")
    c = in_review(signed_in, r, site_headers, author="membre-2", article="art-2", text="Sans rapport.")
    by_author = signed_in.get("/dashboard/search?author=membre-2").get_data(as_text=True)
    assert b in by_author and c in by_author and a not in by_author
    by_article = signed_in.get("/dashboard/search?article=art-1").get_data(as_text=True)
    assert a in by_article and b in by_article and c not in by_article
    by_text = signed_in.get("/dashboard/search?q=arnaque").get_data(as_text=True)
    assert b in by_text and a not in by_text
    assert "3 commentaire(s) récents examinés" in by_text


def test_comment_page_shows_the_audit_trail(signed_in, r, site_headers):
    cid = in_review(signed_in, r, site_headers)
    report(signed_in, site_headers, cid, "membre-7", reason="spam")
    html = signed_in.get(f"/dashboard/comments/{cid}").get_data(as_text=True)
    assert html.count("<tr>") == 1 + 3  # header, submitted, model, report
    assert "submitted" in html and "signalement" in html and "Spam" in html
    assert signed_in.get("/dashboard/comments/c_nope").status_code == 404


def test_statistics_from_the_audit_stream(signed_in, r, site_headers):
    kept = in_review(signed_in, r, site_headers)
    published = submit(signed_in, site_headers)
    decide_as_model(r, published, to="published")
    report(signed_in, site_headers, published, "membre-3", reason="hate")
    token = page_token(signed_in)
    for cid, action in ((published, "reject"), (kept, "approve")):
        signed_in.post("/dashboard/decisions", json={"action": action, "reason_code": "hate",
                                                     "items": [{"id": cid, "version": version(r, cid)}]},
                       headers={"X-CSRFToken": token})
    html = signed_in.get("/dashboard/stats?period=24h").get_data(as_text=True)
    assert "<strong>2</strong> commentaires reçus" in html
    assert "<strong>3</strong> décisions, dont <strong>33 %</strong> automatiques" in html
    assert "(1 sur 1)" in html  # the model's publication, rejected by a moderator
    assert html.count("<svg") >= 5  # charts drawn on the server
    assert "Haine" in html and "Approuvé" in html
    assert signed_in.get("/dashboard/stats?period=30j").status_code == 200


def test_statistics_compare_held_comments_naming_a_group_with_the_others(signed_in, r, site_headers):
    texts = {"Les musulmans de mon quartier ont organisé la collecte.": "approve",
             "Les réfugiés ont été bien accueillis à la mairie.": "approve",
             "Les femmes sont toutes des idiotes.": "reject",
             "Ce ministre est un incapable notoire.": "reject",
             "Article bâclé, encore une fois.": "approve"}
    token = page_token(signed_in)
    for text, action in texts.items():
        cid = in_review(signed_in, r, site_headers, text=text)
        signed_in.post("/dashboard/decisions", json={"action": action, "reason_code": "insult",
                                                     "items": [{"id": cid, "version": version(r, cid)}]},
                       headers={"X-CSRFToken": token})
    html = signed_in.get("/dashboard/stats?period=24h").get_data(as_text=True)
    line = re.search(r'<li id="held-by-group">(.*?)</li>', html, re.S).group(1)
    assert "<strong>67 %</strong> (2 sur 3)" in line.split("de ceux qui nomment")[0]
    assert "<strong>50 %</strong> (1 sur 2)" in line.split("de ceux qui nomment")[1]


def test_statistics_count_what_happened_in_the_current_millisecond(r):
    millisecond = 1_764_000_000_123
    r.xadd(keys.AUDIT, {"comment_id": "c1", "actor": "model", "from": "pending", "to": "published",
                        "at": "0"}, id=f"{millisecond}-0")
    end = (millisecond + 0.6) / 1000  # "now", later in the same millisecond
    assert stats.collect(r, end - 3600, end, 3600, 1000).by_model == 1
    assert stats.collect(r, end, end + 3600, 3600, 1000).by_model == 0  # the next period starts after it


def test_admin_pages_are_for_admins(signed_in):
    assert signed_in.get("/dashboard/admin").status_code == 403
    assert "Administration" not in signed_in.get("/dashboard/queues").get_data(as_text=True)


def test_admin_manages_clients_terms_and_thresholds(client, r, app):
    make_moderator(r, "admin@exemple.fr", role="admin")
    sign_in(client, "admin@exemple.fr")
    token = page_token(client, "/dashboard/admin")
    created = client.post("/dashboard/admin/clients", data={"csrf_token": token, "name": "outil",
                                                            "scopes": ["moderation"]})
    shown = re.search(r'id="token">(mod_[^<]+)<', created.get_data(as_text=True)).group(1)
    assert client.get("/v1/queues", headers={"Authorization": f"Bearer {shown}"}).status_code == 200
    assert shown not in client.get("/dashboard/admin").get_data(as_text=True)
    client.post("/dashboard/admin/clients/outil/quota", data={"csrf_token": token, "qps": "2,5"})
    # the page shows the quota in its field
    assert 'value="2.5"' in client.get("/dashboard/admin").get_data(as_text=True)
    bad = client.post("/dashboard/admin/clients/outil/quota", data={"csrf_token": token, "qps": "0"},
                      follow_redirects=True)
    assert "supérieur à 0" in bad.get_data(as_text=True)
    assert json.loads(r.hget(keys.CLIENTS, "outil"))["qps"] == 2.5
    client.post("/dashboard/admin/clients/outil/quota", data={"csrf_token": token, "qps": ""})
    assert json.loads(r.hget(keys.CLIENTS, "outil"))["qps"] is None
    client.post("/dashboard/admin/clients/outil/revoke", data={"csrf_token": token})
    assert json.loads(r.hget(keys.CLIENTS, "outil"))["revoked_at"]

    client.post("/dashboard/admin/terms", data={"csrf_token": token, "kind": "banned", "op": "add",
                                                "terms": "Élu véreux\nescroc\n"})
    assert r.smembers(keys.terms("banned")) == {"elu vereux", "escroc"}
    client.post("/dashboard/admin/terms", data={"csrf_token": token, "kind": "banned", "op": "remove",
                                                "terms": "escroc"})
    assert r.smembers(keys.terms("banned")) == {"elu vereux"}

    bad = client.post("/dashboard/admin/thresholds", data={"csrf_token": token, "publish_below": "0,8",
                                                          "reject_above": "0.3"}, follow_redirects=True)
    assert "inférieur ou égal" in bad.get_data(as_text=True)
    client.post("/dashboard/admin/thresholds", data={"csrf_token": token, "publish_below": "0,05",
                                                     "reject_above": ""})
    assert thresholds.read_overrides(r) == {"publish_below": 0.05}
    app.extensions["thresholds_cache"] = thresholds.ThresholdsCache(0)
    policy = decision.current_policy(app)
    assert policy.publish_below == 0.05
    assert policy.reject_above == app.extensions["classifier"].thresholds["reject_above"]


def test_admin_manages_moderator_accounts(app, client, r):
    make_moderator(r, "admin@exemple.fr", role="admin")
    sign_in(client, "admin@exemple.fr")
    token = page_token(client, "/dashboard/admin")
    created = client.post("/dashboard/admin/moderators", data={"csrf_token": token, "email": " Paul@Exemple.fr ",
                                                                "role": "moderator"})
    first = re.search(r'id="password">([^<]+)<', created.get_data(as_text=True)).group(1)
    assert accounts.get_moderator(r, "paul@exemple.fr").role == "moderator"
    assert first not in client.get("/dashboard/admin").get_data(as_text=True)  # shown once only
    r.set(keys.login_failures("paul@exemple.fr"), 2)
    again = client.post("/dashboard/admin/moderators", data={"csrf_token": token, "email": "paul@exemple.fr",
                                                              "role": "admin"}, follow_redirects=True)
    assert "existe déjà" in again.get_data(as_text=True)
    assert r.get(keys.login_failures("paul@exemple.fr")) == "2"  # nor its failed sign-ins forgiven
    assert accounts.authenticate(r, "paul@exemple.fr", first).moderator  # not reset by the attempt

    paul = app.test_client()
    assert sign_in(paul, "paul@exemple.fr", first).status_code == 302
    assert paul.get("/dashboard/queues").status_code == 200
    reset = client.post("/dashboard/admin/moderators/paul@exemple.fr/password", data={"csrf_token": token})
    second = re.search(r'id="password">([^<]+)<', reset.get_data(as_text=True)).group(1)
    assert paul.get("/dashboard/queues").status_code == 302  # the old password's session is over
    assert not accounts.authenticate(r, "paul@exemple.fr", first).moderator
    assert sign_in(paul, "paul@exemple.fr", second).status_code == 302

    client.post("/dashboard/admin/moderators/paul@exemple.fr/role", data={"csrf_token": token, "role": "admin"})
    assert accounts.get_moderator(r, "paul@exemple.fr").is_admin
    assert paul.get("/dashboard/admin").status_code == 200  # same password, session kept

    client.post("/dashboard/admin/moderators/paul@exemple.fr/delete", data={"csrf_token": token})
    assert accounts.get_moderator(r, "paul@exemple.fr") is None
    assert paul.get("/dashboard/queues").status_code == 302


def test_the_last_admin_cannot_be_removed_or_demoted(client, r):
    make_moderator(r, "admin@exemple.fr", role="admin")
    make_moderator(r, "claire@exemple.fr")
    sign_in(client, "admin@exemple.fr")
    token = page_token(client, "/dashboard/admin")
    own = client.post("/dashboard/admin/moderators/admin@exemple.fr/delete", data={"csrf_token": token},
                      follow_redirects=True)
    assert "votre propre compte" in own.get_data(as_text=True)
    demoted = client.post("/dashboard/admin/moderators/admin@exemple.fr/role",
                          data={"csrf_token": token, "role": "moderator"}, follow_redirects=True)
    assert "dernier administrateur" in demoted.get_data(as_text=True)
    assert accounts.get_moderator(r, "admin@exemple.fr").is_admin
    # With a second admin, the first may step down.
    client.post("/dashboard/admin/moderators/claire@exemple.fr/role", data={"csrf_token": token, "role": "admin"})
    client.post("/dashboard/admin/moderators/admin@exemple.fr/role", data={"csrf_token": token, "role": "moderator"})
    assert not accounts.get_moderator(r, "admin@exemple.fr").is_admin


def _meanwhile(action):
    """A change function for update_moderator that, the first time it runs (between the
    read and the write), lets another admin act through another connection."""
    calls = []

    def wrap(change):
        def run(record):
            if not calls:
                calls.append(record)
                action()
            return change(record)
        return run
    return wrap, calls


def test_a_role_change_keeps_a_password_reset_made_meanwhile(r, redis_url):
    import redis

    make_moderator(r, "paul@exemple.fr")
    other = redis.Redis.from_url(redis_url, decode_responses=True)
    wrap, calls = _meanwhile(lambda: accounts.reset_password(other, "paul@exemple.fr", "nouveau-mot-de-passe"))
    changed = accounts.update_moderator(r, "paul@exemple.fr", wrap(lambda rec: {**rec, "role": "admin"}))
    assert len(calls) == 1 and changed.is_admin
    # The reset was not written over with the hash the role change first read.
    assert accounts.authenticate(r, "paul@exemple.fr", "nouveau-mot-de-passe").moderator.is_admin
    assert not accounts.authenticate(r, "paul@exemple.fr", PASSWORD).moderator
    other.close()


def test_two_admins_demoting_each_other_at_once_leave_one(r, redis_url):
    import redis

    make_moderator(r, "anne@exemple.fr", role="admin")
    make_moderator(r, "paul@exemple.fr", role="admin")
    other = redis.Redis.from_url(redis_url, decode_responses=True)
    wrap, _ = _meanwhile(lambda: accounts.set_role(other, "paul@exemple.fr", "moderator"))
    with pytest.raises(accounts.LastAdmin):
        accounts.update_moderator(r, "anne@exemple.fr", wrap(lambda rec: {**rec, "role": "moderator"}))
    assert [m.email for m in accounts.list_moderators(r) if m.is_admin] == ["anne@exemple.fr"]
    with pytest.raises(accounts.LastAdmin):
        accounts.delete_moderator(r, "anne@exemple.fr")
    other.close()


def test_moderators_cannot_manage_accounts(signed_in, r):
    token = page_token(signed_in)
    resp = signed_in.post("/dashboard/admin/moderators", data={"csrf_token": token, "email": "x@exemple.fr",
                                                                "role": "admin"})
    assert resp.status_code == 403
    assert accounts.get_moderator(r, "x@exemple.fr") is None
    assert signed_in.post("/dashboard/admin/moderators/claire@exemple.fr/role",
                          data={"csrf_token": token, "role": "admin"}).status_code == 403
    assert not accounts.get_moderator(r, "claire@exemple.fr").is_admin


def test_account_addresses_are_escaped_on_the_admin_page(client, r):
    make_moderator(r, "admin@exemple.fr", role="admin")
    make_moderator(r, '"><script>alert(1)</script>@exemple.fr')
    sign_in(client, "admin@exemple.fr")
    page = client.get("/dashboard/admin").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@exemple.fr" in page


def test_admin_page_lists_clients_created_before_per_key_quotas(client, r):
    make_moderator(r, "admin@exemple.fr", role="admin")
    r.hset(keys.CLIENTS, "ancien", json.dumps({"name": "ancien", "scopes": ["analyze"], "token_sha256": "0" * 64,
                                               "created_at": 1_700_000_000.0, "revoked_at": None}))
    sign_in(client, "admin@exemple.fr")
    page = client.get("/dashboard/admin")
    assert page.status_code == 200
    assert 'aria-label="Quota de ancien"' in page.get_data(as_text=True)


def test_thresholds_are_cached_like_terms(r):
    cache = thresholds.ThresholdsCache(60)
    assert cache.get(r) == {}
    thresholds.set_overrides(r, 0.1, 0.9)
    assert cache.get(r) == {}  # within the TTL the worker keeps its copy
    assert thresholds.ThresholdsCache(0).get(r) == {"publish_below": 0.1, "reject_above": 0.9}
    thresholds.set_overrides(r, None, None)
    assert thresholds.read_overrides(r) == {}


def test_dashboard_closed_without_secret_key(r, app_config):
    from moderation import create_app

    app = create_app({**app_config, "SECRET_KEY": None})
    resp = app.test_client().get("/dashboard/login")
    assert resp.status_code == 503 and "SECRET_KEY" in resp.get_data(as_text=True)


def test_moderators_cli(runner, r, monkeypatch):
    result = runner.invoke(args=["moderators", "create", "Lea@Exemple.fr", "--role", "admin", "--generate"])
    assert result.exit_code == 0, result.output
    password = result.output.split("password: ")[1].strip()
    assert accounts.authenticate(r, "lea@exemple.fr", password).moderator.role == "admin"
    result = runner.invoke(args=["moderators", "create", "marc@exemple.fr"],
                           input="un-mot-de-passe\nun-mot-de-passe\n")
    assert result.exit_code == 0, result.output
    assert accounts.authenticate(r, "marc@exemple.fr", "un-mot-de-passe").moderator.role == "moderator"
    short = runner.invoke(args=["moderators", "create", "x@exemple.fr"], input="court\ncourt\n")
    assert short.exit_code != 0 and "at least" in short.output
    assert "marc@exemple.fr\tmoderator" in runner.invoke(args=["moderators", "list"]).output
    assert runner.invoke(args=["moderators", "delete", "marc@exemple.fr"]).exit_code == 0
    assert accounts.get_moderator(r, "marc@exemple.fr") is None
    last = runner.invoke(args=["moderators", "delete", "lea@exemple.fr"])
    assert last.exit_code != 0 and "last admin" in last.output
    assert accounts.get_moderator(r, "lea@exemple.fr").is_admin


def test_demo_moderator_and_secret_are_kept(r, tmp_path):
    email, password = accounts.demo_moderator(r, tmp_path)
    assert accounts.demo_moderator(r, tmp_path) == (email, password)
    assert (tmp_path / "demo-moderator.password").stat().st_mode & 0o777 == 0o600
    secret = accounts.persistent_secret(tmp_path / "secret_key")
    assert accounts.persistent_secret(tmp_path / "secret_key") == secret and len(secret) > 40
