"""The words that drove a comment's score, as pieces of its text to mark.

Pieces are plain strings: the template escapes each one and wraps the marked ones in
<mark>, so a comment's text never reaches the page unescaped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..terms import TermList
from . import labels


@dataclass(frozen=True)
class Piece:
    text: str
    kind: str = ""  # "" (plain), "model", "suspect" or "banned"
    title: str = ""


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """terms.fold(text), with the index in `text` of each folded character, so a term found
    in the folded text can be marked in the original."""
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(i)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        for c in "".join(c for c in decomposed if not unicodedata.combining(c)).casefold():
            out.append(c)
            origin.append(i)
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out), origin


def pieces(text: str, spans: list[dict], lists: dict[str, TermList]) -> list[Piece]:
    """`text` cut into pieces: the model's spans with a positive weight (they pushed the score
    up) and the matches of the term lists marked, terms winning where both apply."""
    marks: list[tuple[str, str] | None] = [None] * len(text)
    for span in spans:
        if span.get("weight", 0) <= 0:
            continue
        label = labels.SCORE_LABELS.get(span.get("label", ""), span.get("label", ""))
        title = f"modèle : {label} {span['weight']:+.2f}"
        for i in range(max(span["start"], 0), min(span["end"], len(text))):
            marks[i] = ("model", title)
    folded, origin = fold_with_offsets(text)
    for kind in ("suspect", "banned"):  # banned last: it wins where both match
        term_list = lists.get(kind)
        if term_list is None:
            continue
        for start, end in term_list.find_all(folded):
            title = "terme interdit" if kind == "banned" else "terme suspect"
            for i in range(origin[start], origin[end - 1] + 1):
                marks[i] = (kind, f"{title} : {term_list.describe(folded[start:end], 'écrit')}")
    result: list[Piece] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or marks[i] != marks[start]:
            kind, title = marks[start] or ("", "")
            result.append(Piece(text[start:i], kind, title))
            start = i
    return result
