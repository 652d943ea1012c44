"""The classifier interface, trained end to end on the seed comments alone."""

import csv
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import models
from models.data import LABELS, SEEDS_PATH
from models.groups import names_group

TOXIC = "Espèce de c0nnnnard, je vais te faire la peau."
CLEAN = "Merci pour cet article très complet sur le budget de la ville."


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.skops"
    models.train(seeds_only=True, out=path, folds=3)
    return path


@pytest.fixture(scope="module")
def clf(artifact: Path) -> models.Classifier:
    return models.load(artifact)


def test_metadata_records_what_made_the_artifact(clf: models.Classifier, artifact: Path) -> None:
    meta = clf.metadata
    assert clf.labels == LABELS
    assert [f["file"] for f in meta["training_files"]] == [SEEDS_PATH.name]
    assert len(meta["training_files"][0]["sha256"]) == 64
    assert meta["rows"] == meta["training_files"][0]["rows"] > 200
    assert set(meta["versions"]) >= {"sklearn", "numpy", "scipy", "skops", "python"}
    assert clf.version.startswith("fr-") and clf.version.endswith(meta["artifact_sha256"][:8])
    assert json.loads(artifact.with_suffix(".json").read_text()) == meta


def test_thresholds_are_ordered_and_their_goals_recorded(clf: models.Classifier) -> None:
    t = clf.thresholds
    assert set(t) == {"publish_below", "reject_above", "operating"}
    assert 0.0 <= t["publish_below"] < t["operating"] < t["reject_above"] <= 1.0
    meta = clf.metadata
    assert meta["deployment_prior"] == meta["goals"]["deployment_prior"] == models.Goals().deployment_prior
    decisions = meta["cv"]["register_oof"]["decisions_at_deployment_prior"]
    assert decisions["auto_published_share"] + decisions["auto_rejected_share"] + decisions["review_share"] == pytest.approx(1)
    with open(SEEDS_PATH, encoding="utf-8") as handle:
        naming = sum(names_group(row["text"]) for row in csv.DictReader(handle))
    assert meta["cv"]["register_oof"]["group_mentions"]["rows"] == naming > 0
    # The operating cut is the median of the cuts chosen on each fold split.
    assert t["operating"] == pytest.approx(float(np.median(meta["cv"]["register_repeats"]["operating_per_split"])))


def test_training_takes_its_goals_as_parameters(tmp_path: Path) -> None:
    goals = models.Goals(deployment_prior=0.3, max_toxic_among_published=0.02)
    clf = models.train(seeds_only=True, folds=3, goals=goals)
    assert clf.metadata["goals"]["max_toxic_among_published"] == 0.02
    assert clf.metadata["deployment_prior"] == 0.3


def test_scores_have_every_label_in_range(clf: models.Classifier) -> None:
    texts = [TOXIC, CLEAN, "", "🙂", "a" * 5000]
    scores = clf.score(texts)
    assert len(scores) == len(texts)
    for row in scores:
        assert tuple(row) == LABELS
        assert all(isinstance(v, float) and 0.0 <= v <= 1.0 and not math.isnan(v) for v in row.values())
    assert clf.score([]) == []


def test_scores_are_deterministic_and_independent_of_batching(clf: models.Classifier) -> None:
    batch = clf.score([CLEAN, TOXIC])
    assert batch == clf.score([CLEAN, TOXIC])
    assert batch[1] == pytest.approx(clf.score([TOXIC])[0], abs=1e-12)


def test_lean_scorer_matches_the_pipeline(clf: models.Classifier) -> None:
    texts = [TOXIC, CLEAN, "Gagnez 500 euros sur https://x.biz", "c o n n a r d 🖕", "", "mot", "   "]
    expected = clf.pipeline.predict_proba(texts)
    one_by_one = np.array([[clf.score([text])[0][label] for label in LABELS] for text in texts])
    np.testing.assert_allclose(one_by_one, expected, atol=1e-6)
    # Large batches are scored all at once, by other arithmetic.
    batch = np.array([[row[label] for label in LABELS] for row in clf.score(texts * 8)])
    np.testing.assert_allclose(batch, np.vstack([expected] * 8), atol=1e-6)


def test_a_string_is_not_a_batch(clf: models.Classifier) -> None:
    with pytest.raises(TypeError):
        clf.score(TOXIC)


def test_toxic_comment_scores_above_clean_one(clf: models.Classifier) -> None:
    toxic, clean = clf.score([TOXIC, CLEAN])
    assert toxic["toxicity"] > clf.thresholds["operating"] > clean["toxicity"]
    assert toxic["insult"] > clean["insult"]


def test_spam_head_reacts_to_links_and_promotion(clf: models.Classifier) -> None:
    spam, clean = clf.score(["Gagnez 500 euros, code promo ici : https://gains-faciles.biz", CLEAN])
    assert spam["spam"] > 0.5 > clean["spam"]


def test_explanation_points_at_the_offending_words(clf: models.Classifier) -> None:
    text = "Franchement, ce maire est un connnnard et un abruti."
    spans = clf.explain(text, top=4)
    assert 0 < len(spans) <= 4
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
        assert span["label"] in LABELS
    assert [s["weight"] for s in spans] == sorted((s["weight"] for s in spans), reverse=True)
    assert spans[0]["text"] in {"connnnard", "abruti"}
    assert spans[0]["weight"] > 0


def test_explanation_maps_obfuscation_back_to_the_original(clf: models.Classifier) -> None:
    text = "Sale c o n n a r d"
    words = {s["text"] for s in clf.explain(text) if s["weight"] > 0}
    assert "c o n n a r d" in words


def test_a_masked_insult_scores_and_is_explained_like_the_word(clf: models.Classifier) -> None:
    plain, masked = clf.score(["Ce maire est un connard.", "Ce maire est un c*nn*rd."])
    assert masked["toxicity"] == pytest.approx(plain["toxicity"])
    assert "c*nn*rd" in {s["text"] for s in clf.explain("Ce maire est un c*nn*rd.") if s["weight"] > 0}


def test_explanation_of_empty_text(clf: models.Classifier) -> None:
    assert clf.explain("   ") == []
    assert clf.explain("!!! ...") == []


def test_word_contributions_add_up_to_the_score(clf: models.Classifier) -> None:
    """Words carry every n-gram and vector contribution; only spam heuristics, length and intercept remain."""
    scorer = clf._scorer
    normalized = models.normalize("Espèce de connard, va voir ailleurs si j'y suis. Sale type sale type.")
    _, contributions = scorer.contributions(normalized)
    heads = clf.pipeline.named_steps["heads"]
    rest = scorer.unattributed(normalized)
    z = scorer.decision(normalized)
    np.testing.assert_allclose(contributions.sum(axis=0), (z - rest) * heads.calibration_[:, 0], atol=1e-9)


def test_altered_sklearn_version_is_refused(artifact: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model.skops"
    shutil.copy(artifact, copy)
    meta = json.loads(artifact.with_suffix(".json").read_text())
    meta["versions"]["sklearn"] = "0.0.1"
    copy.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(models.ModelVersionError):
        models.load(copy)


def test_types_missing_from_the_metadata_are_refused(artifact: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model.skops"
    shutil.copy(artifact, copy)
    meta = json.loads(artifact.with_suffix(".json").read_text())
    meta["artifact_types"] = [t for t in meta["artifact_types"] if t != "models.heads.LabelHeads"]
    copy.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(models.ArtifactError):
        models.load(copy)
    meta["artifact_types"].append("os.system")
    copy.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(models.ArtifactError, match="allow-list"):
        models.load(copy)


def test_missing_metadata_is_refused(artifact: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model.skops"
    shutil.copy(artifact, copy)
    with pytest.raises(models.ArtifactError):
        models.load(copy)


def test_environment_overrides_the_default_path(
    artifact: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MODERATION_MODEL_PATH", str(tmp_path / "absent.skops"))
    with pytest.raises(models.ArtifactError):
        models.load()
    monkeypatch.setenv("MODERATION_MODEL_PATH", str(artifact))
    assert models.load().version == models.load(artifact).version


def test_committed_artifact_loads_and_scores() -> None:
    clf = models.load(models.DEFAULT_ARTIFACT)
    assert clf.metadata["rows"] > clf.metadata["training_files"][0]["rows"]
    toxic, clean = clf.score([TOXIC, CLEAN])
    assert toxic["toxicity"] > clean["toxicity"]


def test_evaluate_reports_per_functionality(clf: models.Classifier, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "cases.csv",
        ["text", "label", "functionality"],
        [[TOXIC, 1, "insult"], [CLEAN, 0, "neutral"], ["Quel abruti ce type", 1, "insult"]],
    )
    result = models.evaluate(clf, path)
    assert result["rows"] == 3
    assert 0.0 <= result["accuracy"] <= 1.0
    assert set(result["per_functionality"]) == {"insult", "neutral"}


def test_evaluate_reports_comments_naming_a_group_apart(artifact: Path, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "groups.csv",
        ["text", "label"],
        [["Les musulmans du quartier ont ouvert une épicerie solidaire.", 0],
         ["Les réfugiés méritent notre accueil.", 0], [TOXIC, 1], [CLEAN, 0]],
    )
    rates = models.evaluate(models.load(artifact), path)["group_mentions"]
    assert (rates["rows"], rates["acceptable"]) == (2, 2)
    assert rates["toxic_missed"] is None and rates["others_toxic_missed"] is not None
    out = subprocess.run(
        [sys.executable, "-m", "models", "evaluate", str(path), "--model", str(artifact)],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "naming a group: 2 rows (2 acceptable); acceptable flagged" in out


def test_cli_evaluate_prints_one_json_object_per_file(artifact: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cases.csv", ["text", "label"], [[TOXIC, 1], [CLEAN, 0]])
    out = subprocess.run(
        [sys.executable, "-m", "models", "evaluate", str(path), str(path), "--json", "--model", str(artifact)],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert len(out) == 2
    row = json.loads(out[0])
    assert set(row) == {"file", "rows", "roc_auc", "accuracy", "f1", "threshold"}
    assert row["rows"] == 2
