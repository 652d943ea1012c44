"""Banned and suspect term lists: stored in Redis, matched accent- and case-insensitively.

A banned term sends a comment to rejection, a suspect one to review, whatever its score:
newsrooms keep such lists for names under a court order, slurs of the day, doxxing targets.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
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


class TermList:
    """Compiled matcher over a set of folded terms; a term matches whole words only."""

    def __init__(self, terms: set[str]) -> None:
        self.terms = frozenset(t for t in terms if t)
        body = "|".join(re.escape(t) for t in sorted(self.terms, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if body else None

    def find(self, folded_text: str) -> str | None:
        if self._pattern is None:
            return None
        match = self._pattern.search(folded_text)
        return match.group(0) if match else None

    def find_all(self, folded_text: str) -> list[tuple[int, int]]:
        """(start, end) of every match in `folded_text`, for highlighting."""
        if self._pattern is None:
            return []
        return [m.span() for m in self._pattern.finditer(folded_text)]


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
