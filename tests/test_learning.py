"""The learning loop: moderators' decisions exported as training rows, and trained on."""

import csv
import json

import numpy as np
import pytest

import models
from models.training import Params, in_register, sample_weights
from moderation import auth, learning

from .moderation_helpers import decide, decide_as_model, submit
from .test_perspective import call, coral_suggest_body


@pytest.fixture
def mod_headers(moderator_token):
    return {"Authorization": f"Bearer {moderator_token}"}


def held(client, r, site_headers, text: str) -> str:
    cid = submit(client, site_headers, text=text)
    decide_as_model(r, cid, to="review", toxicity=0.5)
    return cid


def export(runner, tmp_path) -> tuple[list[dict], str]:
    path = tmp_path / "labels.csv"
    result = runner.invoke(args=["labels", "export", str(path)])
    assert result.exit_code == 0, result.output
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle)), result.output


def test_decisions_become_rows_with_what_their_reason_says(client, r, runner, tmp_path, site_headers, mod_headers,
                                                           monkeypatch):
    monkeypatch.setattr(learning, "BATCH", 2)  # streams and comments read over several pages
    approved = held(client, r, site_headers, "Je ne suis pas d'accord, mais l'argument se tient.")
    insult = held(client, r, site_headers, "Retourne à l'école, abruti.")
    harassment = held(client, r, site_headers, "On sait où tu habites.")
    off_topic = held(client, r, site_headers, "Quelqu'un a vu le match hier ?")
    assert decide(client, mod_headers, approved, "approve", r=r, reason_code="other").status_code == 200
    assert decide(client, mod_headers, insult, "reject", r=r, reason_code="insult").status_code == 200
    assert decide(client, mod_headers, harassment, "hide", r=r, reason_code="harassment").status_code == 200
    assert decide(client, mod_headers, off_topic, "reject", r=r, reason_code="off_topic").status_code == 200
    decide_as_model(r, submit(client, site_headers, text="Publié par le modèle seul."))

    rows, output = export(runner, tmp_path)
    by_text = {row["text"]: row for row in rows}
    assert set(by_text) == {"Je ne suis pas d'accord, mais l'argument se tient.", "Retourne à l'école, abruti.",
                            "On sait où tu habites."}
    ok = by_text["Je ne suis pas d'accord, mais l'argument se tient."]
    rude, creepy = by_text["Retourne à l'école, abruti."], by_text["On sait où tu habites."]
    assert (ok["label"], ok["insult"], ok["spam"]) == ("0", "0", "0")
    assert (rude["label"], rude["insult"], rude["hate"], rude["reason"]) == ("1", "1", "", "insult")
    assert (creepy["label"], creepy["insult"], creepy["threat"]) == ("1", "", "")
    assert all(row["origin"] == "decision" and row["model_version"] == "fixed-1" for row in rows)
    assert "left out: 1 (reason off_topic)" in output


def test_a_later_decision_replaces_the_earlier_one(client, r, runner, tmp_path, site_headers, mod_headers):
    cid = held(client, r, site_headers, "Franchement, quelle bande de nuls.")
    assert decide(client, mod_headers, cid, "reject", r=r, reason_code="insult").status_code == 200
    assert decide(client, mod_headers, cid, "approve", r=r, reason_code="other").status_code == 200
    rows, _ = export(runner, tmp_path)
    assert [(row["text"], row["label"]) for row in rows] == [("Franchement, quelle bande de nuls.", "0")]


def test_perspective_suggestions_become_rows(client, r, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(learning, "BATCH", 2)
    coral = auth.create_client(r, "coral", ["analyze"])
    call(client, "suggestscore", coral_suggest_body("Merci pour cet article.", "APPROVED"), coral)
    call(client, "suggestscore", coral_suggest_body("Espèce de clown.", "APPROVED"), coral)
    call(client, "suggestscore", coral_suggest_body("Espèce de clown.", "DELETED"), coral)  # changed its mind
    call(client, "suggestscore", coral_suggest_body("Tant mieux pour eux.", "DELETED"), coral)
    call(client, "suggestscore", coral_suggest_body("Tant mieux pour eux.", "APPROVED"), coral)  # and back
    call(client, "suggestscore", {"comment": {"text": "Vous êtes des idiots."}, "attributeScores": {
        "TOXICITY": {"summaryScore": {"value": 0.9}}, "INSULT": {"summaryScore": {"value": 1}},
        "THREAT": {"summaryScore": {"value": 0.1}}}}, coral)
    rows, _ = export(runner, tmp_path)
    got = {row["text"]: (row["label"], row["insult"], row["threat"], row["origin"]) for row in rows}
    assert got == {"Merci pour cet article.": ("0", "0", "0", "suggestscore"),
                   "Espèce de clown.": ("1", "", "", "suggestscore"),
                   "Tant mieux pour eux.": ("0", "0", "0", "suggestscore"),
                   "Vous êtes des idiots.": ("1", "1", "0", "suggestscore")}


def test_exported_labels_train_as_the_sites_register(client, r, runner, tmp_path, site_headers, mod_headers):
    for n in range(6):
        ok = held(client, r, site_headers, f"Merci pour ce reportage sur la ville numéro {n}, très instructif.")
        bad = held(client, r, site_headers, f"Ferme-la, sale guignol numéro {n}.")
        assert decide(client, mod_headers, ok, "approve", r=r, reason_code="other").status_code == 200
        assert decide(client, mod_headers, bad, "reject", r=r, reason_code="insult").status_code == 200
    path = tmp_path / "labels.csv"
    assert runner.invoke(args=["labels", "export", str(path)]).exit_code == 0

    clf = models.train(seeds_only=True, repeats=1, site_labels=[path], out=tmp_path / "model.skops")
    recorded = json.loads((tmp_path / "model.json").read_text())["training_files"]
    assert {f["file"]: f["rows"] for f in recorded} == {"training_fr.csv": 321, "labels.csv": 12}
    assert clf.score(["Ferme-la, sale guignol numéro 9."])[0]["toxicity"] > clf.thresholds["operating"]


def test_site_rows_weigh_like_the_forum_register() -> None:
    sources = np.array(["seeds"] * 4 + ["toxifrench_forum_fr"] * 2 + ["site:labels"] * 2 + ["mlma_fr"] * 4,
                       dtype=object)
    weight = sample_weights(sources, Params(register_weight=10.0))
    per_source = {s: weight[sources == s].sum() for s in set(sources)}
    assert per_source["site:labels"] == pytest.approx(per_source["toxifrench_forum_fr"])
    assert per_source["site:labels"] == pytest.approx(10 * per_source["mlma_fr"])
    assert in_register("site:labels") and in_register("toxifrench_forum_fr") and not in_register("mlma_fr")
