"""Reading labelled CSV files into texts, a label matrix and per-row sources.

Each file labels what it can: ``label`` is the overall toxicity; the
per-category columns come from whatever the file provides (Jigsaw columns,
MLMA/FTR ``category``, or our own seed columns).  A category a file says
nothing about is NaN, and the head for that category skips the row.
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

LABELS: tuple[str, ...] = ("toxicity", "insult", "threat", "hate", "obscene", "spam")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_PATH = PROJECT_ROOT / "seeds" / "training_fr.csv"

# Which Jigsaw / MLMA annotations stand for which of our categories.
_JIGSAW_COLUMNS = {"insult": "insult", "threat": "threat", "hate": "identity_hate", "obscene": "obscene"}
_MLMA_CATEGORIES = {"insult": {"abusive", "offensive", "disrespectful"}, "hate": {"hateful"}}


@dataclass
class Dataset:
    """Texts with an (n, len(LABELS)) float label matrix (NaN = unknown) and provenance."""

    texts: list[str]
    y: np.ndarray
    sources: np.ndarray
    files: list[dict] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, mask: np.ndarray) -> "Dataset":
        index = np.flatnonzero(mask)
        return Dataset([self.texts[i] for i in index], self.y[index], self.sources[index], self.files)

    @classmethod
    def concat(cls, parts: list["Dataset"]) -> "Dataset":
        return cls(
            [t for p in parts for t in p.texts],
            np.vstack([p.y for p in parts]),
            np.concatenate([p.sources for p in parts]),
            [f for p in parts for f in p.files],
        )


def default_data_dir() -> Path:
    """``MODERATION_DATA_DIR`` if set, else ``../shared/data`` beside the project root."""
    return Path(os.environ.get("MODERATION_DATA_DIR") or PROJECT_ROOT.parent / "shared" / "data")


def train_files(data_dir: str | os.PathLike) -> list[Path]:
    """The CSV files of ``<data_dir>/train``, sorted; empty when the folder is absent."""
    train_dir = Path(data_dir) / "train"
    return sorted(train_dir.glob("*.csv")) if train_dir.is_dir() else []


def sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _flag(value: str | None) -> float:
    if value is None or value.strip() == "":
        return np.nan
    return float(int(float(value)) > 0)


def _row_labels(row: dict[str, str]) -> list[float]:
    toxic = _flag(row.get("label"))
    labels = {"toxicity": toxic}
    categories = {c.strip() for c in (row.get("category") or "").split(";") if c.strip()}
    for name in LABELS[1:]:
        if name in row:
            labels[name] = _flag(row[name])
        elif _JIGSAW_COLUMNS.get(name) in row:
            labels[name] = _flag(row[_JIGSAW_COLUMNS[name]])
        elif name == "hate" and categories & {"racism", "none"}:
            labels[name] = float("racism" in categories)
        elif name in _MLMA_CATEGORIES and categories & _MLMA_CATEGORIES[name]:
            labels[name] = 1.0
        elif name != "spam" and toxic == 0.0:
            # An acceptable comment is no insult, threat, hate or obscenity.
            labels[name] = 0.0
        else:
            labels[name] = np.nan
    return [labels[name] for name in LABELS]


def read_csv(path: str | os.PathLike, source: str | None = None) -> Dataset:
    """Read one labelled CSV (``text,label`` plus optional category columns)."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if (r.get("text") or "").strip()]
    source = source or path.stem
    return Dataset(
        texts=[r["text"] for r in rows],
        y=np.array([_row_labels(r) for r in rows], dtype=float).reshape(len(rows), len(LABELS)),
        sources=np.array([source] * len(rows), dtype=object),
        files=[{"file": path.name, "sha256": sha256(path), "rows": len(rows)}],
    )


def read_rows(path: str | os.PathLike) -> list[dict[str, str]]:
    """All rows of a CSV as dicts, for evaluation files with extra columns."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if (r.get("text") or "").strip()]


# Source name prefix of the site's own labels (``flask --app moderation labels export``).
SITE_PREFIX = "site:"


def load_training_data(
    data_dir: str | os.PathLike | None, seeds_only: bool = False, site_labels: list[str | os.PathLike] = ()
) -> Dataset:
    """The seed file plus, unless ``seeds_only`` or absent, every file of ``<data_dir>/train``,
    plus the site's own labelled files (source ``site:<file stem>``)."""
    parts = [read_csv(SEEDS_PATH, source="seeds")]
    if not seeds_only:
        parts += [read_csv(p) for p in train_files(data_dir if data_dir is not None else default_data_dir())]
    parts += [read_csv(p, source=SITE_PREFIX + Path(p).stem) for p in site_labels]
    return Dataset.concat(parts)
