"""Banned and suspect term lists: stored in Redis, matched accent- and case-insensitively.

A banned term sends a comment to rejection, a suspect one to review, whatever its score:
newsrooms keep such lists for names under a court order, slurs of the day, doxxing targets.
Masks are seen through: "D*p*nt" or "c*nn*rd", letters hidden one asterisk each, still
match "dupont" and "connard", or the list would be a list of what to mask.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import click
import redis
from flask import Flask
from flask.cli import AppGroup

from . import keys
from .redis_client import cli_redis


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form used on both sides of a match."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


# A commenter may hide any letter of a term behind an asterisk, one for one, except the first
# of each word: a word that starts with "*" is emphasis ("*très*"), not a mask. An asterisk
# between letters belongs to the word, so after a term there must be neither a letter nor
# asterisks running on into one ("con*ard" is not "con"); and a masked last letter followed by
# another asterisk would make the word longer than the term ("dupon**").
_START = r"(?<!\w)"
_END = r"(?!\**\w)(?!(?<=\*)\*)"


def _masked(term: str) -> list[str]:
    """Regex source for each character of `term`, boundaries aside."""
    parts = []
    word_start = True
    for char in term:
        parts.append(f"[{char}*]" if char.isalpha() and not word_start else re.escape(char))
        if char == " ":
            word_start = True
        elif char.isalpha():
            word_start = False
    return parts


@functools.lru_cache(maxsize=1024)
def _alone(term: str) -> re.Pattern:
    return re.compile("".join(_masked(term)) + _END)


def _enough_visible(found: str) -> bool:
    # a match is as long as its term, each "*" standing for one of its letters
    return found.count("*") <= sum(c.isalpha() for c in found)


def _masked_into_a_word(text: str, start: int) -> bool:
    # "x*dupont": the asterisks before the match hide letters of a longer word
    i = start
    while i and text[i - 1] == "*":
        i -= 1
    return 0 < i < start and (text[i - 1].isalnum() or text[i - 1] == "_")


class TermList:
    """Compiled matcher over a set of folded terms; a term matches whole words only, masked
    letters included."""

    def __init__(self, terms: set[str]) -> None:
        self.terms = frozenset(t for t in terms if t)
        # longest first among those sharing a first character, so a term wins over a
        # shorter one it starts with
        self._ordered = tuple(sorted(self.terms, key=lambda t: (t[0], -len(t))))
        # One branch per first character, which is never masked: at each position the engine
        # tries the few terms starting with that character, not the whole list.
        body = "|".join(
            re.escape(first) + "(?:" + "|".join("".join(_masked(t)[1:]) for t in group) + ")"
            for first, group in itertools.groupby(self._ordered, key=lambda t: t[0])
        )
        self._pattern = re.compile(rf"{_START}(?:{body}){_END}") if body else None

    def find(self, folded_text: str) -> str | None:
        for start, end in self._spans(folded_text):
            return folded_text[start:end]
        return None

    def describe(self, found: str, written: str = "written") -> str:
        """A match named by the listed term it stands for, so moderators see which entry
        fired, with the masked spelling when it differs: "dupont (written d*p*nt)"."""
        if found in self.terms:
            return found
        term = next((term for term in self._ordered if len(term) == len(found)
                     and all(f == c or f == "*" for f, c in zip(found, term))), found)
        return term if term == found else f"{term} ({written} {found})"

    def find_all(self, folded_text: str) -> list[tuple[int, int]]:
        """(start, end) of every match in `folded_text`, for highlighting."""
        return list(self._spans(folded_text))

    def _spans(self, folded_text: str) -> Iterator[tuple[int, int]]:
        if self._pattern is None:
            return
        pos = 0
        while match := self._pattern.search(folded_text, pos):
            start, end = match.span()
            if not _masked_into_a_word(folded_text, start):
                if not _enough_visible(match.group()):
                    end = self._shorter_match(folded_text, start, end)
                if end is not None:
                    yield start, end
                    pos = end
                    continue
            pos = start + 1

    def _shorter_match(self, folded_text: str, start: int, end: int) -> int | None:
        """End of the longest term shorter than the rejected match found at `start`: too
        masked for "marie-antoinette", "m*rie-a*********" still names "marie". Terms of the
        same length would have been rejected alike, the asterisks being the same."""
        for term in self._ordered:
            if len(term) < end - start and folded_text.startswith(term[0], start):
                match = _alone(term).match(folded_text, start)
                if match and _enough_visible(match.group()):
                    return match.end()
        return None


def add_terms(r: redis.Redis, kind: str, terms: list[str]) -> int:
    folded = [fold(t) for t in terms if fold(t)]
    return r.sadd(keys.terms(kind), *folded) if folded else 0


def remove_terms(r: redis.Redis, kind: str, terms: list[str]) -> int:
    folded = [fold(t) for t in terms if fold(t)]
    return r.srem(keys.terms(kind), *folded) if folded else 0


def load_lists(r: redis.Redis) -> dict[str, TermList]:
    with r.pipeline(transaction=False) as pipe:
        for kind in keys.TERM_KINDS:
            pipe.smembers(keys.terms(kind))
        found = pipe.execute()
    return {kind: TermList(set(members)) for kind, members in zip(keys.TERM_KINDS, found)}


class TermsCache:
    """Workers re-read the lists at most every `ttl` seconds instead of once per comment."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._expires = 0.0
        self._lists: dict[str, TermList] = {}

    def get(self, r: redis.Redis) -> dict[str, TermList]:
        now = time.monotonic()
        if now >= self._expires:
            lists = load_lists(r)
            with self._lock:
                self._lists, self._expires = lists, now + self.ttl
        return self._lists


terms_cli = AppGroup("terms", help="Manage the banned and suspect term lists.")
kind_arg = click.argument("kind", type=click.Choice(keys.TERM_KINDS))


@terms_cli.command("add")
@kind_arg
@click.argument("terms", nargs=-1)
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False),
              help="Also add every non-empty line of this file.")
def add_command(kind: str, terms: tuple[str, ...], path: str | None) -> None:
    """Add terms to a list (accents and case are ignored when matching)."""
    items = list(terms)
    if path:
        items += [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith("#")]
    with cli_redis() as r:
        click.echo(f"{add_terms(r, kind, items)} term(s) added to {kind}")


@terms_cli.command("remove")
@kind_arg
@click.argument("terms", nargs=-1, required=True)
def remove_command(kind: str, terms: tuple[str, ...]) -> None:
    """Remove terms from a list."""
    with cli_redis() as r:
        click.echo(f"{remove_terms(r, kind, list(terms))} term(s) removed from {kind}")


@terms_cli.command("list")
@kind_arg
def list_command(kind: str) -> None:
    """Print a list, one term a line."""
    with cli_redis() as r:
        for term in sorted(r.smembers(keys.terms(kind))):
            click.echo(term)


def init_app(app: Flask) -> None:
    app.extensions["terms_cache"] = TermsCache(app.config["TERMS_CACHE_SECONDS"])
    app.cli.add_command(terms_cli)
