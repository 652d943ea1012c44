"""French text normalisation that keeps a map back to the original characters.

Every stage is either a regular-expression substitution or a per-character
mapping.  ``normalize`` runs the stages with plain ``re.sub``/``str.translate``
(the scoring hot path); ``normalize_with_offsets`` runs the very same stages
while tracking, for each output character, the span of original characters it
came from, so explanations can point into the text the commenter wrote.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

URL_TOKEN = " xurlx "
EMAIL_TOKEN = " xemailx "
MENTION_TOKEN = " xmentionx "
PHONE_TOKEN = " xphonex "

_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|fr|net|org|io|ly|info|biz|be|ch|eu|shop|xyz|co)(?:/\S*)?\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MENTION = re.compile(r"(?<![\w@])@\w+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")

# Emoji that carry moderation signal get their own token; the rest share one,
# so "🖕" and "🔪" are not lost while "😀" and "🎉" do not bloat the vocabulary.
_EMOJI_NAMES = {
    "🖕": "doigt",
    "🔪": "couteau",
    "🔫": "pistolet",
    "💣": "bombe",
    "💀": "mort",
    "☠": "mort",
    "🐒": "singe",
    "🐵": "singe",
    "🙈": "singe",
    "🦍": "singe",
    "🍌": "banane",
    "🐷": "porc",
    "🐖": "porc",
    "🤮": "vomi",
    "💩": "merde",
    "🤡": "clown",
    "🍆": "sexe",
    "🍑": "sexe",
    "😂": "rire",
    "🤣": "rire",
    "😡": "colere",
    "🤬": "colere",
}
_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF]"
    "[\uFE0E\uFE0F\U0001F3FB-\U0001F3FF\u200D]*"
)

_VOWELS = frozenset("aeiouy")
# Runs of three or more identical letters are never French spelling; two is
# (connard, grosse), so consonant runs shrink to two and vowel runs to one.
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
_REPEATED_SYMBOL = re.compile(r"([^\w\s])\1{3,}")

# Single characters separated by spaces or dots ("c o n n a r d", "c.o.n"):
# three or more in a row are glued back into one word.
_SPACED = re.compile(r"(?<![\w@$])[\w@$](?:[ .\-_·*]{1,2}[\w@$](?![\w@$])){2,}")
_SPACED_SEPARATORS = re.compile(r"[ .\-_·*]")

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "€": "e", "!": "i", "|": "i"}
_LEET_WORD = re.compile(r"[a-z0-9@$€!|]*[a-z][a-z0-9@$€!|]*")
_LEET_CHARS = re.compile(r"[013457@$€|]|!(?=[a-z])")
# Words with other digits, ordinals and units ("13e", "10h", "5km") and short
# product names ("mp3", "g7") are numbers, not disguised letters.
_NOT_LEET = re.compile(r".*[2689].*|\d+[a-z]{1,3}|[a-z]{1,2}\d+")
# A word with letters hidden behind asterisks ("c*nnard", "p*tain", "b***ard"): a run of k
# asterisks stands for 1 to k + 1 letters. Only words of this list are restored, since
# nobody masks a harmless word; the first that fits wins, hence the more common first.
# Words that begin with the mask are left alone: "*très*" is emphasis, not a mask.
_MASKED = re.compile(r"(?<![\w*])[a-z]++(?:\*++[a-z]*+)+")
_MASKABLE_WORDS = (
    "con connard connasse conne salope salaud salopard pute putain merde merdeux merdique "
    "encule enculee enculer enfoire enfoiree batard batarde pd pede tapette tarlouze fiotte gouine "
    "bite couille couilles chatte cul chier chiant foutre niquer nique baiser baise branleur "
    "branler negre negresse negro bougnoule bicot youpin youtre bamboula raton crouille "
    "chinetoque niakoue gueule ordure raclure pouffiasse grognasse garce chienne catin "
    "debile abruti abrutie cretin cretine attarde attardee mongol gogol triso"
).split()
_MASKABLE = tuple(dict.fromkeys(
    form for word in _MASKABLE_WORDS for form in (word, word + "s")
))

_WHITESPACE = re.compile(r"\s+")
_WHITESPACE_TO_FOLD = re.compile(r"\s{2,}|[^\S ]")

_PUNCTUATION = {
    "\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u202f": " ",
}
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"}


class _CharMap(dict):
    """A lazily filled ``str.translate`` table: each code point is computed once.

    ``irregular`` collects the characters that do not map to exactly one
    character, so offset tracking can skip texts that hold none.
    """

    def __init__(self, func: Callable[[str], str]) -> None:
        super().__init__()
        self._func = func
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        value = self[code] = self._func(chr(code))
        if len(value) != 1:
            self.irregular.add(chr(code))
        return value


def _decompose(char: str) -> str:
    """Compatibility-decompose and lower-case one character, accents kept apart."""
    if char in _PUNCTUATION:
        return _PUNCTUATION[char]
    if char in "\uFE0E\uFE0F\u200B\u200C\u200D\u2060\uFEFF\u00AD":
        return ""
    return unicodedata.normalize("NFKD", char.lower()).lower()


def _strip_accent(char: str) -> str:
    if unicodedata.combining(char):
        return ""
    return _LIGATURES.get(char, char)


_DECOMPOSE = _CharMap(_decompose)
_STRIP_ACCENTS = _CharMap(_strip_accent)


def _emoji_token(match: re.Match) -> str:
    name = _EMOJI_NAMES.get(match.group(0)[0], "")
    return f" xemoji{name}x "


def _elongation(match: re.Match) -> str:
    char = match.group(1)
    base = unicodedata.normalize("NFKD", char)[0]
    return char if base in _VOWELS else char * 2


def _symbol_run(match: re.Match) -> str:
    return match.group(1) * 3


def _unspace(match: re.Match) -> str:
    joined = _SPACED_SEPARATORS.sub("", match.group(0))
    # Runs of digits ("1 2 3") or of French one-letter words are left alone.
    if sum(c.isalpha() for c in joined) < 2:
        return match.group(0)
    return joined


@functools.lru_cache(maxsize=4096)
def _unmasked(word: str) -> str:
    parts = re.split(r"(\*+)", word)
    pattern = re.compile("".join(
        f"[a-z]{{1,{len(part) + 1}}}" if part.startswith("*") else re.escape(part) for part in parts
    ))
    return next((form for form in _MASKABLE if pattern.fullmatch(form)), word)


def _unmask(match: re.Match) -> str:
    return _unmasked(match.group(0))


def _unleet(match: re.Match) -> str:
    word = match.group(0)
    if not _LEET_CHARS.search(word) or _NOT_LEET.fullmatch(word):
        return word
    return _LEET_CHARS.sub(lambda m: _LEET[m.group(0)], word)


_Stage = tuple[re.Pattern, "str | Callable[[re.Match], str]"] | _CharMap

_STAGES: tuple[_Stage, ...] = (
    (_EMAIL, EMAIL_TOKEN),
    (_URL, URL_TOKEN),
    (_MENTION, MENTION_TOKEN),
    (_PHONE, PHONE_TOKEN),
    (_EMOJI, _emoji_token),
    _DECOMPOSE,
    (_ELONGATED, _elongation),
    _STRIP_ACCENTS,
    (_REPEATED_SYMBOL, _symbol_run),
    (_SPACED, _unspace),
    (_LEET_WORD, _unleet),
    (_MASKED, _unmask),
    (_WHITESPACE, " "),
)


def normalize(text: str) -> str:
    """Return the normalised form of ``text`` (lower case, no accents, tricks undone).

    URLs, e-mail addresses, @mentions, phone numbers and emoji become tokens
    (``xurlx``, ``xmentionx``…), so term lists can be matched accent- and
    case-insensitively by normalising both sides with this function.
    """
    for stage in _STAGES:
        if isinstance(stage, _CharMap):
            text = text.translate(stage)
        else:
            pattern, repl = stage
            text = pattern.sub(repl, text)
    return text.strip()


Spans = list[tuple[int, int]]


def _translate_tracked(text: str, spans: Spans, table: _CharMap) -> tuple[str, Spans]:
    translated = text.translate(table)
    if table.irregular.isdisjoint(text):
        return translated, spans  # one character for one: the offsets do not move
    irregular = table.irregular
    out_spans: Spans = []
    for char, span in zip(text, spans):
        if char in irregular:
            out_spans.extend([span] * len(table[ord(char)]))
        else:
            out_spans.append(span)
    return translated, out_spans


def _sub_tracked(text: str, spans: Spans, pattern: re.Pattern, repl) -> tuple[str, Spans]:
    if pattern is _WHITESPACE:
        pattern = _WHITESPACE_TO_FOLD  # a lone space is already folded
    matches = list(pattern.finditer(text))
    if not matches:
        return text, spans
    out: list[str] = []
    out_spans: Spans = []
    last = 0
    for match in matches:
        start, end = match.span()
        out.append(text[last:start])
        out_spans.extend(spans[last:start])
        replacement = repl if isinstance(repl, str) else repl(match)
        out.append(replacement)
        if replacement == match.group(0):
            out_spans.extend(spans[start:end])
        elif end > start:
            # A rewritten stretch maps, as a whole, to the original stretch.
            whole = (spans[start][0], spans[end - 1][1])
            out_spans.extend([whole] * len(replacement))
        last = end
    out.append(text[last:])
    out_spans.extend(spans[last:])
    return "".join(out), out_spans


def normalize_with_offsets(text: str) -> tuple[str, Spans]:
    """Normalise ``text`` and return, for each output character, its (start, end) in ``text``."""
    spans: Spans = [(i, i + 1) for i in range(len(text))]
    for stage in _STAGES:
        if isinstance(stage, _CharMap):
            text, spans = _translate_tracked(text, spans, stage)
        else:
            text, spans = _sub_tracked(text, spans, *stage)
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    return stripped, spans[lead : lead + len(stripped)]
