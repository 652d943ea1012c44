"""Hand-written spam signals computed on normalised text.

Links, contact details, promotion vocabulary and repeated text are what
separates advertising from discussion; a handful of bounded numeric features
lets a small logistic head learn their weights from the seed comments.
"""

from __future__ import annotations

import re

import numpy as np

_PROMOTION = re.compile(
    r"\b(?:gratuit\w*|promo\w*|code|remise|reduction\w*|offre\w*|gagne[rz]?|gains?|argent|euros?|"
    r"bitcoin|crypto\w*|casino|paris sportifs|inscri\w+|abonne[rz]?\w*|clique[rz]?|cliquez|"
    r"decouvre[rz]?|livraison|commande[rz]?|achete[rz]?|vends?|rembourse\w*|whatsapp|telegram|"
    r"dm|mp|contacte[rz]?|boutique|site|lien|bio|revenus?|travail a domicile|rencontres?|"
    r"celibataires?|perte de poids|kilos?|minceur|pilules?|viagra|investi\w*|trading|forex)\b"
)
_TOKENS = re.compile(r"\bx(?:url|email|phone|mention)x\b")
_WORD = re.compile(r"\w+")
_MONEY = re.compile(r"\d+ ?(?:%|euros?|eur\b|\$|k\b)|\b\d{3,}\b")
_SHOUT = re.compile(r"[!?]{2,}")

FEATURE_NAMES: tuple[str, ...] = (
    "links", "contacts", "promotion", "money", "repetition", "shouting", "length",
)


def spam_features(text: str) -> list[float]:
    """Bounded spam signals for one normalised text, each in [0, 1]."""
    words = _WORD.findall(text)
    n_words = len(words)
    links = text.count("xurlx")
    contacts = len(_TOKENS.findall(text)) - links - text.count("xmentionx")
    repetition = 1.0 - len(set(words)) / n_words if n_words >= 6 else 0.0
    return [
        min(links, 3) / 3,
        min(contacts, 2) / 2,
        min(len(_PROMOTION.findall(text)), 4) / 4,
        min(len(_MONEY.findall(text)), 3) / 3,
        repetition,
        min(len(_SHOUT.findall(text)), 3) / 3,
        min(n_words, 200) / 200,
    ]


def spam_matrix(texts: list[str]) -> np.ndarray:
    return np.array([spam_features(t) for t in texts], dtype=float).reshape(len(texts), len(FEATURE_NAMES))
